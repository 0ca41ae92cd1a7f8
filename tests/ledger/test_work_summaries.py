"""司法所年度工作总结 (seed 001): the township's office files its summary of the year (text, a file, or both) and
edits it; the bureau reads every township's; nobody else sees them."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ledger.models import WorkSummary
from tests.web import text

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def page_url(township, year=2026) -> str:
    return f"/logs/work-summaries/{township.pk}/{year}/"


def hidden(page: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', page)[1]


def test_the_office_files_its_summary_and_the_bureau_reads_it_seed_001(
    client, today, township, office_user, bureau_staff_user
):
    client.force_login(office_user)
    home = text(client.get("/"))
    assert "/logs/work-summaries/" in home
    page = text(client.get(page_url(township)))
    token = hidden(page, "client_uuid")
    data = {
        "text": "全年村(居)法律顾问入村服务 120 次。",
        "file": SimpleUploadedFile("总结.pdf", PDF),
        "client_uuid": token,
    }
    response = client.post(page_url(township), data)
    assert response.status_code == 302
    # The same form sent again (a double tap): still one summary.
    data["file"] = SimpleUploadedFile("总结.pdf", PDF)
    assert client.post(page_url(township), data).status_code == 302
    summary = WorkSummary.objects.get()
    assert (summary.township, summary.year, summary.filed_by) == (township, 2026, office_user)

    client.force_login(bureau_staff_user)
    listing = text(client.get("/logs/work-summaries/", {"year": 2026}))
    assert "已提交" in listing and page_url(township) in listing
    page = text(client.get(page_url(township)))
    assert "全年村(居)法律顾问入村服务 120 次。" in page and "赵敏" in page
    assert 'name="text"' not in page  # the bureau reads, does not write
    download = client.get(summary.file.url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]


def test_the_office_edits_its_summary_over_the_version_it_was_shown_seed_001(
    client, today, township, office_user
):
    client.force_login(office_user)
    page = text(client.get(page_url(township)))
    client.post(page_url(township), {"text": "初稿", "client_uuid": hidden(page, "client_uuid")})
    page = text(client.get(page_url(township)))
    version = hidden(page, "version")

    response = client.post(page_url(township), {"text": "定稿", "version": version})
    assert response.status_code == 302
    assert WorkSummary.objects.get().text == "定稿"

    response = client.post(page_url(township), {"text": "旧页面上的改动", "version": version})
    assert response.status_code == 200
    assert "记录已被他人修改" in text(response) and "旧页面上的改动" in text(response)
    assert WorkSummary.objects.get().text == "定稿"


def test_an_empty_summary_or_a_bad_file_is_refused_with_what_was_typed_kept(
    client, today, township, office_user
):
    client.force_login(office_user)
    page = text(client.get(page_url(township)))
    token = hidden(page, "client_uuid")

    response = client.post(page_url(township), {"text": "  ", "client_uuid": token})
    assert response.status_code == 200 and "请填写总结内容，或上传总结文件" in text(response)

    bad = SimpleUploadedFile("总结.pdf", io.BytesIO(b"MZ not a pdf").getvalue())
    response = client.post(page_url(township), {"text": "我写的总结", "file": bad, "client_uuid": token})
    assert response.status_code == 200 and "我写的总结" in text(response)
    assert not WorkSummary.objects.exists()


def test_only_the_township_and_its_bureau_see_the_summary(
    client,
    today,
    township,
    office_user,
    other_office_user,
    bureau_staff_user,
    advisor_user,
    other_bureau_admin_user,
):
    summary = WorkSummary.objects.create(township=township, year=2026, text="总结", filed_by=office_user)
    summary.file.save("summary.pdf", SimpleUploadedFile("summary.pdf", PDF))
    # SECURITY: another township's office, an advisor and another bureau get 404; the bureau may not write.
    for user in (other_office_user, advisor_user, other_bureau_admin_user):
        client.force_login(user)
        assert client.get(page_url(township)).status_code == 404
        assert client.get(summary.file.url).status_code == 404
        assert client.post(page_url(township), {"text": "x"}).status_code == 404
    client.force_login(bureau_staff_user)
    assert client.post(page_url(township), {"text": "x"}).status_code == 403
    client.force_login(other_office_user)
    listing = text(client.get("/logs/work-summaries/"))
    assert page_url(township, 2025) not in listing
    summary.refresh_from_db()
    assert summary.text == "总结"
