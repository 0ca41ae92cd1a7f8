from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from accounts.policy import scope_of
from common.phones import REVEALABLE, remember_revealed

from .services import audit_event


@login_required
@require_POST
def reveal_phone(request, kind: str, pk: int):
    """One full phone number of a record in the user's scope (404 outside it): written to the audit trail, then shown
    once on the page the button was on (common/phones.py)."""
    spec = REVEALABLE.get(kind)
    if spec is None:
        raise Http404
    obj = get_object_or_404(spec.queryset_for(request.user), pk=pk)
    if not scope_of(request.user).reveals_phones:
        raise PermissionDenied
    if not getattr(obj, spec.field):
        raise Http404
    audit_event("phone_revealed", request=request, obj=obj, detail=spec.field)
    remember_revealed(request, kind, obj.pk)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = obj.get_absolute_url()
    return redirect(back)
