"""The pages of the townships and villages: they show each village's advisor today, so they live here, above villages
(the URL names stay in the `villages` namespace)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from common.pagination import paginate
from villages.filters import TownshipFilter, VillageFilter
from villages.selectors import (
    get_township_for_user,
    get_village_for_user,
    townships_visible_to,
    villages_visible_to,
)

from .selectors import agreements_visible_to, with_coverage_counts, with_current_agreements


@login_required
def village_list(request):
    villages = VillageFilter(request.GET, queryset=villages_visible_to(request.user), user=request.user)
    page = paginate(request, with_current_agreements(villages.qs))
    return render(request, "villages/village_list.html", {"filter": villages, "page": page})


@login_required
def village_detail(request, pk: int):
    village = get_village_for_user(request.user, pk)
    agreements = (
        agreements_visible_to(request.user)
        .filter(village=village)
        .select_related("advisor__firm", "village__township")
    )
    current = next((a for a in agreements if a.is_current), None)
    return render(
        request,
        "villages/village_detail.html",
        {"village": village, "agreements": agreements, "current": current},
    )


@login_required
def township_list(request):
    townships = TownshipFilter(request.GET, queryset=townships_visible_to(request.user))
    page = paginate(request, with_coverage_counts(townships.qs))
    return render(request, "villages/township_list.html", {"filter": townships, "page": page})


@login_required
def township_detail(request, pk: int):
    township = get_township_for_user(request.user, pk)
    villages = with_current_agreements(villages_visible_to(request.user).filter(township=township))
    page = paginate(request, villages)
    return render(request, "villages/township_detail.html", {"township": township, "page": page})
