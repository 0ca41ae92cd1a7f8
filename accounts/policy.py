"""The access policy: who is which role over which place. Every `*_visible_to(user)`, every `may_*` check, the admin
querysets and the phone rules are built on `scope_of(user)`; no other module compares roles or reads
`is_superuser`.

A person's *reach* is how far they see, on a ladder from the widest down:

| reach | who | sees |
|---|---|---|
| ALL | the system's operator (superuser) | everything, of every bureau |
| OVERSIGHT | city and province staff (市司法局, 省司法厅) | every place of every bureau below theirs, read only |
| BUREAU | bureau admins and staff (司法局) | every place of their bureau |
| TOWNSHIP | justice-office staff (司法所) | their township's villages |
| ADVISOR | a legal advisor | the villages of their own agreements |
| LIAISON | a village liaison (村联络员) | their village |
| NONE | anyone else (no role) | nothing |

A model's scoping function names, per reach, the lookup from the model to the place that reach is over
(`Scope.filter`); a reach it does not name sees none of it. OVERSIGHT uses the BUREAU lookup over every bureau of
its subtree (`Scope.bureau_ids`), so each scoping function shows a city what it shows each of its bureaus' staff;
it never acts: the action predicates (`is_bureau`, `is_staff`, `runs_bureau`…) stay False for it. A new role is one entry in `ROLE_REACH` (and, for a
role over several bureaus, in `Scope.bureau_ids`).
"""

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from .models import Profile, Role, profile_of


class Reach(enum.Enum):
    """How far a person sees, widest first (the table above)."""

    ALL = "all"
    OVERSIGHT = "oversight"
    BUREAU = "bureau"
    TOWNSHIP = "township"
    ADVISOR = "advisor"
    LIAISON = "liaison"
    NONE = "none"


ROLE_REACH: dict[str, Reach] = {
    Role.BUREAU_ADMIN: Reach.BUREAU,
    Role.BUREAU_STAFF: Reach.BUREAU,
    Role.OFFICE_STAFF: Reach.TOWNSHIP,
    Role.ADVISOR: Reach.ADVISOR,
    Role.LIAISON: Reach.LIAISON,
    Role.CITY_STAFF: Reach.OVERSIGHT,
    Role.PROVINCE_STAFF: Reach.OVERSIGHT,
}
# The roles that run the programme over places (bureau and justice office), as opposed to those who serve a village.
STAFF_REACHES = frozenset({Reach.BUREAU, Reach.TOWNSHIP})
# Bureau roles that administer the bureau: its audit trail, its settings, a locked review's final tier.
ADMIN_ROLES = frozenset({Role.BUREAU_ADMIN})
# What a role's auth group may do in the admin site: "manage" its apps' records (and the bureau's users), or "view"
# them; a role not named has no admin-site permissions. Only "manage" roles get into the admin site (is_staff).
ADMIN_SITE_ACCESS: dict[str, str] = {Role.BUREAU_ADMIN: "manage", Role.BUREAU_STAFF: "view"}


def reach_of_role(role: str) -> Reach:
    return ROLE_REACH.get(role, Reach.NONE)


def uses_admin_site(role: str) -> bool:
    return ADMIN_SITE_ACCESS.get(role) == "manage"


# A lookup from a model to the place a reach is over (a string), a condition (Q), the rows themselves (QuerySet), or
# a function of no argument returning a Q or rows (built only for the reach that needs it).
Place = str | Q | QuerySet | Callable[[], Q | QuerySet] | None


@dataclass(frozen=True, eq=False)
class Scope:
    """One person's place in the policy, computed once per request (`scope_of`).

    `role_reach` is the reach of the person's role; `reach` is what they see, the operator seeing all whatever their
    role. The role predicates (`is_bureau`, `is_office`…) follow the role, so an operator who also holds a role acts
    in it."""

    user: Any
    role_reach: Reach
    operator: bool = False
    role: str = ""
    bureau_id: int | None = None
    township_id: int | None = None
    profile: Profile | None = None
    # The bureaus an OVERSIGHT reach sees: their own and every one below it (read at `scope_of`).
    subtree_ids: tuple[int, ...] = ()

    # --- who ---

    @property
    def reach(self) -> Reach:
        return Reach.ALL if self.operator else self.role_reach

    @property
    def is_operator(self) -> bool:
        """The system's operator: sees and may do everything (a superuser)."""
        return self.operator

    @property
    def has_role(self) -> bool:
        return self.profile is not None

    @property
    def is_bureau(self) -> bool:
        return self.role_reach is Reach.BUREAU

    @property
    def is_bureau_admin(self) -> bool:
        return self.role_reach is Reach.BUREAU and self.role in ADMIN_ROLES

    @property
    def is_office(self) -> bool:
        return self.role_reach is Reach.TOWNSHIP

    @property
    def is_staff(self) -> bool:
        """Bureau or justice-office staff: the people who run the programme over places."""
        return self.role_reach in STAFF_REACHES

    @property
    def is_advisor(self) -> bool:
        return self.role_reach is Reach.ADVISOR

    @property
    def is_liaison(self) -> bool:
        return self.role_reach is Reach.LIAISON

    @property
    def is_oversight(self) -> bool:
        """City or province staff: they read every bureau below theirs and change nothing."""
        return self.role_reach is Reach.OVERSIGHT

    @property
    def sees_programme(self) -> bool:
        """The programme's read pages (dashboards, ledgers, reports, reviews): staff who run it, and those above."""
        return self.is_staff or self.is_oversight

    @property
    def reveals_phones(self) -> bool:
        """Whether the person may reveal a personal number in full on a record's page: not those above the bureau,
        who oversee the programme and need no one's phone (PIPL: the minimum each role needs)."""
        return not self.is_oversight

    @property
    def bureau_ids(self) -> tuple[int, ...]:
        """The bureaus whose places a BUREAU or OVERSIGHT reach sees: a bureau's staff their own, a city or province
        its own and every bureau below it. The operator's "all" is not a list: `filter` does not narrow for them."""
        if self.is_oversight:
            return self.subtree_ids
        return (self.bureau_id,) if self.bureau_id is not None else ()

    # --- over which place ---

    def runs_bureau(self, bureau_id: int | None) -> bool:
        """Bureau staff of this very bureau: they act on its rows (reviews, visits, inspections)."""
        return self.is_bureau and bureau_id is not None and bureau_id == self.bureau_id

    def administers_bureau(self, bureau_id: int | None) -> bool:
        """A bureau admin of this bureau."""
        return self.is_bureau_admin and bureau_id is not None and bureau_id == self.bureau_id

    def oversees_bureau(self, bureau_id: int | None) -> bool:
        """City or province staff above this bureau: they may read its pages."""
        return self.is_oversight and bureau_id is not None and bureau_id in self.subtree_ids

    def reads_bureau(self, bureau_id: int | None) -> bool:
        """Whether the bureau's own read pages (its dashboard, reports and ledgers) are open to this person: its
        staff, those above it, the operator."""
        return self.is_operator or self.runs_bureau(bureau_id) or self.oversees_bureau(bureau_id)

    def is_office_of(self, township_id: int | None) -> bool:
        """Justice-office staff of this township."""
        return self.is_office and township_id is not None and township_id == self.township_id

    def oversees_township(self, township) -> bool:
        """The township's own justice office, or the staff of its bureau."""
        return self.runs_bureau(township.bureau_id) or self.is_office_of(township.pk)

    # --- which rows ---

    def filter(
        self,
        queryset: QuerySet,
        *,
        bureau: Place = None,
        township: Place = None,
        advisor: Place = None,
        liaison: Place = None,
    ) -> QuerySet:
        """`queryset` narrowed to this person's places. Each keyword says, for its reach, how the model reaches the
        place: a lookup to the bureau (for BUREAU) or the township (TOWNSHIP) or to the user (ADVISOR: the advisor's
        user, LIAISON: the village's liaison); a Q; the rows themselves as a queryset; or a function building either. The operator sees
        `queryset` whole; a reach without a keyword sees nothing."""
        if self.reach is Reach.ALL:
            return queryset
        place, value = {
            Reach.BUREAU: (bureau, self._bureau_value()),
            Reach.OVERSIGHT: (bureau, self.subtree_ids),
            Reach.TOWNSHIP: (township, self.township_id),
            Reach.ADVISOR: (advisor, self.user),
            Reach.LIAISON: (liaison, self.user),
        }.get(self.reach, (None, None))
        if place is None:
            return queryset.none()
        if callable(place):
            place = place()
        if isinstance(place, QuerySet):
            return place
        if isinstance(place, Q):
            return queryset.filter(place)
        if isinstance(value, tuple):
            if not value:
                return queryset.none()
            return queryset.filter(**{f"{place}__in": value})
        return queryset.filter(**{place: value})

    def _bureau_value(self) -> int | tuple[int, ...]:
        ids = self.bureau_ids
        return ids[0] if len(ids) == 1 else ids

    # --- people ---

    def people(self, queryset: QuerySet, *, bureau: str, user: str = "") -> QuerySet:
        """Accounts or profiles the person manages: the operator all; bureau roles those of their bureau, the
        operators' excepted (`user`: the lookup to the account, "" when `queryset` is of accounts)."""
        if self.is_operator:
            return queryset
        if not self.is_bureau:
            return queryset.none()
        return self.filter(queryset, bureau=bureau).exclude(
            **{f"{user}{'__' if user else ''}is_superuser": True}
        )


def scope_of(user) -> Scope:
    """The user's scope, memoised on the user object for the request. Recomputed if the role or place changed (a
    test or a service that reassigns a role within one request sees the new one)."""
    if user is None or not user.is_authenticated:
        return Scope(user=user, role_reach=Reach.NONE)
    operator = bool(user.is_superuser)
    profile = profile_of(user)
    key = (operator, profile and (profile.pk, profile.role, profile.bureau_id, profile.township_id))
    cached = getattr(user, "_access_scope", None)
    if cached is not None and cached[0] == key:
        return cached[1]
    scope = Scope(
        user=user,
        role_reach=reach_of_role(profile.role) if profile else Reach.NONE,
        operator=operator,
        role=profile.role if profile else "",
        bureau_id=profile.bureau_id if profile else None,
        township_id=profile.township_id if profile else None,
        profile=profile,
        subtree_ids=_subtree_ids(profile),
    )
    user._access_scope = (key, scope)
    return scope


def _subtree_ids(profile: Profile | None) -> tuple[int, ...]:
    if profile is None or reach_of_role(profile.role) is not Reach.OVERSIGHT:
        return ()
    bureaus = Profile._meta.get_field("bureau").related_model  # villages.Bureau: villages imports the policy
    return tuple(bureaus.objects.within(profile.bureau_id).order_by("pk").values_list("pk", flat=True))


def is_operator(user) -> bool:
    """The system's operator (a superuser): the admin pages only they may use."""
    return scope_of(user).is_operator


# --- who works where: the recipients of reminders and flags ---


def office_staff_profiles(township_ids) -> QuerySet[Profile]:
    """The active justice-office staff of these townships."""
    roles = [role for role, reach in ROLE_REACH.items() if reach is Reach.TOWNSHIP]
    return Profile.objects.filter(role__in=roles, township_id__in=township_ids, user__is_active=True)


def bureau_staff_profiles(bureau_ids) -> QuerySet[Profile]:
    """The active bureau roles of these bureaus."""
    roles = [role for role, reach in ROLE_REACH.items() if reach is Reach.BUREAU]
    return Profile.objects.filter(role__in=roles, bureau_id__in=bureau_ids, user__is_active=True)
