"""Nothing a user typed goes into a URL: a refused form is rendered again, as typed (URLs reach access logs,
proxies and browser history; a dispute's reason may hold a resident's phone or ID number)."""

from datetime import date

import pytest

from tests.factories import WorkLogFactory
from tests.web import text

pytestmark = pytest.mark.django_db

PHONE, ID_NUMBER = "13912345678", "410102199003071234"
# Longer than the 500 characters a reason holds: refused, with both numbers in it.
TOO_LONG = f"村民王某（电话{PHONE}，身份证{ID_NUMBER}）称当天顾问未到村。" + "核实中。" * 150


@pytest.mark.parametrize(
    ("action", "persona", "status"),
    [("dispute", "liaison_user", "submitted"), ("return", "office_user", "confirmed")],
)
def test_a_refused_reason_is_rendered_again_and_never_put_in_a_url(
    client, request, agreement, action, persona, status
):
    # SECURITY
    log = WorkLogFactory(agreement=agreement, status=status, service_date=date(2026, 6, 3))
    client.force_login(request.getfixturevalue(persona))

    response = client.post(f"/logs/{log.pk}/{action}/", {"reason": TOO_LONG, "next": "/"})

    log.refresh_from_db()
    assert log.status == status
    assert response.status_code == 200 and not response.has_header("Location")
    page = text(response)
    assert TOO_LONG in page  # nothing typed is lost
    assert '<details class="review-reason" open>' in page
    assert "500" in page  # the message: at most 500 characters
