"""Reports read from the read replica (common/replica.py), on two real PostgreSQL databases of the test server: the
"replica" alias is a second test database (tests/conftest.py), with no replication, so a row written to one alone
shows which database a read went to."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import RequestFactory

from common.replica import PrimaryReplicaRouter, reading_from_replica, reads_from_replica
from villages.models import Bureau

from ..factories import BureauFactory, UserFactory

ON_POSTGRES = connection.vendor == "postgresql"
STATISTICS = "/logs/reports/statistics/"


def on_two_databases(test):
    test = pytest.mark.django_db(databases=["default", "replica"] if ON_POSTGRES else ["default"])(test)
    return pytest.mark.skipif(
        not ON_POSTGRES, reason="a second real database needs PostgreSQL (DATABASE_URL)"
    )(test)


@pytest.fixture
def replica(settings):
    settings.REPLICA_DATABASE = "replica"
    return "replica"


def _only_on_replica(name: str) -> Bureau:
    bureau = BureauFactory.build(name=name)
    bureau.save(using="replica")
    return bureau


@on_two_databases
def test_reads_inside_reading_from_replica_go_to_the_replica_and_outside_to_the_primary(replica):
    _only_on_replica("只在副本中的司法局")

    assert not Bureau.objects.filter(name="只在副本中的司法局").exists()
    with reading_from_replica():
        assert Bureau.objects.filter(name="只在副本中的司法局").exists()
    assert not Bureau.objects.filter(name="只在副本中的司法局").exists()


@on_two_databases
def test_writes_inside_reading_from_replica_go_to_the_primary(replica):
    with reading_from_replica():
        BureauFactory(name="新建的司法局")
        copy = _only_on_replica("副本里读出的司法局")
        read = Bureau.objects.get(pk=copy.pk)  # from the replica
        read.name = "改过的司法局"
        read.save()  # goes to the primary, not back where it was read from

    assert Bureau.objects.using("default").filter(name="新建的司法局").exists()
    assert not Bureau.objects.using("replica").filter(name="新建的司法局").exists()
    assert Bureau.objects.using("default").filter(name="改过的司法局").exists()
    assert Bureau.objects.using("replica").get(pk=copy.pk).name == "副本里读出的司法局"


@on_two_databases
def test_who_is_signed_in_is_read_from_the_primary_even_inside(replica):
    user = UserFactory(username="only-on-primary")

    with reading_from_replica():
        assert get_user_model().objects.filter(pk=user.pk).exists()


@on_two_databases
def test_the_statistics_page_reads_the_replica_and_the_same_page_without_one_the_primary(
    client, settings, bureau, bureau_admin_user, replica
):
    on_replica = Bureau.objects.get(pk=bureau.pk)
    on_replica.name = "副本中的城关区司法局"
    on_replica.save(using="replica", force_insert=True)
    client.force_login(bureau_admin_user)

    from_replica = client.get(STATISTICS, {"year": 2026})
    settings.REPLICA_DATABASE = ""
    from_primary = client.get(STATISTICS, {"year": 2026})

    assert from_replica.status_code == 200 and from_primary.status_code == 200
    assert "副本中的城关区司法局" in from_replica.content.decode()
    assert "副本中的" not in from_primary.content.decode() and "城关区司法局" in from_primary.content.decode()


# --- without a replica (every database): nothing changes ---


def test_without_a_replica_everything_reads_and_writes_the_primary(settings):
    settings.REPLICA_DATABASE = ""
    router = PrimaryReplicaRouter()

    with reading_from_replica():
        assert router.db_for_read(Bureau) == "default"
        assert router.db_for_write(Bureau) == "default"


def test_a_report_view_reads_the_replica_for_get_and_the_primary_for_a_post(settings):
    settings.REPLICA_DATABASE = "replica"
    router = PrimaryReplicaRouter()

    @reads_from_replica
    def view(request):
        return {"bureaus": router.db_for_read(Bureau), "users": router.db_for_read(get_user_model())}

    requests = RequestFactory()
    assert view(requests.get("/")) == {"bureaus": "replica", "users": "default"}
    assert view(requests.head("/")) == {"bureaus": "replica", "users": "default"}
    assert view(requests.post("/")) == {"bureaus": "default", "users": "default"}
    assert router.db_for_read(Bureau) == "default"  # after the view, back on the primary
