"""What the public pages show: only current, active advisors and aggregate figures, never personal data."""

from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from django.core.cache import cache
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from pypinyin import Style, lazy_pinyin

from advisors.models import Advisor, Agreement
from ledger.models import WorkLog
from villages.models import Bureau, Township, Village

from . import cache as page_cache

MAX_QUERY_LENGTH = 50
INDEX_CACHE_KEY = "publicity:search-index:2:{version}"  # 2: the SearchIndex of tuples
INDEX_TIMEOUT = 10 * 60
BROWSING_CACHE_KEY = "publicity:browsing:2:{version}"  # 2: with the initial
# More townships than this, and the home lists them by pinyin initial (a province has 1,800: a 208 KB page).
BROWSE_ALL_UP_TO = 150
BROWSE_PER_PAGE = 100
FIGURES_COVERAGE_KEY = "publicity:figures:coverage:{version}:{day}"
FIGURES_SERVICES_KEY = "publicity:figures:services:{year}:{day}"
FIGURES_TIMEOUT = 24 * 3600  # keyed by the day as well: never older than the day

# What a village's legal advisor does for residents (seed 001 二(二); the service types of ledger/0002).
ADVISOR_SERVICES = [
    "解答法律咨询",
    "调解矛盾纠纷",
    "代写法律文书",
    "审查合同、提出法律意见",
    "审核村规民约",
    "协助申请法律援助",
    "开展法治宣传和法治讲座",
    "协助村(居)依法换届选举",
    "引导依法反映诉求",
]


@lru_cache(maxsize=200_000)
def initials(text: str) -> str:
    """Pinyin initials of the Chinese characters ("东风村" → "dfc"); other characters are kept, lower-cased.

    Remembered in the process: rebuilding the search index after a change then converts only the new names (the
    80,000 names of a province take seconds through pypinyin)."""
    return "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default")).lower()


def _current_agreements() -> QuerySet[Agreement]:
    return Agreement.objects.current().filter(advisor__is_active=True)


def public_advisors() -> QuerySet[Advisor]:
    """Active advisors serving a village today."""
    return Advisor.objects.filter(is_active=True, pk__in=_current_agreements().values("advisor_id"))


def with_public_advisor(villages: QuerySet[Village]) -> QuerySet[Village]:
    """Villages with `current_agreements`: today's agreement (at most one) of an active advisor, with the firm."""
    current = _current_agreements().select_related("advisor__firm")
    return villages.select_related("township").prefetch_related(
        Prefetch("agreements", queryset=current, to_attr="current_agreements")
    )


def public_advisor_of(village: Village) -> Advisor | None:
    agreements = getattr(village, "current_agreements", [])
    return agreements[0].advisor if agreements else None


# (pk, name lower-cased, pinyin initials[, township id of a village]): plain tuples, which the cache unpickles
# in milliseconds (80,000 dataclass instances took 300 ms on every search at province scale).
IndexRow = tuple


@dataclass(frozen=True)
class SearchIndex:
    villages: list[IndexRow]  # in page order (township code, village code), with the township id
    townships: list[IndexRow]
    advisors: list[IndexRow]  # in page order (name, pk)


# The index last read by this process, and its cache key: reused while the shared cache still holds that key
# (unpickling it again took 20 ms and 19 MiB per search at province scale).
_kept_index: dict[str, tuple[str, SearchIndex]] = {}


def search_index() -> SearchIndex:
    """Names and their pinyin initials of every village, township and advisor, cached (80,000 rows at province
    scale)."""
    key = INDEX_CACHE_KEY.format(version=page_cache.version())
    kept = _kept_index.get("index")
    if kept is not None and kept[0] == key and cache.has_key(key):
        return kept[1]
    index = cache.get(key)
    if index is None:
        villages = Village.objects.order_by("township__code", "code").values_list("pk", "name", "township_id")
        index = SearchIndex(
            villages=[(pk, name.lower(), initials(name), township) for pk, name, township in villages],
            townships=[
                (pk, name.lower(), initials(name)) for pk, name in Township.objects.values_list("pk", "name")
            ],
            advisors=[
                (pk, name.lower(), initials(name))
                for pk, name in Advisor.objects.order_by("name", "pk").values_list("pk", "name")
            ],
        )
        cache.set(key, index, INDEX_TIMEOUT)
    _kept_index["index"] = (key, index)
    return index


class BadQuery(ValueError):
    pass


def clean_query(raw: str | None) -> str:
    query = " ".join((raw or "").split())
    if not query:
        raise BadQuery("请输入村(社区)、乡镇(街道)或法律顾问的姓名，也可以输入拼音首字母，如 dfc。")
    if len(query) > MAX_QUERY_LENGTH:
        raise BadQuery(f"搜索内容太长了，请不超过 {MAX_QUERY_LENGTH} 个字。")
    if any(not ch.isprintable() for ch in query):
        raise BadQuery("搜索内容含有无法识别的字符，请重新输入。")
    return query


@dataclass
class SearchResults:
    villages: list[Village]
    advisors: list[Advisor]

    def __bool__(self) -> bool:
        return bool(self.villages or self.advisors)


def public_bureaus() -> list[Bureau]:
    """The bureaus a resident may narrow the directory to: each city (its whole area) and each county bureau, in the
    order city, then its counties. One deployment serves a city or a province: by default the directory is all of it."""
    rows = list(Bureau.objects.exclude(level=Bureau.Level.PROVINCE).order_by("code"))
    cities = [b for b in rows if b.level == Bureau.Level.CITY]
    ordered = []
    for city in cities:
        ordered += [city, *(b for b in rows if b.parent_id == city.pk)]
    return ordered + [b for b in rows if b not in ordered]


def township_ids_within(bureau: Bureau | None) -> set[int] | None:
    """The townships of `bureau` and every bureau below it; None for the whole directory."""
    if bureau is None:
        return None
    return set(Township.objects.filter(bureau__in=Bureau.objects.within(bureau)).values_list("pk", flat=True))


def search(query: str, *, limit: int = 50, within: Bureau | None = None) -> SearchResults:
    """Villages (by their name or their township's) and public advisors matching a name or pinyin initials.

    The cached index only finds candidate ids: what is shown is read live, so an advisor made inactive or an
    agreement ended disappears at once. The index holds names in page order, so only the first `limit` matching
    villages are asked for, and the advisors in slices (a one-letter search may match most of a province).
    """
    needle = query.lower()
    initials_too = needle.isascii()
    index = search_index()
    area = township_ids_within(within)

    def matches(row: IndexRow) -> bool:
        return needle in row[1] or (initials_too and needle in row[2])

    townships = {row[0] for row in index.townships if matches(row)}
    village_ids: list[int] = []
    for row in index.villages:
        if area is not None and row[3] not in area:
            continue
        if row[3] in townships or matches(row):
            village_ids.append(row[0])
            if len(village_ids) == limit:
                break
    advisor_ids = [row[0] for row in index.advisors if matches(row)]
    villages = list(
        with_public_advisor(Village.objects.filter(pk__in=village_ids)).order_by("township__code", "code")
    )
    return SearchResults(villages, _first_public_advisors(advisor_ids, limit, within))


def _first_public_advisors(ids: list[int], limit: int, within: Bureau | None = None) -> list[Advisor]:
    """The first `limit` public advisors among `ids` (in page order): most are public, so the first slice of
    4 × limit usually holds them; the rest is asked for only when it does not."""
    public = public_advisors().select_related("firm")
    if within is not None:
        public = public.filter(bureau__in=Bureau.objects.within(within))
    head = ids[: 4 * limit]
    found = list(public.filter(pk__in=head)[:limit])
    if len(found) < limit and len(ids) > len(head):
        found += public.filter(pk__in=ids[len(head) :])[: limit - len(found)]
    return found


def district_figures(year: int | None = None) -> dict[str, int]:
    """Aggregates only: villages covered and advisors serving today, services counted this year.

    Cached, so that a search costs only its own query: the coverage per public cache version and day (a change of
    an agreement shows at once), the services per day (a `COUNT(DISTINCT …)` over the year's logs, over a second at
    province scale; the logs do not bump the version, so the public total lags by at most a day).
    """
    today = timezone.localdate()
    year = year or today.year
    coverage_key = FIGURES_COVERAGE_KEY.format(version=page_cache.version(), day=today.isoformat())
    coverage = cache.get(coverage_key)
    if coverage is None:
        # One pass over today's agreements (two COUNT(DISTINCT) subqueries took 70 ms at province scale, this 30).
        coverage = _current_agreements().aggregate(
            villages=Count("village_id", distinct=True), advisors=Count("advisor_id", distinct=True)
        )
        cache.set(coverage_key, coverage, FIGURES_TIMEOUT)
    services_key = FIGURES_SERVICES_KEY.format(year=year, day=today.isoformat())
    services = cache.get(services_key)
    if services is None:
        services = (
            WorkLog.objects.counted()
            .filter(service_date__year=year)
            .aggregate(
                consultations=Count("pk", filter=Q(service_types__code="consultation"), distinct=True),
                mediations=Count("pk", filter=Q(service_types__code="mediation"), distinct=True),
                lectures=Count("pk", filter=Q(service_types__code="publicity"), distinct=True),
            )
        )
        cache.set(services_key, services, FIGURES_TIMEOUT)
    return {**coverage, **services}


class BrowsedTownship(NamedTuple):
    pk: int
    name: str
    village_count: int
    letter: str  # the pinyin initial of its name, A–Z ("#" for a name that does not start with a letter)


def _letter(name: str) -> str:
    first = initials(name)[:1].upper()
    return first if "A" <= first <= "Z" else "#"


def townships_for_browsing() -> list[BrowsedTownship]:
    """Every township and its number of villages, cached per public cache version (1,800 at province scale: a
    grouped count over the villages on every search otherwise)."""
    key = BROWSING_CACHE_KEY.format(version=page_cache.version())
    townships = cache.get(key)
    if townships is None:
        rows = (
            Township.objects.annotate(village_count=Count("villages"))
            .order_by("bureau__name", "code")
            .values_list("pk", "name", "village_count")
        )
        townships = [BrowsedTownship(pk, name, count, _letter(name)) for pk, name, count in rows]
        cache.set(key, townships, INDEX_TIMEOUT)
    return townships


@dataclass
class Browsing:
    """The browse list of the home page. Up to `BROWSE_ALL_UP_TO` townships (a district, a city), all of them;
    more (a province), an index of pinyin initials and, when one is chosen, its townships in pinyin order, so that
    every township's villages are three taps away without a 200 KB page on every search."""

    townships: list[BrowsedTownship]  # the townships to list (all, or the chosen letter's)
    letters: list[tuple[str, int]]  # (initial, number of townships) when listed by initial, else empty
    letter: str  # the chosen initial, or ""

    @property
    def by_letter(self) -> bool:
        return bool(self.letters)

    @property
    def per_page(self) -> int:
        """An initial's townships come `BROWSE_PER_PAGE` a page; a short list all at once."""
        return BROWSE_PER_PAGE if self.by_letter else max(len(self.townships), 1)


def clean_letter(raw: str | None) -> str:
    """A pinyin initial from the address (?letter=d), or "" for anything else."""
    letter = (raw or "").strip().upper()
    return letter if len(letter) == 1 and ("A" <= letter <= "Z" or letter == "#") else ""


def browsing(letter: str = "", within: Bureau | None = None) -> Browsing:
    townships = townships_for_browsing()
    area = township_ids_within(within)
    if area is not None:
        townships = [t for t in townships if t.pk in area]
    if len(townships) <= BROWSE_ALL_UP_TO:
        return Browsing(townships, [], "")
    counts: dict[str, int] = {}
    for township in townships:
        counts[township.letter] = counts.get(township.letter, 0) + 1
    letters = sorted(counts.items(), key=lambda item: (item[0] == "#", item[0]))
    chosen = [t for t in townships if t.letter == letter] if letter else []
    chosen.sort(key=lambda t: (initials(t.name), t.name, t.pk))
    return Browsing(chosen, letters, letter if letter in counts else "")


def public_agreements_of(advisor: Advisor) -> QuerySet[Agreement]:
    return _current_agreements().filter(advisor=advisor)
