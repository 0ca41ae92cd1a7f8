"""The home page: what matters now to each role (the dashboards read the places, the agreements and the ledger)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from accounts.models import profile_of
from accounts.policy import Reach, scope_of
from advisors.models import Agreement
from advisors.selectors import (
    advisors_visible_to,
    agreements_visible_to,
    with_coverage_counts,
    with_current_agreements,
    with_current_village_counts,
)
from common.pagination import PER_PAGE
from ledger.models import WorkLog
from ledger.onsite import onsite_days_of
from ledger.selectors import incidents_visible_to, review_counts, village_progress, worklogs_visible_to
from villages.models import Township
from villages.selectors import (
    bureaus_visible_to,
    townships_visible_to,
    villages_visible_to,
    with_place_counts,
)

# Rows of open incidents (office) or logs waiting for confirmation (liaison) shown on the home page.
HOME_ROWS = 10


@login_required
def home(request):
    """What matters now to each role."""
    scope = scope_of(request.user)
    if not scope.has_role:
        return render(request, "accounts/home_norole.html")
    return {
        Reach.BUREAU: _bureau_home,
        Reach.TOWNSHIP: _office_home,
        Reach.ADVISOR: _advisor_home,
        Reach.LIAISON: _liaison_home,
        Reach.OVERSIGHT: _oversight_home,
    }[scope.role_reach](request)


class AnnotatedPagePaginator(Paginator):
    """Pages of plain rows, each page's rows then annotated: the count and the page's slice run on the plain
    queryset (from the index), and the annotations (grouped counts) only over the page's rows.

    Over the grouped query, COUNT(*) and even LIMIT 50 computed every township's aggregates first (130 ms each for a
    province's 1,800 townships). `annotate` must keep the plain queryset's order.
    """

    def __init__(self, object_list, per_page, *, annotate, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.annotate = annotate

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        on_page = self.object_list.values("pk")[bottom : bottom + self.per_page]
        return self._get_page(self.annotate(self.object_list.filter(pk__in=on_page)), number, self)


def _bureau_home(request):
    """Coverage per township, and the bureau's totals."""
    user = request.user
    townships = townships_visible_to(user).order_by(*Township._meta.ordering)
    page = AnnotatedPagePaginator(townships, PER_PAGE, annotate=with_coverage_counts).get_page(
        request.GET.get("page")
    )
    totals = {
        "townships": page.paginator.count,
        "villages": villages_visible_to(user).count(),
        "advisors": advisors_visible_to(user).filter(is_active=True).count(),
        "unfiled": agreements_visible_to(user).filter(status=Agreement.Status.SIGNED).count(),
    }
    return render(request, "accounts/home_bureau.html", {"page": page, "totals": totals})


def _oversight_home(request):
    """A city's or province's bureaus below it, each with its places and advisors; their pages are read only."""
    bureaus = with_place_counts(bureaus_visible_to(request.user).counties()).select_related("parent")
    return render(
        request,
        "accounts/home_oversight.html",
        {"bureaus": bureaus.order_by("parent__code", "code"), "bureau": profile_of(request.user).bureau},
    )


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
    today = timezone.localdate()
    current = list(
        agreements_visible_to(request.user)
        .current()
        .select_related("advisor", "village__township__bureau", "village__liaison__profile")
        .order_by("village__township__code", "village__code")
    )
    progress = (
        village_progress(advisor=current[0].advisor, villages=[a.village for a in current], today=today)
        if current
        else []
    )
    mine = worklogs_visible_to(request.user).select_related("village").order_by("-updated_at")
    # One row more than shown tells whether there are more, without counting.
    returned = list(mine.filter(status=WorkLog.Status.RETURNED)[: HOME_ROWS + 1])
    drafts = list(mine.filter(status=WorkLog.Status.DRAFT)[: HOME_ROWS + 1])
    onsite = (
        onsite_days_of(advisor=current[0].advisor, villages=[a.village for a in current], today=today)
        if current
        else {}
    )
    cards = [(a, p, onsite[a.village_id]) for a, p in zip(current, progress, strict=True)]
    # Today's 驻点 village first: the first screen shows the day's work.
    cards.sort(key=lambda card: not card[2].today)
    context = {
        "cards": cards,
        "returned": returned[:HOME_ROWS],
        "more_returned": len(returned) > HOME_ROWS,
        "drafts": drafts[:HOME_ROWS],
        "more_drafts": len(drafts) > HOME_ROWS,
    }
    return render(request, "accounts/home_advisor.html", context)
