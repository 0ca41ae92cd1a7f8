"""The audit trail's one write path for events that are not a model change, and its purge.

Model changes (create, change, delete with the diff) are written by django-auditlog into the same table
(`audit.AuditEntry`, see audit/apps.py); everything else calls `audit_event`:

    from audit.services import EXPORT, audit_event
    audit_event(EXPORT, request=request, obj=report_owner, detail="工作台账.xlsx", data={"format": "xlsx"})
"""

import ipaddress
import json
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.encoding import smart_str

# Actions (AuditEntry.event). Model changes use CREATE / UPDATE / DELETE; the others are events.
CREATE = "create"
UPDATE = "update"
DELETE = "delete"
LOGIN = "login"
LOGIN_FAILED = "login_failed"
LOCKED_OUT = "locked_out"
UNLOCKED = "unlocked"
LOGOUT = "logout"
PASSWORD_CHANGED = "password_changed"
PERMISSION_DENIED = "permission_denied"
EXPORT = "export"
DOWNLOAD = "download"
PHONE_REVEALED = "phone_revealed"
PURGE = "purge"
RESIDENT_BLOCKED = (
    "resident_blocked"  # a resident's request or rating refused as abuse (rate, challenge, spam)
)
BULK_CHANGE = "bulk_change"  # a job's set-based write to an audited model (the per-row signals do not fire)

# Results
SUCCESS = "success"
FAILURE = "failure"
DENIED = "denied"
NOT_FOUND = "not_found"

# The legal minimum (Cybersecurity Law art. 21: network logs kept at least six months). The database triggers of
# migration 0002 hold this floor whatever the setting says.
MINIMUM_RETENTION_DAYS = 180


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or the first X-Forwarded-For address behind a trusted proxy only
    (`AUDIT_TRUST_X_FORWARDED_FOR`), since the header is whatever the client wants it to be otherwise."""
    if request is None:
        return None
    candidate = request.META.get("REMOTE_ADDR", "")
    if settings.AUDIT_TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded.strip():
            candidate = forwarded.split(",")[0].strip()
            if candidate.startswith("["):  # [v6]:port
                candidate = candidate[1:].split("]")[0]
            elif candidate.count(":") == 1:  # v4:port
                candidate = candidate.split(":")[0]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def _jsonable(data: dict | None) -> dict | None:
    if not data:
        return None
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder, default=str))


def audit_event(
    action: str,
    *,
    request=None,
    user=None,
    obj=None,
    result: str = SUCCESS,
    detail: str = "",
    data: dict | None = None,
) -> None:
    """Append one event to the audit trail: time, user (given, else the request's), IP, action, object, result.

    For a failed login pass `data={"username": ...}`: the attempted name is kept as the entry's user name.
    Never put a full phone or ID number into `detail` or `data`.
    """
    from auditlog.cid import get_cid
    from django.contrib.contenttypes.models import ContentType

    from .models import AuditEntry

    if user is None and request is not None:
        request_user = getattr(request, "user", None)
        if request_user is not None and request_user.is_authenticated:
            user = request_user
    if user is not None and not user.is_authenticated:
        user = None
    entry = AuditEntry(
        action=AuditEntry.Action.ACCESS,
        event=action,
        result=result,
        detail=detail,
        additional_data=_jsonable(data),
        actor=user,
        actor_username=user.get_username()
        if user is not None
        else str((data or {}).get("username", ""))[:150],
        remote_addr=client_ip(request),
        cid=get_cid(),
    )
    if obj is not None:
        entry.content_type = ContentType.objects.get_for_model(obj)
        entry.object_pk = smart_str(obj.pk)
        entry.object_id = obj.pk if isinstance(obj.pk, int) else None
        entry.object_repr = smart_str(obj)[:1000]
    entry.save()


def audit_bulk_change(model, *, detail: str, data: dict) -> None:
    """Record a set-based write (bulk_create, QuerySet.update) that auditlog's signals miss: which model, what
    changed and which rows (the filter, and the counts)."""
    audit_event(BULK_CHANGE, detail=detail, data={"model": model._meta.label, **data})


def retention_days() -> int:
    """`AUDIT_RETENTION_DAYS` (default and minimum 180); a smaller setting is refused, never applied."""
    days = settings.AUDIT_RETENTION_DAYS
    if not isinstance(days, int) or days < MINIMUM_RETENTION_DAYS:
        raise ImproperlyConfigured(
            f"AUDIT_RETENTION_DAYS 不能小于 {MINIMUM_RETENTION_DAYS} 天（《网络安全法》第二十一条），当前为 {days!r}。"
        )
    return days


def audit_trail_purge(*, now=None) -> int:
    """Delete the entries older than the retention; return how many. The purge itself is recorded."""
    from .models import AuditEntry

    days = retention_days()
    cutoff = (now or timezone.now()) - timedelta(days=days)
    deleted, _ = AuditEntry.objects.filter(timestamp__lt=cutoff).delete()
    audit_event(
        PURGE,
        detail=f"删除 {cutoff:%Y-%m-%d} 之前的审计记录",
        data={"deleted": deleted, "retention_days": days},
    )
    return deleted
