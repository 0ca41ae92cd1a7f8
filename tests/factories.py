"""factory_boy factories for the domain, and helpers that give users a role the way the project does.

The factories save with `Model.save()`, so they bypass the agreement rules in `Agreement.clean()`: use them to
arrange a situation, and go through `advisors.services` when the rules themselves are under test.
Users with a role are made through `accounts.services`, so their profile and auth group are the real ones.
"""

import datetime
from datetime import date
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.models import Role
from accounts.services import user_assign_role, user_create_with_role
from advisors.models import Advisor, Agreement, Firm
from villages.models import Bureau, Township, Village

# Every user made here can log in with this password (`client.login(username=..., password=PASSWORD)`).
PASSWORD = "Ceshi@Mima2026"

DISTRICTS = ["城关", "东城", "西城", "南湖", "北山", "新华", "解放", "卫东"]
TOWNS = ["柳林", "桃园", "石桥", "杨庄", "河口", "清水", "白马", "龙泉"]
VILLAGES = ["王庄", "李家", "张湾", "刘营", "陈楼", "赵岗", "孙店", "周寨"]
FIRMS = ["正义", "公信", "明理", "诚和", "天平", "中原", "信达", "德衡"]


def _pick(names: list[str], n: int) -> str:
    return names[n % len(names)]


def this_year() -> int:
    """The current year as the project sees it (honours time_machine travel)."""
    return timezone.localdate().year


class BureauFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bureau

    name = factory.Sequence(lambda n: f"{_pick(DISTRICTS, n)}区司法局{n}")
    code = factory.Sequence(lambda n: f"4101{n:08d}")
    address = factory.Sequence(lambda n: f"人民路{n + 1}号")
    phone = "0371-12345678"
    form_province = "河南省"  # the codes are Zhengzhou's


class TownshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Township

    bureau = factory.SubFactory(BureauFactory)
    name = factory.Sequence(lambda n: f"{_pick(TOWNS, n)}镇{n}")
    kind = Township.Kind.TOWN
    code = factory.Sequence(lambda n: f"4102{n:08d}")
    office_name = factory.LazyAttribute(lambda o: f"{o.name}司法所")


class VillageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Village

    township = factory.SubFactory(TownshipFactory)
    name = factory.Sequence(lambda n: f"{_pick(VILLAGES, n)}村{n}")
    kind = Village.Kind.VILLAGE
    code = factory.Sequence(lambda n: f"4103{n:08d}")
    onsite_hours = "每月第一个周三 9:00-12:00"


class FirmFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Firm

    bureau = factory.SubFactory(BureauFactory)
    name = factory.Sequence(lambda n: f"河南{_pick(FIRMS, n)}律师事务所{n}")
    kind = Firm.Kind.LAW_FIRM
    licence_number = factory.Sequence(lambda n: f"3141{n:08d}")
    phone = "0371-87654321"


class AdvisorFactory(factory.django.DjangoModelFactory):
    """An advisor without a login; see `make_advisor_user` for one who can log in."""

    class Meta:
        model = Advisor

    bureau = factory.SubFactory(BureauFactory)
    firm = factory.SubFactory(FirmFactory, bureau=factory.SelfAttribute("..bureau"))
    user = None
    name = factory.Faker("name", locale="zh_CN")
    kind = Advisor.Kind.LAWYER
    licence_number = factory.Sequence(lambda n: f"14101{n:012d}")
    mobile = factory.Sequence(lambda n: f"138{n:08d}")
    work_phone = "0371-66668888"


class AgreementFactory(factory.django.DjangoModelFactory):
    """A signed agreement for the whole current year (1 January – 31 December); the village defaults to one in
    the advisor's bureau. Traits: `draft`, `filed`, `ended`."""

    class Meta:
        model = Agreement

    advisor = factory.SubFactory(AdvisorFactory)
    village = factory.SubFactory(VillageFactory, township__bureau=factory.SelfAttribute("...advisor.bureau"))
    start_date = factory.LazyFunction(lambda: date(this_year(), 1, 1))
    end_date = factory.LazyAttribute(lambda o: date(o.start_date.year, 12, 31))
    annual_subsidy = Decimal("12000.00")
    status = Agreement.Status.SIGNED
    signed_on = factory.SelfAttribute("start_date")

    class Params:
        draft = factory.Trait(status=Agreement.Status.DRAFT, signed_on=None)
        filed = factory.Trait(status=Agreement.Status.FILED, filed_on=factory.SelfAttribute("start_date"))
        ended = factory.Trait(
            status=Agreement.Status.ENDED,
            ended_on=factory.SelfAttribute("end_date"),
            end_reason="顾问调离",
        )


class UserFactory(factory.django.DjangoModelFactory):
    """A user without a role (no profile); see `make_user_with_role`."""

    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password(PASSWORD)
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.cn")


_usernames = iter(range(1, 10**9))


def make_user_with_role(
    role: Role,
    *,
    bureau: Bureau,
    township: Township | None = None,
    username: str | None = None,
    full_name: str = "",
):
    """A user whose profile and auth group match `role`, made by `accounts.services.user_create_with_role`."""
    return user_create_with_role(
        username=username or f"{role.value}{next(_usernames)}",
        password=PASSWORD,
        role=role,
        bureau=bureau,
        township=township,
        full_name=full_name,
        password_is_temporary=False,  # the personas log straight in (tests/accounts/test_passwords.py tests it)
    )


def give_role(user, role: Role, *, bureau: Bureau, township: Township | None = None, full_name: str = ""):
    """Give an existing user a role through `accounts.services.user_assign_role`; returns the user."""
    user_assign_role(user=user, role=role, bureau=bureau, township=township, full_name=full_name)
    return user


def make_advisor_user(*, bureau: Bureau, username: str | None = None, **advisor_fields):
    """A user with the advisor role and their `Advisor` record (reachable as `user.advisor`)."""
    advisor = AdvisorFactory(bureau=bureau, **advisor_fields)
    user = make_user_with_role(Role.ADVISOR, bureau=bureau, username=username, full_name=advisor.name)
    advisor.user = user
    advisor.save(update_fields=["user"])
    return user


def make_liaison_user(*, village: Village, username: str | None = None, full_name: str = ""):
    """A user with the liaison role, set as `village.liaison`."""
    user = make_user_with_role(
        Role.LIAISON, bureau=village.township.bureau, username=username, full_name=full_name
    )
    village.liaison = user
    village.save(update_fields=["liaison"])
    return user


class WorkLogFactory(factory.django.DjangoModelFactory):
    """A submitted log on the agreement's village, dated the agreement's start (override service_date as needed)."""

    class Meta:
        model = "ledger.WorkLog"
        skip_postgeneration_save = True

    agreement = factory.SubFactory(AgreementFactory)
    advisor = factory.SelfAttribute("agreement.advisor")
    village = factory.SelfAttribute("agreement.village")
    firm_name = factory.SelfAttribute("agreement.advisor.firm.name")
    created_by = factory.LazyAttribute(lambda o: o.advisor.user or UserFactory())
    service_date = factory.SelfAttribute("agreement.start_date")
    start_time = datetime.time(9, 0)
    end_time = datetime.time(11, 30)
    hours = Decimal("2.50")
    mode = "onsite"
    object_name = factory.Sequence(lambda n: f"村民{n}")
    object_situation = "本村村民"
    object_phone = "13800000000"
    content = "咨询土地承包经营权流转合同的效力问题，解释了相关法律规定。"
    result = "当事人表示理解，将按合同约定履行。"
    status = "submitted"

    @factory.post_generation
    def service_types(self, create, extracted, **kwargs):
        from ledger.models import ServiceType

        if create:
            self.service_types.set(extracted or ServiceType.objects.filter(code="consultation"))


# --- the assessment: periods, reviews, return visits, inspections ---


class ReviewPeriodFactory(factory.django.DjangoModelFactory):
    """The first half of the current year (1 January – 30 June), open."""

    class Meta:
        model = "assessment.ReviewPeriod"
        django_get_or_create = ("bureau", "kind", "year")

    bureau = factory.SubFactory(BureauFactory)
    kind = "half"
    year = factory.LazyFunction(this_year)
    start_date = factory.LazyAttribute(lambda o: date(o.year, 1, 1))
    end_date = factory.LazyAttribute(
        lambda o: date(o.year, 6, 30) if o.kind == "half" else date(o.year, 12, 31)
    )


class ReviewFactory(factory.django.DjangoModelFactory):
    """An advisor's open review in a period of their bureau (no indicators: see assessment.services to compute)."""

    class Meta:
        model = "assessment.Review"

    advisor = factory.SubFactory(AdvisorFactory)
    period = factory.SubFactory(ReviewPeriodFactory, bureau=factory.SelfAttribute("..advisor.bureau"))


class ReturnVisitFactory(factory.django.DjangoModelFactory):
    """A satisfied phone call to a cadre of the agreement's village, on the agreement's start."""

    class Meta:
        model = "assessment.ReturnVisit"
        exclude = ("agreement",)

    agreement = factory.SubFactory(AgreementFactory)
    village = factory.SelfAttribute("agreement.village")
    advisor = factory.SelfAttribute("agreement.advisor")
    visited_on = factory.SelfAttribute("agreement.start_date")
    contact_kind = "cadre"
    contact_name = "王支书"
    method = "phone"
    satisfaction = "satisfied"
    comments = "顾问每月按时到村，群众反映良好。"
    recorded_by = factory.SubFactory(UserFactory)


class InspectionFactory(factory.django.DjangoModelFactory):
    """The bureau's inspection of a village, with no finding."""

    class Meta:
        model = "assessment.Inspection"

    kind = "bureau"
    village = factory.SubFactory(VillageFactory)
    township = factory.SelfAttribute("village.township")
    inspected_on = factory.LazyFunction(lambda: date(this_year(), 3, 10))
    inspectors = "司法局律师工作股 陈刚、刘洋"
    checked_items = "工作日志、台账、公示栏"
    recorded_by = factory.SubFactory(UserFactory)


def open_review_period(
    bureau: Bureau,
    *,
    kind: str = "half",
    year: int | None = None,
    by=None,
    half_year_pays: bool | None = None,
):
    """Open a review period through `assessment.services` (its reviews computed), as on the day after it ended;
    `half_year_pays` first sets whether the bureau's half-year tier pays (then its payout sheet has lines)."""
    from assessment.services.computation import period_bounds, review_period_open

    if half_year_pays is not None:
        bureau.half_year_review_pays = half_year_pays
        bureau.save(update_fields=["half_year_review_pays"])
    year = year or this_year()
    _start, end = period_bounds(kind, year)
    return review_period_open(
        bureau=bureau, kind=kind, year=year, by=by, today=end + datetime.timedelta(days=1)
    )


class ResidentRequestFactory(factory.django.DjangoModelFactory):
    """An open request from a resident to the advisor of the agreement's village, due in two days."""

    class Meta:
        model = "consultations.ResidentRequest"
        exclude = ("agreement",)

    agreement = factory.SubFactory(AgreementFactory)
    village = factory.SelfAttribute("agreement.village")
    advisor = factory.SelfAttribute("agreement.advisor")
    name = "李大爷"
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    question = "宅基地边界和邻居有争议，想问问怎么办。"
    preferred_mode = "phone"
    preferred_time = "工作日上午"
    consented_at = factory.LazyFunction(timezone.now)
    due_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=2))
