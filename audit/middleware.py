"""auditlog's middleware (the request's user and address on every model change), with our address rule, plus the
permission denials: a PermissionDenied or a 403, and the 404 a logged-in user gets for an object outside their scope
(a view's Http404; a URL that matches no pattern never reaches the view and is not recorded)."""

from auditlog.context import auditlog_value
from auditlog.middleware import AuditlogMiddleware
from django.core.exceptions import PermissionDenied
from django.http import Http404

from . import services as s

_RECORDED = "_audit_denial_recorded"


class AuditMiddleware(AuditlogMiddleware):
    @staticmethod
    def _get_remote_addr(request):
        return s.client_ip(request)

    @staticmethod
    def _get_remote_port(request):
        return None

    def __call__(self, request):
        try:
            response = super().__call__(request)
        finally:
            # auditlog leaves the request's context (its user) in place after the request; an entry written later
            # outside any request (a job, a failed login's follow-up) must not inherit that user.
            auditlog_value.set({"signal_duid": ("after-request", id(request))})
        if response.status_code == 403 and not getattr(request, _RECORDED, False):
            self._record(request, s.DENIED)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied):
            self._record(request, s.DENIED)
        elif (
            isinstance(exception, Http404)
            and getattr(request, "user", None)
            and request.user.is_authenticated
        ):
            self._record(request, s.NOT_FOUND)
        return None

    @staticmethod
    def _record(request, result: str) -> None:
        setattr(request, _RECORDED, True)
        s.audit_event(
            s.PERMISSION_DENIED,
            request=request,
            result=result,
            detail=f"{request.method} {request.path}"[:1000],
        )
