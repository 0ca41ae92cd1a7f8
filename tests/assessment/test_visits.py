"""Return visits (回访) and inspections (检查): recorded by whom the rules say, listed with their filters, and fed
into the review's indicators."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assessment.models import Inspection, ReturnVisit, Review
from assessment.services import computation, visits
from tests.factories import AgreementFactory, InspectionFactory, ReturnVisitFactory, VillageFactory
from tests.web import queries_of, rows

pytestmark = pytest.mark.django_db


def _visit(w, **changes) -> dict:
    data = {
        "village": w.village.pk,
        "visited_on": "2026-05-20",
        "contact_kind": "resident",
        "contact_name": "王大爷",
        "method": "onsite",
        "satisfaction": "mostly",
        "comments": "希望顾问多来几次",
    }
    data.update(changes)
    return data


def _inspection(w, **changes) -> dict:
    data = {
        "township": w.township.pk,
        "village": w.village.pk,
        "advisor": "",
        "inspected_on": "2026-06-01",
        "inspectors": "陈刚、刘洋",
        "checked_items": "工作日志、台账、公示栏",
        "findings": "公示栏未更新驻点时间",
        "follow_up_due": "2026-06-10",
    }
    data.update(changes)
    return data


# --- return visits ---


def test_bureau_staff_record_a_return_visit_linked_to_the_advisor_serving_that_day(whole_map, client):
    w = whole_map
    client.force_login(w.bureau_staff_user)

    response = client.post("/reviews/visits/new/", _visit(w))

    visit = ReturnVisit.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reviews/visits/{visit.pk}/"
    assert (visit.advisor, visit.recorded_by, visit.satisfaction) == (
        w.advisor,
        w.bureau_staff_user,
        "mostly",
    )
    page = client.get(response["Location"]).content.decode()
    assert "王大爷" in page and "张明" in page and "基本满意" in page


def test_a_visit_to_a_village_without_an_advisor_that_day_is_refused_keeping_the_text(whole_map, client):
    w = whole_map
    client.force_login(w.bureau_admin_user)

    response = client.post("/reviews/visits/new/", _visit(w, village=w.vacant_village.pk))

    assert response.status_code == 200
    page = response.content.decode()
    assert "没有生效的法律顾问协议" in page and "希望顾问多来几次" in page
    assert not ReturnVisit.objects.exists()


def test_an_unsatisfied_visit_needs_the_comments(whole_map):
    with pytest.raises(ValidationError, match="不满意"):
        visits.return_visit_record(
            by=whole_map.bureau_staff_user,
            village=whole_map.village,
            visited_on=date(2026, 5, 1),
            contact_kind="cadre",
            method="phone",
            satisfaction="unsatisfied",
            comments="",
        )


def test_a_visit_in_the_future_is_refused(whole_map):
    with pytest.raises(ValidationError, match="不能晚于今天"):
        visits.return_visit_record(
            by=whole_map.bureau_staff_user,
            village=whole_map.village,
            visited_on=date(2026, 6, 16),
            contact_kind="cadre",
            method="phone",
            satisfaction="satisfied",
        )


@pytest.mark.parametrize(
    "persona", ["office_user", "advisor_user", "liaison_user", "other_bureau_admin_user"]
)
def test_only_the_villages_bureau_records_return_visits(whole_map, persona):
    # SECURITY
    with pytest.raises(PermissionDenied):
        visits.return_visit_record(
            by=getattr(whole_map, persona),
            village=whole_map.village,
            visited_on=date(2026, 5, 1),
            contact_kind="cadre",
            method="phone",
            satisfaction="satisfied",
        )


@pytest.mark.parametrize(
    ("persona", "status"), [("office_user", 403), ("advisor_user", 403), ("stranger", 403)]
)
def test_the_visit_form_is_the_bureaus(whole_map, client, persona, status):
    client.force_login(getattr(whole_map, persona))

    assert client.get("/reviews/visits/new/").status_code == status


def test_the_office_sees_its_townships_visits_and_the_filters_narrow_them(whole_map, client):
    w = whole_map
    ReturnVisitFactory(agreement=w.agreement, recorded_by=w.bureau_staff_user, satisfaction="unsatisfied")
    ReturnVisitFactory(agreement=w.second_agreement, recorded_by=w.bureau_staff_user)
    ReturnVisitFactory(agreement=w.other_agreement, recorded_by=w.bureau_staff_user)
    ReturnVisitFactory(agreement=w.other_bureau_agreement, recorded_by=w.other_bureau_admin_user)

    client.force_login(w.office_user)
    assert len(rows(client.get("/reviews/visits/"))) == 2
    unsatisfied = rows(client.get("/reviews/visits/?satisfaction=unsatisfied"))
    assert [row[1] for row in unsatisfied] == ["王庄村 柳林镇"]

    client.force_login(w.bureau_staff_user)
    assert len(rows(client.get("/reviews/visits/"))) == 3
    in_township = rows(client.get(f"/reviews/visits/?township={w.other_township.pk}"))
    assert [row[1] for row in in_township] == ["桃园社区 桃园街道"]
    assert rows(client.get("/reviews/visits/?date_from=2026-02-01")) == []


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("bureau_staff_user", 200),
        ("office_user", 200),
        ("other_office_user", 404),
        ("advisor_user", 404),
        ("liaison_user", 404),
        ("other_bureau_admin_user", 404),
    ],
)
def test_a_visit_page_answers_within_the_scope_only(whole_map, client, persona, status):
    # SECURITY
    visit = ReturnVisitFactory(agreement=whole_map.agreement, recorded_by=whole_map.bureau_staff_user)
    client.force_login(getattr(whole_map, persona))

    assert client.get(f"/reviews/visits/{visit.pk}/").status_code == status


def test_the_visit_list_costs_the_same_queries_for_more_rows(
    whole_map, client, django_assert_max_num_queries
):
    w = whole_map
    client.force_login(w.bureau_staff_user)
    ReturnVisitFactory(agreement=w.agreement, recorded_by=w.bureau_staff_user)
    few = queries_of(client, "/reviews/visits/")
    for _n in range(30):
        agreement = AgreementFactory(advisor__bureau=w.bureau, village=VillageFactory(township=w.township))
        ReturnVisitFactory(agreement=agreement, recorded_by=w.bureau_admin_user)

    with django_assert_max_num_queries(few):
        assert client.get("/reviews/visits/").status_code == 200


# --- inspections ---


def test_the_bureau_inspects_a_village_and_the_advisor_serving_it_is_named(whole_map, client):
    w = whole_map
    client.force_login(w.bureau_staff_user)

    response = client.post("/reviews/inspections/new/", _inspection(w))

    inspection = Inspection.objects.get()
    assert response.status_code == 302
    assert (inspection.kind, inspection.advisor, inspection.follow_up_due) == (
        "bureau",
        w.advisor,
        date(2026, 6, 10),
    )


def test_the_office_checks_its_own_township_only(whole_map, client):
    w = whole_map
    client.force_login(w.office_user)

    assert client.post("/reviews/inspections/new/", _inspection(w)).status_code == 302
    assert Inspection.objects.get().kind == "office"
    refused = client.post(
        "/reviews/inspections/new/",
        _inspection(w, township=w.other_township.pk, village=w.other_township_village.pk),
    )
    assert refused.status_code == 200  # another township is not a choice for them
    assert Inspection.objects.count() == 1


def test_a_finding_needs_a_follow_up_date_and_keeps_what_was_typed(whole_map, client):
    w = whole_map
    client.force_login(w.bureau_staff_user)

    response = client.post("/reviews/inspections/new/", _inspection(w, follow_up_due=""))

    assert response.status_code == 200
    page = response.content.decode()
    assert "请填写整改期限" in page and "公示栏未更新驻点时间" in page


def test_a_village_of_another_township_is_refused(whole_map):
    with pytest.raises(ValidationError, match="不属于该乡镇"):
        visits.inspection_record(
            by=whole_map.bureau_staff_user,
            township=whole_map.township,
            village=whole_map.other_township_village,
            inspected_on=date(2026, 6, 1),
            inspectors="陈刚",
            checked_items="台账",
        )


@pytest.mark.parametrize(
    "persona", ["advisor_user", "liaison_user", "other_office_user", "other_bureau_admin_user"]
)
def test_others_may_not_record_an_inspection_of_the_township(whole_map, persona):
    # SECURITY
    with pytest.raises(PermissionDenied):
        visits.inspection_record(
            by=getattr(whole_map, persona),
            township=whole_map.township,
            inspected_on=date(2026, 6, 1),
            inspectors="某某",
            checked_items="台账",
        )


def test_the_office_records_the_resolution_of_a_bureau_finding(whole_map, client):
    w = whole_map
    inspection = InspectionFactory(village=w.village, findings="台账不全", follow_up_due=date(2026, 6, 1))
    client.force_login(w.office_user)

    assert "登记整改情况" in client.get(f"/reviews/inspections/{inspection.pk}/").content.decode()
    response = client.post(
        f"/reviews/inspections/{inspection.pk}/resolve/",
        {"resolution": "已补齐台账", "resolved_on": "2026-06-12"},
    )

    assert response.status_code == 302
    inspection.refresh_from_db()
    assert (inspection.resolution, inspection.resolved_on) == ("已补齐台账", date(2026, 6, 12))
    again = client.post(
        f"/reviews/inspections/{inspection.pk}/resolve/", {"resolution": "再次", "resolved_on": "2026-06-13"}
    )
    assert again.status_code == 200 and "整改情况已登记" in again.content.decode()


def test_a_resolution_before_the_inspection_is_refused(whole_map, client):
    w = whole_map
    inspection = InspectionFactory(village=w.village, findings="台账不全", inspected_on=date(2026, 6, 1))
    client.force_login(w.bureau_staff_user)

    response = client.post(
        f"/reviews/inspections/{inspection.pk}/resolve/",
        {"resolution": "已补齐台账", "resolved_on": "2026-05-01"},
    )

    assert response.status_code == 200
    assert "不能早于检查日期" in response.content.decode() and "已补齐台账" in response.content.decode()


def test_the_list_filters_open_and_overdue_findings(whole_map, client):
    w = whole_map
    InspectionFactory(village=w.village, findings="逾期未改", follow_up_due=date(2026, 6, 1))
    InspectionFactory(village=w.village, findings="期限未到", follow_up_due=date(2026, 6, 30))
    InspectionFactory(
        village=w.village, findings="已改", follow_up_due=date(2026, 4, 1), resolved_on=date(2026, 3, 20)
    )
    InspectionFactory(village=w.second_village)
    client.force_login(w.office_user)

    def findings(query: str) -> list[str]:
        return [row[4] for row in rows(client.get(f"/reviews/inspections/{query}"))]

    assert len(findings("")) == 4
    assert sorted(findings("?state=open")) == ["期限未到", "逾期未改"]
    assert findings("?state=overdue") == ["逾期未改"]
    assert findings("?state=resolved") == ["已改"]
    assert findings("?state=clean") == ["未发现问题"]


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("bureau_admin_user", 200),
        ("office_user", 200),
        ("other_office_user", 404),
        ("advisor_user", 404),
        ("liaison_user", 404),
        ("other_bureau_admin_user", 404),
        ("stranger", 404),
    ],
)
def test_an_inspection_page_answers_within_the_scope_only(whole_map, client, persona, status):
    # SECURITY
    inspection = InspectionFactory(
        village=whole_map.village, findings="台账不全", follow_up_due=date(2026, 6, 1)
    )
    client.force_login(getattr(whole_map, persona))

    assert client.get(f"/reviews/inspections/{inspection.pk}/").status_code == status
    resolve = client.post(
        f"/reviews/inspections/{inspection.pk}/resolve/",
        {"resolution": "已整改", "resolved_on": "2026-06-12"},
    )
    assert resolve.status_code == (302 if status == 200 else status)


def test_the_inspection_list_costs_the_same_queries_for_more_rows(
    whole_map, client, django_assert_max_num_queries
):
    w = whole_map
    client.force_login(w.bureau_staff_user)
    InspectionFactory(village=w.village, advisor=w.advisor)
    few = queries_of(client, "/reviews/inspections/")
    for n in range(30):
        agreement = AgreementFactory(advisor__bureau=w.bureau, village=VillageFactory(township=w.township))
        InspectionFactory(village=agreement.village, advisor=agreement.advisor, findings=f"问题{n}")

    with django_assert_max_num_queries(few):
        assert client.get("/reviews/inspections/").status_code == 200


# --- they feed the review ---


def test_visits_and_open_findings_recorded_on_the_pages_feed_the_review(whole_map):
    w = whole_map
    for satisfaction in ("satisfied", "unsatisfied"):
        visits.return_visit_record(
            by=w.bureau_staff_user,
            village=w.village,
            visited_on=date(2026, 5, 1),
            contact_kind="resident",
            method="phone",
            satisfaction=satisfaction,
            comments="顾问很少来",
        )
    visits.inspection_record(
        by=w.office_user,
        township=w.township,
        village=w.village,
        inspected_on=date(2026, 6, 1),
        inspectors="赵敏",
        checked_items="台账",
        findings="台账不全",
        follow_up_due=date(2026, 6, 30),
    )

    period = computation.review_period_open(bureau=w.bureau, kind="half", year=2026, today=date(2026, 7, 1))

    row = Review.objects.get(period=period, advisor=w.advisor).villages.get(village=w.village)
    assert row.indicators["return_visits"]["share"] == "0.500"
    assert row.indicators["open_findings"] == 1
    assert Decimal(row.indicators["service_hours"]["value"]) == 0
