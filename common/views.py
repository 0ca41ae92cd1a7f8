import sys

from django.contrib.auth.decorators import login_required
from django.db import OperationalError
from django.http import Http404, HttpResponseServerError
from django.shortcuts import get_object_or_404, redirect
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from audit.services import audit_event

from .phones import REVEALABLE, remember_revealed


@login_required
@require_POST
def reveal_phone(request, kind: str, pk: int):
    """One full phone number of a record in the user's scope (404 outside it): written to the audit trail, then shown
    once on the page the button was on (common/phones.py)."""
    spec = REVEALABLE.get(kind)
    if spec is None:
        raise Http404
    obj = get_object_or_404(spec.queryset_for(request.user), pk=pk)
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


def server_error(request):
    """handler500: the site's own page. A database that is busy or unreachable (OperationalError: "database is
    locked", a dropped connection) is a 503 that says to try again in a minute; anything else the 500 page."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError):
        response = HttpResponseServerError(loader.get_template("503.html").render())
        response.status_code = 503
        response["Retry-After"] = "60"
        return response
    return HttpResponseServerError(loader.get_template("500.html").render())
