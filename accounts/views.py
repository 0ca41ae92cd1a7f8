from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from advisors.models import Agreement
from advisors.selectors import (
    advisors_visible_to,
    agreements_visible_to,
    with_coverage_counts,
    with_current_agreements,
    with_current_village_counts,
)
from common.pagination import paginate
from ledger.models import WorkLog
from ledger.selectors import incidents_visible_to, review_counts, village_progress, worklogs_visible_to
from villages.selectors import townships_visible_to, villages_visible_to

from .models import Role, profile_of

# Rows of open incidents (office) or logs waiting for confirmation (liaison) shown on the home page.
HOME_ROWS = 10


@login_required
def home(request):
    """What matters now to each role."""
    profile = profile_of(request.user)
    if profile is None:
        return render(request, "accounts/home_norole.html")
    if profile.is_bureau:
        return _bureau_home(request)
    return {Role.OFFICE_STAFF: _office_home, Role.ADVISOR: _advisor_home, Role.LIAISON: _liaison_home}[
        profile.role
    ](request)


def _bureau_home(request):
    """Coverage per township, and the bureau's totals."""
    user = request.user
    page = paginate(request, with_coverage_counts(townships_visible_to(user)))
    totals = {
        "townships": page.paginator.count,
        "villages": villages_visible_to(user).count(),
        "advisors": advisors_visible_to(user).filter(is_active=True).count(),
        "unfiled": agreements_visible_to(user).filter(status=Agreement.Status.SIGNED).count(),
    }
    return render(request, "accounts/home_bureau.html", {"page": page, "totals": totals})


def _office_home(request):
    """Open incidents first (until acknowledged), what waits for the office, then the township's villages."""
    user = request.user
    incidents = list(
        incidents_visible_to(user)
        .filter(acknowledged_at__isnull=True)
        .select_related("village", "advisor")
        .order_by("-reported_at", "-pk")[: HOME_ROWS + 1]
    )
    context = {
        "township": profile_of(user).township,
        "villages": with_current_agreements(villages_visible_to(user)),
        "advisors": with_current_village_counts(advisors_visible_to(user)),
        "open_incidents": incidents[:HOME_ROWS],
        "more_incidents": len(incidents) > HOME_ROWS,
        "counts": review_counts(user),
    }
    return render(request, "accounts/home_office.html", context)


def _liaison_home(request):
    """The village's advisor, and the logs waiting for the village's confirmation."""
    user = request.user
    waiting = list(
        worklogs_visible_to(user)
        .filter(status=WorkLog.Status.SUBMITTED)
        .select_related("village", "advisor")
        .prefetch_related("service_types")[: HOME_ROWS + 1]
    )
    context = {
        "villages": with_current_agreements(villages_visible_to(user)),
        "waiting": waiting[:HOME_ROWS],
        "more_waiting": len(waiting) > HOME_ROWS,
    }
    return render(request, "accounts/home_liaison.html", context)


def _advisor_home(request):
    """Each current village's month against the requirements, what is due, and the logs that need the advisor."""
    current = list(
        agreements_visible_to(request.user)
        .current()
        .select_related("advisor", "village__township__bureau", "village__liaison__profile")
        .order_by("village__township__code", "village__code")
    )
    progress = (
        village_progress(
            advisor=current[0].advisor, villages=[a.village for a in current], today=timezone.localdate()
        )
        if current
        else []
    )
    mine = worklogs_visible_to(request.user).select_related("village").order_by("-updated_at")
    # One row more than shown tells whether there are more, without counting.
    returned = list(mine.filter(status=WorkLog.Status.RETURNED)[: HOME_ROWS + 1])
    drafts = list(mine.filter(status=WorkLog.Status.DRAFT)[: HOME_ROWS + 1])
    context = {
        "cards": list(zip(current, progress, strict=True)),
        "returned": returned[:HOME_ROWS],
        "more_returned": len(returned) > HOME_ROWS,
        "drafts": drafts[:HOME_ROWS],
        "more_drafts": len(drafts) > HOME_ROWS,
    }
    return render(request, "accounts/home_advisor.html", context)
