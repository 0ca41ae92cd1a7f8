"""Who sees which personal phone number in full (PIPL 个人信息保护: the minimum each role needs).

| number | in full, without asking | everyone else in scope |
|---|---|---|
| Advisor.mobile (手机号) | the advisor themself; the liaison of a village the advisor serves now (they work together) | masked; on the advisor's and incident pages a "显示完整号码" button reveals it, audited |
| Advisor.work_phone (公开工作电话) | everyone, the public too: published by choice, never masked | — |
| Village.liaison_phone (联络员电话) | the liaison themself; the advisor serving the village now | masked, with the reveal button on the village's page |
| WorkLog.object_phone (服务对象电话, a resident's) | the log's advisor (who served them and wrote it) | masked, with the reveal button on the log's page |
| Profile.phone (用户手机号) | the bureau admin in the admin change form (to edit it) | masked in the admin's list |
| Bureau/Township/Firm phones | everyone: an institution's landline, not personal information | — |

Lists show masked numbers (the person's own excepted) and never a reveal button: a reveal is a deliberate act on
one record's page. The button POSTs to `reveal/<kind>/<pk>/`, which writes the audit event
(`audit_event("phone_revealed", …)`) and redirects back to the page, where the number is shown in full once; the next
view of the page is masked again (pages to signed-in users are not cached: common/middleware.py).

Exports of the provincial work-log form (工作日志, seed 001 附件2) print the resident's phone in full only for the log's
advisor and the justice-office staff of its township: the advisor prints it for the resident's signature, the office
files it and checks the service by calling the resident (核查). The bureau's copies and anyone else's are masked; the
bureau reveals one number on the log's page when it runs a return visit (回访). The annual ledger and the summaries
carry no phone column.

Scope comes first: the reveal view finds the record through the app's `*_visible_to(user)` selector, so a number
outside the user's scope is a 404 like the record itself.

Each app registers its own numbers here (`register`, from its AppConfig.ready: advisors/phones.py,
villages/phones.py, ledger/phones.py) with its selector and its rule; common names no app.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model, QuerySet


@dataclass(frozen=True)
class RevealableField:
    kind: str  # the URL's slug
    model: str  # the model's label, lower case: "advisors.advisor"
    field: str
    queryset_for: Callable[
        ..., QuerySet
    ]  # (user): the records whose number the user may reveal, the app's selector
    shown_in_full: Callable[..., bool]  # (user, obj, lists): the app's rule of the table above


REVEALABLE: dict[str, RevealableField] = {}
KIND_OF: dict[tuple[str, str], str] = {}


def register(revealable: RevealableField) -> None:
    REVEALABLE[revealable.kind] = revealable
    KIND_OF[(revealable.model, revealable.field)] = revealable.kind


def kind_of(obj: Model, field: str) -> str | None:
    return KIND_OF.get((obj._meta.label_lower, field))


def sees_in_full(user, obj: Model, field: str, *, lists: bool = False) -> bool:
    """Whether `user` reads `obj.field` unmasked without asking (the table above). `lists`: a list page, where only
    the person's own number shows in full (no query per row)."""
    if user is None or not user.is_authenticated:
        return False
    kind = kind_of(obj, field)
    if kind is None:
        return True  # not a personal number of the table: institutional, shown as is
    return REVEALABLE[kind].shown_in_full(user, obj, lists)


REVEALED_SESSION_KEY = "pipl_revealed"


def remember_revealed(request, kind: str, pk: int) -> None:
    """After the audited reveal: the next rendering of this number for this session shows it in full."""
    revealed = request.session.get(REVEALED_SESSION_KEY, [])
    request.session[REVEALED_SESSION_KEY] = [*revealed, f"{kind}:{pk}"][-20:]


def take_revealed(request, kind: str, pk: int) -> bool:
    """Whether the number was just revealed; it is shown once, then masked again."""
    session = getattr(request, "session", None)
    if session is None:
        return False
    revealed = session.get(REVEALED_SESSION_KEY)
    key = f"{kind}:{pk}"
    if not revealed or key not in revealed:
        return False
    session[REVEALED_SESSION_KEY] = [k for k in revealed if k != key]
    return True
