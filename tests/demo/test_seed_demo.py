"""seed_demo through the management command, as `make run` uses it."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from accounts.models import Role
from advisors.models import Agreement
from demo import generator
from ledger.models import Lecture, LedgerSubmission, WorkLog
from villages.models import Bureau, Township, Village

pytestmark = pytest.mark.django_db

DEMO_USERS = {
    "admin": Role.BUREAU_ADMIN,
    "bureau": Role.BUREAU_STAFF,
    "office": Role.OFFICE_STAFF,
    "advisor": Role.ADVISOR,
    "advisor2": Role.ADVISOR,
    "liaison": Role.LIAISON,
    "city": Role.CITY_STAFF,
    "province": Role.PROVINCE_STAFF,
}


@pytest.fixture(autouse=True)
def _development_settings(settings):
    settings.DEBUG = True  # pytest-django runs tests with DEBUG off; the demo is for development


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> tuple[int, ...]:
    return (
        Bureau.objects.count(),
        Township.objects.count(),
        Village.objects.count(),
        Agreement.objects.count(),
        WorkLog.objects.count(),
        get_user_model().objects.count(),
    )


def test_it_seeds_a_district_whose_demo_users_log_in_with_the_demo_password(client, settings):
    output = seed()

    assert "已生成演示数据" in output
    assert Township.objects.filter(bureau__code="410404").count() == 15
    assert Village.objects.filter(township__bureau__code="410404").count() == 250
    for username, role in DEMO_USERS.items():
        user = get_user_model().objects.get(username=username)
        assert user.profile.role == role
        assert user.check_password(settings.DEMO_PASSWORD)
        assert not user.is_superuser
    assert client.login(username="advisor", password="Demo@2026")


def test_it_puts_the_district_in_a_city_of_three_districts_under_the_province(client):
    """Issue 18: the demo has a city with at least three county bureaus, and a province over two cities; the
    `city` and `province` logins read them."""
    seed()
    city = get_user_model().objects.get(username="city").profile.bureau
    province = get_user_model().objects.get(username="province").profile.bureau
    assert city.level == Bureau.Level.CITY and province.level == Bureau.Level.PROVINCE
    assert city.children.count() >= 3 and city.parent == province
    assert Bureau.objects.within(province).counties().count() == 4
    assert all(county.townships.exists() for county in Bureau.objects.counties())
    assert client.login(username="city", password="Demo@2026")
    page = client.get("/").content.decode()
    assert "平顶山市石龙区司法局" in page and "洛阳市西工区司法局" not in page


def test_it_covers_every_village_and_keeps_every_advisor_within_the_limit():
    seed()

    current = Agreement.objects.current()
    assert current.values("village").distinct().count() == Village.objects.count()
    per_village = {v: 0 for v in Village.objects.values_list("pk", flat=True)}
    per_advisor: dict[int, int] = {}
    for village_id, advisor_id in current.values_list("village_id", "advisor_id"):
        per_village[village_id] += 1
        per_advisor[advisor_id] = per_advisor.get(advisor_id, 0) + 1
    assert set(per_village.values()) == {1}
    assert max(per_advisor.values()) <= Bureau.objects.get(code="410404").max_villages_per_advisor


def test_it_gives_the_demo_users_their_places():
    seed()
    user = get_user_model().objects
    office = user.get(username="office")
    advisor, advisor2, liaison = (user.get(username=n) for n in ("advisor", "advisor2", "liaison"))

    for demo_advisor in (advisor, advisor2):
        villages = Agreement.objects.current().filter(advisor=demo_advisor.advisor)
        assert villages.count() >= 3
        assert set(villages.values_list("village__township", flat=True)) == {office.profile.township_id}
    assert (
        Agreement.objects.current().filter(advisor=advisor.advisor, village=liaison.liaison_village).exists()
    )


def test_it_fills_every_state_the_demo_pages_show():
    seed()

    statuses = set(WorkLog.objects.filter(advisor__user__username="advisor").values_list("status", flat=True))
    assert set(WorkLog.Status.values) <= statuses
    assert Lecture.objects.exists()
    assert LedgerSubmission.objects.filter(is_late=True).exists()
    assert Agreement.objects.filter(filed_late=True).exists()
    assert Agreement.objects.filter(status=Agreement.Status.SIGNED).exists()


def test_it_duplicates_nothing_when_run_twice():
    seed()
    before = counts()

    output = seed()

    assert "已存在" in output
    assert counts() == before


def test_it_does_nothing_with_if_empty_when_the_database_holds_a_bureau():
    Bureau.objects.create(name="某区司法局", code="999999")

    output = seed("--if-empty")

    assert "跳过" in output
    assert Bureau.objects.count() == 1


def test_it_refuses_to_run_in_production_without_force(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="--force"):
        seed()
    assert Bureau.objects.count() == 0


def test_it_holds_residents_requests_in_every_state_and_ratings_of_every_kind():
    from consultations.models import ResidentRating, ResidentRequest

    seed()

    assert set(ResidentRequest.Status.values) <= set(ResidentRequest.objects.values_list("status", flat=True))
    assert ResidentRequest.objects.filter(erased_at__isnull=False).exists()
    mine = ResidentRequest.objects.filter(advisor__user__username="advisor")
    assert {"open", "escalated", "closed"} <= set(mine.values_list("status", flat=True))
    assert set(ResidentRating.objects.values_list("satisfaction", flat=True)) == {
        "satisfied",
        "mostly",
        "unsatisfied",
    }
    office = get_user_model().objects.get(username="office")
    assert ResidentRequest.objects.filter(
        status=ResidentRequest.Status.ESCALATED, village__township=office.profile.township
    ).exists()


@pytest.mark.parametrize("scale", ["city", "province"])
def test_the_city_and_province_scales_build_a_county_bureau_for_every_county(scale, client, monkeypatch):
    """Issue 18: `--scale city|province` builds the tree (the province ~150 county bureaus under 17 cities), each
    county with its own villages, advisors, logs and review, the demo logins in 石龙区. Here with four counties of 48 villages."""
    spec = generator.SCALES[scale]
    small = generator.ScaleSpec(
        spec.bureau_name, spec.bureau_code, spec.address, spec.counties[:12:4] + ("410404",), 192, 48, 6
    )
    monkeypatch.setitem(generator.SCALES, scale, small)

    output = seed("--scale", scale)

    top = Bureau.objects.get(code=spec.bureau_code)
    counties = Bureau.objects.within(top).counties()
    assert set(counties.values_list("code", flat=True)) >= set(small.counties)
    for county in counties.filter(code__in=small.counties):
        assert county.parent.level == Bureau.Level.CITY
        assert county.parent.code == f"{county.code[:4]}00000"
        assert Village.objects.filter(township__bureau=county).count() == 48
        assert county.advisors.count() == 12
        assert WorkLog.objects.filter(village__township__bureau=county).exists()
        assert county.review_periods.exists()
    assert Bureau.objects.get(code="410404").name == "平顶山市石龙区司法局"
    assert get_user_model().objects.get(username="bureau").profile.bureau.code == "410404"
    assert "平顶山市石龙区司法局" in output

    assert client.login(username="province", password="Demo@2026")
    page = client.get("/oversight/coverage/").content.decode()
    for county in counties.filter(code__in=small.counties):
        assert county.name in page


def test_the_province_scale_has_about_150_county_bureaus_in_17_cities():
    counties = generator.county_specs("province")

    assert len(counties) == 150
    assert len({city for city, _spec in counties}) == 17
    assert counties[0][1].bureau_code == "410404"
    assert sum(spec.villages for _city, spec in counties) == 63000
    assert sum(spec.advisors for _city, spec in counties) == 14000
    assert len({spec.bureau_name for _city, spec in counties}) == 150
