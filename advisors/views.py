from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from audit.files import private_file_response
from common.pagination import paginate

from .filters import AdvisorFilter, AgreementFilter
from .selectors import (
    advisors_visible_to,
    agreements_visible_to,
    get_advisor_for_user,
    get_agreement_for_user,
    with_current_village_counts,
)


@login_required
def advisor_list(request):
    advisors = AdvisorFilter(request.GET, queryset=advisors_visible_to(request.user), user=request.user)
    page = paginate(request, with_current_village_counts(advisors.qs))
    return render(request, "advisors/advisor_list.html", {"filter": advisors, "page": page})


@login_required
def advisor_detail(request, pk: int):
    advisor = get_advisor_for_user(request.user, pk)
    agreements = (
        agreements_visible_to(request.user)
        .filter(advisor=advisor)
        .select_related("advisor", "village__township")
    )
    return render(request, "advisors/advisor_detail.html", {"advisor": advisor, "agreements": agreements})


@login_required
def agreement_list(request):
    agreements = AgreementFilter(request.GET, queryset=agreements_visible_to(request.user), user=request.user)
    page = paginate(request, agreements.qs.select_related("advisor", "village__township"))
    return render(request, "advisors/agreement_list.html", {"filter": agreements, "page": page})


@login_required
def agreement_detail(request, pk: int):
    agreement = get_agreement_for_user(request.user, pk)
    return render(request, "advisors/agreement_detail.html", {"agreement": agreement})


@login_required
def agreement_scan(request, name: str):
    """A scanned contract (private storage), served only to those who may see its agreement."""
    agreement = get_object_or_404(agreements_visible_to(request.user), contract_scan=f"agreements/{name}")
    return private_file_response(agreement.contract_scan)
