"""全辖区年度台账导出: the bureau asks for its year on the exports page, the task builds the workbook (one sheet per
village, read back with openpyxl) into private storage, the requester is notified with the download's link, and the
download is served to the bureau only, audited. The task runs in-process here (CELERY_TASK_ALWAYS_EAGER) once the
request's transaction commits."""

import io
from datetime import date, timedelta

import pytest
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AuditEntry
from ledger import exports
from ledger.models import LedgerExport, ServiceType
from ledger.tasks import build_ledger_export
from notifications.models import Notification
from tests.factories import WorkLogFactory

pytestmark = pytest.mark.django_db

LIST = reverse("ledger:export_list")


def download_url(export: LedgerExport) -> str:
    return reverse("ledger:export_download", args=[export.pk])


def make_log(agreement, day: date, **fields):
    return WorkLogFactory(
        agreement=agreement,
        service_date=day,
        status="submitted",
        service_types=list(ServiceType.objects.filter(code="consultation")),
        **fields,
    )


@pytest.fixture
def year_of_work(today, agreement, second_agreement, other_agreement, other_bureau_agreement):
    """2026 logs in three villages of `bureau` (the first with the resident's mobile) and one of another bureau."""
    make_log(agreement, date(2026, 3, 2), object_name="王大山", object_phone="13812345678")
    make_log(second_agreement, date(2026, 4, 1), object_name="李家村委会")
    make_log(other_agreement, date(2026, 5, 1), object_name="桃园居民")
    make_log(other_bureau_agreement, date(2026, 5, 1), object_name="石桥村民")
    return [agreement.village, second_agreement.village, other_agreement.village]


def ask(client, user, year=2026, capture=None, **data):
    """POST the form as `user`; with `capture` (django_capture_on_commit_callbacks), the task runs at commit."""
    client.force_login(user)
    if capture is None:
        return client.post(LIST, {"year": year, **data})
    with capture(execute=True):
        return client.post(LIST, {"year": year, **data})


def test_it_builds_the_requested_year_into_a_private_workbook_and_notifies_the_requester(
    client, bureau, bureau_staff_user, year_of_work, django_capture_on_commit_callbacks
):
    response = ask(client, bureau_staff_user, capture=django_capture_on_commit_callbacks)

    assert response.status_code == 302 and response["Location"] == LIST
    export = LedgerExport.objects.get()
    assert (export.bureau, export.year, export.requested_by) == (bureau, 2026, bureau_staff_user)
    assert export.status == LedgerExport.Status.DONE and export.sheets == 3 and export.finished_at
    assert export.file.storage.base_url == "/private/" and export.file.name.startswith("ledger-exports/")
    assert storages["private"].exists(export.file.name)
    with export.file.open("rb") as stored:
        workbook = load_workbook(io.BytesIO(stored.read()))
    villages = sorted(year_of_work, key=lambda v: (v.township.code, v.code))
    assert workbook.sheetnames == [f"{v.name}-{v.code}"[:31] for v in villages]
    assert workbook.worksheets[0]["A1"].value == "河南省村(居)法律顾问工作台账"
    notification = Notification.objects.get(recipient=bureau_staff_user)
    assert notification.title == "全辖区年度台账已生成"
    assert notification.url == download_url(export)
    assert "城关区司法局 2026年度工作台账（3 个村(居)）" in notification.body


def test_the_requester_downloads_the_workbook_from_the_notifications_link_audited(
    client, bureau_staff_user, year_of_work, django_capture_on_commit_callbacks
):
    ask(client, bureau_staff_user, capture=django_capture_on_commit_callbacks)
    link = Notification.objects.get(recipient=bureau_staff_user).url

    response = client.get(link)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "filename*=UTF-8''%E5%B7%A5%E4%BD%9C%E5%8F%B0%E8%B4%A6-" in response["Content-Disposition"]
    content = b"".join(response.streaming_content)
    assert len(load_workbook(io.BytesIO(content)).sheetnames) == 3
    entry = AuditEntry.objects.filter(event="export").latest("pk")
    assert entry.actor_id == bureau_staff_user.pk and entry.detail == "工作台账-城关区司法局-2026.xlsx"


def test_the_workbook_carries_no_residents_phone_number(
    client, bureau_admin_user, year_of_work, django_capture_on_commit_callbacks
):
    """Like the one-village ledger workbook: the form has no phone column, so nobody's number is exported."""
    ask(client, bureau_admin_user, capture=django_capture_on_commit_callbacks)
    workbook = load_workbook(io.BytesIO(b"".join(client.get(download_url(LedgerExport.objects.get())))))

    cells = [str(c.value) for ws in workbook.worksheets for row in ws.iter_rows() for c in row if c.value]
    assert any("王大山" in text for text in cells)
    assert not any("13812345678" in text for text in cells)


def test_the_page_lists_the_bureaus_exports_with_their_state_and_link(
    client, bureau, bureau_admin_user, bureau_staff_user, other_bureau, other_bureau_admin_user
):
    done = LedgerExport.objects.create(
        bureau=bureau, year=2025, requested_by=bureau_staff_user, status="done"
    )
    done.file.save("x.xlsx", io.BytesIO(b"PK"))
    LedgerExport.objects.create(bureau=bureau, year=2026, requested_by=bureau_admin_user)
    LedgerExport.objects.create(
        bureau=bureau, year=2024, requested_by=bureau_admin_user, status="failed", error="生成台账工作簿超时"
    )
    theirs = LedgerExport.objects.create(
        bureau=other_bureau, year=2026, requested_by=other_bureau_admin_user, status="done"
    )
    client.force_login(bureau_admin_user)

    page = client.get(LIST).content.decode()

    assert "导出全辖区年度台账" in page and 'name="year"' in page and 'value="2026"' in page
    assert download_url(done) in page and download_url(theirs) not in page
    assert "排队中" in page and "生成台账工作簿超时" in page
    assert page.count('class="badge') == 3


def test_the_reports_page_links_the_export_for_bureau_roles_only(client, bureau_staff_user, office_user):
    client.force_login(bureau_staff_user)
    assert LIST in client.get(reverse("ledger:reports_index")).content.decode()

    client.force_login(office_user)
    assert LIST not in client.get(reverse("ledger:reports_index")).content.decode()


# --- who may ask and download (tests/test_url_scoping.py checks every persona on both URLs) ---


@pytest.fixture
def finished(client, bureau_admin_user, year_of_work, django_capture_on_commit_callbacks):
    ask(client, bureau_admin_user, capture=django_capture_on_commit_callbacks)
    client.logout()
    return LedgerExport.objects.get(status="done")


def test_it_serves_the_workbook_to_both_bureau_roles(client, finished, bureau_admin_user, bureau_staff_user):
    for user in (bureau_admin_user, bureau_staff_user):
        client.force_login(user)
        assert client.get(download_url(finished)).status_code == 200


# SECURITY
def test_another_bureau_neither_downloads_nor_lists_the_export(client, finished, other_bureau_admin_user):
    client.force_login(other_bureau_admin_user)

    assert client.get(download_url(finished)).status_code == 404
    assert download_url(finished) not in client.get(LIST).content.decode()


# SECURITY
@pytest.mark.parametrize("persona", ["office_user", "advisor_user", "liaison_user", "stranger"])
def test_it_answers_404_to_every_role_but_the_bureaus(client, finished, request, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(download_url(finished)).status_code == 404
    assert client.get(LIST).status_code == 404
    assert client.post(LIST, {"year": 2026}).status_code == 404
    assert LedgerExport.objects.count() == 1


# SECURITY
def test_a_bureau_user_cannot_ask_for_another_bureaus_year(client, bureau, other_bureau_admin_user):
    ask(client, other_bureau_admin_user, bureau=bureau.pk)

    assert LedgerExport.objects.get().bureau == other_bureau_admin_user.profile.bureau


def test_the_superuser_chooses_the_bureau(client, superuser, bureau, other_bureau):
    client.force_login(superuser)
    assert "新华区司法局" in client.get(LIST).content.decode()

    ask(client, superuser, bureau=other_bureau.pk)

    assert LedgerExport.objects.get().bureau == other_bureau


def test_it_serves_no_file_before_the_export_is_done(client, bureau, bureau_admin_user):
    export = LedgerExport.objects.create(bureau=bureau, year=2026, requested_by=bureau_admin_user)
    client.force_login(bureau_admin_user)

    assert client.get(download_url(export)).status_code == 404


# --- once per bureau and year ---


def test_a_second_request_while_one_is_waiting_gets_the_same_export(
    client, bureau, bureau_admin_user, bureau_staff_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as first_callbacks:
        ask(client, bureau_admin_user)
    with django_capture_on_commit_callbacks(execute=False) as second_callbacks:
        response = ask(client, bureau_staff_user)

    assert LedgerExport.objects.get().status == LedgerExport.Status.QUEUED
    assert len(first_callbacks) == 1 and second_callbacks == []  # the task is enqueued once
    page = client.get(response["Location"]).content.decode()
    assert "已在生成中" in page


def test_the_database_holds_one_waiting_export_per_bureau_and_year(bureau, bureau_admin_user):
    """Two requests at the same moment: the second insert fails and `ledger_export_request` returns the first."""
    LedgerExport.objects.create(bureau=bureau, year=2026, requested_by=bureau_admin_user, status="running")

    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerExport.objects.create(bureau=bureau, year=2026, requested_by=bureau_admin_user)


def test_another_year_or_a_finished_export_does_not_hold_a_new_request(client, bureau, bureau_admin_user):
    LedgerExport.objects.create(bureau=bureau, year=2026, requested_by=bureau_admin_user, status="done")
    LedgerExport.objects.create(bureau=bureau, year=2025, requested_by=bureau_admin_user)

    ask(client, bureau_admin_user, year=2026)

    assert LedgerExport.objects.filter(year=2026, status="queued").count() == 1


def test_an_export_whose_task_was_lost_is_failed_and_replaced(client, today, bureau, bureau_admin_user):
    lost = LedgerExport.objects.create(bureau=bureau, year=2026, requested_by=bureau_admin_user)
    LedgerExport.objects.filter(pk=lost.pk).update(created_at=timezone.now() - timedelta(hours=2))

    ask(client, bureau_admin_user)

    lost.refresh_from_db()
    assert lost.status == LedgerExport.Status.FAILED and "重新导出" in lost.error
    assert LedgerExport.objects.filter(status="queued").exclude(pk=lost.pk).count() == 1


def test_the_task_builds_an_export_once(bureau, bureau_admin_user, year_of_work):
    export, _ = exports.ledger_export_request(bureau=bureau, year=2026, by=bureau_admin_user)

    assert build_ledger_export(export.pk) == "done"
    name = LedgerExport.objects.get().file.name
    assert build_ledger_export(export.pk) == "done"  # delivered twice: nothing done again

    assert LedgerExport.objects.get().file.name == name
    assert Notification.objects.filter(recipient=bureau_admin_user).count() == 1


# --- failures ---


def test_a_failure_is_recorded_in_chinese_and_told_to_the_requester(
    client, bureau_staff_user, year_of_work, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(wb, table):
        raise OSError("disk full")

    monkeypatch.setattr(exports, "write_table", broken)

    ask(client, bureau_staff_user, capture=django_capture_on_commit_callbacks)

    export = LedgerExport.objects.get()
    assert export.status == LedgerExport.Status.FAILED and not export.file
    assert export.error == "生成台账工作簿时出错，请稍后重新导出；如仍失败，请联系系统管理员。"
    assert "disk full" not in export.error
    notification = Notification.objects.get(recipient=bureau_staff_user)
    assert notification.title == "全辖区年度台账导出失败" and notification.url == LIST
    page = client.get(LIST).content.decode()
    assert "失败" in page and export.error in page and download_url(export) not in page
    assert client.get(download_url(export)).status_code == 404
    # The bureau may ask again at once.
    ask(client, bureau_staff_user)
    assert LedgerExport.objects.filter(status="queued").count() == 1


def test_a_year_without_counted_logs_says_so(client, bureau_admin_user, year_of_work):
    ask(client, bureau_admin_user, year=2025)
    export = LedgerExport.objects.get()

    build_ledger_export(export.pk)

    export.refresh_from_db()
    assert export.status == LedgerExport.Status.FAILED and "没有可列入台账的工作日志" in export.error


def test_a_broker_that_refuses_the_task_fails_the_export_at_once(
    client, bureau_admin_user, django_capture_on_commit_callbacks, monkeypatch
):
    def refuse(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(build_ledger_export, "delay", refuse)

    ask(client, bureau_admin_user, capture=django_capture_on_commit_callbacks)

    export = LedgerExport.objects.get()
    assert (
        export.status == LedgerExport.Status.FAILED and export.error == "无法提交后台任务，请稍后重新导出。"
    )


@pytest.mark.parametrize("year", ["1999", "2027", "二〇二六", ""])
def test_a_wrong_year_is_refused_with_the_input_kept(client, bureau_admin_user, today, year):
    response = ask(client, bureau_admin_user, year=year)

    assert response.status_code == 200
    page = response.content.decode()
    assert "还不能导出" in page
    if year in ("1999", "2027"):
        assert "请填写 2000 至 2026 之间的年度" in page and f'value="{year}"' in page
    assert not LedgerExport.objects.exists()


# --- the list page's queries ---


def test_the_list_page_runs_the_same_queries_whatever_the_number_of_exports(
    client, bureau, bureau_admin_user, bureau_staff_user, django_assert_num_queries
):
    from tests.web import queries_of

    def add(n: int) -> None:
        for i in range(n):
            export = LedgerExport.objects.create(
                bureau=bureau, year=2000 + i % 20, requested_by=(bureau_admin_user, bureau_staff_user)[i % 2]
            )
            LedgerExport.objects.filter(pk=export.pk).update(status="done", file=f"ledger-exports/{i}.xlsx")

    add(2)
    client.force_login(bureau_admin_user)
    few = queries_of(client, LIST)
    add(40)

    with django_assert_num_queries(few):
        assert client.get(LIST).status_code == 200
