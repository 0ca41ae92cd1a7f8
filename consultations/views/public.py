"""The residents' side (no login): ask the village's advisor, look a request's state up, rate the service.

Never cached (forms carry CSRF tokens and one-time challenges), rate-limited per IP address and per phone number,
every refusal audited. A request's page shows its state, never its content.
"""

from uuid import uuid4

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from audit.services import FAILURE, RESIDENT_BLOCKED, audit_event
from ledger.forms import attach_errors
from publicity import selectors as public
from publicity import throttle
from publicity.views import _not_found, _render
from villages.models import Village

from .. import challenge
from ..forms import LookupForm, RequestRatingForm, ResidentRatingForm, ResidentRequestForm
from ..models import ResidentRequest
from ..services import RequestInput, phone_key, resident_rating_create, resident_request_create

HOUR = 60 * 60
DAY = 24 * HOUR


def _village_and_advisor(pk: int):
    village = get_object_or_404(
        public.with_public_advisor(Village.objects.select_related("township__bureau")), pk=pk
    )
    advisor = public.public_advisor_of(village)
    if advisor is None:
        raise Http404
    return village, advisor


def _blocked(request: HttpRequest, reason: str, obj=None) -> HttpResponse:
    audit_event(
        RESIDENT_BLOCKED,
        request=request,
        obj=obj,
        result="denied",
        detail=reason,
        data={"path": request.path},
    )
    return _render(request, "consultations/public/rate_limited.html", {}, status=429)


def _ip_allowed(request: HttpRequest) -> bool:
    return throttle.count_allowed(
        "resident-ip", throttle.client_address(request), limit=settings.RESIDENT_IP_RATE, window=HOUR
    )


def _check_challenge(request: HttpRequest, form) -> str | None:
    """None when passed; "too_fast" for a form sent back by a script; the form gets an error when failed."""
    try:
        challenge.check(request.POST.get("challenge", ""), form.cleaned_data["answer"])
    except challenge.TooFast:
        return "too_fast"
    except challenge.ChallengeFailed:
        form.add_error("answer", _("答案不对，请看新的题目再答一次。"))
        audit_event(
            RESIDENT_BLOCKED,
            request=request,
            result=FAILURE,
            detail=_("验证题回答错误"),
            data={"path": request.path},
        )
        return "failed"
    return None


def _form_page(request, template: str, context: dict, *, status: int = 200) -> HttpResponse:
    question, token = challenge.new_challenge()
    return _render(
        request,
        template,
        {**context, "challenge_question": question, "challenge_token": token},
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def ask(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        village, advisor = _village_and_advisor(pk)
    except Http404:
        return _not_found(request)
    context = {"village": village, "advisor": advisor, "bureau": village.township.bureau}
    if request.method != "POST":
        form = ResidentRequestForm(initial={"client_uuid": uuid4()})
        return _form_page(request, "consultations/public/ask.html", {**context, "form": form})
    if not _ip_allowed(request):
        return _blocked(request, _("群众留言：同一IP提交过于频繁"), village)
    form = ResidentRequestForm(request.POST)
    if form.is_valid():
        phone = form.cleaned_data["phone"]
        if not throttle.count_allowed(
            "resident-phone", phone_key(phone), limit=settings.RESIDENT_PHONE_RATE, window=DAY
        ):
            return _blocked(request, _("群众留言：同一电话号码当天留言过多"), village)
        outcome = _check_challenge(request, form)
        spam_reason = (
            "honeypot" if form.cleaned_data["website"] else ("too_fast" if outcome == "too_fast" else "")
        )
        if outcome != "failed":
            data = RequestInput(
                village=village,
                advisor=advisor,
                name=form.cleaned_data["name"],
                phone=phone,
                question=form.cleaned_data["question"],
                preferred_mode=form.cleaned_data["preferred_mode"],
                preferred_time=form.cleaned_data["preferred_time"],
                consent=form.cleaned_data["consent"],
            )
            try:
                resident_request = resident_request_create(
                    data=data,
                    client_uuid=form.cleaned_data["client_uuid"],
                    spam_reason=spam_reason,
                    request=request,
                )
            except ValidationError as error:
                attach_errors(form, error)
            else:
                return redirect("residents:status", reference=resident_request.reference)
    return _form_page(request, "consultations/public/ask.html", {**context, "form": form}, status=200)


@never_cache
@require_http_methods(["GET"])
def lookup(request: HttpRequest) -> HttpResponse:
    form = LookupForm(request.GET or None)
    context = {"form": form}
    if form.is_bound:
        if not throttle.lookup_allowed(request):
            return _blocked(request, _("群众留言查询过于频繁"))
        if form.is_valid():
            reference = form.cleaned_data["reference"].strip().upper()
            if ResidentRequest.objects.filter(reference=reference).exists():
                return redirect("residents:status", reference=reference)
            form.add_error("reference", _("没有找到这个编号，请核对后再查（编号是8位字母和数字）。"))
    return _render(request, "consultations/public/lookup.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def status(request: HttpRequest, reference: str) -> HttpResponse:
    """The state of a request (never its content); once closed, its one rating."""
    if not throttle.lookup_allowed(request):
        return _blocked(request, _("群众留言查询过于频繁"))
    resident_request = (
        ResidentRequest.objects.select_related("village__township", "advisor")
        .filter(reference=reference.upper())
        .first()
    )
    if resident_request is None:
        return _not_found(request)
    rated = hasattr(resident_request, "rating")
    may_rate = (
        resident_request.status == ResidentRequest.Status.CLOSED
        and not rated
        and not resident_request.erased_at
    )
    form = RequestRatingForm(request.POST or None) if may_rate else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            resident_rating_create(
                advisor=resident_request.advisor,
                village=resident_request.village,
                satisfaction=form.cleaned_data["satisfaction"],
                comment=form.cleaned_data["comment"],
                phone=resident_request.phone,
                resident_request=resident_request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("residents:status", reference=resident_request.reference)
    context = {"req": resident_request, "form": form, "rated": rated, "states": ResidentRequest.Status}
    return _render(request, "consultations/public/status.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, pk: int) -> HttpResponse:
    """Rate the village's advisor from the poster: once per phone number, advisor and month."""
    try:
        village, advisor = _village_and_advisor(pk)
    except Http404:
        return _not_found(request)
    context = {"village": village, "advisor": advisor}
    if request.method != "POST":
        form = ResidentRatingForm(initial={"client_uuid": uuid4()})
        return _form_page(request, "consultations/public/rate.html", {**context, "form": form})
    if not _ip_allowed(request):
        return _blocked(request, _("群众评价：同一IP提交过于频繁"), village)
    form = ResidentRatingForm(request.POST)
    if form.is_valid():
        outcome = _check_challenge(request, form)
        if form.cleaned_data["website"] or outcome == "too_fast":
            audit_event(
                RESIDENT_BLOCKED,
                request=request,
                obj=village,
                result="denied",
                detail=_("群众评价疑似机器提交，未计入"),
            )
            return redirect("residents:rated", pk=village.pk)
        if outcome is None:
            try:
                resident_rating_create(
                    advisor=advisor,
                    village=village,
                    satisfaction=form.cleaned_data["satisfaction"],
                    comment=form.cleaned_data["comment"],
                    phone=form.cleaned_data["phone"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect("residents:rated", pk=village.pk)
    return _form_page(request, "consultations/public/rate.html", {**context, "form": form})


@never_cache
@require_http_methods(["GET"])
def rated(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        village, advisor = _village_and_advisor(pk)
    except Http404:
        return _not_found(request)
    return _render(request, "consultations/public/rated.html", {"village": village, "advisor": advisor})
