"""Who oversees which bureaus, and the subtree a page is about.

`bureaus_overseen(user)` is the one scoping function of every oversight page: a city's or province's staff see their
own bureau and every bureau below it (`scope_of(user).bureau_ids`), the operator every bureau, anyone else none (their
pages answer 404). A page is about a subtree (`under`, one of those bureaus; by default the person's own) and lists
its county bureaus, the ones that hold townships, grouped under their city when the subtree holds several cities.
"""

from dataclasses import dataclass, field

from django.db.models import F, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.policy import scope_of
from villages.models import Bureau


def may_oversee(user) -> bool:
    """City and province staff, and the operator: the oversight pages are theirs."""
    scope = scope_of(user)
    return scope.is_oversight or scope.is_operator


def bureaus_overseen(user) -> QuerySet[Bureau]:
    """Every bureau the person oversees, of any level: none unless `may_oversee`."""
    scope = scope_of(user)
    if scope.is_operator:
        return Bureau.objects.all()
    if scope.is_oversight:
        return Bureau.objects.filter(pk__in=scope.bureau_ids)
    return Bureau.objects.none()


@dataclass
class Group:
    """The county bureaus of one city (`city` None: counties straight under the subtree's root, each on its own)."""

    city: Bureau | None
    counties: list[Bureau] = field(default_factory=list)


@dataclass
class Subtree:
    """A page's bureaus: `root` (None: the operator's every bureau) and its county bureaus by group."""

    root: Bureau | None
    groups: list[Group]

    @property
    def counties(self) -> list[Bureau]:
        return [county for group in self.groups for county in group.counties]

    @property
    def county_ids(self) -> list[int]:
        return [county.pk for county in self.counties]

    @property
    def name(self) -> str:
        return self.root.name if self.root is not None else _("全部司法行政机关")

    @property
    def level(self) -> str:
        """The root's level (a province for the operator's every bureau)."""
        return self.root.level if self.root is not None else Bureau.Level.PROVINCE


def subtree_of(user, under: int | None = None) -> Subtree:
    """The subtree under `under` (a bureau the person oversees; by default their own bureau, or for the operator
    every bureau), in one query whatever its size. A bureau outside what the person oversees: 404."""
    overseen = bureaus_overseen(user)
    scope = scope_of(user)
    if under is None and not scope.is_operator:
        under = scope.bureau_id
    if under is None:
        bureaus = list(overseen.select_related("parent").order_by("code"))
        root = None
    else:
        bureaus = list(overseen.within(under).select_related("parent").order_by("code"))
        root = next((b for b in bureaus if b.pk == under), None)
        if root is None:
            raise Http404(_("不在您监督范围内的司法行政机关。"))
    groups: dict[int | None, Group] = {}
    for bureau in bureaus:
        if not bureau.is_county:
            continue
        # Counties straight under the root are rows of their own; those of a city below it, under that city.
        grouped = bureau.parent_id is not None and under not in (bureau.parent_id, bureau.pk)
        city = bureau.parent if grouped else None
        key = city.pk if city else None
        if key is None:
            # Each ungrouped county is a group of one, kept in code order among the cities.
            groups[-bureau.pk] = Group(None, [bureau])
        else:
            groups.setdefault(key, Group(city)).counties.append(bureau)
    ordered = sorted(groups.values(), key=lambda g: (g.city or g.counties[0]).code)
    return Subtree(root, ordered)


def county_overseen(user, pk: int) -> Bureau:
    """One county bureau the person oversees (its drill-down page): 404 otherwise."""
    bureau = bureaus_overseen(user).filter(pk=pk, level=Bureau.Level.COUNTY).first()
    if bureau is None:
        raise Http404(_("不在您监督范围内的司法局。"))
    return bureau


def roots_overseen(user) -> QuerySet[Bureau]:
    """The bureaus above counties the person may choose as a page's subtree (their own, the cities below it)."""
    top_first = F("parent_id").asc(nulls_first=True)
    return bureaus_overseen(user).exclude(level=Bureau.Level.COUNTY).order_by(top_first, "code")


def oversees_parent(user, bureau: Bureau) -> bool:
    """Whether the person oversees the bureau above `bureau` (a link up the tree), without a query."""
    scope = scope_of(user)
    if bureau.parent_id is None:
        return False
    return scope.is_operator or bureau.parent_id in scope.bureau_ids
