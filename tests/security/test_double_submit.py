"""Every create form is safe to send twice (a double tap, a retry on a weak connection, the back button): one row.

The forms that make a row carry a one-time token, as the browser gets it with the form page (common/once.py); the
others are safe by a natural key (one open objection per review, one dispute per submitted log, one export per
bureau and year). Each case below opens the form's page as its user, sends the same form twice and counts the rows.
"""

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from assessment.models import Inspection, PayoutDeduction, ReturnVisit, Review, ReviewEvent
from ledger.models import Incident, Lecture, LedgerExport, WorkLog, WorkLogEvent, WorkLogPhoto
from tests.factories import WorkLogFactory, open_review_period
from tests.ledger.test_advisor_pages import lecture_data, log_data

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="client_uuid" value="([0-9a-f-]{36})"')


@dataclass(frozen=True)
class CreateForm:
    persona: str
    page: Callable[[SimpleNamespace], str]  # where the form is shown
    action: Callable[[SimpleNamespace], str]  # where it is sent
    data: Callable[[SimpleNamespace], dict]
    rows: Callable[[SimpleNamespace], int]  # what one sending makes one of
    token: bool = True  # False: safe by a natural key


def a_submitted_log(w: SimpleNamespace) -> WorkLog:
    if not hasattr(w, "log"):
        w.log = WorkLogFactory(agreement=w.agreement, status=WorkLog.Status.SUBMITTED, service_date=w.today)
    return w.log


def a_review(w: SimpleNamespace) -> Review:
    return Review.objects.get(period=open_review_period(w.bureau, half_year_pays=True), advisor=w.advisor)


def a_photo() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 160, 90)).save(buffer, "JPEG")
    return SimpleUploadedFile("IMG_0001.jpg", buffer.getvalue(), content_type="image/jpeg")


CREATE_FORMS = {
    "work log": CreateForm(
        "advisor_user",
        lambda w: "/logs/new/",
        lambda w: "/logs/new/",
        lambda w: {**log_data(w.village), "submit": "1"},
        lambda w: WorkLog.objects.count(),
    ),
    "lecture": CreateForm(
        "advisor_user",
        lambda w: "/logs/lectures/new/",
        lambda w: "/logs/lectures/new/",
        lambda w: lecture_data(w.village),
        lambda w: Lecture.objects.count(),
    ),
    "incident": CreateForm(
        "advisor_user",
        lambda w: "/logs/incidents/new/",
        lambda w: "/logs/incidents/new/",
        lambda w: {"village": w.village.pk, "summary": "两户因宅基地边界争执，有冲突苗头。"},
        lambda w: Incident.objects.count(),
    ),
    "photos of a log": CreateForm(
        "advisor_user",
        lambda w: f"/logs/{a_submitted_log(w).pk}/",
        lambda w: f"/logs/{a_submitted_log(w).pk}/photos/",
        lambda w: {"photos": [a_photo()]},
        lambda w: WorkLogPhoto.objects.count(),
    ),
    "return visit": CreateForm(
        "bureau_staff_user",
        lambda w: "/reviews/visits/new/",
        lambda w: "/reviews/visits/new/",
        lambda w: {
            "village": w.village.pk,
            "visited_on": w.today.isoformat(),
            "contact_kind": ReturnVisit.Contact.values[0],
            "contact_name": "李主任",
            "method": ReturnVisit.Method.values[0],
            "satisfaction": ReturnVisit._meta.get_field("satisfaction").choices[0][0],
            "comments": "群众反映顾问服务及时。",
        },
        lambda w: ReturnVisit.objects.count(),
    ),
    "inspection": CreateForm(
        "office_user",
        lambda w: "/reviews/inspections/new/",
        lambda w: "/reviews/inspections/new/",
        lambda w: {
            "township": w.township.pk,
            "village": w.village.pk,
            "inspected_on": w.today.isoformat(),
            "inspectors": "张三、李四",
            "checked_items": "台账、日志",
            "findings": "",
        },
        lambda w: Inspection.objects.count(),
    ),
    "payout deduction": CreateForm(
        "bureau_staff_user",
        lambda w: f"/reviews/periods/{a_review(w).period_id}/payout/",
        lambda w: f"/reviews/periods/{a_review(w).period_id}/payout/deduct/",
        lambda w: {
            "line": f"{a_review(w).pk}-{w.agreement.pk}",
            "amount": "100.00",
            "reason": "5月台账逾期报送",
        },
        lambda w: PayoutDeduction.objects.count(),
    ),
    "objection to a review": CreateForm(
        "advisor_user",
        lambda w: f"/reviews/{a_review(w).pk}/",
        lambda w: f"/reviews/{a_review(w).pk}/object/",
        lambda w: {"objection": "讲座次数少算一次。"},
        lambda w: ReviewEvent.objects.filter(action=ReviewEvent.Action.OBJECTED).count(),
        token=False,
    ),
    "dispute of a log": CreateForm(
        "liaison_user",
        lambda w: f"/logs/{a_submitted_log(w).pk}/",
        lambda w: f"/logs/{a_submitted_log(w).pk}/dispute/",
        lambda w: {"reason": "当天顾问未到村。"},
        lambda w: WorkLogEvent.objects.filter(action=WorkLogEvent.Action.DISPUTED).count(),
        token=False,
    ),
    "bureau ledger export": CreateForm(
        "bureau_staff_user",
        lambda w: "/logs/exports/",
        lambda w: "/logs/exports/",
        lambda w: {"bureau": w.bureau.pk, "year": "2026"},
        lambda w: LedgerExport.objects.count(),
        token=False,
    ),
}


@pytest.mark.parametrize("name", CREATE_FORMS)
def test_a_create_form_sent_twice_makes_one_row(client, whole_map, name):
    form = CREATE_FORMS[name]
    client.force_login(getattr(whole_map, form.persona))
    page = client.get(form.page(whole_map))
    assert page.status_code == 200
    data = form.data(whole_map)
    if form.token:
        token = TOKEN.search(page.content.decode())
        assert token, f"{name}: the form page carries no one-time token"
        data["client_uuid"] = token[1]
    before = form.rows(whole_map)

    first = client.post(form.action(whole_map), data)
    data = {**data, **{k: [a_photo()] for k in data if k == "photos"}}  # a file is read once: send it again
    again = client.post(form.action(whole_map), data)

    assert first.status_code == 302, f"{name}: the first sending was refused"
    assert again.status_code in (200, 302)
    assert form.rows(whole_map) == before + 1, name


def test_a_refused_sending_keeps_the_token_usable(client, whole_map):
    client.force_login(whole_map.bureau_staff_user)
    token = TOKEN.search(client.get("/reviews/visits/new/").content.decode())[1]
    data = {
        "village": whole_map.village.pk,
        "visited_on": "2027-01-01",  # in the future: refused
        "contact_kind": ReturnVisit.Contact.values[0],
        "method": ReturnVisit.Method.values[0],
        "satisfaction": ReturnVisit._meta.get_field("satisfaction").choices[0][0],
        "client_uuid": token,
    }

    refused = client.post("/reviews/visits/new/", data)
    assert refused.status_code == 200 and not ReturnVisit.objects.exists()
    assert f'value="{token}"' in refused.content.decode()  # the form comes back with the same token

    client.post("/reviews/visits/new/", {**data, "visited_on": whole_map.today.isoformat()})
    assert ReturnVisit.objects.count() == 1
