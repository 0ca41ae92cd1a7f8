"""Errors as people and admins see them: a 500 is always the site's own Chinese page with its security headers, a
busy database a 503 that says what to do; only errors are mailed to ADMINS, and building the mail never fails on
an odd value (it once crashed on a namedtuple, and the server then answered with its bare page)."""

from collections import namedtuple

import pytest
from django.core import mail
from django.db import OperationalError
from django.urls import path, reverse

from config import urls as site_urls

Caller = namedtuple("Caller", "name phone")


def crash(request):
    caller = Caller("王大爷", "13912345678")  # a local of the failing frame, shown in the error report
    raise ValueError(f"无法处理 {caller.name}")


def busy(request):
    raise OperationalError("database is locked")


urlpatterns = [path("crash/", crash), path("busy/", busy), *site_urls.urlpatterns]
handler500 = site_urls.handler500

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


@pytest.fixture
def client(client, settings):
    settings.ADMINS = [("管理员", "admin@example.cn")]
    client.raise_request_exception = False
    return client


def test_a_500_is_the_sites_own_page_with_its_headers_and_one_masked_mail(client):
    response = client.get("/crash/")

    assert response.status_code == 500
    assert "系统暂时出错" in response.content.decode()
    assert "Content-Security-Policy" in response and response["X-Content-Type-Options"] == "nosniff"
    assert len(mail.outbox) == 1
    report = mail.outbox[0].body + "".join(str(a[0]) for a in mail.outbox[0].alternatives)
    assert "ValueError" in report and "13912345678" not in report


def test_a_busy_database_is_a_503_that_says_to_try_again(client):
    response = client.get("/busy/")

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    page = response.content.decode()
    assert "系统繁忙" in page and "已保存在本机" in page and "Traceback" not in page
    assert "Content-Security-Policy" in response


def test_a_404_and_a_refused_search_mail_nobody(client, settings):
    settings.PUBLIC_SEARCH_RATE = 1

    assert client.get("/no-such-page/").status_code == 404
    statuses = [client.get(reverse("publicity:home"), {"q": "张"}).status_code for _ in range(2)]

    assert statuses == [200, 429]
    assert mail.outbox == []
