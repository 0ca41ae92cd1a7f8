"""Personas and the places they work, shared by every test.

The map (all in `bureau` unless said otherwise):

    township ─┬─ village ─────────── advisor_user's current agreement (`agreement`); liaison_user is its liaison
              ├─ second_village ──── advisor_user's current agreement (`second_agreement`)
              └─ vacant_village ──── no agreement
    other_township ── other_township_village ── other_advisor_user's current agreement (`other_agreement`)
    other_bureau_township (in `other_bureau`) ── other_bureau_village ── `other_bureau_agreement`

Fixtures that make agreements "current" travel in time to `today` (2026-06-15, Asia/Shanghai), so nothing depends
on the real date; a test that asks for any of them runs on that day.
"""

import copy
import importlib
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import FileField

from accounts.models import Role
from villages.models import Bureau, Township, Village

from .factories import (
    PASSWORD,
    AgreementFactory,
    BureauFactory,
    FirmFactory,
    TownshipFactory,
    UserFactory,
    VillageFactory,
    make_advisor_user,
    make_liaison_user,
    make_user_with_role,
)

TODAY = date(2026, 6, 15)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """On PostgreSQL, a second database on the same server as the "replica" alias, a real one (not a mirror), for
    tests/deployment/test_replica.py. pytest-django creates it only when a collected test asks for it, and nothing
    reads from it unless a test sets REPLICA_DATABASE (the settings have none without DATABASE_REPLICA_URL)."""
    from django.conf import settings

    default = settings.DATABASES["default"]
    if default["ENGINE"] != "django.db.backends.postgresql":
        return
    test_name = default["TEST"].get("NAME") or f"test_{default['NAME']}"
    settings.DATABASES["replica"] = {
        **copy.deepcopy(default),
        "ATOMIC_REQUESTS": False,
        "TEST": {**default["TEST"], "NAME": f"{test_name}_replica", "MIRROR": None},
    }


@pytest.fixture(autouse=True)
def _fast_hashing_and_private_media(settings, tmp_path, monkeypatch):
    """A fast password hasher, and every uploaded file written under tmp_path instead of the project."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Sessions that outlive the tests' time travel, and no second factor: tests/accounts turns them on to test them.
    settings.SESSION_COOKIE_AGE = 14 * 24 * 3600
    settings.SESSION_ABSOLUTE_HOURS = None
    settings.REQUIRE_2FA = False
    settings.MEDIA_ROOT = str(tmp_path / "media")
    # Storages with a location of their own (e.g. "private" for scanned contracts) move into tmp_path too,
    storages_setting = {}
    for alias, config in settings.STORAGES.items():
        if "location" in config.get("OPTIONS", {}):
            config = {**config, "OPTIONS": {**config["OPTIONS"], "location": str(tmp_path / alias)}}
        storages_setting[alias] = config
    settings.STORAGES = storages_setting
    # and file fields whose storage is a callable (built once, at import) get it built again from these settings.
    for model in apps.get_models():
        for field in model._meta.fields:
            if isinstance(field, FileField) and hasattr(field, "_storage_callable"):
                monkeypatch.setattr(field, "storage", field._storage_callable())


@pytest.fixture
def today():
    """Freeze "today" at 2026-06-15 10:00 in Asia/Shanghai for the whole test; returns that date."""
    with time_machine.travel(datetime(2026, 6, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield TODAY


# --- places ---


@pytest.fixture
def bureau(db):
    return BureauFactory(name="城关区司法局")


@pytest.fixture
def other_bureau(db):
    return BureauFactory(name="新华区司法局")


@pytest.fixture
def township(bureau):
    return TownshipFactory(bureau=bureau, name="柳林镇", office_name="柳林司法所")


@pytest.fixture
def other_township(bureau):
    return TownshipFactory(
        bureau=bureau, name="桃园街道", kind=Township.Kind.STREET, office_name="桃园司法所"
    )


@pytest.fixture
def other_bureau_township(other_bureau):
    return TownshipFactory(bureau=other_bureau, name="石桥镇", office_name="石桥司法所")


@pytest.fixture
def village(township):
    return VillageFactory(township=township, name="王庄村")


@pytest.fixture
def second_village(township):
    return VillageFactory(township=township, name="李家村")


@pytest.fixture
def vacant_village(township):
    return VillageFactory(township=township, name="张湾村")


@pytest.fixture
def other_township_village(other_township):
    return VillageFactory(township=other_township, name="桃园社区", kind=Village.Kind.COMMUNITY)


@pytest.fixture
def other_bureau_village(other_bureau_township):
    return VillageFactory(township=other_bureau_township, name="石桥村")


# --- advisors and their agreements (current on `today`) ---


@pytest.fixture
def advisor_user(today, bureau, village, second_village):
    """An advisor with signed agreements for this whole year on `village` and `second_village`."""
    user = make_advisor_user(
        bureau=bureau,
        username="advisor",
        name="张明",
        firm=FirmFactory(bureau=bureau, name="河南正义律师事务所"),
    )
    AgreementFactory(advisor=user.advisor, village=village)
    AgreementFactory(advisor=user.advisor, village=second_village)
    return user


@pytest.fixture
def advisor(advisor_user):
    return advisor_user.advisor


@pytest.fixture
def agreement(advisor, village):
    return advisor.agreements.get(village=village)


@pytest.fixture
def second_agreement(advisor, second_village):
    return advisor.agreements.get(village=second_village)


@pytest.fixture
def other_advisor_user(today, bureau, other_township_village):
    """An advisor of another firm with a current agreement on `other_township_village`."""
    user = make_advisor_user(
        bureau=bureau,
        username="other_advisor",
        name="李芳",
        firm=FirmFactory(bureau=bureau, name="河南公信律师事务所"),
    )
    AgreementFactory(advisor=user.advisor, village=other_township_village)
    return user


@pytest.fixture
def other_advisor(other_advisor_user):
    return other_advisor_user.advisor


@pytest.fixture
def other_agreement(other_advisor, other_township_village):
    return other_advisor.agreements.get(village=other_township_village)


@pytest.fixture
def other_bureau_advisor(today, other_bureau, other_bureau_village):
    """An advisor (without a login) of `other_bureau` with a current agreement on `other_bureau_village`."""
    agreement = AgreementFactory(
        advisor__bureau=other_bureau,
        advisor__name="王强",
        advisor__firm__name="河南明理律师事务所",
        village=other_bureau_village,
    )
    return agreement.advisor


@pytest.fixture
def other_bureau_agreement(other_bureau_advisor, other_bureau_village):
    return other_bureau_advisor.agreements.get(village=other_bureau_village)


# --- people ---


@pytest.fixture
def office_user(township):
    return make_user_with_role(
        Role.OFFICE_STAFF, bureau=township.bureau, township=township, username="office", full_name="赵敏"
    )


@pytest.fixture
def bureau_admin_user(bureau):
    return make_user_with_role(Role.BUREAU_ADMIN, bureau=bureau, username="bureau_admin", full_name="陈刚")


@pytest.fixture
def bureau_staff_user(bureau):
    return make_user_with_role(Role.BUREAU_STAFF, bureau=bureau, username="bureau_staff", full_name="刘洋")


@pytest.fixture
def liaison_user(village):
    """The liaison of `village` (one of `advisor_user`'s villages, when the test also asks for `advisor_user`)."""
    return make_liaison_user(village=village, username="liaison", full_name="孙丽")


@pytest.fixture
def stranger(db):
    """A logged-in-able user with no profile, hence no role."""
    return UserFactory(username="stranger")


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser(username="root", password=PASSWORD)


# --- more personas and the whole map, for the page tests (appended) ---


@pytest.fixture
def other_office_user(other_township):
    """Justice-office staff of `other_township` (same bureau, another township)."""
    return make_user_with_role(
        Role.OFFICE_STAFF,
        bureau=other_township.bureau,
        township=other_township,
        username="other_office",
        full_name="周杰",
    )


@pytest.fixture
def other_bureau_admin_user(other_bureau):
    """The bureau admin of `other_bureau`."""
    return make_user_with_role(
        Role.BUREAU_ADMIN, bureau=other_bureau, username="other_bureau_admin", full_name="吴涛"
    )


# --- the tree above the bureaus: a province over two cities (issue 18) ---


@pytest.fixture
def province_bureau(db):
    return BureauFactory(name="河南省司法厅", level=Bureau.Level.PROVINCE)


def _put_under(parent: Bureau, *bureaus: Bureau) -> None:
    for county in bureaus:
        county.parent = parent
        county.save(update_fields=["parent"])


@pytest.fixture
def city_bureau(bureau, province_bureau):
    """The city over `bureau` and a third county bureau (`sibling_bureau`), under `province_bureau`."""
    city = BureauFactory(name="平顶山市司法局", level=Bureau.Level.CITY, parent=province_bureau)
    _put_under(city, bureau, BureauFactory(name="卫东区司法局"))
    return city


@pytest.fixture
def sibling_bureau(city_bureau):
    return city_bureau.children.exclude(name="城关区司法局").get()


@pytest.fixture
def other_city_bureau(other_bureau, province_bureau):
    """Another city of the province, over `other_bureau`."""
    city = BureauFactory(name="洛阳市司法局", level=Bureau.Level.CITY, parent=province_bureau)
    _put_under(city, other_bureau)
    return city


@pytest.fixture
def city_user(city_bureau):
    """City staff (市司法局) over `bureau` and `sibling_bureau`, not over `other_bureau`."""
    return make_user_with_role(Role.CITY_STAFF, bureau=city_bureau, username="city", full_name="郑华")


@pytest.fixture
def other_city_user(other_city_bureau):
    """City staff over `other_bureau` only."""
    return make_user_with_role(
        Role.CITY_STAFF, bureau=other_city_bureau, username="other_city", full_name="冯军"
    )


@pytest.fixture
def province_user(province_bureau, city_bureau, other_city_bureau):
    """Province staff (省司法厅) over both cities and their bureaus."""
    return make_user_with_role(
        Role.PROVINCE_STAFF, bureau=province_bureau, username="province", full_name="褚明"
    )


@pytest.fixture
def past_agreement(advisor, vacant_village):
    """`advisor_user`'s agreement on `vacant_village` for last year (2025), ended: history, not current."""
    return AgreementFactory(
        advisor=advisor,
        village=vacant_village,
        start_date=date(TODAY.year - 1, 1, 1),
        end_date=date(TODAY.year - 1, 12, 31),
        ended=True,
    )


@pytest.fixture
def whole_map(
    today,
    bureau,
    other_bureau,
    township,
    other_township,
    other_bureau_township,
    village,
    second_village,
    vacant_village,
    other_township_village,
    other_bureau_village,
    advisor,
    agreement,
    second_agreement,
    past_agreement,
    other_advisor,
    other_agreement,
    other_bureau_advisor,
    other_bureau_agreement,
    bureau_admin_user,
    bureau_staff_user,
    office_user,
    other_office_user,
    advisor_user,
    other_advisor_user,
    liaison_user,
    other_bureau_admin_user,
    city_user,
    other_city_user,
    province_user,
    stranger,
    superuser,
):
    """Every place, record and persona of the map (plus `past_agreement`), as attributes of one namespace."""
    fixtures = dict(locals())
    from types import SimpleNamespace

    return SimpleNamespace(**fixtures)


@pytest.fixture(autouse=True)
def _service_types_after_flush(request):
    """Transactional tests flush every table, data migrations' rows too: put the fixed service types back."""
    if not {"transactional_db", "live_server"} & set(request.fixturenames):
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps as global_apps

    migration = importlib.import_module("ledger.migrations.0002_service_types")
    migration.create(global_apps, None)
