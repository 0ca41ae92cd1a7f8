"""Who sees what: every selector returns exactly what the role may see (see the map in tests/conftest.py)."""

from datetime import date
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from advisors.models import Advisor, Agreement, Firm
from advisors.selectors import (
    advisors_visible_to,
    agreements_visible_to,
    firms_visible_to,
    get_advisor_for_user,
    get_agreement_for_user,
)
from tests.factories import AgreementFactory, VillageFactory
from villages.models import Township, Village
from villages.selectors import (
    get_township_for_user,
    get_village_for_user,
    townships_visible_to,
    villages_visible_to,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(
    today,
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
    other_advisor,
    other_agreement,
    other_bureau_advisor,
    other_bureau_agreement,
):
    """Everything on the map, so each role is checked against records it must not see."""
    return SimpleNamespace(**locals())


def seen_by(user) -> dict[str, set]:
    return {
        "villages": set(villages_visible_to(user)),
        "townships": set(townships_visible_to(user)),
        "advisors": set(advisors_visible_to(user)),
        "agreements": set(agreements_visible_to(user)),
        "firms": set(firms_visible_to(user)),
    }


@pytest.mark.parametrize("role_user", ["bureau_admin_user", "bureau_staff_user"])
def test_it_shows_bureau_users_everything_of_their_bureau_and_nothing_of_another(request, world, role_user):
    user = request.getfixturevalue(role_user)
    w = world

    assert seen_by(user) == {
        "villages": {w.village, w.second_village, w.vacant_village, w.other_township_village},
        "townships": {w.township, w.other_township},
        "advisors": {w.advisor, w.other_advisor},
        "agreements": {w.agreement, w.second_agreement, w.other_agreement},
        "firms": {w.advisor.firm, w.other_advisor.firm},
    }


def test_it_shows_office_staff_their_own_township_only(world, office_user):
    w = world

    assert seen_by(office_user) == {
        "villages": {w.village, w.second_village, w.vacant_village},
        "townships": {w.township},
        "advisors": {w.advisor},
        "agreements": {w.agreement, w.second_agreement},
        "firms": {w.advisor.firm},
    }


def test_it_shows_an_advisor_the_villages_of_their_current_agreements_and_only_themselves(
    world, advisor_user
):
    w = world

    assert seen_by(advisor_user) == {
        "villages": {w.village, w.second_village},
        "townships": {w.township},
        "advisors": {w.advisor},
        "agreements": {w.agreement, w.second_agreement},
        "firms": {w.advisor.firm},
    }


@pytest.fixture
def advisors_other_agreements(world, today, township):
    """Agreements of `advisor` that are not current on `today`, and another advisor's in the same township."""
    year = today.year
    return SimpleNamespace(
        ended=AgreementFactory(
            advisor=world.advisor,
            village=VillageFactory(township=township, name="已终止村"),
            ended=True,
            end_date=date(year, 5, 31),
        ),
        ended_today=AgreementFactory(
            advisor=world.advisor,
            village=VillageFactory(township=township, name="今日终止村"),
            ended=True,
            end_date=today,
        ),
        draft=AgreementFactory(
            advisor=world.advisor, village=VillageFactory(township=township, name="草拟村"), draft=True
        ),
        future=AgreementFactory(
            advisor=world.advisor,
            village=VillageFactory(township=township, name="明年村"),
            start_date=date(year + 1, 1, 1),
        ),
        past=AgreementFactory(
            advisor=world.advisor,
            village=VillageFactory(township=township, name="去年村"),
            start_date=date(year - 1, 1, 1),
            filed=True,
        ),
        someone_elses=AgreementFactory(
            advisor=world.other_advisor, village=VillageFactory(township=township, name="他人村")
        ),
    )


def test_it_hides_from_an_advisor_villages_whose_agreement_ended_is_a_draft_is_past_or_future_or_is_not_theirs(
    world, advisor_user, advisors_other_agreements
):
    assert set(villages_visible_to(advisor_user)) == {world.village, world.second_village}
    assert set(townships_visible_to(advisor_user)) == {world.township}


def test_it_shows_an_advisor_all_of_their_own_agreements_and_nobody_elses(
    world, advisor_user, advisors_other_agreements
):
    mine = advisors_other_agreements

    assert set(agreements_visible_to(advisor_user)) == {
        world.agreement,
        world.second_agreement,
        mine.ended,
        mine.ended_today,
        mine.draft,
        mine.future,
        mine.past,
    }
    assert set(advisors_visible_to(advisor_user)) == {world.advisor}


def test_it_shows_an_advisor_who_is_no_longer_active_no_village(world, advisor_user):
    Advisor.objects.filter(pk=world.advisor.pk).update(is_active=False)

    assert not villages_visible_to(advisor_user).exists()
    assert not townships_visible_to(advisor_user).exists()


def test_it_shows_a_liaison_only_their_village(world, liaison_user):
    w = world

    assert seen_by(liaison_user) == {
        "villages": {w.village},
        "townships": {w.township},
        "advisors": {w.advisor},
        "agreements": {w.agreement},
        "firms": {w.advisor.firm},
    }


@pytest.mark.parametrize("who", ["stranger", "anonymous"])
def test_it_shows_a_user_without_a_role_nothing(request, world, who):
    user = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)

    assert seen_by(user) == {
        name: set() for name in ("villages", "townships", "advisors", "agreements", "firms")
    }


def test_it_shows_a_superuser_everything(world, superuser):
    assert seen_by(superuser) == {
        "villages": set(Village.objects.all()),
        "townships": set(Township.objects.all()),
        "advisors": set(Advisor.objects.all()),
        "agreements": set(Agreement.objects.all()),
        "firms": set(Firm.objects.all()),
    }
    assert len(seen_by(superuser)["villages"]) == 5
    assert len(seen_by(superuser)["agreements"]) == 4


# --- single objects: in scope they are returned, outside it they are a 404 ---


def test_it_returns_objects_in_scope(world, office_user, advisor_user, liaison_user):
    assert get_village_for_user(office_user, world.vacant_village.pk) == world.vacant_village
    assert get_township_for_user(office_user, world.township.pk) == world.township
    assert get_advisor_for_user(advisor_user, world.advisor.pk) == world.advisor
    assert get_agreement_for_user(liaison_user, world.agreement.pk) == world.agreement


@pytest.mark.parametrize(
    ("who", "lookup", "target"),
    [
        ("bureau_admin_user", get_village_for_user, "other_bureau_village"),
        ("bureau_staff_user", get_agreement_for_user, "other_bureau_agreement"),
        ("bureau_admin_user", get_advisor_for_user, "other_bureau_advisor"),
        ("office_user", get_village_for_user, "other_township_village"),
        ("office_user", get_township_for_user, "other_township"),
        ("office_user", get_advisor_for_user, "other_advisor"),
        ("office_user", get_agreement_for_user, "other_agreement"),
        ("advisor_user", get_village_for_user, "vacant_village"),
        ("advisor_user", get_advisor_for_user, "other_advisor"),
        ("advisor_user", get_agreement_for_user, "other_agreement"),
        ("liaison_user", get_village_for_user, "second_village"),
        ("liaison_user", get_agreement_for_user, "second_agreement"),
        ("stranger", get_village_for_user, "village"),
        ("stranger", get_advisor_for_user, "advisor"),
        ("stranger", get_agreement_for_user, "agreement"),
    ],
)
def test_it_raises_404_for_an_object_outside_the_users_scope(request, world, who, lookup, target):
    user = request.getfixturevalue(who)

    with pytest.raises(Http404):
        lookup(user, getattr(world, target).pk)


@pytest.mark.parametrize("lookup", [get_village_for_user, get_advisor_for_user, get_agreement_for_user])
def test_it_raises_404_for_an_anonymous_user(world, lookup):
    with pytest.raises(Http404):
        lookup(AnonymousUser(), 1)
