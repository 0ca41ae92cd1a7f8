"""The agreement rules, exercised through `advisors.services` as the views and admin use them."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from advisors.models import Agreement
from advisors.services import (
    agreement_create,
    agreement_end,
    agreement_file,
    agreement_renew,
    agreement_sign,
)
from tests.factories import AdvisorFactory, AgreementFactory, VillageFactory

pytestmark = pytest.mark.django_db

YEAR = 2026
JAN_1 = date(YEAR, 1, 1)
DEC_31 = date(YEAR, 12, 31)

only_on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the exclusion constraint exists only on PostgreSQL"
)


def messages(error: pytest.ExceptionInfo) -> str:
    return " ".join(error.value.messages)


def sign_new(advisor, village, start=JAN_1, end=DEC_31) -> Agreement:
    return agreement_create(advisor=advisor, village=village, start_date=start, end_date=end, signed_on=start)


@pytest.fixture
def lawyer(bureau):
    return AdvisorFactory(bureau=bureau, name="周律师")


@pytest.fixture
def another_lawyer(bureau):
    return AdvisorFactory(bureau=bureau, name="吴律师")


@pytest.fixture
def villages(township):
    """Seven villages in `township`, one more than the default limit."""
    return VillageFactory.create_batch(7, township=township)


# --- how many villages one advisor may serve ---


def test_it_lets_an_advisor_serve_up_to_six_villages_at_once_and_refuses_the_seventh(lawyer, villages):
    for village in villages[:6]:
        sign_new(lawyer, village)
    before = Agreement.objects.count()

    with pytest.raises(ValidationError) as error:
        sign_new(lawyer, villages[6])

    assert "周律师" in messages(error)
    assert "最多服务 6 个村(居)" in messages(error)
    assert Agreement.objects.count() == before == 6


def test_it_applies_the_limit_the_bureau_has_lowered_to_two(bureau, lawyer, villages):
    bureau.max_villages_per_advisor = 2
    bureau.save()
    sign_new(lawyer, villages[0])
    sign_new(lawyer, villages[1])

    with pytest.raises(ValidationError) as error:
        sign_new(lawyer, villages[2])

    assert "周律师" in messages(error)
    assert "最多服务 2 个村(居)" in messages(error)
    assert Agreement.objects.filter(advisor=lawyer).count() == 2


def test_it_does_not_count_agreements_that_are_not_in_force_on_the_same_day(bureau, lawyer, villages):
    bureau.max_villages_per_advisor = 2
    bureau.save()
    sign_new(lawyer, villages[0])  # the whole year
    sign_new(lawyer, villages[1], date(YEAR, 1, 1), date(YEAR, 3, 31))
    sign_new(lawyer, villages[2], date(YEAR, 10, 1), date(YEAR, 12, 31))  # never alongside January–March

    with pytest.raises(ValidationError) as error:
        sign_new(lawyer, villages[3], date(YEAR, 2, 1), date(YEAR, 2, 28))

    assert "周律师" in messages(error)
    assert Agreement.objects.filter(advisor=lawyer).count() == 3


def test_it_lets_a_limit_of_one_hold_one_village_in_spring_and_another_in_autumn(bureau, lawyer, villages):
    bureau.max_villages_per_advisor = 1
    bureau.save()

    sign_new(lawyer, villages[0], date(YEAR, 1, 1), date(YEAR, 3, 31))
    sign_new(lawyer, villages[1], date(YEAR, 10, 1), date(YEAR, 12, 31))

    assert Agreement.objects.filter(advisor=lawyer).in_force().count() == 2


def test_it_refuses_a_draft_over_the_limit_when_it_is_saved_seed_001(bureau, lawyer, villages):
    bureau.max_villages_per_advisor = 2
    bureau.save()
    sign_new(lawyer, villages[0])
    sign_new(lawyer, villages[1])

    with pytest.raises(ValidationError) as error:
        agreement_create(advisor=lawyer, village=villages[2], start_date=JAN_1, end_date=DEC_31)

    assert "每名顾问最多服务 2 个村(居)" in messages(error)
    assert not Agreement.objects.filter(village=villages[2]).exists()


def test_it_refuses_to_sign_a_draft_the_limit_has_since_overtaken_seed_001(bureau, lawyer, villages):
    sign_new(lawyer, villages[0])
    sign_new(lawyer, villages[1])
    draft = agreement_create(advisor=lawyer, village=villages[2], start_date=JAN_1, end_date=DEC_31)
    bureau.max_villages_per_advisor = 2
    bureau.save()

    with pytest.raises(ValidationError) as error:
        agreement_sign(agreement=draft, on=JAN_1)

    assert "周律师" in messages(error)
    draft.refresh_from_db()
    assert draft.status == Agreement.Status.DRAFT


def test_it_counts_the_days_an_ended_agreement_was_in_force_and_frees_the_rest(bureau, lawyer, villages):
    bureau.max_villages_per_advisor = 1
    bureau.save()
    first = sign_new(lawyer, villages[0])
    agreement_end(agreement=first, on=date(YEAR, 6, 30), reason="村委会换届")

    with pytest.raises(ValidationError):
        sign_new(lawyer, villages[1], date(YEAR, 6, 30), DEC_31)
    sign_new(lawyer, villages[1], date(YEAR, 7, 1), DEC_31)

    assert Agreement.objects.filter(advisor=lawyer).count() == 2


def test_it_lets_an_advisor_end_an_agreement_after_the_bureau_lowered_the_limit_below_their_load(
    bureau, lawyer, villages
):
    # Ending only shortens a period, so it must work even when the advisor is over a newly lowered limit.
    agreements = [sign_new(lawyer, village) for village in villages[:3]]
    bureau.max_villages_per_advisor = 2
    bureau.save()

    agreement_end(agreement=agreements[2], on=date(YEAR, 6, 30), reason="顾问调离")

    agreements[2].refresh_from_db()
    assert agreements[2].status == Agreement.Status.ENDED
    assert agreements[2].end_date == date(YEAR, 6, 30)


def test_it_lets_a_signed_agreement_be_filed_after_the_bureau_lowered_the_limit_below_the_load(
    bureau, lawyer, villages
):
    for village in villages[:3]:
        sign_new(lawyer, village)
    bureau.max_villages_per_advisor = 2
    bureau.save()
    agreement = Agreement.objects.get(advisor=lawyer, village=villages[2])

    agreement_file(agreement=agreement, on=date(YEAR, 3, 1))

    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.FILED


# --- one village, one advisor at a time ---


def test_it_refuses_a_second_advisor_for_a_village_in_the_same_period(lawyer, another_lawyer, village):
    sign_new(lawyer, village)

    with pytest.raises(ValidationError) as error:
        sign_new(another_lawyer, village, date(YEAR, 7, 1), date(YEAR + 1, 6, 30))

    assert "王庄村" in messages(error)
    assert "周律师" in messages(error)
    assert Agreement.objects.filter(village=village).count() == 1


def test_it_refuses_the_same_advisor_twice_for_a_village_in_the_same_period(lawyer, village):
    sign_new(lawyer, village)

    with pytest.raises(ValidationError) as error:
        sign_new(lawyer, village, date(YEAR, 3, 1), date(YEAR, 4, 30))

    assert "王庄村" in messages(error)


def test_it_refuses_a_draft_overlapping_an_agreement_in_force_with_the_signing_message_seed_001(
    lawyer, another_lawyer, village
):
    sign_new(lawyer, village)

    with pytest.raises(ValidationError) as error:
        agreement_create(advisor=another_lawyer, village=village, start_date=JAN_1, end_date=DEC_31)

    assert "王庄村" in messages(error) and "周律师" in messages(error)
    assert "同一村(居)同一时间只能有一名法律顾问" in messages(error)
    assert Agreement.objects.filter(village=village).count() == 1


def test_it_allows_back_to_back_periods_for_a_village(lawyer, another_lawyer, village):
    sign_new(lawyer, village, JAN_1, DEC_31)

    following = sign_new(another_lawyer, village, date(YEAR + 1, 1, 1), date(YEAR + 1, 12, 31))

    assert following.status == Agreement.Status.SIGNED
    assert Agreement.objects.filter(village=village).in_force().count() == 2


def test_it_cuts_an_ended_agreement_so_a_new_advisor_can_take_over_the_day_after(
    lawyer, another_lawyer, village
):
    old = sign_new(lawyer, village)
    agreement_file(agreement=old, on=date(YEAR, 1, 10))

    agreement_end(agreement=old, on=date(YEAR, 6, 30), reason="顾问调离")

    old.refresh_from_db()
    assert old.status == Agreement.Status.ENDED
    assert old.ended_on == date(YEAR, 6, 30)
    assert old.end_date == date(YEAR, 6, 30)
    assert old.end_reason == "顾问调离"
    with pytest.raises(ValidationError):
        sign_new(another_lawyer, village, date(YEAR, 6, 30), DEC_31)
    new = sign_new(another_lawyer, village, date(YEAR, 7, 1), DEC_31)
    assert new.status == Agreement.Status.SIGNED


def test_it_refuses_to_stretch_an_ended_agreement_back_over_the_next_advisors_period(
    lawyer, another_lawyer, village
):
    old = sign_new(lawyer, village)
    agreement_end(agreement=old, on=date(YEAR, 6, 30), reason="顾问调离")
    sign_new(another_lawyer, village, date(YEAR, 7, 1), DEC_31)

    # An ended agreement still binds for its (cut) period; the admin's change form loads it, moves the end
    # date back out and runs full_clean(), which must find the clash just as it does for a signed one.
    stretched = Agreement.objects.get(pk=old.pk)
    stretched.end_date = DEC_31
    with pytest.raises(ValidationError) as error:
        stretched.full_clean()

    assert "王庄村" in messages(error)
    assert "吴律师" in messages(error)


def test_it_refuses_an_advisor_for_a_village_of_another_bureau(lawyer, other_bureau_village):
    with pytest.raises(ValidationError) as error:
        sign_new(lawyer, other_bureau_village)

    assert "不属于同一司法局" in messages(error)
    assert Agreement.objects.count() == 0


# --- dates ---


@pytest.mark.parametrize("end", [date(YEAR, 1, 1), date(YEAR - 1, 12, 31)], ids=["same_day", "day_before"])
def test_it_refuses_an_end_date_that_is_not_after_the_start_date(lawyer, village, end):
    with pytest.raises(ValidationError) as error:
        sign_new(lawyer, village, JAN_1, end)

    assert "end_date" in error.value.message_dict
    assert "结束日期必须晚于开始日期" in messages(error)
    assert Agreement.objects.count() == 0


@pytest.mark.parametrize("end", [date(YEAR, 1, 1), date(YEAR - 1, 12, 31)], ids=["same_day", "day_before"])
def test_it_has_the_database_refuse_an_end_date_that_is_not_after_the_start_date(lawyer, village, end):
    agreement = AgreementFactory.build(advisor=lawyer, village=village, start_date=JAN_1, end_date=end)

    with pytest.raises(IntegrityError), transaction.atomic():
        agreement.save()

    assert Agreement.objects.count() == 0


def test_it_saves_nothing_when_a_create_is_refused(lawyer, another_lawyer, village):
    sign_new(lawyer, village)
    before = Agreement.objects.count()

    with pytest.raises(ValidationError):
        sign_new(another_lawyer, village)

    assert Agreement.objects.count() == before
    assert not another_lawyer.agreements.exists()


# --- filing (备案) ---


def test_it_files_on_time_on_31_march_of_the_start_year(lawyer, village):
    agreement = sign_new(lawyer, village)

    agreement_file(agreement=agreement, on=date(YEAR, 3, 31))

    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.FILED
    assert agreement.filed_on == date(YEAR, 3, 31)
    assert agreement.filed_late is False


def test_it_marks_filing_after_31_march_of_the_start_year_as_late(lawyer, village):
    agreement = sign_new(lawyer, village)

    agreement_file(agreement=agreement, on=date(YEAR, 4, 1))

    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.FILED
    assert agreement.filed_late is True


def test_it_gives_an_agreement_starting_in_july_one_month_from_its_start_to_be_filed(lawyer, village):
    on_time = sign_new(lawyer, village, date(YEAR, 7, 1), DEC_31)
    assert on_time.filing_deadline == date(YEAR, 7, 31)
    agreement_file(agreement=on_time, on=date(YEAR, 7, 31))
    on_time.refresh_from_db()
    assert on_time.filed_late is False

    late = sign_new(lawyer, VillageFactory(township=village.township), date(YEAR, 7, 1), DEC_31)
    agreement_file(agreement=late, on=date(YEAR, 8, 15))
    late.refresh_from_db()
    assert late.filed_late is True


def test_it_follows_the_filing_deadline_set_by_the_bureau(bureau, lawyer, village):
    bureau.agreement_filing_month = 2
    bureau.agreement_filing_day = 31  # cut to the month's last day
    bureau.save()
    agreement = sign_new(lawyer, village)

    assert agreement.filing_deadline == date(YEAR, 2, 28)
    agreement_file(agreement=agreement, on=date(YEAR, 3, 1))
    assert agreement.filed_late is True


# --- transitions ---


def test_it_refuses_to_file_a_draft(lawyer, village):
    draft = agreement_create(advisor=lawyer, village=village, start_date=JAN_1, end_date=DEC_31)

    with pytest.raises(ValidationError) as error:
        agreement_file(agreement=draft, on=date(YEAR, 1, 10))

    assert "只有已签订的协议可以备案" in messages(error)
    draft.refresh_from_db()
    assert draft.status == Agreement.Status.DRAFT
    assert draft.filed_on is None


def test_it_refuses_to_sign_an_agreement_twice(lawyer, village):
    agreement = sign_new(lawyer, village)

    with pytest.raises(ValidationError) as error:
        agreement_sign(agreement=agreement, on=date(YEAR, 2, 1))

    assert "只有草拟状态的协议可以签订" in messages(error)
    agreement.refresh_from_db()
    assert agreement.signed_on == JAN_1


def test_it_refuses_to_file_an_agreement_twice(lawyer, village):
    agreement = sign_new(lawyer, village)
    agreement_file(agreement=agreement, on=date(YEAR, 1, 10))

    with pytest.raises(ValidationError):
        agreement_file(agreement=agreement, on=date(YEAR, 5, 1))

    agreement.refresh_from_db()
    assert agreement.filed_on == date(YEAR, 1, 10)
    assert agreement.filed_late is False


def test_it_refuses_to_end_a_draft_or_an_ended_agreement(lawyer, village):
    draft = agreement_create(advisor=lawyer, village=village, start_date=JAN_1, end_date=DEC_31)
    with pytest.raises(ValidationError):
        agreement_end(agreement=draft, on=date(YEAR, 6, 30), reason="未签订")

    signed = agreement_sign(agreement=draft, on=JAN_1)
    agreement_end(agreement=signed, on=date(YEAR, 6, 30), reason="顾问调离")
    with pytest.raises(ValidationError):
        agreement_end(agreement=signed, on=date(YEAR, 7, 31), reason="再次终止")


def test_it_refuses_to_end_an_agreement_before_it_starts(lawyer, village):
    agreement = sign_new(lawyer, village)

    with pytest.raises(ValidationError) as error:
        agreement_end(agreement=agreement, on=date(YEAR - 1, 12, 1), reason="误操作")

    assert "终止日期不能早于协议开始日期" in messages(error)
    agreement.refresh_from_db()
    assert agreement.status == Agreement.Status.SIGNED


# --- renewal (续聘) ---


def test_it_renews_an_agreement_as_a_draft_linked_to_the_one_it_renews(lawyer, village):
    agreement = agreement_create(
        advisor=lawyer,
        village=village,
        start_date=JAN_1,
        end_date=DEC_31,
        annual_subsidy=Decimal("15000.00"),
        signed_on=JAN_1,
    )

    renewal = agreement_renew(
        agreement=agreement, start_date=date(YEAR + 1, 1, 1), end_date=date(YEAR + 1, 12, 31)
    )

    renewal.refresh_from_db()
    assert renewal.pk != agreement.pk
    assert renewal.status == Agreement.Status.DRAFT
    assert renewal.previous == agreement
    assert list(agreement.renewals.all()) == [renewal]
    assert (renewal.advisor, renewal.village) == (lawyer, village)
    assert renewal.annual_subsidy == Decimal("15000.00")
    agreement_sign(agreement=renewal, on=date(YEAR, 12, 20))
    assert renewal.status == Agreement.Status.SIGNED


def test_it_refuses_a_renewal_that_starts_before_the_agreement_ends(lawyer, village):
    agreement = sign_new(lawyer, village)

    with pytest.raises(ValidationError) as error:
        agreement_renew(agreement=agreement, start_date=DEC_31, end_date=date(YEAR + 1, 12, 30))

    assert "start_date" in error.value.message_dict
    assert Agreement.objects.count() == 1


# --- PostgreSQL's own guard ---


@only_on_postgresql
def test_it_has_postgresql_reject_an_overlapping_agreement_saved_past_clean(lawyer, another_lawyer, village):
    AgreementFactory(advisor=lawyer, village=village, start_date=JAN_1, end_date=DEC_31)
    clash = Agreement(
        advisor=another_lawyer,
        village=village,
        start_date=date(YEAR, 12, 31),
        end_date=date(YEAR + 1, 12, 31),
        status=Agreement.Status.SIGNED,
        signed_on=date(YEAR, 12, 1),
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        clash.save()

    assert Agreement.objects.filter(village=village).count() == 1


@only_on_postgresql
def test_it_has_postgresql_accept_an_overlapping_draft_and_back_to_back_periods(
    lawyer, another_lawyer, village
):
    AgreementFactory(advisor=lawyer, village=village, start_date=JAN_1, end_date=DEC_31)

    AgreementFactory(advisor=another_lawyer, village=village, draft=True)
    AgreementFactory(
        advisor=another_lawyer,
        village=village,
        start_date=date(YEAR + 1, 1, 1),
        end_date=date(YEAR + 1, 12, 31),
    )

    assert Agreement.objects.filter(village=village).count() == 3


@only_on_postgresql
def test_it_turns_the_database_refusal_of_an_overlap_that_raced_past_clean_into_a_validation_error(
    monkeypatch, lawyer, another_lawyer, village
):
    AgreementFactory(advisor=lawyer, village=village, start_date=JAN_1, end_date=DEC_31)
    monkeypatch.setattr(Agreement, "_check_village_free", lambda self: None)  # as if a concurrent write won

    with pytest.raises(ValidationError) as error:
        sign_new(another_lawyer, village)

    assert "王庄村" in messages(error)
    assert Agreement.objects.filter(village=village).count() == 1
