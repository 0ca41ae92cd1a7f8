"""Deterministic demo data: one bureau with its townships, villages, firms, advisors and agreements.

Everything random comes from one `random.Random(seed)`, so a seed always gives the same data. Rows are written
with bulk_create; the village/advisor assignment is computed here so the programme's rules hold without
running clean() on every agreement: every village has exactly one current agreement and no advisor serves more
than `bureau.max_villages_per_advisor` villages.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import accumulate

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Profile, Role
from accounts.policy import Reach, reach_of_role
from accounts.security import password_set_by_user
from accounts.services import user_assign_role
from advisors.models import Advisor, Agreement, Firm
from advisors.services import agreement_renew
from ledger import rollups
from ledger.models import WorkLog
from villages.models import Bureau, Township, Village

from .activity import generate_activity
from .residents import seed_residents
from .reviews import seed_reviews

BATCH_SIZE = 2000


def _village_location(code: str) -> dict:
    """A village committee's place, within about 30 km of the district's centre. Its own generator, seeded by the
    village's code, so adding it changed none of the demo's other random draws."""
    rng = random.Random(f"location-{code}")
    return {
        "latitude": Decimal(f"{34.75 + rng.uniform(-0.3, 0.3):.6f}"),
        "longitude": Decimal(f"{113.62 + rng.uniform(-0.3, 0.3):.6f}"),
    }


@dataclass(frozen=True)
class ScaleSpec:
    bureau_name: str
    bureau_code: str
    address: str
    counties: tuple[str, ...]
    villages: int
    advisors: int
    townships_per_county: int = 12
    account_prefix: str = "adv"  # the advisors' generated logins: adv00001…


# The demo logins' county (石龙区), under its city (平顶山) and the province (河南): every scale builds it.
DEMO_COUNTY_CODE = "410404"
DEMO_PROVINCE = ("410000000", "河南省司法厅", "郑州市金水区经三路12号")
DEMO_CITIES = {
    "410400000": ("平顶山市司法局", "平顶山市新华区建设路中段16号"),
    "410300000": ("洛阳市司法局", "洛阳市洛龙区开元大道218号"),
}

SCALES: dict[str, ScaleSpec] = {
    "district": ScaleSpec(
        "平顶山市石龙区司法局",
        DEMO_COUNTY_CODE,
        "平顶山市石龙区龙兴路88号",
        (DEMO_COUNTY_CODE,),
        250,
        80,
        townships_per_county=15,
    ),
    # A city's and a province's bureaus (issue 18): the city's or province's own bureau over a county bureau for
    # each county, the villages and advisors spread evenly over the counties.
    "city": ScaleSpec(
        "平顶山市司法局",
        "410400000",
        DEMO_CITIES["410400000"][1],
        tuple(f"4104{k:02d}" for k in range(1, 11)),
        3000,
        700,
    ),
    "province": ScaleSpec(
        DEMO_PROVINCE[1],
        DEMO_PROVINCE[0],
        DEMO_PROVINCE[2],
        tuple(f"41{c:02d}{k:02d}" for c in range(1, 18) for k in range(1, 10))[:150],
        63000,
        14000,
    ),
}

# The district demo's neighbours, so the oversight pages compare: 平顶山 oversees the demo district and two
# smaller districts, 洛阳 one. (city code, spec): a few townships each.
DEMO_SMALL_COUNTIES = (
    (
        "410400000",
        ScaleSpec("平顶山市卫东区司法局", "410403", "平顶山市卫东区建设路东段", ("410403",), 36, 12, 4, "wd"),
    ),
    (
        "410400000",
        ScaleSpec("平顶山市湛河区司法局", "410411", "平顶山市湛河区南环路", ("410411",), 30, 10, 3, "zh"),
    ),
    (
        "410300000",
        ScaleSpec("洛阳市西工区司法局", "410303", "洛阳市西工区中州中路", ("410303",), 30, 10, 3, "xg"),
    ),
)

# --- word lists ---

CITIES = {  # code prefix: (city, telephone area code)
    "4101": ("郑州", "0371"),
    "4102": ("开封", "0371"),
    "4103": ("洛阳", "0379"),
    "4104": ("平顶山", "0375"),
    "4105": ("安阳", "0372"),
    "4106": ("鹤壁", "0392"),
    "4107": ("新乡", "0373"),
    "4108": ("焦作", "0391"),
    "4109": ("濮阳", "0393"),
    "4110": ("许昌", "0374"),
    "4111": ("漯河", "0395"),
    "4112": ("三门峡", "0398"),
    "4113": ("南阳", "0377"),
    "4114": ("商丘", "0370"),
    "4115": ("信阳", "0376"),
    "4116": ("周口", "0394"),
    "4117": ("驻马店", "0396"),
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
SURNAME_WEIGHTS = list(accumulate(1 / (i + 4) for i in range(len(SURNAMES))))
MALE_CHARS = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宁浩俊峰建国志文海亮卫东振兴春林永庆"
FEMALE_CHARS = "芳娜敏静丽艳娟霞玲燕婷雪慧颖琳倩晶洁佳欣悦怡秀英桂兰梅萍红丹"
PLACE_FIRST = "龙石河东西高新马李白金青黄双三南北大小长凤平安永宝广顺杨张王刘赵孙梁卧柳桃杏枣槐梨庙营仓"
PLACE_SECOND = "泉山桥庄集寨店口岗湾营铺坡沟城阳河台坪塘寺堡楼岭关坝滩洼峪垛渠林园屯厂"
STREET_WORDS = (  # noqa: SIM905 - word lists read best as one string
    "城关 东城 西城 南城 北城 新华 人民路 建设路 解放路 中山路 光明路 文化路 矿工路 五一路 和平 站前 湖滨 高新"
).split()
VILLAGE_SUFFIXES = "庄营寨屯楼店岗桥集沟洼坡园窑堂"
JIA_SUFFIXES = "庄湾沟岭洼寨坡"
DIRECTIONS = "大小前后东西南北上下"
COMMUNE_WORDS = (  # noqa: SIM905 - word lists read best as one string
    "东风 红旗 前进 胜利 新华 解放 和平 团结 光明 幸福 五星 红星 建设 新民 永兴 兴隆 太平 丰收 卫星 朝阳 向阳 友谊 "
    "民主 联合 富强 中心 新建 红光"
).split()
COMMUNITY_WORDS = (  # noqa: SIM905 - word lists read best as one string
    "新华 人民路 建设 光明 幸福 和平 朝阳 友谊 文化 团结 育才 健康 站前 花园 锦绣 阳光 滨河 翠园 丰华 矿工 振兴 "
    "青年 西苑 东苑 南苑 北苑 五一 胜利 长青 龙山"
).split()
ROADS = "人民路 建设路 解放路 中兴路 新华路 文化路 友谊路 光明路 和平路 育才路 振兴路 工业路".split()  # noqa: SIM905
FIRM_WORDS_A = "博明正天公金汇德信诚和嘉恒泰华君元昌鼎瑞衡卓宏新中"
FIRM_WORDS_B = "正诚信德义平达远源安衡通泽川阳盛理法鼎合"
EXPERTISE = (  # noqa: SIM905 - word lists read best as one string
    "婚姻家庭纠纷 土地承包经营 宅基地纠纷 劳动争议 合同纠纷 人身损害赔偿 民间借贷 征地拆迁 "
    "农村集体经济组织 矛盾纠纷调解 交通事故赔偿 涉农法律事务"
).split()
TOWNSHIP_SUFFIXES = {Township.Kind.TOWN: "镇", Township.Kind.TOWNSHIP: "乡"}
ORDINALS = "一二三四"
WEEKDAYS = "一二三四五"
HOURS = ("9:00-12:00", "8:30-11:30", "14:30-17:30", "15:00-18:00")
END_REASONS = ("顾问工作调动，双方协商解除协议", "顾问因身体原因申请解除协议", "顾问离开本地执业，协议解除")


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    full_name: str


@dataclass(frozen=True)
class Summary:
    bureau: str
    county_bureaus: int
    created: bool
    townships: int
    villages: int
    advisors: int
    agreements: int
    current_agreements: int
    worklogs: int
    logins: list[DemoLogin]


class DemoDataError(Exception):
    pass


def generate(*, scale: str, seed: int = 2026, years: int = 1) -> Summary:
    """Build the demo data set for `scale`, or, if the demo county exists already, only refresh the demo logins.

    `years` of activity end today: this year so far and the `years - 1` whole years before it.
    """
    if years < 1:
        raise DemoDataError(_("年数至少为 1。"))
    today = timezone.localdate()
    with transaction.atomic():
        bureau = Bureau.objects.filter(code=DEMO_COUNTY_CODE).first()
        created = bureau is None
        if created:
            counties = [
                _county(spec, city_code, seed=seed + offset, today=today, years=years)
                for offset, (city_code, spec) in enumerate(county_specs(scale))
            ]
            bureau = counties[0]
        logins = ensure_demo_users(bureau)
        if created:
            for offset, county in enumerate(counties):
                generate_activity(county, seed=seed + offset, today=today, years=years)
            seed_residents(bureau, today=today, seed=seed)
            _analyze()  # the reviews' aggregates are planned on the loaded tables, not on empty ones
            for offset, county in enumerate(counties):
                seed_reviews(county, today=today, seed=seed + offset)
            rollups.rebuild()  # the logs were bulk-loaded, around the receivers that keep the rollup current
    if created:
        _analyze()
    return summarize(bureau, created=created, logins=logins)


def demo_county(scale: str) -> Bureau | None:
    """The demo logins' county bureau, if `scale`'s data set is loaded (every county bureau it builds)."""
    if Bureau.objects.filter(code__in=SCALES[scale].counties).count() < len(SCALES[scale].counties):
        return None
    return Bureau.objects.filter(code=DEMO_COUNTY_CODE).first()


def _analyze() -> None:
    """Fresh planner statistics after a bulk load, or PostgreSQL plans for nearly empty tables (nested loops over
    a million logs). Inside the load's transaction ANALYZE samples its own uncommitted rows."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def summarize(bureau: Bureau, *, created: bool, logins: list[DemoLogin]) -> Summary:
    agreements = Agreement.objects.filter(village__township__bureau=bureau)
    return Summary(
        bureau=bureau.name,
        county_bureaus=Bureau.objects.counties().count(),
        created=created,
        townships=bureau.townships.count(),
        villages=Village.objects.filter(township__bureau=bureau).count(),
        advisors=bureau.advisors.count(),
        agreements=agreements.count(),
        current_agreements=agreements.current().count(),
        worklogs=WorkLog.objects.filter(village__township__bureau=bureau).count(),
        logins=logins,
    )


# --- the tree of bureaus ---


def county_specs(scale: str) -> list[tuple[str, ScaleSpec]]:
    """(city bureau's code, county spec) of every county bureau `scale` builds, the demo county first. A city or
    province spreads its villages and advisors evenly over its counties."""
    spec = SCALES[scale]
    if spec.counties == (DEMO_COUNTY_CODE,):
        return [("410400000", spec), *DEMO_SMALL_COUNTIES]
    codes = sorted(spec.counties, key=lambda code: (code != DEMO_COUNTY_CODE, code))
    villages = _apportion(spec.villages, [1] * len(codes))
    advisors = _apportion(spec.advisors, [1] * len(codes))
    names: set[str] = set()
    counties = []
    for code, village_count, advisor_count in zip(codes, villages, advisors, strict=True):
        name, address = _county_name(code, names)
        county = ScaleSpec(
            name, code, address, (code,), village_count, advisor_count, spec.townships_per_county, f"a{code}"
        )
        counties.append((f"{code[:4]}00000", county))
    return counties


def _county_name(code: str, taken: set[str]) -> tuple[str, str]:
    """A county bureau's name and address: the demo county's own, else a made-up district (区) or county (县) of
    the code's city, fixed by the code."""
    if code == DEMO_COUNTY_CODE:
        return SCALES["district"].bureau_name, SCALES["district"].address
    city = CITIES[code[:4]][0]
    rng = random.Random(f"county-{code}")
    while True:
        place = rng.choice(PLACE_FIRST) + rng.choice(PLACE_SECOND) + ("区" if code[4:] <= "03" else "县")
        name = f"{city}市{place}司法局"
        if name not in taken:
            taken.add(name)
            return name, f"{city}市{place}{rng.choice(ROADS)}{rng.randint(1, 200)}号"


def _province() -> Bureau:
    code, name, address = DEMO_PROVINCE
    province, _created = Bureau.objects.get_or_create(
        code=code,
        defaults={
            "name": name,
            "address": address,
            "level": Bureau.Level.PROVINCE,
            "form_province": "河南省",
        },
    )
    return province


def _city(code: str) -> Bureau:
    """The city bureau `code` under the demo's province, made if missing with the province's rules."""
    city_name = CITIES[code[:4]][0]
    name, address = DEMO_CITIES.get(code, (f"{city_name}市司法局", f"{city_name}市人民路1号"))
    province = _province()
    city, _created = Bureau.objects.get_or_create(
        code=code,
        defaults={
            "name": name,
            "address": address,
            "level": Bureau.Level.CITY,
            "parent": province,
            **province.rules_for_new_bureau(),
        },
    )
    return city


def demo_tree(bureau: Bureau) -> tuple[Bureau, Bureau]:
    """The demo's province and the city over `bureau`, made if missing (a database seeded before the tree gets
    them too); returns (province, city)."""
    for code in DEMO_CITIES:
        _city(code)
    if bureau.parent_id is None and bureau.level == Bureau.Level.COUNTY:
        bureau.parent = _city("410400000")
        bureau.save(update_fields=["parent"])
    return _province(), bureau.parent


def _county(spec: ScaleSpec, city_code: str, *, seed: int, today: date, years: int) -> Bureau:
    """A county bureau with its townships, villages, advisors and agreements, under its city; a generated clerk
    (sfj + code, no password) opens its reviews."""
    county = _Generator(spec, seed, today, years=years).run(parent=_city(city_code))
    county.records_start_on = date(today.year - years + 1, 1, 1)  # earlier agreements were kept on paper
    county.save(update_fields=["records_start_on"])
    if spec.bureau_code != DEMO_COUNTY_CODE:  # the demo county's clerk is the demo login `bureau`
        clerk = get_user_model().objects.create(
            username=f"sfj{spec.bureau_code}", password=make_password(None)
        )
        user_assign_role(user=clerk, role=Role.BUREAU_STAFF, bureau=county, full_name=f"{county.name}业务科")
    return county


# --- the demo logins ---

STAFF_LOGINS = (
    ("admin", Role.BUREAU_ADMIN, "张伟"),
    ("bureau", Role.BUREAU_STAFF, "李娜"),
    ("office", Role.OFFICE_STAFF, "王芳"),
)
OVERSIGHT_LOGINS = (("city", Role.CITY_STAFF, "赵磊"), ("province", Role.PROVINCE_STAFF, "孙静"))
ADVISOR_LOGINS = ("advisor", "advisor2")
LIAISON_LOGIN = ("liaison", "刘洋")


def _demo_user(username: str) -> AbstractBaseUser:
    user, _created = get_user_model().objects.get_or_create(username=username)
    user.set_password(settings.DEMO_PASSWORD)
    user.is_active = True
    user.is_superuser = False
    user.save()
    password_set_by_user(user=user)  # the demo logins are never forced to change it (DESIGN.md "The demo")
    return user


def _demo_advisors(township: Township) -> list[Advisor]:
    """Two advisors with at least 3 current villages in `township`: those already linked, else unlinked ones."""
    today = timezone.localdate()
    here = Q(
        agreements__village__township=township,
        agreements__status__in=(Agreement.Status.SIGNED, Agreement.Status.FILED),
        agreements__start_date__lte=today,
        agreements__end_date__gte=today,
    )
    candidates = list(
        Advisor.objects.filter(is_active=True)
        .annotate(serving=Count("agreements", filter=here))
        .filter(serving__gte=3)
        .select_related("user")
        .order_by("-serving", "pk")
    )
    linked = {a.user.username: a for a in candidates if a.user and a.user.username in ADVISOR_LOGINS}
    # Else advisors without an account first (the generator leaves two), then the busiest; sorted() is stable.
    spare = iter(
        sorted((a for a in candidates if a not in linked.values()), key=lambda a: a.user is not None)
    )
    picked = [linked.get(username) or next(spare, None) for username in ADVISOR_LOGINS]
    if None in picked:
        raise DemoDataError(_("%(township)s 没有足够的法律顾问可用作演示账号。") % {"township": township})
    return picked


@transaction.atomic
def ensure_demo_users(bureau: Bureau) -> list[DemoLogin]:
    """The demo logins exist, hold the demo password and their roles; safe to run again."""
    township = bureau.townships.order_by("code").first()
    if township is None:
        raise DemoDataError(_("%(bureau)s 没有乡镇(街道)，无法创建演示账号。") % {"bureau": bureau})
    logins = []
    for username, role, full_name in STAFF_LOGINS:
        user = _demo_user(username)
        office = township if reach_of_role(role) is Reach.TOWNSHIP else None
        user_assign_role(user=user, role=role, bureau=bureau, township=office, full_name=full_name)
        logins.append(DemoLogin(username, str(role.label), full_name))

    advisors = _demo_advisors(township)
    for username, advisor in zip(ADVISOR_LOGINS, advisors, strict=True):
        user = _demo_user(username)
        if advisor.user_id != user.pk:
            replaced = advisor.user
            Advisor.objects.filter(user=user).update(user=None)
            advisor.user = user
            advisor.save(update_fields=["user"])
            if replaced is not None:  # its own generated account would be left without an advisor
                replaced.is_active = False
                replaced.save(update_fields=["is_active"])
        user_assign_role(user=user, role=Role.ADVISOR, bureau=bureau, full_name=advisor.name)
        logins.append(DemoLogin(username, str(Role.ADVISOR.label), advisor.name))

    username, full_name = LIAISON_LOGIN
    user = _demo_user(username)
    if not Village.objects.filter(liaison=user).exists():
        village = (
            Village.objects.filter(
                liaison=None, agreements__in=Agreement.objects.current().filter(advisor=advisors[0])
            )
            .order_by("code")
            .first()
        )
        if village is None:
            raise DemoDataError(_("没有可指定联络员的村(居)。"))
        village.liaison = user
        village.save(update_fields=["liaison"])
    user_assign_role(user=user, role=Role.LIAISON, bureau=bureau, full_name=full_name)
    logins.append(DemoLogin(username, str(Role.LIAISON.label), full_name))

    province, city = demo_tree(bureau)
    for (username, role, full_name), above in zip(OVERSIGHT_LOGINS, (city, province), strict=True):
        user = _demo_user(username)
        user_assign_role(user=user, role=role, bureau=above, full_name=full_name)
        logins.append(DemoLogin(username, str(role.label), full_name))
    return logins


# --- the data set ---


def _apportion(total: int, weights: list[float]) -> list[int]:
    """Split `total` into integers proportional to `weights` (largest remainder)."""
    shares = [w * total / sum(weights) for w in weights]
    counts = [int(s) for s in shares]
    by_remainder = sorted(range(len(shares)), key=lambda i: shares[i] - counts[i], reverse=True)
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


class _Generator:
    def __init__(self, spec: ScaleSpec, seed: int, today: date, *, years: int = 1) -> None:
        self.spec = spec
        self.rng = random.Random(seed)
        self.today = today
        self.year = today.year
        self.years = years

    # small helpers

    def _unique(self, make: Callable[[], str], taken: set[str]) -> str:
        for _attempt in range(200):
            name = make()
            if name not in taken:
                taken.add(name)
                return name
        raise DemoDataError(f"name space exhausted: {sorted(taken)[:5]}")

    def _surname(self) -> str:
        return self.rng.choices(SURNAMES, cum_weights=SURNAME_WEIGHTS)[0]

    def _person(self) -> tuple[str, bool]:
        male = self.rng.random() < 0.6
        chars = MALE_CHARS if male else FEMALE_CHARS
        given = "".join(self.rng.choices(chars, k=1 if self.rng.random() < 0.35 else 2))
        return self._surname() + given, male

    def _place(self) -> str:
        first = self.rng.choice(PLACE_FIRST)
        return first + self.rng.choice(PLACE_SECOND.replace(first, ""))

    def _mobile(self) -> str:
        return f"1{self.rng.choice('35789')}{self.rng.randrange(10**9):09d}"

    def _landline(self, code: str) -> str:
        return f"{CITIES.get(code[:4], CITIES['4101'])[1]}-{self.rng.randint(2000000, 8999999)}"

    def _address(self, place: str) -> str:
        return f"{place}{self.rng.choice(ROADS)}{self.rng.randint(1, 199)}号"

    def _onsite_hours(self) -> str:
        if self.rng.random() < 0.8:
            return (
                f"每月第{self.rng.choice(ORDINALS)}个周{self.rng.choice(WEEKDAYS)} {self.rng.choice(HOURS)}"
            )
        return f"每月{self.rng.choice((5, 10, 15, 20, 25))}日 {self.rng.choice(HOURS)}"

    def _village_name(self) -> str:
        pattern = self.rng.random()
        if pattern < 0.3:
            return self._surname() + self.rng.choice(VILLAGE_SUFFIXES) + "村"
        if pattern < 0.45:
            return self._surname() + "家" + self.rng.choice(JIA_SUFFIXES) + "村"
        if pattern < 0.6:
            return self.rng.choice(DIRECTIONS) + self._surname() + self.rng.choice(("庄", "营", "")) + "村"
        if pattern < 0.75:
            return self.rng.choice(COMMUNE_WORDS) + "村"
        return self._place() + "村"

    def _community_name(self) -> str:
        if self.rng.random() < 0.7:
            return self.rng.choice(COMMUNITY_WORDS) + "社区"
        return self._place() + "社区"

    def _dates(self, year: int, deadline: date, *, unfiled: float, late: float) -> dict:
        """Signing and filing of an agreement for `year`; nothing dated after today."""
        signed_on = min(date(year - 1, 12, 1) + timedelta(days=self.rng.randrange(45)), self.today)
        draw = self.rng.random()
        filed_on = None
        if draw >= unfiled + late:
            span = max((deadline - signed_on).days, 4)
            filed_on = signed_on + timedelta(days=self.rng.randint(3, span))
        elif draw >= unfiled:
            filed_on = deadline + timedelta(days=self.rng.randint(1, 75))
        if filed_on is None or filed_on > self.today:
            return {"status": Agreement.Status.SIGNED, "signed_on": signed_on}
        return {
            "status": Agreement.Status.FILED,
            "signed_on": signed_on,
            "filed_on": filed_on,
            "filed_late": filed_on > deadline,
        }

    # the steps

    def run(self, *, parent: Bureau) -> Bureau:
        spec = self.spec
        bureau = Bureau.objects.create(
            name=spec.bureau_name,
            code=spec.bureau_code,
            address=spec.address,
            phone=self._landline(spec.bureau_code),
            parent=parent,
            **parent.rules_for_new_bureau(),
        )
        villages = self._villages(self._townships(bureau))
        active, inactive = self._plan(bureau, villages)
        advisors = self._advisors(bureau, active, inactive)
        self._agreements(bureau, advisors, active)
        return bureau

    def _townships(self, bureau: Bureau) -> list[Township]:
        townships, taken = [], set()
        for county in self.spec.counties:
            streets, rural = self.rng.randint(1, 3), self.rng.randint(1, 3)
            kinds = [Township.Kind.STREET] * streets + [Township.Kind.TOWN] * (
                self.spec.townships_per_county - streets - rural
            )
            kinds += [Township.Kind.TOWNSHIP] * rural
            serial = {Township.Kind.STREET: 1, Township.Kind.TOWN: 100, Township.Kind.TOWNSHIP: 200}
            for kind in kinds:
                if kind == Township.Kind.STREET:
                    name = self._unique(
                        lambda: self.rng.choice(STREET_WORDS + [self._place()]) + "街道", taken
                    )
                else:
                    name = self._unique(lambda k=kind: self._place() + TOWNSHIP_SUFFIXES[k], taken)
                code = f"{county}{serial[kind]:03d}"
                serial[kind] += 1
                townships.append(
                    Township(
                        bureau=bureau,
                        name=name,
                        kind=kind,
                        code=code,
                        office_name=f"{name}司法所",
                        office_address=self._address(name),
                        office_phone=self._landline(code),
                    )
                )
        return Township.objects.bulk_create(townships, batch_size=BATCH_SIZE)

    def _villages(self, townships: list[Township]) -> list[Village]:
        weight = {Township.Kind.STREET: 0.6, Township.Kind.TOWN: 1.15, Township.Kind.TOWNSHIP: 0.9}
        weights = [weight[t.kind] * self.rng.uniform(0.7, 1.3) for t in townships]
        weights[0] = 1.3  # the demo township: room for two advisors with several villages each
        share_community = {Township.Kind.STREET: 0.8, Township.Kind.TOWN: 0.1, Township.Kind.TOWNSHIP: 0.0}
        villages = []
        for township, count in zip(townships, _apportion(self.spec.villages, weights), strict=True):
            communities = sum(self.rng.random() < share_community[township.kind] for _ in range(count))
            taken: set[str] = set()
            for i in range(count):
                is_community = i < communities
                name = self._unique(self._community_name if is_community else self._village_name, taken)
                serial = i + 1 if is_community else 200 + i - communities + 1
                villages.append(
                    Village(
                        township=township,
                        name=name,
                        kind=Village.Kind.COMMUNITY if is_community else Village.Kind.VILLAGE,
                        code=f"{township.code}{serial:03d}",
                        liaison_phone=self._mobile(),
                        onsite_hours=self._onsite_hours(),
                        address=f"{township.name}{name}{'居民委员会' if is_community else '村民委员会'}",
                        **_village_location(f"{township.code}{serial:03d}"),
                    )
                )
        return Village.objects.bulk_create(villages, batch_size=BATCH_SIZE)

    def _plan(self, bureau: Bureau, villages: list[Village]) -> tuple[list[list[Village]], int]:
        """Consecutive runs of villages (by code) for the active advisors, and how many advisors are inactive.

        The first two runs go to the demo advisors and lie in the first township.
        """
        limit = bureau.max_villages_per_advisor
        inactive = max(1, self.spec.advisors // 50)
        count = self.spec.advisors - inactive
        demo = [4, 3]
        if not sum(demo) + (count - 2) <= len(villages) <= sum(demo) + (count - 2) * limit:
            raise DemoDataError(f"{count} advisors cannot serve {len(villages)} villages")
        sizes = demo + self.rng.choices(range(1, limit + 1), weights=[1, 2, 3, 4, 4, 3], k=count - 2)
        excess = sum(sizes) - len(villages)
        while excess:
            i = self.rng.randrange(2, count)
            if excess > 0 and sizes[i] > 1:
                sizes[i] -= 1
                excess -= 1
            elif excess < 0 and sizes[i] < limit:
                sizes[i] += 1
                excess += 1
        runs, start = [], 0
        for size in sizes:
            runs.append(villages[start : start + size])
            start += size
        return runs, inactive

    def _advisors(self, bureau: Bureau, runs: list[list[Village]], inactive: int) -> list[Advisor]:
        kinds = Advisor.Kind
        homes = [run[0].township for run in runs]
        homes += self.rng.choices(homes, k=inactive)
        kind_of = [kinds.LAWYER, kinds.LAWYER] + self.rng.choices(
            (kinds.LAWYER, kinds.LEGAL_WORKER, kinds.PUBLIC_LAWYER, kinds.LEGAL_AID_LAWYER),
            weights=(80, 14, 3, 3),
            k=len(homes) - 2,
        )
        firms = self._firms(bureau, homes, kind_of)

        # Generated accounts for all but the two demo advisors (their logins come from ensure_demo_users).
        people = [self._person() for _ in homes]
        users = [
            get_user_model()(username=f"{self.spec.account_prefix}{n:05d}", password=make_password(None))
            for n in range(1, len(homes) - 1)
        ]
        users = get_user_model().objects.bulk_create(users, batch_size=BATCH_SIZE)
        accounts = [None, None, *users]
        Profile.objects.bulk_create(
            [
                Profile(user=user, role=Role.ADVISOR, bureau=bureau, full_name=name)
                for user, (name, _male) in zip(accounts[2:], people[2:], strict=True)
            ],
            batch_size=BATCH_SIZE,
        )
        group = Group.objects.get_or_create(name=str(Role.ADVISOR.label))[0]
        membership = get_user_model().groups.through
        membership.objects.bulk_create(
            [membership(user_id=user.pk, group_id=group.pk) for user in users], batch_size=BATCH_SIZE
        )

        advisors = []
        for i, (home, kind, (name, male), user) in enumerate(
            zip(homes, kind_of, people, accounts, strict=True)
        ):
            firm = firms[(kind, home.pk if kind == kinds.LEGAL_WORKER else home.code[:4])]
            if isinstance(firm, list):
                firm = self.rng.choice(firm)
            years = self.rng.randint(2, 25)
            since = self.year - years
            if kind == kinds.LEGAL_WORKER:
                licence = f"{home.code[:6]}{since}{i + 1:07d}"
                title, practice = "基层法律服务工作者", "从事基层法律服务"
            else:
                category = "3" if kind == kinds.PUBLIC_LAWYER else "1"
                licence = f"{category}{home.code[:6]}{since}{int(male)}{i + 1:07d}"
                title, practice = str(kind.label), "执业"
            areas = "、".join(self.rng.sample(EXPERTISE, 2))
            advisors.append(
                Advisor(
                    bureau=bureau,
                    user=user,
                    name=name,
                    kind=kind,
                    licence_number=licence,
                    firm=firm,
                    mobile=self._mobile(),
                    work_phone=firm.phone if self.rng.random() < 0.7 else self._landline(home.code),
                    profile=f"{firm.name}{title}，{practice}{years}年，擅长{areas}，"
                    f"长期为村(居)群众提供法律咨询、矛盾纠纷调解和法治宣传服务。",
                    is_active=i < len(runs),
                )
            )
        return Advisor.objects.bulk_create(advisors, batch_size=BATCH_SIZE)

    def _firms(
        self, bureau: Bureau, homes: list[Township], kind_of: list[str]
    ) -> dict[tuple, Firm | list[Firm]]:
        """Firms keyed by (advisor kind, place): law firms per city, a legal service office per township."""
        kinds = Advisor.Kind
        region = self.spec.bureau_name.removesuffix("司法局").removesuffix("司法厅")
        aid = Firm(
            bureau=bureau,
            name=f"{region}法律援助中心",
            kind=Firm.Kind.LEGAL_AID,
            licence_number=f"12{self.spec.bureau_code}{self.rng.randrange(10**10):010d}",
            address=self.spec.address,
            phone=self._landline(self.spec.bureau_code),
        )
        keyed: dict[tuple, Firm | list[Firm]] = {}
        firms, taken = [aid], {aid.name}
        lawyers_per_city: dict[str, int] = {}
        for home, kind in zip(homes, kind_of, strict=True):
            if kind in (kinds.PUBLIC_LAWYER, kinds.LEGAL_AID_LAWYER):
                keyed[(kind, home.code[:4])] = aid
            elif kind == kinds.LEGAL_WORKER and (kind, home.pk) not in keyed:
                firm = Firm(
                    bureau=bureau,
                    name=f"{home.name}法律服务所",
                    kind=Firm.Kind.LEGAL_SERVICE,
                    licence_number=f"32{home.code[:6]}{self.rng.randrange(10**10):010d}",
                    address=self._address(home.name),
                    phone=self._landline(home.code),
                )
                keyed[(kind, home.pk)] = firm
                firms.append(firm)
            elif kind == kinds.LAWYER:
                lawyers_per_city[home.code[:4]] = lawyers_per_city.get(home.code[:4], 0) + 1
        for city, lawyers in lawyers_per_city.items():
            city_name = CITIES[city][0]
            names = [
                self._unique(
                    lambda c=city_name: (
                        self.rng.choice(("河南", c))
                        + self.rng.choice(FIRM_WORDS_A)
                        + self.rng.choice(FIRM_WORDS_B)
                        + "律师事务所"
                    ),
                    taken,
                )
                for _ in range(max(3, lawyers // 8))
            ]
            law_firms = [
                Firm(
                    bureau=bureau,
                    name=name,
                    kind=Firm.Kind.LAW_FIRM,
                    licence_number=f"31{city}00{self.rng.randrange(10**10):010d}",
                    address=self._address(f"{city_name}市"),
                    phone=self._landline(city),
                )
                for name in names
            ]
            keyed[(kinds.LAWYER, city)] = law_firms
            firms.extend(law_firms)
        Firm.objects.bulk_create(firms, batch_size=BATCH_SIZE)
        return keyed

    def _agreements(self, bureau: Bureau, advisors: list[Advisor], runs: list[list[Village]]) -> None:
        """Every village gets this year's agreement with its run's advisor; some renew last year's."""
        year, last = self.year, self.year - 1
        subsidy = {
            Township.Kind.STREET: Decimal("10000"),
            Township.Kind.TOWN: Decimal("8000"),
            Township.Kind.TOWNSHIP: Decimal("6000"),
        }
        served = [
            (advisor, village)
            for advisor, run in zip(advisors[: len(runs)], runs, strict=True)
            for village in run
        ]
        renewed = {0} | {i for i in range(len(served)) if self.rng.random() < 0.25}

        # Last year's agreements: renewed ones by the same advisor, and ended ones of the advisors who left.
        previous: dict[int, Agreement] = {}
        deadline = bureau.agreement_filing_deadline(last)
        for i in sorted(renewed):
            advisor, village = served[i]
            previous[i] = Agreement(
                advisor=advisor,
                village=village,
                start_date=date(last, 1, 1),
                end_date=date(last, 12, 31),
                annual_subsidy=max(Decimal("6000"), subsidy[village.township.kind] - 2000),
                **self._dates(last, deadline, unfiled=0, late=0.1),
            )
        unrenewed = [village for i, (_a, village) in enumerate(served) if i not in renewed]
        left = []
        for advisor in advisors[len(runs) :]:
            for village in self.rng.sample(unrenewed, self.rng.randint(1, 3)):
                unrenewed.remove(village)
                ended_on = date(last, self.rng.randint(7, 11), self.rng.randint(1, 28))  # after any filing
                agreement = Agreement(
                    advisor=advisor,
                    village=village,
                    start_date=date(last, 1, 1),
                    end_date=ended_on,
                    annual_subsidy=subsidy[village.township.kind],
                    **self._dates(last, deadline, unfiled=0, late=0.1),
                    ended_on=ended_on,
                    end_reason=self.rng.choice(END_REASONS),
                )
                agreement.status = Agreement.Status.ENDED
                left.append(agreement)
        Agreement.objects.bulk_create(
            [*previous.values(), *left, *self._earlier_years(served, previous, left)], batch_size=BATCH_SIZE
        )

        deadline = bureau.agreement_filing_deadline(year)
        current = [
            Agreement(
                advisor=advisor,
                village=village,
                start_date=date(year, 1, 1),
                end_date=date(year, 12, 31),
                annual_subsidy=subsidy[village.township.kind],
                previous=previous.get(i),
                **self._dates(year, deadline, unfiled=0.08, late=0.12),
            )
            for i, (advisor, village) in enumerate(served)
        ]
        current = Agreement.objects.bulk_create(current, batch_size=BATCH_SIZE)

        # Two drafts for next year, through the service as a clerk would make them.
        for agreement in (current[0], current[len(current) // 2]):
            agreement_renew(
                agreement=agreement, start_date=date(year + 1, 1, 1), end_date=date(year + 1, 12, 31)
            )

    def _earlier_years(
        self, served: list[tuple[Advisor, Village]], previous: dict[int, Agreement], left: list[Agreement]
    ) -> list[Agreement]:
        """With `--years N`, agreements so that every village has its advisor on every day of the N years.

        Last year: villages not renewed get their current advisor for the year, or for the rest of it after an
        advisor who left. Earlier years: the advisor of the village's first agreement last year, for the whole year.
        """
        if self.years < 2:
            return []
        last = self.year - 1
        ended = {agreement.village.pk: agreement for agreement in left}
        rows = []
        for i, (advisor, village) in enumerate(served):
            if i in previous:
                continue
            gone = ended.get(village.pk)
            rows.append(
                Agreement(
                    advisor=advisor,
                    village=village,
                    start_date=gone.ended_on + timedelta(days=1) if gone else date(last, 1, 1),
                    end_date=date(last, 12, 31),
                    annual_subsidy=Decimal("6000"),
                    status=Agreement.Status.FILED,
                    signed_on=gone.ended_on if gone else date(last - 1, 12, 15),
                    filed_on=gone.ended_on + timedelta(days=5) if gone else date(last, 3, 1),
                )
            )
        for year in range(self.year - self.years + 1, last):
            for advisor, village in served:
                gone = ended.get(village.pk)
                rows.append(
                    Agreement(
                        advisor=gone.advisor if gone else advisor,
                        village=village,
                        start_date=date(year, 1, 1),
                        end_date=date(year, 12, 31),
                        annual_subsidy=Decimal("6000"),
                        status=Agreement.Status.FILED,
                        signed_on=date(year - 1, 12, 15),
                        filed_on=date(year, 3, 1),
                    )
                )
        return rows
