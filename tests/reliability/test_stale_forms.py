"""Reliability: edit forms carry a version. A save made over a change that happened after the form was
shown is refused with 记录已被他人修改, keeps what the person typed, and overwrites nothing; the form then carries the
current version, so saving again (after checking) goes through."""

import re
import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from ledger.models import ServiceType, WorkLog
from tests.factories import WorkLogFactory
from tests.web import text

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
STALE = "记录已被他人修改，请核对后重新提交。"


def version_in(page: str, field: str = "version") -> str:
    return re.search(rf'name="{field}" value="([^"]+)"', page).group(1)


def edit_data(worklog: WorkLog, version: str, **changes) -> dict:
    data = {
        "village": worklog.village_id,
        "mode": "onsite",
        "service_date": "2026-06-15",
        "start_time": "08:30",
        "end_time": "09:40",
        "service_types": [ServiceType.objects.get(code="consultation").pk],
        "object_kind": "person",
        "object_name": "王大爷",
        "object_phone": "13912345678",
        "object_situation": "本村村民",
        "people_served": "1",
        "content": "咨询宅基地继承问题，讲解了民法典继承编的规定。",
        "result": "当事人表示清楚了。",
        "client_uuid": str(worklog.client_uuid or uuid.uuid4()),
        "version": version,
    }
    data.update(changes)
    return data


@pytest.fixture
def draft(agreement):
    return WorkLogFactory(agreement=agreement, status="draft", service_date=date(2026, 6, 15))


def test_a_stale_worklog_edit_is_refused_keeping_the_input_and_overwriting_nothing(
    client, advisor_user, draft
):
    client.force_login(advisor_user)
    edit = f"/logs/{draft.pk}/edit/"
    phone_tab = version_in(text(client.get(edit)))
    desk_tab = version_in(text(client.get(edit)))
    with time_machine.travel(datetime(2026, 6, 15, 10, 5, tzinfo=SHANGHAI), tick=False):  # five minutes later
        client.post(
            edit, edit_data(draft, desk_tab, content="在电脑上补充的内容：调解了邻里纠纷并达成协议。")
        )

    response = client.post(edit, edit_data(draft, phone_tab, content="手机上写的内容：解答了土地承包问题。"))

    assert response.status_code == 200
    page = text(response)
    assert STALE in page
    assert "手机上写的内容：解答了土地承包问题。" in page
    draft.refresh_from_db()
    assert draft.content == "在电脑上补充的内容：调解了邻里纠纷并达成协议。"

    # Having checked, the person saves again: the form now carries the current version.
    again = client.post(
        edit, edit_data(draft, version_in(page), content="手机上写的内容：解答了土地承包问题。")
    )

    assert again.status_code == 302
    draft.refresh_from_db()
    assert draft.content == "手机上写的内容：解答了土地承包问题。"


def test_an_up_to_date_worklog_edit_is_saved(client, advisor_user, draft):
    client.force_login(advisor_user)
    edit = f"/logs/{draft.pk}/edit/"

    response = client.post(edit, edit_data(draft, version_in(text(client.get(edit))), object_name="李大娘"))

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.object_name == "李大娘"


def test_a_forged_version_is_refused_as_stale(client, advisor_user, draft):
    client.force_login(advisor_user)

    response = client.post(f"/logs/{draft.pk}/edit/", edit_data(draft, "not-a-date", object_name="李大娘"))

    assert STALE in text(response)
    draft.refresh_from_db()
    assert draft.object_name != "李大娘"


# --- the admin's change forms (accounts/admin_mixins.py: every ScopedAdminMixin ModelAdmin) ---


def firm_form(firm, version: str, **changes) -> dict:
    data = {
        "bureau": firm.bureau_id,
        "name": firm.name,
        "kind": firm.kind,
        "licence_number": firm.licence_number,
        "address": firm.address,
        "phone": firm.phone,
        "record_version": version,
    }
    data.update(changes)
    return data


def test_a_stale_admin_change_form_is_refused_keeping_the_input_and_overwriting_nothing(
    client, bureau, superuser
):
    from tests.factories import FirmFactory

    firm = FirmFactory(bureau=bureau, address="人民路1号")
    client.force_login(superuser)
    change = f"/admin/advisors/firm/{firm.pk}/change/"
    version = version_in(text(client.get(change)), "record_version")
    firm.address = "人民路2号（同事刚改的）"
    firm.save()

    response = client.post(change, firm_form(firm, version, address="建设路8号"))

    assert response.status_code == 200
    page = text(response)
    assert STALE in page
    assert 'value="建设路8号"' in page
    firm.refresh_from_db()
    assert firm.address == "人民路2号（同事刚改的）"

    # Having checked, the admin saves again: the form now carries the current version.
    current = version_in(page, "record_version")
    assert client.post(change, firm_form(firm, current, address="建设路8号")).status_code == 302
    firm.refresh_from_db()
    assert firm.address == "建设路8号"


def test_an_up_to_date_admin_change_form_is_saved(client, bureau, superuser):
    from tests.factories import FirmFactory

    firm = FirmFactory(bureau=bureau)
    client.force_login(superuser)
    change = f"/admin/advisors/firm/{firm.pk}/change/"
    version = version_in(text(client.get(change)), "record_version")

    assert client.post(change, firm_form(firm, version, address="建设路8号")).status_code == 302
    firm.refresh_from_db()
    assert firm.address == "建设路8号"
