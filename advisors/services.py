"""Writes that touch agreements: each locks the advisor and village rows so two clerks cannot race past the rules."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from common.locking import lock
from villages.models import Village

from .models import Advisor, Agreement


def lock_advisor_and_village(advisor: Advisor | None, village: Village | None) -> None:
    """Row locks that serialise the rule checks of concurrent writers (no-ops on SQLite, which locks the file)."""
    if advisor is not None:
        Advisor.objects.select_for_update().filter(pk=advisor.pk).first()
    if village is not None:
        Village.objects.select_for_update().filter(pk=village.pk).first()


def _save(agreement: Agreement) -> Agreement:
    agreement.full_clean()
    try:
        with transaction.atomic():
            agreement.save()
    except IntegrityError as error:
        # The database's exclusion constraint caught an overlap that slipped past clean() in a race.
        raise ValidationError(
            _("%(village)s 在该期间已有生效协议，同一村(居)同一时间只能有一名法律顾问。")
            % {"village": agreement.village}
        ) from error
    return agreement


@transaction.atomic
def agreement_create(
    *,
    advisor: Advisor,
    village: Village,
    start_date: date,
    end_date: date,
    annual_subsidy: Decimal = Decimal("0"),
    signed_on: date | None = None,
    previous: Agreement | None = None,
) -> Agreement:
    """A new agreement: a draft, or signed at once when `signed_on` is given."""
    lock_advisor_and_village(advisor, village)
    agreement = Agreement(
        advisor=advisor,
        village=village,
        start_date=start_date,
        end_date=end_date,
        annual_subsidy=annual_subsidy,
        previous=previous,
    )
    if signed_on:
        agreement.sign(on=signed_on)
    return _save(agreement)


@transaction.atomic
def agreement_sign(*, agreement: Agreement, on: date) -> Agreement:
    lock_advisor_and_village(agreement.advisor, agreement.village)
    lock(agreement)
    agreement.sign(on=on)
    return _save(agreement)


@transaction.atomic
def agreement_file(*, agreement: Agreement, on: date) -> Agreement:
    lock(agreement)
    agreement.file(on=on)
    return _save(agreement)


@transaction.atomic
def agreement_end(*, agreement: Agreement, on: date, reason: str) -> Agreement:
    lock(agreement)
    agreement.end(on=on, reason=reason)
    return _save(agreement)


@transaction.atomic
def agreement_renew(
    *, agreement: Agreement, start_date: date, end_date: date, annual_subsidy: Decimal | None = None
) -> Agreement:
    """续聘: a new draft agreement for the same advisor and village, linked to the one it renews (once)."""
    lock(agreement)
    if agreement.renewals.exists():
        raise ValidationError(_("该协议已续聘，不能重复续聘。"))
    if start_date <= agreement.end_date:
        raise ValidationError(
            {"start_date": _("续聘协议须在原协议结束（%(end)s）之后开始。") % {"end": agreement.end_date}}
        )
    return agreement_create(
        advisor=agreement.advisor,
        village=agreement.village,
        start_date=start_date,
        end_date=end_date,
        annual_subsidy=agreement.annual_subsidy if annual_subsidy is None else annual_subsidy,
        previous=agreement,
    )
