"""Check-in evidence: the office reads how far from the village committee the advisor checked in, not raw
coordinates (seed 001 二(二)6: on-site service in the village)."""

from decimal import Decimal

from tests.factories import WorkLogFactory
from tests.web import text


def _located(village):
    village.latitude, village.longitude = Decimal("34.750000"), Decimal("113.620000")
    village.save()


def test_the_office_sees_a_check_in_as_its_distance_from_the_village_seed_001(
    client, office_user, agreement, village
):
    _located(village)
    # About 0.0018° of latitude north: some 200 m.
    log = WorkLogFactory(
        agreement=agreement,
        latitude=Decimal("34.751800"),
        longitude=Decimal("113.620000"),
        location_accuracy=15,
    )
    client.force_login(office_user)

    page = text(client.get(log.get_absolute_url()))

    assert "距村委会约 200 米" in page and "定位精度约 15 米" in page
    assert "34.7518" not in page and "113.62" not in page


def test_a_check_in_kilometres_away_is_flagged(client, office_user, agreement, village):
    _located(village)
    log = WorkLogFactory(agreement=agreement, latitude=Decimal("34.800000"), longitude=Decimal("113.620000"))
    client.force_login(office_user)

    page = text(client.get(log.get_absolute_url()))

    assert "打卡地点距村委会约 6 公里" in page


def test_a_village_without_a_location_says_the_distance_is_unknown(client, office_user, agreement):
    log = WorkLogFactory(agreement=agreement, latitude=Decimal("34.800000"), longitude=Decimal("113.620000"))
    client.force_login(office_user)

    page = text(client.get(log.get_absolute_url()))

    assert "该村未登记村委会位置" in page and "34.8" not in page
