"""Seeds 003/004: an advisor rated 不合格 in the year-end review is not engaged for the next year — neither through
the service nor through the admin's agreement form; an advisor rated 合格 is."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.services import role_groups_sync
from advisors.models import Agreement
from advisors.services import agreement_create, agreement_renew
from assessment.models import Review
from assessment.services import computation, opinions
from tests.factories import VillageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rated(whole_map):
    """2026's year-end review final: 张明 不合格, 李芳 合格."""
    w = whole_map
    period = computation.review_period_open(bureau=w.bureau, kind="year", year=2026, today=date(2027, 1, 2))
    for advisor, tier in ((w.advisor, "fail"), (w.other_advisor, "pass")):
        opinions.review_finalize(
            review=Review.objects.get(period=period, advisor=advisor),
            by=w.bureau_staff_user,
            tier=tier,
            reason="年终",
        )
    w.new_village = VillageFactory(township=w.township, name="新建村")
    return w


def _create(advisor, village, year=2027):
    return agreement_create(
        advisor=advisor,
        village=village,
        start_date=date(year, 1, 1),
        end_date=date(year, 12, 31),
        annual_subsidy=Decimal("12000"),
    )


def test_a_next_year_agreement_for_an_advisor_rated_fail_is_refused_with_the_reason(rated):
    with pytest.raises(ValidationError) as refused:
        _create(rated.advisor, rated.new_village)

    assert "张明 在2026年年终考核中被评为不合格，按规定2027年不予续聘。" in refused.value.messages
    assert not Agreement.objects.filter(start_date__year=2027).exists()


def test_renewing_an_agreement_of_an_advisor_rated_fail_is_refused(rated):
    with pytest.raises(ValidationError, match="不予续聘"):
        agreement_renew(agreement=rated.agreement, start_date=date(2027, 1, 1), end_date=date(2027, 12, 31))


def test_an_advisor_rated_pass_gets_next_years_agreement(rated):
    agreement = _create(rated.other_advisor, rated.new_village)

    assert agreement.pk and agreement.start_date == date(2027, 1, 1)


def test_a_fail_in_the_half_year_or_a_review_not_final_does_not_bar_renewal(whole_map):
    w = whole_map
    half = computation.review_period_open(bureau=w.bureau, kind="half", year=2026, today=date(2026, 7, 2))
    opinions.review_finalize(
        review=Review.objects.get(period=half, advisor=w.advisor),
        by=w.bureau_staff_user,
        tier="fail",
        reason="半年",
    )
    computation.review_period_open(
        bureau=w.bureau, kind="year", year=2026, today=date(2027, 1, 2)
    )  # open, not final

    assert _create(w.advisor, VillageFactory(township=w.township)).pk


def test_the_admins_agreement_form_refuses_it_too(rated, client):
    role_groups_sync()
    client.force_login(rated.bureau_admin_user)
    form = {
        "advisor": rated.advisor.pk,
        "village": rated.new_village.pk,
        "previous": "",
        "start_date": "2027-01-01",
        "end_date": "2027-12-31",
        "annual_subsidy": "12000.00",
    }

    refused = client.post("/admin/advisors/agreement/add/", form)
    accepted = client.post("/admin/advisors/agreement/add/", {**form, "advisor": rated.other_advisor.pk})

    assert refused.status_code == 200
    assert "按规定2027年不予续聘" in refused.content.decode()
    assert accepted.status_code == 302
    assert list(Agreement.objects.filter(start_date__year=2027).values_list("advisor__name", flat=True)) == [
        "李芳"
    ]


def test_it_renews_an_advisor_rated_fail_where_the_bureau_asks_for_rectification_seed_003(rated):
    rated.bureau.fail_blocks_renewal = False
    rated.bureau.save()

    agreement = _create(rated.advisor, rated.new_village)

    assert agreement.pk and agreement.advisor == rated.advisor


def test_non_renewal_after_fail_is_the_default_seed_004(rated):
    assert rated.bureau.fail_blocks_renewal
    with pytest.raises(ValidationError, match="不予续聘"):
        _create(rated.advisor, rated.new_village)
