"""What the public pages show: only current, active advisors and aggregate figures, never personal data."""

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from pypinyin import Style, lazy_pinyin

from advisors.models import Advisor, Agreement
from ledger.models import WorkLog
from villages.models import Township, Village

from . import cache as page_cache

MAX_QUERY_LENGTH = 50
INDEX_CACHE_KEY = "publicity:search-index:{version}"
INDEX_TIMEOUT = 10 * 60

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


def initials(text: str) -> str:
    """Pinyin initials of the Chinese characters ("东风村" → "dfc"); other characters are kept, lower-cased."""
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


@dataclass(frozen=True)
class IndexEntry:
    kind: str  # "village", "township" or "advisor"
    pk: int
    text: str
    initials: str


def search_index() -> list[IndexEntry]:
    """Names and their pinyin initials of every village, township and advisor, cached (a few thousand rows)."""
    key = INDEX_CACHE_KEY.format(version=page_cache.version())
    index = cache.get(key)
    if index is None:
        index = [
            *(
                IndexEntry("village", pk, name, initials(name))
                for pk, name in Village.objects.values_list("pk", "name")
            ),
            *(
                IndexEntry("township", pk, name, initials(name))
                for pk, name in Township.objects.values_list("pk", "name")
            ),
            *(
                IndexEntry("advisor", pk, name, initials(name))
                for pk, name in Advisor.objects.values_list("pk", "name")
            ),
        ]
        cache.set(key, index, INDEX_TIMEOUT)
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


def search(query: str, *, limit: int = 50) -> SearchResults:
    """Villages (by their name or their township's) and public advisors matching a name or pinyin initials.

    The cached index only finds candidate ids: what is shown is read live, so an advisor made inactive or an
    agreement ended disappears at once.
    """
    needle = query.lower()
    ids: dict[str, set[int]] = {"village": set(), "township": set(), "advisor": set()}
    for entry in search_index():
        if needle in entry.text.lower() or (needle.isascii() and needle in entry.initials):
            ids[entry.kind].add(entry.pk)
    villages = list(
        with_public_advisor(
            Village.objects.filter(Q(pk__in=ids["village"]) | Q(township_id__in=ids["township"]))
        ).order_by("township__code", "code")[:limit]
    )
    advisors = list(public_advisors().filter(pk__in=ids["advisor"]).select_related("firm")[:limit])
    return SearchResults(villages, advisors)


def district_figures(year: int | None = None) -> dict[str, int]:
    """Aggregates only: villages covered and advisors serving today, services counted this year."""
    year = year or timezone.localdate().year
    current = _current_agreements()
    logs = WorkLog.objects.counted().filter(service_date__year=year)
    services = logs.aggregate(
        consultations=Count("pk", filter=Q(service_types__code="consultation"), distinct=True),
        mediations=Count("pk", filter=Q(service_types__code="mediation"), distinct=True),
        lectures=Count("pk", filter=Q(service_types__code="publicity"), distinct=True),
    )
    return {
        "villages": current.values("village_id").distinct().count(),
        "advisors": current.values("advisor_id").distinct().count(),
        **services,
    }


def townships_for_browsing() -> QuerySet[Township]:
    return (
        Township.objects.select_related("bureau")
        .annotate(village_count=Count("villages"))
        .order_by("bureau__name", "code")
    )


def public_agreements_of(advisor: Advisor) -> QuerySet[Agreement]:
    return _current_agreements().filter(advisor=advisor)
