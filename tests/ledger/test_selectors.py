"""Who sees which work logs, and the figures of an advisor's villages (see the map in tests/conftest.py)."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from ledger.models import Lecture, ServiceMode, WorkLog
from ledger.selectors import (
    get_worklog_for_user,
    incidents_visible_to,
    lectures_visible_to,
    village_progress,
    worklogs_visible_to,
)
from programme.calendar import month_of, quarter_of
from tests.factories import AgreementFactory, WorkLogFactory
from villages.models import ServicePeriod, Village

pytestmark = pytest.mark.django_db

S = WorkLog.Status


@pytest.fixture
def logs(whole_map):
    """A log in each state in `village`, one in `second_village`, one from last year in `vacant_village`, and one
    each in the other township, the other bureau, and `village` by its previous advisor."""
    w = whole_map
    in_village = {
        status: WorkLogFactory(agreement=w.agreement, status=status, service_date=date(2026, 6, 1))
        for status in S.values
    }
    previous = AgreementFactory(
        advisor__bureau=w.bureau,
        village=w.village,
        start_date=date(2024, 1, 1),
        end_date=date(2024, 12, 31),
        ended=True,
    )
    return SimpleNamespace(
        **{f"village_{status}": log for status, log in in_village.items()},
        second_village=WorkLogFactory(agreement=w.second_agreement),
        last_year=WorkLogFactory(agreement=w.past_agreement),
        previous_advisor=WorkLogFactory(agreement=previous),
        other_township=WorkLogFactory(agreement=w.other_agreement),
        other_bureau=WorkLogFactory(agreement=w.other_bureau_agreement),
    )


def in_village(logs, *statuses) -> set[WorkLog]:
    return {getattr(logs, f"village_{status}") for status in statuses}


FILED = (S.SUBMITTED, S.CONFIRMED, S.VERIFIED, S.RETURNED)


def test_it_shows_bureau_users_every_filed_log_of_their_bureau_and_none_of_another(whole_map, logs):
    expected = in_village(logs, *FILED) | {
        logs.second_village,
        logs.last_year,
        logs.previous_advisor,
        logs.other_township,
    }

    assert set(worklogs_visible_to(whole_map.bureau_admin_user)) == expected
    assert set(worklogs_visible_to(whole_map.bureau_staff_user)) == expected


def test_it_shows_the_other_bureau_only_its_own_logs(whole_map, logs):
    assert set(worklogs_visible_to(whole_map.other_bureau_admin_user)) == {logs.other_bureau}


def test_it_shows_office_staff_the_filed_logs_of_their_township_only(whole_map, logs):
    township_logs = in_village(logs, *FILED) | {logs.second_village, logs.last_year, logs.previous_advisor}

    assert set(worklogs_visible_to(whole_map.office_user)) == township_logs
    assert set(worklogs_visible_to(whole_map.other_office_user)) == {logs.other_township}


def test_it_shows_an_advisor_their_own_logs_including_drafts_and_past_agreements(whole_map, logs):
    assert set(worklogs_visible_to(whole_map.advisor_user)) == in_village(logs, *S.values) | {
        logs.second_village,
        logs.last_year,
    }
    assert set(worklogs_visible_to(whole_map.other_advisor_user)) == {logs.other_township}


def test_it_shows_a_liaison_their_villages_filed_logs_by_any_advisor_but_never_a_draft(whole_map, logs):
    assert set(worklogs_visible_to(whole_map.liaison_user)) == in_village(logs, *FILED) | {
        logs.previous_advisor
    }


def test_it_shows_a_stranger_and_an_anonymous_visitor_nothing(whole_map, logs):
    assert not worklogs_visible_to(whole_map.stranger).exists()
    assert not worklogs_visible_to(AnonymousUser()).exists()


def test_it_shows_a_superuser_everything(whole_map, logs):
    assert worklogs_visible_to(whole_map.superuser).count() == WorkLog.objects.count() == 10


@pytest.mark.parametrize(
    ("persona", "visible"),
    [
        ("advisor_user", True),
        ("liaison_user", False),
        ("office_user", False),
        ("other_office_user", False),
        ("other_advisor_user", False),
        ("other_bureau_admin_user", False),
        ("stranger", False),
    ],
)
def test_it_opens_a_draft_to_its_advisor_only_and_404s_for_everyone_else(whole_map, logs, persona, visible):
    # SECURITY
    user = getattr(whole_map, persona)
    draft = logs.village_draft

    if visible:
        assert get_worklog_for_user(user, draft.pk) == draft
    else:
        with pytest.raises(Http404):
            get_worklog_for_user(user, draft.pk)


def test_it_scopes_lectures_like_their_logs(whole_map, logs):
    filed = Lecture.objects.create(worklog=logs.village_submitted, topic="民法典进农村", outline="提纲")
    draft = Lecture.objects.create(worklog=logs.village_draft, topic="草稿讲座", outline="提纲")
    elsewhere = Lecture.objects.create(worklog=logs.other_bureau, topic="外局讲座", outline="提纲")

    assert set(lectures_visible_to(whole_map.liaison_user)) == {filed}
    assert set(lectures_visible_to(whole_map.advisor_user)) == {filed, draft}
    assert set(lectures_visible_to(whole_map.other_bureau_admin_user)) == {elsewhere}
    assert not lectures_visible_to(whole_map.stranger).exists()


def test_it_scopes_incidents_to_the_bureau_the_township_and_the_reporting_advisor(whole_map, logs):
    from ledger.models import Incident

    w = whole_map
    here = Incident.objects.create(village=w.village, advisor=w.advisor, summary="征地补偿纠纷")
    there = Incident.objects.create(village=w.other_township_village, advisor=w.other_advisor, summary="拆迁")

    assert set(incidents_visible_to(w.bureau_admin_user)) == {here, there}
    assert set(incidents_visible_to(w.office_user)) == {here}
    assert set(incidents_visible_to(w.advisor_user)) == {here}
    assert not incidents_visible_to(w.liaison_user).exists()
    assert not incidents_visible_to(w.other_bureau_admin_user).exists()
    assert not incidents_visible_to(AnonymousUser()).exists()


# --- months and quarters ---


@pytest.mark.parametrize(
    ("day", "quarter"),
    [
        (date(2026, 1, 1), (date(2026, 1, 1), date(2026, 4, 1))),
        (date(2026, 3, 31), (date(2026, 1, 1), date(2026, 4, 1))),
        (date(2026, 6, 15), (date(2026, 4, 1), date(2026, 7, 1))),
        (date(2026, 9, 30), (date(2026, 7, 1), date(2026, 10, 1))),
        (date(2026, 10, 1), (date(2026, 10, 1), date(2027, 1, 1))),
        (date(2026, 12, 31), (date(2026, 10, 1), date(2027, 1, 1))),
    ],
)
def test_it_gives_the_quarter_of_a_day_with_an_exclusive_end(day, quarter):
    assert (quarter_of(day).start, quarter_of(day).stop) == quarter


@pytest.mark.parametrize(
    ("day", "month"),
    [
        (date(2026, 1, 1), (date(2026, 1, 1), date(2026, 2, 1))),
        (date(2028, 2, 29), (date(2028, 2, 1), date(2028, 3, 1))),
        (date(2026, 11, 30), (date(2026, 11, 1), date(2026, 12, 1))),
        (date(2026, 12, 31), (date(2026, 12, 1), date(2027, 1, 1))),
    ],
)
def test_it_gives_the_month_of_a_day_with_an_exclusive_end(day, month):
    assert (month_of(day).start, month_of(day).stop) == month


# --- an advisor's villages this month and quarter (today is 2026-06-15, in the second quarter) ---


def log(agreement, day, *, status=S.SUBMITTED, mode=ServiceMode.ONSITE, hours="2.50", lecture=False):
    worklog = WorkLogFactory(
        agreement=agreement,
        service_date=day,
        status=status,
        mode=mode,
        hours=Decimal(hours),  # the figures read `hours`: set directly, whatever the times
    )
    if lecture:
        Lecture.objects.create(worklog=worklog, topic="法治讲座", outline="提纲")
    return worklog


@pytest.fixture
def june(today, bureau, advisor, agreement, second_agreement, village):
    """`village`'s work this quarter; `second_village` has none."""
    log(agreement, date(2026, 6, 1), status=S.SUBMITTED, hours="2.50")
    log(agreement, date(2026, 6, 10), status=S.CONFIRMED, hours="2.50")
    log(agreement, date(2026, 6, 12), status=S.VERIFIED, mode=ServiceMode.PHONE, hours="1.00")
    # Not counted: a draft and a returned log this month.
    log(agreement, date(2026, 6, 13), status=S.DRAFT, hours="4.00")
    log(agreement, date(2026, 6, 14), status=S.RETURNED, hours="4.00")
    # Earlier this quarter: hours per quarter, and the quarter's lecture.
    log(agreement, date(2026, 5, 20), status=S.VERIFIED, hours="3.00")
    log(agreement, date(2026, 4, 10), status=S.CONFIRMED, hours="2.00", lecture=True)
    log(agreement, date(2026, 4, 11), status=S.DRAFT, hours="2.00", lecture=True)
    # The last quarter counts for nothing here.
    log(agreement, date(2026, 3, 31), status=S.VERIFIED, hours="5.00", lecture=True)
    # The village's previous advisor (2025), with a log the factory dates into this month: only the advisor
    # filter keeps it out of these figures (the rules allow one advisor per village at a time).
    someone_else = AgreementFactory(
        advisor__bureau=bureau,
        village=village,
        start_date=date(2025, 1, 1),
        end_date=date(2025, 12, 31),
        ended=True,
    )
    log(someone_else, date(2026, 6, 2), hours="6.00", lecture=True)
    return Village.objects.select_related("township__bureau").filter(
        pk__in=[village.pk, second_agreement.village_id]
    )


def progress_of(advisor, villages, today) -> dict[str, object]:
    return {
        p.village.name: p for p in village_progress(advisor=advisor, villages=list(villages), today=today)
    }


def test_it_counts_this_months_on_site_visits_and_on_site_hours_against_the_monthly_requirement_seed_002(
    advisor, june, today
):
    progress = progress_of(advisor, june, today)["王庄村"]

    assert progress.onsite_visits == 2
    assert progress.onsite_required == 1
    assert progress.visits_met
    assert progress.hours == Decimal("5.00")  # the hour on the phone is not on site
    assert (progress.hours_required, progress.hours_period) == (8, "每月")
    assert not progress.hours_met
    assert progress.lectures == 1
    assert progress.lectures_met
    assert progress.waiting == 1


def test_it_counts_on_site_hours_over_the_quarter_when_the_bureau_says_so_seed_003(
    advisor, bureau, june, today
):
    bureau.service_hours_period = ServicePeriod.QUARTER
    bureau.save()

    progress = progress_of(advisor, june.all(), today)["王庄村"]

    assert progress.hours == Decimal("10.00")  # 5.00 on site in June, 3.00 in May, 2.00 in April
    assert progress.hours_period == "每季度"
    assert progress.hours_met
    assert progress.onsite_visits == 2  # visits stay monthly


def test_it_shows_nothing_done_for_a_village_without_logs(advisor, june, today):
    progress = progress_of(advisor, june, today)["李家村"]

    assert (progress.onsite_visits, progress.hours, progress.lectures, progress.waiting) == (
        0,
        Decimal("0"),
        0,
        0,
    )
    assert not (progress.visits_met or progress.hours_met or progress.lectures_met)


def test_it_counts_a_log_still_waiting_for_the_village_from_an_earlier_quarter(
    advisor, agreement, june, today
):
    log(agreement, date(2026, 2, 10), status=S.SUBMITTED)

    assert progress_of(advisor, june, today)["王庄村"].waiting == 2


def test_it_applies_the_bureaus_own_requirements(advisor, bureau, june, today):
    bureau.onsite_visits_per_month = 3
    bureau.lectures_required = 2
    bureau.service_hours_required = 5
    bureau.save()

    progress = progress_of(advisor, june.all(), today)["王庄村"]

    assert (progress.onsite_required, progress.lectures_required, progress.hours_required) == (3, 2, 5)
    assert not progress.visits_met
    assert not progress.lectures_met
    assert progress.hours_met


def test_it_reads_all_villages_in_a_fixed_number_of_queries(
    advisor, june, today, django_assert_max_num_queries
):
    villages = list(june)

    with django_assert_max_num_queries(2):
        village_progress(advisor=advisor, villages=villages, today=today)
