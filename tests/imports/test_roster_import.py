import pytest
from django.urls import reverse

from accounts.models import PasswordState, Role
from advisors.models import Advisor, Agreement
from audit.models import AuditEntry
from imports.models import ImportBatch
from tests.factories import AdvisorFactory, BureauFactory
from villages.models import Township, Village

from .books import FIRM, TOWNSHIP, advisor_row, agreement_row, roster_book, village_row

pytestmark = pytest.mark.django_db


def _full_book(villages: int = 3) -> bytes:
    return roster_book(
        {
            "乡镇(街道)": [TOWNSHIP],
            "村(社区)": [village_row(n) for n in range(1, villages + 1)],
            "律师事务所": [FIRM],
            "法律顾问": [advisor_row(1)],
            "顾问协议": [agreement_row(1, f"东风{n}村") for n in range(1, villages + 1)],
            "村联络员": [["东风镇", "东风1村", "李芳", "13900000001", "lifang"]],
        }
    )


def test_it_previews_without_saving_then_confirms_everything(clerk, client, bureau_admin_user):
    batch = clerk.upload(_full_book())
    assert batch.status == ImportBatch.Status.READY
    assert not Township.objects.filter(code="410102001").exists()
    page = client.get(batch.get_absolute_url()).content.decode()
    assert "确认后将新增" in page and "村(社区)" in page
    sheets = {s["name"]: s for s in batch.report["sheets"]}
    assert sheets["村(社区)"]["created"] == 3
    assert sheets["顾问协议"]["created"] == 3

    clerk.confirm(batch)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DONE
    assert Village.objects.filter(township__code="410102001").count() == 3
    advisor = Advisor.objects.get(licence_number="14101200910000001")
    assert advisor.user.profile.role == Role.ADVISOR
    assert Agreement.objects.filter(advisor=advisor, status=Agreement.Status.SIGNED).count() == 3
    village = Village.objects.get(name="东风1村")
    assert village.liaison.username == "lifang" and village.liaison_phone == "13900000001"
    assert len(batch.account_ids) == 2
    page = client.get(batch.get_absolute_url()).content.decode()
    assert "本次导入新建了 2 个账号" in page and "打印登录单" in page
    # Audited: who, the file's hash, the counts.
    entry = AuditEntry.objects.filter(event="import", detail__startswith="导入").get()
    assert entry.actor == bureau_admin_user
    assert entry.additional_data["sha256"] == batch.sha256
    assert entry.additional_data["created"] == batch.total("created")
    assert not batch.file  # the workbook (phone numbers) is not kept once imported; its hash is


def test_it_changes_nothing_when_the_same_workbook_is_imported_again(clerk, client, bureau_admin_user):
    content = _full_book()
    clerk.confirm(clerk.upload(content))
    agreements = list(Agreement.objects.values_list("pk", "updated_at"))
    again = clerk.upload(content)
    assert again.total("created") == 0 and again.total("updated") == 0
    assert again.total("unchanged") == 1 + 3 + 1 + 1 + 3 + 1
    clerk.confirm(again)
    again.refresh_from_db()
    assert again.status == ImportBatch.Status.DONE
    assert list(Agreement.objects.values_list("pk", "updated_at")) == agreements
    assert again.account_ids == []


def test_it_updates_a_village_found_by_its_code(clerk, client, bureau_admin_user):
    clerk.confirm(clerk.upload(_full_book(1)))
    changed = village_row(1)
    changed[5] = "每周二上午"
    batch = clerk.upload(roster_book({"村(社区)": [changed]}))
    sheet = batch.report["sheets"][0]
    assert (sheet["created"], sheet["updated"]) == (0, 1)
    assert sheet["rows"][0]["changes"] == ["驻点时间"]
    clerk.confirm(batch)
    assert Village.objects.get(code="410102001001").onsite_hours == "每周二上午"


def test_it_saves_nothing_when_one_row_fails_at_confirmation(clerk, client, bureau_admin_user):
    batch = clerk.upload(_full_book())
    # Between preview and confirmation someone else takes the licence number: the whole import is refused.
    AdvisorFactory(bureau=BureauFactory(), licence_number="14101200910000001")
    clerk.confirm(batch)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.INVALID
    assert not Village.objects.filter(code__startswith="410102001").exists()
    assert not Township.objects.filter(code="410102001").exists()


def test_it_issues_login_slips_whose_passwords_must_be_changed(clerk, client, bureau_admin_user):
    batch = clerk.upload(_full_book(1))
    clerk.confirm(batch)
    batch.refresh_from_db()
    response = client.post(reverse("imports:login_slips", args=[batch.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    for state in PasswordState.objects.filter(user_id__in=batch.account_ids):
        assert state.must_change
    advisor_user = Advisor.objects.get(licence_number="14101200910000001").user
    assert advisor_user.has_usable_password()


def test_the_first_password_of_a_slip_logs_in_and_must_be_changed(clerk, client, monkeypatch):
    from django.test import Client

    batch = clerk.confirm(clerk.upload(_full_book(1)))
    monkeypatch.setattr("imports.services._first_password", lambda: "Xk7pQ2mZ9wRt")
    client.post(reverse("imports:login_slips", args=[batch.pk]))
    advisor = Client()
    response = advisor.post(reverse("login"), {"username": "14101200910000001", "password": "Xk7pQ2mZ9wRt"})
    assert response.status_code == 302
    assert advisor.get(reverse("home")).url.startswith(reverse("password_change"))
    # Printed again: the account that has logged in is left out, and the other gets a new password.
    monkeypatch.setattr("imports.services._first_password", lambda: "Nw3vB8cH4jKs")
    client.post(reverse("imports:login_slips", args=[batch.pk]))
    assert Client().login(username="lifang", password="Nw3vB8cH4jKs")
    assert not Client().login(username="lifang", password="Xk7pQ2mZ9wRt")
