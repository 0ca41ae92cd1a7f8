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
"""

from dataclasses import dataclass

from django.db.models import Model, QuerySet

from accounts.policy import scope_of


@dataclass(frozen=True)
class RevealableField:
    kind: str  # the URL's slug
    field: str

    def queryset_for(self, user) -> QuerySet:
        """The records whose number `user` may reveal: the app's scoping selector."""
        if self.kind == "advisor-mobile":
            from advisors.selectors import advisors_visible_to

            return advisors_visible_to(user)
        if self.kind == "village-liaison-phone":
            from villages.selectors import villages_visible_to

            return villages_visible_to(user).select_related("township")
        if self.kind == "worklog-object-phone":
            from ledger.selectors import worklogs_visible_to

            return worklogs_visible_to(user).select_related("advisor", "village")
        raise LookupError(self.kind)


REVEALABLE = {
    f.kind: f
    for f in (
        RevealableField("advisor-mobile", "mobile"),
        RevealableField("village-liaison-phone", "liaison_phone"),
        RevealableField("worklog-object-phone", "object_phone"),
    )
}
KIND_OF = {
    ("advisors", "advisor", "mobile"): "advisor-mobile",
    ("villages", "village", "liaison_phone"): "village-liaison-phone",
    ("ledger", "worklog", "object_phone"): "worklog-object-phone",
}


def kind_of(obj: Model, field: str) -> str | None:
    return KIND_OF.get((obj._meta.app_label, obj._meta.model_name, field))


def _counterparts(user) -> tuple[set[int], set[int]]:
    """(advisor ids, village ids) of the user's working counterparts today, one query per request (memoised on the
    user object): a liaison's villages' current advisors; an advisor's current villages."""
    cached = getattr(user, "_pipl_counterparts", None)
    if cached is not None:
        return cached
    advisors: set[int] = set()
    villages: set[int] = set()
    scope = scope_of(user)
    if scope.is_liaison or scope.is_advisor:
        from advisors.models import Agreement

        current = Agreement.objects.current()
        if scope.is_liaison:
            advisors = set(current.filter(village__liaison=user).values_list("advisor_id", flat=True))
        else:
            villages = set(
                current.filter(advisor__user=user, advisor__is_active=True).values_list(
                    "village_id", flat=True
                )
            )
    user._pipl_counterparts = (advisors, villages)
    return user._pipl_counterparts


def sees_in_full(user, obj: Model, field: str, *, lists: bool = False) -> bool:
    """Whether `user` reads `obj.field` unmasked without asking (the table above). `lists`: a list page, where only
    the person's own number shows in full (no query per row)."""
    if user is None or not user.is_authenticated:
        return False
    kind = kind_of(obj, field)
    if kind == "advisor-mobile":
        if obj.user_id == user.pk:
            return True
        return not lists and obj.pk in _counterparts(user)[0]
    if kind == "village-liaison-phone":
        if obj.liaison_id == user.pk:
            return True
        return not lists and obj.pk in _counterparts(user)[1]
    if kind == "worklog-object-phone":
        advisor = getattr(obj, "advisor", None)
        return advisor is not None and advisor.user_id == user.pk
    return True  # not a personal number of the table: institutional, shown as is


def exports_in_full(user, worklog) -> bool:
    """Whether the work-log form exported by `user` prints the resident's phone in full (see the module docstring).
    The caller has scoped the log already."""
    if worklog.advisor.user_id == user.pk:
        return True
    return scope_of(user).is_office_of(worklog.village.township_id)


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
