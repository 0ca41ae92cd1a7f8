"""The admin speaks Chinese throughout: the third-party models' column headers (django-axes, django-auditlog,
django-otp) and the greeting, which the admin's style would otherwise shout in capitals ("欢迎，ADMIN")."""

import re

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.services import role_groups_sync

LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


@pytest.fixture(params=["bureau_admin_user", "superuser"])
def admin_client(request, client, whole_map):
    role_groups_sync()
    client.force_login(request.getfixturevalue(request.param))
    return client


def _headers(page: str) -> list[str]:
    table = page.split('id="result_list"', 1)
    if len(table) < 2:
        return []
    head = table[1].split("</thead>", 1)[0]
    return [re.sub(r"<[^>]+>", "", th).strip() for th in re.findall(r"<th[^>]*>(.*?)</th>", head, re.S)]


def test_every_admin_list_the_bureau_admin_opens_has_chinese_column_headers(admin_client):
    english = {}
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = admin_client.get(url)
        if response.status_code != 200:
            continue
        words = [h for h in _headers(response.content.decode()) if LATIN_WORD.search(h)]
        if words:
            english[url] = words
    assert not english, english


def test_the_admin_greets_by_name_without_capitals(admin_client, whole_map):
    page = admin_client.get("/admin/").content.decode()

    user_tools = page.split('id="user-tools"', 1)[1].split("</div>", 1)[0]
    assert "Welcome" not in user_tools
    assert "欢迎" in user_tools and "css/admin.css" in page
    assert whole_map.bureau_admin_user.profile.display_name in user_tools or "root" in user_tools
