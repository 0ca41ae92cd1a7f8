"""The public face (issue 7): no login, server-rendered, no JavaScript; only what the bureau publishes."""

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from villages.models import Township, Village

from . import selectors
from .services import render_poster

CARE_COOKIE = "care"
CARE_MAX_AGE = 365 * 24 * 3600
LEGAL_AID_HOTLINE = "12348"


def _care(request: HttpRequest) -> bool:
    return request.COOKIES.get(CARE_COOKIE) == "1"


def _render(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    context = {"care": _care(request), "hotline": LEGAL_AID_HOTLINE, **context}
    return render(request, template, context)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    context: dict = {"max_length": selectors.MAX_QUERY_LENGTH}
    if "q" in request.GET:
        context["query"] = request.GET["q"][:200]
        try:
            query = selectors.clean_query(request.GET["q"])
        except selectors.BadQuery as error:
            context["error"] = str(error)
        else:
            context["query"] = query
            context["results"] = selectors.search(query)
            context["searched"] = True
    township = None
    if request.GET.get("township", "").isdigit():
        township = Township.objects.filter(pk=request.GET["township"]).first()
        if township is not None:
            context["township"] = township
            context["township_villages"] = list(
                selectors.with_public_advisor(township.villages.all()).order_by("code")
            )
    context["townships"] = selectors.townships_for_browsing()
    context["figures"] = selectors.district_figures()
    return _render(request, "publicity/home.html", context)


@require_GET
def village_detail(request: HttpRequest, pk: int) -> HttpResponse:
    village = get_object_or_404(selectors.with_public_advisor(Village.objects.all()), pk=pk)
    advisor = selectors.public_advisor_of(village)
    return _render(
        request,
        "publicity/village_detail.html",
        {"village": village, "advisor": advisor, "services": selectors.ADVISOR_SERVICES},
    )


@require_GET
def advisor_detail(request: HttpRequest, pk: int) -> HttpResponse:
    advisor = get_object_or_404(selectors.public_advisors().select_related("firm"), pk=pk)
    villages = list(
        Village.objects.filter(pk__in=selectors.public_agreements_of(advisor).values("village_id"))
        .select_related("township")
        .order_by("township__code", "code")
    )
    if not villages:
        raise Http404
    return _render(request, "publicity/advisor_detail.html", {"advisor": advisor, "villages": villages})


@require_GET
def village_poster(request: HttpRequest, pk: int) -> HttpResponse:
    """The village's notice-board poster (公示牌), an A4 PDF to print."""
    village = get_object_or_404(selectors.with_public_advisor(Village.objects.all()), pk=pk)
    pdf = render_poster(village, selectors.public_advisor_of(village), hotline=LEGAL_AID_HOTLINE)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="poster-{village.code}.pdf"'
    return response


def safe_next(request: HttpRequest, target: str | None) -> str:
    if (
        target
        and target.startswith("/public/")
        and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False)
    ):
        return target
    return reverse("publicity:home")


@require_GET
def care_mode(request: HttpRequest) -> HttpResponse:
    """Switch 关怀版 on (?on=1) or off, remember it in a cookie, and go back to a page of the public site."""
    response = HttpResponseRedirect(safe_next(request, request.GET.get("next")))
    if request.GET.get("on") == "1":
        response.set_cookie(CARE_COOKIE, "1", max_age=CARE_MAX_AGE, samesite="Lax", httponly=True)
    else:
        response.delete_cookie(CARE_COOKIE, samesite="Lax")
    return response
