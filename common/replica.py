"""Reports read from the read replica (README "Deployment beyond one machine").

With DATABASE_REPLICA_URL set, settings.REPLICA_DATABASE names the "replica" alias: a PostgreSQL standby kept by
streaming replication. Only code inside `reading_from_replica()` (or a view under `@reads_from_replica`) reads from
it; everything else, and every write anywhere, uses the primary ("default"). Without a replica the router sends
everything to "default", as if there were none.

A replica is a moment behind the primary, so it serves reads that tolerate that: the report pages and the workbook
export. Who is signed in and what they may do (users, profiles, sessions, second factor, lockouts, the audit trail)
is always read from the primary, even inside a report, so a role taken away or a session ended counts at once.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.http import HttpRequest, HttpResponse

_reading = ContextVar("reading_from_replica", default=False)

# App labels read from the primary even inside reading_from_replica().
PRIMARY_ONLY_APPS = frozenset(
    {
        "auth",
        "contenttypes",
        "sessions",
        "admin",
        "accounts",
        "axes",
        "django_otp",
        "otp_totp",
        "otp_static",
        "audit",
        "auditlog",
    }
)

SAFE_METHODS = frozenset({"GET", "HEAD"})


@contextmanager
def reading_from_replica() -> Iterator[None]:
    """Reads inside this block go to the replica, when there is one; writes still go to the primary."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def reads_from_replica(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A report view's GET and HEAD requests read from the replica. Any other method (a form posted to the same
    URL) runs on the primary alone, so what it reads is what it writes over."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in SAFE_METHODS:
            return view(request, *args, **kwargs)
        with reading_from_replica():
            return view(request, *args, **kwargs)

    return wrapper


class PrimaryReplicaRouter:
    """Writes to the primary, always (an object read from the replica is saved to the primary too); reads to the
    replica only inside reading_from_replica(), and never for PRIMARY_ONLY_APPS."""

    def db_for_read(self, model, **hints) -> str:
        if settings.REPLICA_DATABASE and _reading.get() and model._meta.app_label not in PRIMARY_ONLY_APPS:
            return settings.REPLICA_DATABASE
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        # The replica holds the primary's rows: a report's object may point at the signed-in user, and the like.
        pool = {DEFAULT_DB_ALIAS, settings.REPLICA_DATABASE or DEFAULT_DB_ALIAS}
        if obj1._state.db in pool and obj2._state.db in pool:
            return True
        return None
