"""The admin site for the bureau admin (`bureau_admin_user`): every registered model's pages, scoped to the bureau,
in a number of queries that does not grow with the rows; closed to every other role.

`ADMIN_MODELS` must name every model registered in `admin.site`: a new admin without an entry fails
`test_it_has_an_entry_for_every_registered_model`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from itertools import count

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils.timezone import now

from accounts.models import LoginLock, Role
from accounts.services import role_groups_sync
from advisors.models import Agreement
from audit.models import AuditEntry
from audit.services import LOGIN, audit_event
from deadlines.models import Flag, JobRun
from ledger.models import Incident, Lecture, LedgerExport, LedgerSubmission, ServiceType, WorkSummary
from notifications.models import Notification
from tests.factories import (
    AdvisorFactory,
    AgreementFactory,
    FirmFactory,
    TownshipFactory,
    VillageFactory,
    WorkLogFactory,
    make_liaison_user,
    make_user_with_role,
)
from tests.web import queries_of

pytestmark = pytest.mark.django_db

_n = count(1)


def _worklog(agreement: Agreement):
    return WorkLogFactory(agreement=agreement)


def _lecture(agreement: Agreement):
    return Lecture.objects.create(worklog=_worklog(agreement), topic="民法典讲座", outline="一、婚姻家庭")


def _incident(agreement: Agreement):
    return Incident.objects.create(village=agreement.village, advisor=agreement.advisor, summary="土地纠纷")


def _work_summary(township, year: int = 2026):
    filer = get_user_model().objects.create_user(username=f"filer{township.pk}-{year}")
    return WorkSummary.objects.create(township=township, year=year, text="年度工作总结", filed_by=filer)


def _submission(agreement: Agreement):
    return LedgerSubmission.objects.create(
        advisor=agreement.advisor, village=agreement.village, year=2026, month=5
    )


def _flag(bureau, village):
    return Flag.objects.create(
        kind=Flag.Kind.NO_ONSITE_VISIT,
        period="2026-05",
        subject_key=Flag.key_for(village=village.pk),
        bureau=bureau,
        township=village.township,
        village=village,
    )


def _lock(username: str):
    return LoginLock.objects.create(
        username=username,
        ip_address="10.0.0.1",
        user_agent="浏览器",
        failures_since_start=5,
        get_data="",
        post_data="",
    )


def _export(bureau, by):
    return LedgerExport.objects.create(
        bureau=bureau, year=2026, requested_by=by, status="failed", error="超时"
    )


def _audit_entry(user):
    audit_event(LOGIN, user=user)
    return AuditEntry.objects.filter(actor_id=user.pk).latest("pk")


def _new_agreement(w, bureau=None, township=None):
    return AgreementFactory(
        advisor__bureau=bureau or w.bureau, village__township=township or w.township, advisor__name="顾问"
    )


def _review(advisor, bureau):
    from assessment.models import Review
    from tests.factories import ReviewPeriodFactory

    return Review.objects.get_or_create(period=ReviewPeriodFactory(bureau=bureau), advisor=advisor)[0]


def _review_village(agreement):
    from assessment.models import ReviewVillage

    review = _review(agreement.advisor, agreement.advisor.bureau)
    return ReviewVillage.objects.get_or_create(review=review, village=agreement.village, agreement=agreement)[
        0
    ]


def _deduction(agreement, by):
    from assessment.models import PayoutDeduction

    review = _review(agreement.advisor, agreement.advisor.bureau)
    return PayoutDeduction.objects.create(
        review=review, agreement=agreement, amount="100.00", reason="台账逾期", created_by=by
    )


def _review_event(agreement):
    from assessment.models import ReviewEvent

    return ReviewEvent.objects.create(
        review=_review(agreement.advisor, agreement.advisor.bureau), action="computed"
    )


def _return_visit(agreement, by):
    from tests.factories import ReturnVisitFactory

    return ReturnVisitFactory(agreement=agreement, recorded_by=by)


def _inspection(village, by):
    from tests.factories import InspectionFactory

    return InspectionFactory(
        village=village, recorded_by=by, findings="台账不全", follow_up_due=date(2026, 4, 1)
    )


def _scoring_rule(bureau):
    from assessment.services.computation import scoring_rule_for

    return scoring_rule_for(bureau)


def _period(bureau, year=2026):
    from tests.factories import ReviewPeriodFactory

    return ReviewPeriodFactory(bureau=bureau, year=year)


@dataclass(frozen=True)
class AdminModel:
    """What the bureau admin gets on the changelist and on the add page (403 where adding is not theirs); how to
    get a row of their bureau from `whole_map` and the same kind of row of `other_bureau` (None for what every
    bureau shares); and how to make one more row they see (None when they cannot have more, for the query count)."""

    changelist: int
    add: int
    ours: Callable
    theirs: Callable | None
    new: Callable | None


ADMIN_MODELS: dict[str, AdminModel] = {
    # Groups follow the roles (accounts.services.role_groups_sync); no bureau manages them.
    "auth.Group": AdminModel(403, 403, lambda w: Group.objects.get(name="法律顾问"), None, None),
    "auth.User": AdminModel(
        200,
        200,
        lambda w: w.office_user,
        lambda w: w.other_bureau_admin_user,
        lambda w: make_user_with_role(Role.OFFICE_STAFF, bureau=w.bureau, township=w.township),
    ),
    # A role is given on the user page (the profile inline): adding a bare profile is the superuser's.
    "accounts.Profile": AdminModel(
        200,
        403,
        lambda w: w.office_user.profile,
        lambda w: w.other_bureau_admin_user.profile,
        lambda w: make_user_with_role(Role.OFFICE_STAFF, bureau=w.bureau, township=w.township).profile,
    ),
    # Creating and removing bureaus is the superuser's; a bureau admin sees their own bureau only.
    "villages.Bureau": AdminModel(200, 403, lambda w: w.bureau, lambda w: w.other_bureau, None),
    "villages.Township": AdminModel(
        200,
        200,
        lambda w: w.township,
        lambda w: w.other_bureau_township,
        lambda w: VillageFactory(township=TownshipFactory(bureau=w.bureau)).township,
    ),
    "villages.Village": AdminModel(
        200,
        200,
        lambda w: w.village,
        lambda w: w.other_bureau_village,
        lambda w: make_liaison_user(village=_new_agreement(w).village).liaison_village,
    ),
    "advisors.Firm": AdminModel(
        200,
        200,
        lambda w: w.advisor.firm,
        lambda w: w.other_bureau_advisor.firm,
        lambda w: AdvisorFactory(firm=FirmFactory(bureau=w.bureau), bureau=w.bureau).firm,
    ),
    "advisors.Advisor": AdminModel(
        200, 200, lambda w: w.advisor, lambda w: w.other_bureau_advisor, lambda w: _new_agreement(w).advisor
    ),
    "advisors.Agreement": AdminModel(
        200, 200, lambda w: w.agreement, lambda w: w.other_bureau_agreement, _new_agreement
    ),
    # The ledger and the notifications are read-only in the admin (ledger/admin.py, notifications/admin.py).
    "ledger.WorkLog": AdminModel(
        200,
        403,
        lambda w: _worklog(w.agreement),
        lambda w: _worklog(w.other_bureau_agreement),
        lambda w: _worklog(_new_agreement(w)),
    ),
    "ledger.Lecture": AdminModel(
        200,
        403,
        lambda w: _lecture(w.agreement),
        lambda w: _lecture(w.other_bureau_agreement),
        lambda w: _lecture(_new_agreement(w)),
    ),
    "ledger.Incident": AdminModel(
        200,
        403,
        lambda w: _incident(w.agreement),
        lambda w: _incident(w.other_bureau_agreement),
        lambda w: _incident(_new_agreement(w)),
    ),
    "ledger.WorkSummary": AdminModel(
        200,
        403,
        lambda w: _work_summary(w.township),
        lambda w: _work_summary(w.other_bureau_township),
        lambda w: _work_summary(TownshipFactory(bureau=w.bureau)),
    ),
    "ledger.LedgerSubmission": AdminModel(
        200,
        403,
        lambda w: _submission(w.agreement),
        lambda w: _submission(w.other_bureau_agreement),
        lambda w: _submission(_new_agreement(w)),
    ),
    # Whole-bureau ledger exports: asked for on the exports page, built by a task; read here (ledger/admin.py).
    "ledger.LedgerExport": AdminModel(
        200,
        403,
        lambda w: _export(w.bureau, w.bureau_staff_user),
        lambda w: _export(w.other_bureau, w.other_bureau_admin_user),
        lambda w: _export(w.bureau, w.bureau_admin_user),
    ),
    # The provincial list of service types, the same for every bureau.
    "ledger.ServiceType": AdminModel(
        200,
        403,
        lambda w: ServiceType.objects.order_by("pk").first(),
        None,
        lambda w: ServiceType.objects.create(code=f"extra-{next(_n)}", name="其他服务", position=99),
    ),
    # Deadline flags are the bureau's to read, not to write; job runs span every bureau: the operator's only.
    "deadlines.Flag": AdminModel(
        200,
        403,
        lambda w: _flag(w.bureau, w.village),
        lambda w: _flag(w.other_bureau, w.other_bureau_village),
        lambda w: _flag(w.bureau, VillageFactory(township=w.township)),
    ),
    "deadlines.JobRun": AdminModel(
        403,
        403,
        lambda w: JobRun.objects.create(job="month_end", for_date=date(2026, 5, 31), started_at=now()),
        None,
        None,
    ),
    # The audit trail: searched, never written, in the admin (audit/admin.py); the entries of the bureau's users.
    "audit.AuditEntry": AdminModel(
        200,
        403,
        lambda w: _audit_entry(w.office_user),
        lambda w: _audit_entry(w.other_bureau_admin_user),
        lambda w: _audit_entry(w.office_user),
    ),
    "notifications.Notification": AdminModel(
        200,
        403,
        lambda w: Notification.objects.create(recipient=w.office_user, title="请核查工作日志"),
        lambda w: Notification.objects.create(recipient=w.other_bureau_admin_user, title="请核查工作日志"),
        lambda w: Notification.objects.create(recipient=w.office_user, title="请核查工作日志"),
    ),
    # The assessment (assessment/admin.py): the bureau's scoring rule is the bureau admin's to set (one per bureau);
    # periods, reviews and what hangs on them are made through the services, so they are read here.
    "assessment.ScoringRule": AdminModel(
        200, 200, lambda w: _scoring_rule(w.bureau), lambda w: _scoring_rule(w.other_bureau), None
    ),
    "assessment.ReviewPeriod": AdminModel(
        200,
        403,
        lambda w: _period(w.bureau),
        lambda w: _period(w.other_bureau),
        lambda w: _period(w.bureau, year=1900 + next(_n)),
    ),
    "assessment.Review": AdminModel(
        200,
        403,
        lambda w: _review(w.advisor, w.bureau),
        lambda w: _review(w.other_bureau_advisor, w.other_bureau),
        lambda w: _review(_new_agreement(w).advisor, w.bureau),
    ),
    "assessment.ReviewVillage": AdminModel(
        200,
        403,
        lambda w: _review_village(w.agreement),
        lambda w: _review_village(w.other_bureau_agreement),
        lambda w: _review_village(_new_agreement(w)),
    ),
    "assessment.PayoutDeduction": AdminModel(
        200,
        403,
        lambda w: _deduction(w.agreement, w.bureau_staff_user),
        lambda w: _deduction(w.other_bureau_agreement, w.other_bureau_admin_user),
        lambda w: _deduction(_new_agreement(w), w.bureau_staff_user),
    ),
    "assessment.ReviewEvent": AdminModel(
        200,
        403,
        lambda w: _review_event(w.agreement),
        lambda w: _review_event(w.other_bureau_agreement),
        lambda w: _review_event(_new_agreement(w)),
    ),
    "assessment.ReturnVisit": AdminModel(
        200,
        403,
        lambda w: _return_visit(w.agreement, w.bureau_staff_user),
        lambda w: _return_visit(w.other_bureau_agreement, w.other_bureau_admin_user),
        lambda w: _return_visit(_new_agreement(w), w.bureau_staff_user),
    ),
    "assessment.Inspection": AdminModel(
        200,
        403,
        lambda w: _inspection(w.village, w.bureau_staff_user),
        lambda w: _inspection(w.other_bureau_village, w.other_bureau_admin_user),
        lambda w: _inspection(VillageFactory(township=w.township), w.bureau_staff_user),
    ),
    # Login lockouts (django-axes): the bureau's accounts' only (accounts/admin.py LoginLockAdmin); lifted, not added.
    "accounts.LoginLock": AdminModel(
        200,
        403,
        lambda w: _lock(w.office_user.username),
        lambda w: _lock(w.other_bureau_admin_user.username),
        lambda w: _lock(
            make_user_with_role(Role.OFFICE_STAFF, bureau=w.bureau, township=w.township).username
        ),
    ),
}

REGISTERED = sorted(model._meta.label for model in admin.site._registry)
KNOWN = [label for label in REGISTERED if label in ADMIN_MODELS]  # the others fail the first test below
NOT_STAFF = ["bureau_staff_user", "office_user", "advisor_user", "liaison_user", "stranger"]


def admin_url(label: str, view: str, *args) -> str:
    app_label, model_name = label.lower().split(".")
    return reverse(f"admin:{app_label}_{model_name}_{view}", args=args)


@pytest.fixture
def role_groups(db):
    """The role groups with the permissions of every app, as `role_groups_sync` makes them once all apps'
    permissions exist (see test_it_gives_the_bureau_admin_group_its_permissions_on_a_freshly_migrated_database)."""
    role_groups_sync()


@pytest.fixture
def admin_client(client, whole_map, role_groups):
    """A client logged in as the bureau admin of `bureau`."""
    client.force_login(whole_map.bureau_admin_user)
    return client


def test_it_has_an_entry_for_every_registered_model():
    missing = sorted(set(REGISTERED) - set(ADMIN_MODELS))

    assert not missing, (
        "These models are registered in the admin but have no entry in ADMIN_MODELS (tests/test_admin.py): "
        f"{missing}. Say what the bureau admin gets on their changelist and add page, and how to make one of "
        "their rows in the bureau and one in another bureau."
    )


def test_it_gives_the_bureau_admin_group_its_permissions_on_a_freshly_migrated_database(client, whole_map):
    """The test database is freshly migrated: the role groups are whatever the post_migrate handler left."""
    codenames = set(Group.objects.get(name="司法局管理员").permissions.values_list("codename", flat=True))

    assert {"change_village", "add_agreement", "change_advisor", "view_worklog"} <= codenames
    client.force_login(whole_map.bureau_admin_user)
    assert client.get("/admin/villages/village/").status_code == 200


def test_it_opens_the_admin_index_to_the_bureau_admin(admin_client):
    response = admin_client.get("/admin/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "司法局管理后台" in page
    assert "/admin/villages/village/" in page
    assert "/admin/auth/group/" not in page


@pytest.mark.parametrize("label", KNOWN)
def test_it_answers_the_bureau_admin_on_each_changelist_and_add_page(admin_client, label):
    expected = ADMIN_MODELS[label]

    assert admin_client.get(admin_url(label, "changelist")).status_code == expected.changelist
    assert admin_client.get(admin_url(label, "add")).status_code == expected.add


@pytest.mark.parametrize("label", KNOWN)
def test_it_opens_the_change_page_of_a_row_of_the_bureau(admin_client, whole_map, label):
    entry = ADMIN_MODELS[label]
    obj = entry.ours(whole_map)

    response = admin_client.get(admin_url(label, "change", obj.pk))

    assert response.status_code == (403 if entry.changelist == 403 else 200)


# SECURITY: another bureau's row is answered exactly as a row that does not exist (the admin's index, 404, or 403
# where the page is not the bureau admin's at all), so its change, history and delete pages neither open nor tell
# that it exists.
@pytest.mark.parametrize("label", [label for label in KNOWN if ADMIN_MODELS[label].theirs])
@pytest.mark.parametrize("view", ["change", "history", "delete"])
def test_it_does_not_open_a_row_of_another_bureau(admin_client, whole_map, label, view):
    obj = ADMIN_MODELS[label].theirs(whole_map)

    response = admin_client.get(admin_url(label, view, obj.pk))
    nonexistent = admin_client.get(admin_url(label, view, 999999))

    assert response.status_code in (302, 403, 404), response.status_code
    assert response.status_code == nonexistent.status_code
    assert response.get("Location") == nonexistent.get("Location")
    if response.status_code == 302:
        assert response["Location"] == "/admin/"


@pytest.mark.parametrize(
    "label",
    [label for label in KNOWN if ADMIN_MODELS[label].theirs and ADMIN_MODELS[label].changelist == 200],
)
def test_it_lists_the_bureaus_rows_and_not_another_bureaus_on_a_changelist(admin_client, whole_map, label):
    entry = ADMIN_MODELS[label]
    ours, theirs = entry.ours(whole_map), entry.theirs(whole_map)

    page = admin_client.get(admin_url(label, "changelist")).content.decode()

    assert admin_url(label, "change", ours.pk) in page
    assert admin_url(label, "change", theirs.pk) not in page


def test_it_does_not_let_the_bureau_admin_see_or_edit_a_superuser(admin_client, whole_map):
    # SECURITY
    page = admin_client.get("/admin/auth/user/").content.decode()

    assert admin_url("auth.User", "change", whole_map.superuser.pk) not in page
    change = admin_client.get(admin_url("auth.User", "change", whole_map.superuser.pk))
    password = admin_client.get(f"/admin/auth/user/{whole_map.superuser.pk}/password/")
    assert change.status_code in (302, 404)
    assert password.status_code in (302, 404)


def test_it_does_not_let_the_bureau_admin_set_another_bureaus_password(admin_client, whole_map):
    # SECURITY
    url = f"/admin/auth/user/{whole_map.other_bureau_admin_user.pk}/password/"

    response = admin_client.post(
        url, {"password1": "Xin@Mima-2026-qiang", "password2": "Xin@Mima-2026-qiang"}
    )

    assert response.status_code in (302, 404)
    whole_map.other_bureau_admin_user.refresh_from_db()
    assert not whole_map.other_bureau_admin_user.check_password("Xin@Mima-2026-qiang")


def test_it_offers_only_the_bureaus_own_rows_as_choices_on_an_add_page(admin_client, whole_map):
    page = admin_client.get("/admin/villages/township/add/").content.decode()

    assert "城关区司法局" in page
    assert "新华区司法局" not in page


def test_it_refuses_a_township_posted_into_another_bureau(admin_client, whole_map):
    # SECURITY: a crafted POST with another bureau's id is an invalid choice.
    response = admin_client.post(
        "/admin/villages/township/add/",
        {
            "bureau": whole_map.other_bureau.pk,
            "name": "新镇",
            "kind": "town",
            "code": "410299999999",
            "office_name": "新镇司法所",
        },
    )

    assert response.status_code == 200  # the form again, with the error
    assert not whole_map.other_bureau.townships.filter(name="新镇").exists()


@pytest.mark.parametrize(
    ("field_name", "model_name", "ours", "theirs"),
    [
        ("village", "agreement", "village", "other_bureau_village"),
        ("advisor", "agreement", "advisor", "other_bureau_advisor"),
    ],
)
def test_it_offers_only_the_bureaus_rows_in_the_autocomplete(
    admin_client, whole_map, field_name, model_name, ours, theirs
):
    # SECURITY
    response = admin_client.get(
        "/admin/autocomplete/",
        {"app_label": "advisors", "model_name": model_name, "field_name": field_name, "term": ""},
    )

    assert response.status_code == 200
    ids = {result["id"] for result in response.json()["results"]}
    assert str(getattr(whole_map, ours).pk) in ids
    assert str(getattr(whole_map, theirs).pk) not in ids


@pytest.mark.parametrize("role_user", NOT_STAFF)
@pytest.mark.parametrize("url", ["/admin/", "/admin/villages/village/", "/admin/advisors/agreement/add/"])
def test_it_sends_every_other_role_to_the_admin_login(
    client, whole_map, role_groups, request, role_user, url
):
    client.force_login(request.getfixturevalue(role_user))

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")


@pytest.mark.parametrize("label", [label for label in KNOWN if ADMIN_MODELS[label].changelist == 200])
def test_it_runs_the_same_number_of_queries_on_a_changelist_whatever_the_number_of_rows(
    admin_client, whole_map, django_assert_num_queries, label
):
    entry = ADMIN_MODELS[label]
    entry.ours(whole_map)  # at least one row of every kind
    url = admin_url(label, "changelist")
    few = queries_of(admin_client, url)

    if entry.new:
        for _ in range(60):
            entry.new(whole_map)

    with django_assert_num_queries(few):
        assert admin_client.get(url).status_code == 200


def _user_change_form(w, **changes) -> dict:
    """A POST of the user change page for `office_user`, as the bureau admin's form (with the role inline)."""
    user, profile = w.office_user, w.office_user.profile
    data = {
        "username": user.username,
        "first_name": "",
        "last_name": "",
        "email": "",
        "is_active": "on",
        "profile-TOTAL_FORMS": "1",
        "profile-INITIAL_FORMS": "1",
        "profile-MIN_NUM_FORMS": "1",
        "profile-MAX_NUM_FORMS": "1",
        "profile-0-id": str(profile.pk),
        "profile-0-user": str(user.pk),
        "profile-0-role": profile.role,
        "profile-0-bureau": str(profile.bureau_id),
        "profile-0-township": str(profile.township_id),
        "profile-0-full_name": profile.full_name,
        "profile-0-phone": "",
    }
    data.update(changes)
    return data


def test_it_saves_a_users_change_page_for_the_bureau_admin(admin_client, whole_map):
    url = admin_url("auth.User", "change", whole_map.office_user.pk)

    response = admin_client.post(url, _user_change_form(whole_map, **{"profile-0-full_name": "赵敏敏"}))

    assert response.status_code == 302, response.content.decode()[-3000:]
    whole_map.office_user.profile.refresh_from_db()
    assert whole_map.office_user.profile.full_name == "赵敏敏"


def test_it_ignores_a_superuser_flag_posted_by_the_bureau_admin(admin_client, whole_map):
    # SECURITY: the bureau admin's user form has no superuser, staff, group or permission fields.
    url = admin_url("auth.User", "change", whole_map.office_user.pk)
    admin_group = Group.objects.get(name="司法局管理员")

    admin_client.post(
        url, _user_change_form(whole_map, is_superuser="on", is_staff="on", groups=[str(admin_group.pk)])
    )

    whole_map.office_user.refresh_from_db()
    assert not whole_map.office_user.is_superuser
    assert not whole_map.office_user.is_staff
    assert [group.name for group in whole_map.office_user.groups.all()] == ["司法所工作人员"]


def test_it_refuses_to_move_a_users_role_into_another_bureau(admin_client, whole_map):
    # SECURITY
    url = admin_url("auth.User", "change", whole_map.office_user.pk)
    form = _user_change_form(
        whole_map,
        **{"profile-0-bureau": str(whole_map.other_bureau.pk), "profile-0-township": ""},
    )

    response = admin_client.post(url, form)

    assert response.status_code == 200  # the form again, with the error
    whole_map.office_user.profile.refresh_from_db()
    assert whole_map.office_user.profile.bureau == whole_map.bureau
