"""The monthly rollup behind the statistics (ledger/rollups.py): kept current by every write of a log, equal to the
live computation over the logs, rebuilt by the month-end job and by `rebuild_rollups`.

Every test runs on `today` (2026-06-15): `advisor_user` serves `village` (liaison `liaison_user`) and
`second_village` in `township` (office `office_user`); `other_advisor` serves a village of `other_township`.
"""

from datetime import date, time
from decimal import Decimal

import pytest
from django.core.management import call_command

from deadlines import services as deadline_services
from ledger import reports, rollups
from ledger.models import Lecture, ServiceMode, ServiceType, WorkLog, WorkLogMonthly
from ledger.services import (
    WorkLogInput,
    lecture_create,
    worklog_confirm,
    worklog_create,
    worklog_return,
    worklog_submit,
    worklog_update,
    worklog_verify,
)
from tests.factories import WorkLogFactory

pytestmark = pytest.mark.django_db


def log_data(village, day: date, *codes: str, people: int = 1, mode=ServiceMode.ONSITE) -> WorkLogInput:
    return WorkLogInput(
        village=village,
        service_types=list(ServiceType.objects.filter(code__in=codes or ("consultation",))),
        values={
            "service_date": day,
            "start_time": time(9, 0),
            "end_time": time(10, 30),
            "mode": mode,
            "object_name": "王大爷",
            "object_situation": "本村村民",
            "object_phone": "13800000001",
            "content": "咨询宅基地使用权继承问题。",
            "result": "已解答。",
            "people_served": people,
        },
    )


def rollup_rows() -> set[tuple]:
    return set(
        WorkLogMonthly.objects.values_list(
            "bureau_id",
            "township_id",
            "advisor_id",
            "year",
            "month",
            "service_type_id",
            "logs",
            "people",
            "hours",
            "onsite",
            "lectures",
        )
    )


def live(bureau, key: str, start: date, end: date) -> tuple[dict, dict]:
    """The statistics' numbers computed from the logs themselves, as before the rollup."""
    totals, by_type = reports._grouped_counts(
        WorkLog.objects.filter(
            village__township__bureau=bureau, service_date__gte=start, service_date__lt=end
        ),
        key,
        bureau=bureau,
    )
    return (
        {k: {n: v for n, v in row.items() if v} for k, row in totals.items()},
        {k: (row["n"], row["people"]) for k, row in by_type.items()},
    )


def from_rollup(bureau, key: str, months: range) -> tuple[dict, dict]:
    rollup = WorkLogMonthly.objects.filter(bureau=bureau, year=2026, month__in=list(months))
    totals, by_type = reports._rollup_counts(rollup, key.replace("village__", ""))
    return (
        {k: {n: v for n, v in row.items() if v} for k, row in totals.items()},
        {k: (row["n"], row["people"]) for k, row in by_type.items()},
    )


def test_the_rollup_follows_the_log_transitions_and_equals_the_live_counts(
    bureau, advisor_user, other_advisor_user, village, second_village, other_township_village,
    liaison_user, office_user, django_capture_on_commit_callbacks,
):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        draft = worklog_create(by=advisor_user, data=log_data(village, date(2026, 6, 2)))
    assert not WorkLogMonthly.objects.exists()  # a draft is not counted

    with django_capture_on_commit_callbacks(execute=True):
        _write_the_half_year(
            advisor_user, other_advisor_user, village, second_village, other_township_village, liaison_user,
            office_user, draft,
        )  # fmt: skip

    kept = rollup_rows()
    assert kept  # and it is what rebuilding from the logs gives
    call_command("rebuild_rollups")
    assert rollup_rows() == kept
    assert not WorkLogMonthly.objects.filter(month=4).exists()  # the returned log left April

    for key in ("village__township_id", "advisor_id"):
        assert from_rollup(bureau, key, range(1, 7)) == live(bureau, key, date(2026, 1, 1), date(2026, 7, 1))
        assert from_rollup(bureau, key, range(6, 7)) == live(bureau, key, date(2026, 6, 1), date(2026, 7, 1))


def _write_the_half_year(
    advisor_user, other_advisor_user, village, second_village, other_township_village, liaison_user, office_user,
    draft,
):  # fmt: skip

    submitted = worklog_create(
        by=advisor_user, data=log_data(village, date(2026, 6, 3), people=5), submit=True
    )
    worklog_submit(worklog=draft, by=advisor_user)
    mediation = worklog_create(
        by=advisor_user,
        data=log_data(
            second_village, date(2026, 5, 20), "contract_review", "consultation", mode=ServiceMode.PHONE
        ),
        submit=True,
    )
    worklog_confirm(worklog=submitted, by=liaison_user)
    worklog_verify(worklog=WorkLog.objects.get(pk=submitted.pk), by=office_user)
    returned = worklog_create(
        by=advisor_user, data=log_data(village, date(2026, 4, 8), people=3), submit=True
    )
    worklog_return(worklog=returned, by=office_user, reason="电话有误")
    lecture_create(
        by=advisor_user,
        data=log_data(village, date(2026, 6, 12), "publicity", people=40),
        topic="民法典进农村",
        attendance=40,
        outline="一、婚姻家庭",
    )
    worklog_create(
        by=other_advisor_user, data=log_data(other_township_village, date(2026, 6, 4)), submit=True
    )
    # A returned log moved to another month and submitted again: out of April, into March.
    returned = WorkLog.objects.get(pk=returned.pk)
    worklog_update(
        worklog=returned, by=advisor_user, data=log_data(village, date(2026, 3, 30), people=2), submit=True
    )
    # Written around the services (as the admin or a factory would): a log and then a lecture on it.
    extra = WorkLogFactory(
        agreement=mediation.agreement, service_date=date(2026, 2, 11), mode="phone", people_served=4
    )
    Lecture.objects.create(worklog=extra, topic="防范电信诈骗", attendance=30)


def test_the_statistics_read_the_rollup(bureau, agreement, other_agreement):
    WorkLogFactory(agreement=agreement, service_date=date(2026, 6, 3), people_served=5)
    WorkLogFactory(agreement=other_agreement, service_date=date(2026, 5, 3), hours=Decimal("1.50"))
    WorkLogMonthly.objects.all().delete()  # as if the logs had been bulk-loaded

    by_township, _ = reports.work_statistics(bureau=bureau, year=2026, half=1).tables
    assert by_township.totals[-1] == 0

    call_command("rebuild_rollups", "--year", "2026")
    by_township, by_advisor = reports.work_statistics(bureau=bureau, year=2026, half=1).tables
    assert by_township.totals[-1] == 2 and by_township.totals[-2] == Decimal("4.00")
    assert by_advisor.totals[-1] == 2


def test_the_month_end_job_rebuilds_the_month(bureau, agreement):
    WorkLogFactory(agreement=agreement, service_date=date(2026, 5, 12))
    WorkLogFactory(agreement=agreement, service_date=date(2026, 4, 12))
    WorkLogMonthly.objects.all().delete()

    deadline_services.month_end(on=date(2026, 5, 31))

    assert set(WorkLogMonthly.objects.values_list("month", flat=True)) == {5}


def test_rebuild_rollups_refuses_a_month_without_a_year():
    with pytest.raises(Exception, match="--month"):
        call_command("rebuild_rollups", "--month", "13")


def test_a_bureaus_rebuild_leaves_the_others_alone(
    bureau, agreement, other_bureau_agreement, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        WorkLogFactory(agreement=agreement, service_date=date(2026, 6, 3))
        WorkLogFactory(agreement=other_bureau_agreement, service_date=date(2026, 6, 3))
    before = rollup_rows()

    rollups.rebuild_month(2026, 6, bureau_ids=[bureau.pk])

    assert rollup_rows() == before and len(before) == 4  # a totals row and a consultation row each
