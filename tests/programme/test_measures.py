"""The programme's measures: what counts as on-site work, and when a requirement is met, in progress or short."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from deadlines.models import Flag
from deadlines.services import quarter_end_lectures
from ledger.models import Lecture, ServiceMode, WorkLog
from programme.calendar import month_of
from programme.measures import Measure, Rules, State, judge
from tests.factories import WorkLogFactory
from villages.models import Bureau

pytestmark = pytest.mark.django_db


def test_a_new_bureau_counts_visits_at_the_village_and_at_the_door_as_on_site_seed_004():
    bureau = Bureau(name="某区司法局", code="410100")
    assert sorted(bureau.onsite_modes) == ["home_visit", "onsite"]
    assert (bureau.lectures_required, bureau.lectures_period, bureau.verification_days) == (1, "quarter", 10)


def test_a_bureau_must_name_at_least_one_valid_on_site_mode_seed_002(bureau):
    for modes in ([], ["teleport"]):
        bureau.onsite_modes = modes
        with pytest.raises(ValidationError, match="至少选择一种"):
            bureau.full_clean()


def test_a_requirement_is_in_progress_until_its_period_ends_then_short_seed_001():
    june = month_of(date(2026, 6, 1))
    assert judge(0, 1, june, date(2026, 6, 30)) == State.IN_PROGRESS
    assert judge(0, 1, june, date(2026, 7, 1)) == State.SHORT
    assert judge(1, 1, june, date(2026, 6, 2)) == State.MET
    assert judge(0, 1, june, date(2026, 7, 1), judged=False) == State.NOT_JUDGED
    assert Measure(Decimal("6"), 8, june, date(2026, 6, 20)).percent == 75


def _log(agreement, day, mode, hours="4.00", lecture=False):
    log = WorkLogFactory(
        agreement=agreement,
        service_date=day,
        mode=mode,
        hours=Decimal(hours),
        status=WorkLog.Status.SUBMITTED,
    )
    if lecture:
        Lecture.objects.create(worklog=log, topic="法治讲座", outline="提纲")
    return log


def test_the_advisors_home_counts_a_door_to_door_visit_and_not_a_phone_call_seed_002(
    client, today, advisor_user, agreement
):
    _log(agreement, date(2026, 6, 3), ServiceMode.PHONE, hours="8.50")
    client.force_login(advisor_user)
    page = client.get("/").content.decode()
    assert "0/1 次" in page and "0/8 小时" in page

    _log(agreement, date(2026, 6, 4), ServiceMode.HOME_VISIT, hours="0.50")
    page = client.get("/").content.decode()
    assert "1/1 次" in page and "0.5/8 小时" in page


def test_the_bureau_chooses_which_modes_are_on_site_for_the_dashboard_too_seed_002(
    client, today, bureau, bureau_staff_user, agreement
):
    _log(agreement, date(2026, 6, 3), ServiceMode.PHONE, hours="8.50")
    client.force_login(bureau_staff_user)

    def villages_visited() -> int:
        # The month asked for: the page opens on May while May's ledgers are missing.
        page = client.get("/deadlines/?month=2026-06").content.decode()
        return int(re.search(r"<b>(\d+)/\d+</b>本月到村服务达", page).group(1))

    assert villages_visited() == 0
    bureau.onsite_modes = ["onsite", "home_visit", "phone"]  # a bureau that counts calls (not the default)
    bureau.save()
    assert villages_visited() == 1


def test_a_bureau_asking_two_lectures_a_year_is_flagged_at_the_years_end_only_seed_003(bureau, agreement):
    bureau.lectures_period = "year"
    bureau.lectures_required = 2
    bureau.save()
    _log(agreement, date(2026, 2, 10), ServiceMode.ONSITE, lecture=True)

    assert quarter_end_lectures(on=date(2026, 3, 31))["flags"] == 0  # not due at a quarter's end
    quarter_end_lectures(on=date(2026, 12, 31))

    flag = Flag.objects.get(kind=Flag.Kind.LECTURE_MISSING, village=agreement.village)
    assert (flag.period, flag.detail) == ("2026", "讲座 1/2 次")


def test_rules_read_the_bureaus_settings_at_each_computation_seed_003(bureau):
    bureau.service_hours_period = "quarter"
    bureau.lectures_period = "year"
    rules = Rules.of(bureau)
    assert rules.window(date(2026, 5, 10)) == (date(2026, 1, 1), date(2026, 12, 31))
    assert rules.hours_period_of(date(2026, 5, 10)).label == "2026-Q2"
