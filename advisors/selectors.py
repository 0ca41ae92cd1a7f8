"""Who may see which firms, advisors and agreements, built on the village scope."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Role, profile_of
from villages.selectors import villages_visible_to

from .models import Advisor, Agreement, Firm


def agreements_visible_to(user) -> QuerySet[Agreement]:
    if user.is_authenticated and user.is_superuser:
        return Agreement.objects.all()
    profile = profile_of(user)
    if profile is None:
        return Agreement.objects.none()
    if profile.is_bureau:
        return Agreement.objects.filter(village__township__bureau_id=profile.bureau_id)
    if profile.role == Role.OFFICE_STAFF:
        return Agreement.objects.filter(village__township_id=profile.township_id)
    if profile.role == Role.ADVISOR:
        # An advisor sees all of their own agreements, past and draft included, and nobody else's.
        return Agreement.objects.filter(advisor__user=user)
    if profile.role == Role.LIAISON:
        return Agreement.objects.in_force().filter(village__liaison=user)
    return Agreement.objects.none()


def advisors_visible_to(user) -> QuerySet[Advisor]:
    if user.is_authenticated and user.is_superuser:
        return Advisor.objects.all()
    profile = profile_of(user)
    if profile is None:
        return Advisor.objects.none()
    if profile.is_bureau:
        return Advisor.objects.filter(bureau_id=profile.bureau_id)
    if profile.role == Role.ADVISOR:
        return Advisor.objects.filter(user=user)
    # Justice offices and liaisons see the advisors serving their villages now or in the past.
    serving = Agreement.objects.in_force().filter(village__in=villages_visible_to(user))
    return Advisor.objects.filter(pk__in=serving.values("advisor_id"))


def firms_visible_to(user) -> QuerySet[Firm]:
    profile = profile_of(user)
    if user.is_authenticated and user.is_superuser:
        return Firm.objects.all()
    if profile is None:
        return Firm.objects.none()
    if profile.is_bureau:
        return Firm.objects.filter(bureau_id=profile.bureau_id)
    return Firm.objects.filter(pk__in=advisors_visible_to(user).values("firm_id"))


def get_advisor_for_user(user, pk: int) -> Advisor:
    return get_object_or_404(advisors_visible_to(user).select_related("firm"), pk=pk)


def get_agreement_for_user(user, pk: int) -> Agreement:
    return get_object_or_404(
        agreements_visible_to(user).select_related("advisor__firm", "village__township__bureau", "previous"),
        pk=pk,
    )
