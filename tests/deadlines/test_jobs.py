"""Each deadline job for its date: what it flags, marks and tells whom; and that running it again changes nothing."""

from datetime import date

import pytest

from advisors.models import Agreement
from deadlines import services
from deadlines.models import Flag
from ledger.models import LedgerSubmission, TownshipLedger, WorkLog
from notifications.models import Notification
from villages.models import ServicePeriod

from .conftest import at, lecture, log

pytestmark = pytest.mark.django_db


def flags(kind=None, **filters) -> set[tuple]:
    queryset = Flag.objects.filter(**filters)
    if kind:
        queryset = queryset.filter(kind=kind)
    return {(f.kind, f.period, f.village.name if f.village else f.township.name) for f in queryset}


def notified(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("pk").values_list("title", flat=True))


def submit_ledger(agreement, year, month, submitted_at, **fields):
    return LedgerSubmission.objects.create(
        advisor=agreement.advisor,
        village=agreement.village,
        year=year,
        month=month,
        submitted_at=submitted_at,
        **fields,
    )


# --- the 20th: ledger reminder ---


def test_it_reminds_each_advisor_once_of_the_villages_whose_ledger_is_not_submitted(district):
    d = district
    submit_ledger(d.zhang_village, 2026, 3, at(date(2026, 3, 18)))

    result = services.remind_ledgers_due(on=date(2026, 3, 20))

    assert result["ledgers"] == 2  # zhang's second village and li's
    [reminder] = Notification.objects.filter(recipient=d.zhang.user)
    assert reminder.key == f"ledger_reminder:2026-03:{d.zhang.pk}"
    assert reminder.title == "请于2026年3月25日前报送2026年3月工作台账"
    assert "李家村" in reminder.body and "王庄村" not in reminder.body
    assert len(notified(d.li.user)) == 1
    assert notified(d.other_bureau_advisor.user) == []  # due on the 15th there: reminded on the 10th


def test_it_reminds_a_bureau_on_its_own_reminder_day(district):
    services.remind_ledgers_due(on=date(2026, 3, 10))

    assert notified(district.other_bureau_advisor.user) == ["请于2026年3月15日前报送2026年3月工作台账"]
    assert notified(district.zhang.user) == []


def test_it_reminds_nobody_twice_nor_on_another_day(district):
    services.remind_ledgers_due(on=date(2026, 3, 20))
    again = services.remind_ledgers_due(on=date(2026, 3, 20))
    other_day = services.remind_ledgers_due(on=date(2026, 3, 21))

    assert again["notified"] == 0
    assert other_day["ledgers"] == 0
    assert Notification.objects.filter(recipient=district.zhang.user).count() == 1


# --- the due day (25th), end of day: ledgers overdue ---


def test_it_marks_missing_ledgers_late_flags_them_and_tells_advisor_and_office(district):
    d = district
    submit_ledger(d.zhang_village, 2026, 3, at(date(2026, 3, 25), 23, 59))  # on time, at the last minute
    LedgerSubmission.objects.create(
        advisor=d.li, village=d.other_township_village, year=2026, month=3
    )  # a draft row

    result = services.mark_ledgers_overdue(on=date(2026, 3, 25))

    assert result["overdue"] == 2
    missing = LedgerSubmission.objects.get(village=d.second_village, year=2026, month=3)
    assert (missing.is_late, missing.submitted_at) == (True, None)
    assert LedgerSubmission.objects.get(village=d.other_township_village).is_late
    assert not LedgerSubmission.objects.get(village=d.village).is_late
    assert flags(Flag.Kind.LEDGER_OVERDUE) == {
        ("ledger_overdue", "2026-03", "李家村"),
        ("ledger_overdue", "2026-03", "桃园社区"),
    }
    assert notified(d.zhang.user) == ["2026年3月工作台账逾期未报"]
    assert notified(d.office_user) == ["柳林镇：1 份2026年3月台账逾期未报"]
    assert "李家村（张明）" in Notification.objects.get(recipient=d.office_user).body
    assert notified(d.other_office_user) == ["桃园街道：1 份2026年3月台账逾期未报"]
    assert notified(d.bureau_admin_user) == []
    assert notified(d.other_bureau_office) == []  # not their due day


def test_a_ledger_submitted_after_the_due_day_is_late_when_the_job_catches_up(district):
    d = district
    submit_ledger(d.zhang_village, 2026, 3, at(date(2026, 3, 27)))
    submit_ledger(d.zhang_second, 2026, 3, at(date(2026, 3, 24)))
    submit_ledger(d.li_agreement, 2026, 3, at(date(2026, 3, 20)))

    services.mark_ledgers_overdue(on=date(2026, 3, 25))  # run late, on the 28th

    late = LedgerSubmission.objects.get(village=d.village)
    assert late.is_late and late.submitted_at is not None
    assert flags(Flag.Kind.LEDGER_OVERDUE) == {("ledger_overdue", "2026-03", "王庄村")}
    assert not LedgerSubmission.objects.filter(is_late=True).exclude(village=d.village).exists()


def test_a_late_ledger_stays_marked_late_once_submitted(district):
    d = district
    services.mark_ledgers_overdue(on=date(2026, 3, 25))
    LedgerSubmission.objects.filter(village=d.village).update(submitted_at=at(date(2026, 3, 28)))

    services.mark_ledgers_overdue(on=date(2026, 3, 25))

    assert LedgerSubmission.objects.get(village=d.village).is_late


def test_the_overdue_job_run_twice_writes_everything_once(district):
    first = services.mark_ledgers_overdue(on=date(2026, 3, 25))
    counts = (LedgerSubmission.objects.count(), Flag.objects.count(), Notification.objects.count())

    second = services.mark_ledgers_overdue(on=date(2026, 3, 25))

    assert (LedgerSubmission.objects.count(), Flag.objects.count(), Notification.objects.count()) == counts
    assert first["notified"] > 0 and second["notified"] == 0


def test_a_village_without_an_agreement_owes_no_ledger(district):
    services.mark_ledgers_overdue(on=date(2026, 3, 25))

    assert not LedgerSubmission.objects.filter(village=district.vacant_village).exists()


def test_the_due_day_on_a_weekend_is_kept(district):
    saturday = date(2026, 4, 25)

    assert services.mark_ledgers_overdue(on=saturday)["overdue"] == 3
    assert services.mark_ledgers_overdue(on=date(2026, 4, 27))["overdue"] == 0  # not moved to Monday


def test_an_advisor_without_a_login_is_named_to_the_office(district):
    d = district
    d.zhang.user = None
    d.zhang.save()

    services.mark_ledgers_overdue(on=date(2026, 3, 25))

    body = Notification.objects.get(recipient=d.office_user).body
    assert "王庄村（张明）" in body and "李家村（张明）" in body


# --- the last day of the month ---


def test_it_reminds_offices_on_the_last_day_whose_township_ledger_is_not_forwarded(district):
    d = district
    TownshipLedger.objects.create(
        township=d.other_township, year=2026, month=4, forwarded_at=at(date(2026, 4, 29))
    )

    result = services.remind_township_ledgers(on=date(2026, 4, 30))

    assert notified(d.office_user) == ["今天是2026年4月乡镇台账报送司法局的截止日"]
    assert notified(d.other_office_user) == []
    assert notified(d.other_bureau_office) == ["今天是2026年4月乡镇台账报送司法局的截止日"]
    assert result["townships"] == 2
    assert services.remind_township_ledgers(on=date(2026, 4, 29))["townships"] == 0


@pytest.mark.parametrize(
    "last_day, not_last",
    [
        (date(2026, 2, 28), date(2026, 2, 27)),
        (date(2028, 2, 29), date(2028, 2, 28)),
        (date(2026, 4, 30), date(2026, 4, 29)),
        (date(2026, 12, 31), date(2026, 12, 30)),
    ],
)
def test_the_month_end_runs_on_the_last_day_of_every_month_length(district, last_day, not_last):
    d = district
    month_start = last_day.replace(day=1)
    log(d.zhang_village, month_start, hours="8.00")  # a visit and the month's 8 hours

    assert services.month_end(on=not_last)["flags"] == 0
    result = services.month_end(on=last_day)

    period = f"{last_day.year}-{last_day.month:02d}"
    assert flags(Flag.Kind.NO_ONSITE_VISIT, bureau=d.bureau) == {
        ("no_onsite_visit", period, "李家村"),
        ("no_onsite_visit", period, "桃园社区"),
    }
    assert flags(Flag.Kind.SHORT_HOURS, bureau=d.bureau) == {
        ("short_hours", period, "李家村"),
        ("short_hours", period, "桃园社区"),
    }
    assert result["villages_short"] == 3  # and the other bureau's village
    assert notified(d.zhang.user) == [f"{last_day.year}年{last_day.month}月服务未达要求"]
    assert "李家村" in Notification.objects.get(recipient=d.zhang.user).body


def test_the_month_end_counts_only_filed_onsite_work_of_the_month_seed_002(district):
    d = district
    log(
        d.zhang_village, date(2026, 4, 2), mode="phone", hours="8.00"
    )  # not on site: neither a visit nor hours
    log(d.zhang_second, date(2026, 4, 3), status=WorkLog.Status.DRAFT, hours="8.00")  # not filed
    log(d.li_agreement, date(2026, 3, 31), hours="8.00")  # last month
    log(
        d.li_agreement, date(2026, 4, 30), submitted_at=at(date(2026, 5, 2)), hours="8.00"
    )  # filed after month end

    services.month_end(on=date(2026, 4, 30))

    assert {name for _, _, name in flags(Flag.Kind.NO_ONSITE_VISIT, bureau=d.bureau)} == {
        "王庄村",
        "李家村",
        "桃园社区",
    }
    assert {name for _, _, name in flags(Flag.Kind.SHORT_HOURS, bureau=d.bureau)} == {
        "王庄村",
        "李家村",
        "桃园社区",
    }


def test_the_month_end_marks_township_ledgers_not_forwarded_late(district):
    d = district
    TownshipLedger.objects.create(
        township=d.other_township, year=2026, month=4, forwarded_at=at(date(2026, 4, 30), 22)
    )

    services.month_end(on=date(2026, 4, 30))

    late = TownshipLedger.objects.get(township=d.township, year=2026, month=4)
    assert (late.is_late, late.forwarded_at) == (True, None)
    assert not TownshipLedger.objects.get(township=d.other_township).is_late
    assert flags(Flag.Kind.TOWNSHIP_LEDGER_NOT_FORWARDED, bureau=d.bureau) == {
        ("township_ledger_not_forwarded", "2026-04", "柳林镇")
    }
    assert "柳林镇2026年4月乡镇台账逾期未报送司法局" in notified(d.office_user)


def test_hours_counted_by_quarter_are_judged_at_the_quarters_end_only(district):
    d = district
    d.bureau.service_hours_period = ServicePeriod.QUARTER
    d.bureau.save()
    for month in (4, 5, 6):
        log(d.zhang_village, date(2026, month, 10), hours="3.00")  # 9 hours in the quarter, 3 a month

    services.month_end(on=date(2026, 4, 30))
    assert flags(Flag.Kind.SHORT_HOURS, bureau=d.bureau) == set()

    services.month_end(on=date(2026, 6, 30))
    assert flags(Flag.Kind.SHORT_HOURS, bureau=d.bureau) == {
        ("short_hours", "2026-Q2", "李家村"),
        ("short_hours", "2026-Q2", "桃园社区"),
    }


def test_the_month_end_run_twice_writes_everything_once(district):
    services.month_end(on=date(2026, 4, 30))
    counts = (Flag.objects.count(), Notification.objects.count(), TownshipLedger.objects.count())

    assert services.month_end(on=date(2026, 4, 30))["notified"] == 0
    assert (Flag.objects.count(), Notification.objects.count(), TownshipLedger.objects.count()) == counts


# --- quarter end: lectures ---


def test_villages_without_a_filed_lecture_this_quarter_are_flagged_and_people_told(district):
    d = district
    lecture(d.zhang_village, date(2026, 2, 10))
    lecture(d.zhang_second, date(2026, 3, 5), status=WorkLog.Status.DRAFT)  # not filed
    lecture(d.li_agreement, date(2025, 12, 20))  # last quarter

    result = services.quarter_end_lectures(on=date(2026, 3, 31))

    assert result["flags"] == 3  # 李家村, 桃园社区 and the other bureau's village
    assert flags(Flag.Kind.LECTURE_MISSING, bureau=d.bureau) == {
        ("lecture_missing", "2026-Q1", "李家村"),
        ("lecture_missing", "2026-Q1", "桃园社区"),
    }
    assert notified(d.zhang.user) == ["2026年第1季度法治讲座未备案"]
    assert notified(d.office_user) == ["柳林镇：1 个村(社区)2026年第1季度讲座未备案"]
    assert services.quarter_end_lectures(on=date(2026, 3, 30))["flags"] == 0


@pytest.mark.parametrize("quarter_end", [date(2026, 6, 30), date(2026, 9, 30), date(2026, 12, 31)])
def test_the_lecture_check_runs_at_every_quarter_end(district, quarter_end):
    assert services.quarter_end_lectures(on=quarter_end)["flags"] == 4


def test_a_bureau_requiring_two_lectures_a_quarter_flags_a_village_with_one(district):
    d = district
    d.bureau.lectures_required = 2
    d.bureau.save()
    lecture(d.zhang_village, date(2026, 2, 10))

    services.quarter_end_lectures(on=date(2026, 3, 31))

    assert ("lecture_missing", "2026-Q1", "王庄村") in flags(bureau=d.bureau)


# --- 31 March: agreements not filed ---


def test_agreements_not_filed_by_the_deadline_are_flagged_to_the_bureau(district):
    d = district
    Agreement.objects.filter(pk=d.zhang_village.pk).update(
        status=Agreement.Status.FILED, filed_on=date(2026, 3, 1)
    )

    result = services.agreements_unfiled(on=date(2026, 3, 31))

    assert result["flags"] == 2
    assert {f.agreement_id for f in Flag.objects.filter(kind=Flag.Kind.AGREEMENT_UNFILED)} == {
        d.zhang_second.pk,
        d.li_agreement.pk,
    }
    assert notified(d.bureau_admin_user) == ["2 份2026年法律顾问协议逾期未备案"]
    assert notified(d.bureau_staff_user) == ["2 份2026年法律顾问协议逾期未备案"]
    assert notified(d.office_user) == []


def test_an_agreement_starting_in_march_has_a_month_to_be_filed(district):
    d = district
    Agreement.objects.update(status=Agreement.Status.FILED, filed_on=date(2026, 1, 5))
    Agreement.objects.filter(pk=d.li_agreement.pk).update(
        start_date=date(2026, 3, 15), status=Agreement.Status.SIGNED
    )

    assert services.agreements_unfiled(on=date(2026, 3, 31))["flags"] == 0


def test_the_filing_deadline_is_the_bureaus(district):
    assert (
        services.agreements_unfiled(on=date(2026, 3, 31))["flags"] == 3
    )  # not the other bureau's (15 April)
    assert services.agreements_unfiled(on=date(2026, 4, 15))["flags"] == 1


# --- 1 July / 1 January: the review opens ---


def test_the_review_opens_on_the_first_of_july_and_january(district):
    assert services.open_review(on=date(2026, 7, 1))["review"] == "2026-H1"
    assert services.open_review(on=date(2027, 1, 1))["review"] == "2026"
    assert services.open_review(on=date(2026, 7, 2))["review"] is None


def test_a_late_ledger_submitted_after_all_resolves_its_flag_and_stays_late(district):
    d = district
    services.mark_ledgers_overdue(on=date(2026, 3, 25))
    LedgerSubmission.objects.filter(village=d.second_village).update(submitted_at=at(date(2026, 3, 27)))

    resolved = services.ledger_overdue_resolve(
        advisor_id=d.zhang.pk, village_id=d.second_village.pk, year=2026, month=3, at=at(date(2026, 3, 27))
    )

    assert resolved == 1
    assert not Flag.objects.open().filter(village=d.second_village).exists()
    assert Flag.objects.open().count() == 2
    assert LedgerSubmission.objects.get(village=d.second_village).is_late


# --- the jobs' set-based writes are in the audit trail (auditlog's per-row signals do not see them) ---


def test_bulk_marking_late_is_recorded_in_the_audit_trail(district):
    from audit.models import AuditEntry

    services.mark_ledgers_overdue(on=date(2026, 3, 25))
    services.month_end(on=date(2026, 4, 30))

    entries = AuditEntry.objects.filter(event="bulk_change").order_by("pk")
    assert [e.additional_data["model"] for e in entries] == [
        "ledger.LedgerSubmission",
        "ledger.TownshipLedger",
    ]
    ledgers = entries[0].additional_data
    assert (ledgers["year"], ledgers["month"], ledgers["is_late"]) == (2026, 3, True)
    assert ledgers["rows_marked"] + ledgers["rows_missing"] >= 2
    assert district.township.pk in entries[1].additional_data["late_townships"]
