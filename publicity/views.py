"""The public face: no login, server-rendered, no JavaScript; only what the bureau publishes."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.policy import scope_of
from common.pagination import paginate
from common.params import parse_id
from villages.models import Township, Village
from villages.selectors import get_township_for_user

from . import selectors, throttle
from .cache import cached_page
from .photos import phone_photo, phone_qr
from .services import render_poster, render_posters

CARE_COOKIE = "care"
CARE_MAX_AGE = 365 * 24 * 3600
LEGAL_AID_HOTLINE = "12348"


def _care(request: HttpRequest) -> bool:
    return request.COOKIES.get(CARE_COOKIE) == "1"


def _render(request: HttpRequest, template: str, context: dict, *, status: int = 200) -> HttpResponse:
    context = {"care": _care(request), "hotline": LEGAL_AID_HOTLINE, **context}
    return render(request, template, context, status=status)


def _not_found(request: HttpRequest) -> HttpResponse:
    return _render(request, "publicity/404.html", {}, status=404)


def public_page(view):
    """A GET-only public page; a 404 inside it answers with the public-styled "not found" page.

    It only reads: no transaction around it (ATOMIC_REQUESTS), one round trip less per page.
    """

    @transaction.non_atomic_requests
    @require_GET
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except Http404:
            return _not_found(request)

    return wrapper


@public_page
def home(request: HttpRequest) -> HttpResponse:
    # Counted before the cache: a cached answer is a search all the same.
    if "q" in request.GET and not throttle.search_allowed(request):
        return _render(request, "publicity/rate_limited.html", {}, status=429)
    return _home(request)


@cached_page(_care)
def _home(request: HttpRequest) -> HttpResponse:
    bureaus = selectors.public_bureaus()
    chosen = parse_id(request.GET.get("bureau"))
    within = next((b for b in bureaus if b.pk == chosen), None)
    context: dict = {"max_length": selectors.MAX_QUERY_LENGTH, "bureaus": bureaus, "within": within}
    if "q" in request.GET:
        context["query"] = request.GET["q"][:200]
        try:
            query = selectors.clean_query(request.GET["q"])
        except selectors.BadQuery as error:
            context["error"] = str(error)
        else:
            context["query"] = query
            context["results"] = selectors.search(query, within=within)
            context["searched"] = True
    township = None
    if township_id := parse_id(request.GET.get("township")):
        township = Township.objects.filter(pk=township_id).first()
        if township is not None:
            context["township"] = township
            context["township_villages"] = list(
                selectors.with_public_advisor(township.villages.all()).order_by("code")
            )
    browse = selectors.browsing(selectors.clean_letter(request.GET.get("letter")), within=within)
    context["browse"] = browse
    context["browse_page"] = paginate(request, browse.townships, per_page=browse.per_page)
    context["figures"] = selectors.district_figures()
    return _render(request, "publicity/home.html", context)


@public_page
@cached_page(_care)
def village_detail(request: HttpRequest, pk: int) -> HttpResponse:
    village = get_object_or_404(selectors.with_public_advisor(Village.objects.all()), pk=pk)
    advisor = selectors.public_advisor_of(village)
    return _render(
        request,
        "publicity/village_detail.html",
        {
            "village": village,
            "advisor": advisor,
            "photo": phone_photo(advisor.photo) if advisor else None,
            "wechat_qr": phone_qr(village.wechat_group_qr),
            "services": selectors.ADVISOR_SERVICES,
        },
    )


@public_page
@cached_page(_care)
def advisor_detail(request: HttpRequest, pk: int) -> HttpResponse:
    advisor = get_object_or_404(selectors.public_advisors().select_related("firm"), pk=pk)
    villages = list(
        Village.objects.filter(pk__in=selectors.public_agreements_of(advisor).values("village_id"))
        .select_related("township")
        .order_by("township__code", "code")
    )
    if not villages:
        raise Http404
    return _render(
        request,
        "publicity/advisor_detail.html",
        {"advisor": advisor, "photo": phone_photo(advisor.photo), "villages": villages},
    )


@public_page
@cached_page(_care)
def village_poster(request: HttpRequest, pk: int) -> HttpResponse:
    """The village's notice-board poster (公示栏), an A4 PDF to print."""
    village = get_object_or_404(selectors.with_public_advisor(Village.objects.all()), pk=pk)
    pdf = render_poster(village, selectors.public_advisor_of(village), hotline=LEGAL_AID_HOTLINE)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="poster-{village.code}.pdf"'
    return response


@login_required
@require_GET
def township_posters(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff: the posters of every village of a township that has an advisor now, one A4 page each."""
    township = get_township_for_user(request.user, pk)
    scope = scope_of(request.user)
    if not (scope.is_operator or scope.is_staff):
        raise PermissionDenied(_("只有司法所和司法局可以批量打印公示栏。"))
    villages = selectors.with_public_advisor(township.villages.all()).order_by("code")
    posters = [
        (village, advisor) for village in villages if (advisor := selectors.public_advisor_of(village))
    ]
    if not posters:
        messages.info(request, _("本乡镇(街道)目前没有在岗法律顾问的村(社区)，无公示栏可打印。"))
        return redirect("villages:township_detail", pk=township.pk)
    pdf = render_posters(posters, hotline=LEGAL_AID_HOTLINE)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="posters-{township.code}.pdf"'
    return response


def safe_next(request: HttpRequest, target: str | None) -> str:
    if (
        target
        and target.startswith("/public/")
        and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False)
    ):
        return target
    return reverse("publicity:home")


@transaction.non_atomic_requests
@require_GET
def care_mode(request: HttpRequest) -> HttpResponse:
    """Switch 关怀版 on (?on=1) or off, remember it in a cookie, and go back to a page of the public site."""
    response = HttpResponseRedirect(safe_next(request, request.GET.get("next")))
    if request.GET.get("on") == "1":
        response.set_cookie(CARE_COOKIE, "1", max_age=CARE_MAX_AGE, samesite="Lax", httponly=True)
    else:
        response.delete_cookie(CARE_COOKIE, samesite="Lax")
    return response


@transaction.non_atomic_requests
def not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    """Any other address under /public/: the public "not found" page (after adding a missing final slash)."""
    if not request.path.endswith("/"):
        try:
            match = resolve(request.path + "/")
        except Resolver404:
            match = None
        if match is not None and match.url_name != "not_found":
            query = request.META.get("QUERY_STRING", "")
            return HttpResponseRedirect(request.path + "/" + (f"?{query}" if query else ""))
    return _not_found(request)
