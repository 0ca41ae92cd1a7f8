from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from advisors.models import Agreement
from advisors.selectors import (
    advisors_visible_to,
    agreements_visible_to,
    with_coverage_counts,
    with_current_agreements,
    with_current_village_counts,
)
from common.pagination import paginate
from villages.selectors import townships_visible_to, villages_visible_to

from .models import Role, profile_of


@login_required
def home(request):
    """What matters now to each role."""
    user = request.user
    profile = profile_of(user)
    if profile is None:
        return render(request, "accounts/home_norole.html")
    if profile.is_bureau:
        townships = with_coverage_counts(townships_visible_to(user))
        page = paginate(request, townships)
        totals = {
            "townships": page.paginator.count,
            "villages": villages_visible_to(user).count(),
            "advisors": advisors_visible_to(user).filter(is_active=True).count(),
            "unfiled": agreements_visible_to(user).filter(status=Agreement.Status.SIGNED).count(),
        }
        return render(request, "accounts/home_bureau.html", {"page": page, "totals": totals})
    if profile.role == Role.OFFICE_STAFF:
        villages = with_current_agreements(villages_visible_to(user))
        advisors = with_current_village_counts(advisors_visible_to(user))
        return render(
            request,
            "accounts/home_office.html",
            {"township": profile.township, "villages": villages, "advisors": advisors},
        )
    if profile.role == Role.ADVISOR:
        current = (
            agreements_visible_to(user)
            .current()
            .select_related("village__township", "village__liaison__profile")
        )
        return render(request, "accounts/home_advisor.html", {"agreements": current})
    villages = with_current_agreements(villages_visible_to(user))
    return render(request, "accounts/home_liaison.html", {"villages": villages})
