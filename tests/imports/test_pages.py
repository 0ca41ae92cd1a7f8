import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from imports.models import ImportBatch
from imports.roster import SHEETS
from tests.factories import AgreementFactory

from .books import TOWNSHIP, roster_book

pytestmark = pytest.mark.django_db


def _book(response) -> object:
    return load_workbook(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )


def test_it_offers_a_template_with_notes_examples_and_drop_down_lists(clerk, client):
    response = client.get(reverse("imports:template"))
    assert response.status_code == 200
    wb = _book(response)
    assert wb.sheetnames == list(SHEETS)
    villages = wb["村(社区)"]
    assert [c.value for c in villages[1]][:4] == ["乡镇(街道)*", "名称*", "类型", "行政区划代码*"]
    assert villages["A2"].value.startswith("【说明】")
    assert villages["A3"].value.startswith("【示例】")
    assert villages["A1"].comment is not None
    lists = {dv.formula1 for dv in villages.data_validations.dataValidation}
    assert '"村,社区"' in lists
    assert "'乡镇(街道)'!$A$3:$A$20000" in lists


def test_the_untouched_template_imports_nothing(clerk, client):
    template = client.get(reverse("imports:template")).content
    batch = clerk.upload(template)
    assert batch.status == ImportBatch.Status.READY
    assert (batch.total("created"), batch.total("updated")) == (0, 0)


def test_the_exported_roster_imports_back_unchanged(clerk, client, bureau, agreement, liaison_user):
    AgreementFactory(advisor=agreement.advisor, filed=True)
    exported = client.get(reverse("imports:roster"))
    assert exported.status_code == 200
    batch = clerk.upload(exported.content)
    assert batch.status == ImportBatch.Status.READY, clerk.errors(batch)
    assert (batch.total("created"), batch.total("updated")) == (0, 0)
    assert batch.total("unchanged") >= 6


def test_it_lists_the_bureaus_imports(clerk, client):
    clerk.upload(roster_book({"乡镇(街道)": [TOWNSHIP]}))
    page = client.get(reverse("imports:index")).content.decode()
    assert "名册.xlsx" in page and "待确认" in page


# SECURITY
@pytest.mark.parametrize(
    "persona", ["bureau_staff_user", "office_user", "advisor_user", "liaison_user", "stranger"]
)
def test_only_a_bureau_admin_imports(client, request, today, persona):
    client.force_login(request.getfixturevalue(persona))
    for name in ("imports:index", "imports:template", "imports:roster"):
        assert client.get(reverse(name)).status_code == 404


# SECURITY
def test_another_bureaus_import_is_not_found(clerk, client, other_bureau):
    from accounts.models import Role
    from tests.factories import make_user_with_role

    batch = clerk.upload(roster_book({"乡镇(街道)": [TOWNSHIP]}))
    client.force_login(make_user_with_role(Role.BUREAU_ADMIN, bureau=other_bureau))
    assert client.get(batch.get_absolute_url()).status_code == 404
    for name in ("imports:confirm", "imports:cancel", "imports:login_slips"):
        assert client.post(reverse(name, args=[batch.pk])).status_code == 404
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.READY


def test_the_bureau_admins_navigation_links_the_imports(clerk, client):
    assert reverse("imports:index") in client.get(reverse("home")).content.decode()


def test_a_running_import_shows_its_progress_and_refreshes(clerk, client):
    from django.core.cache import cache

    batch = clerk.upload(roster_book({"乡镇(街道)": [TOWNSHIP]}))
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.CONFIRMING)
    cache.set(f"imports:progress:{batch.pk}", 40)
    page = client.get(batch.get_absolute_url()).content.decode()
    assert '<progress max="100" value="40">' in page
    assert 'http-equiv="refresh"' in page
    cache.delete(f"imports:progress:{batch.pk}")


def test_a_cancelled_import_saves_nothing_and_cannot_be_confirmed(clerk, client):
    batch = clerk.upload(roster_book({"乡镇(街道)": [TOWNSHIP]}))
    client.post(reverse("imports:cancel", args=[batch.pk]))
    batch = clerk.confirm(batch)
    assert batch.status == ImportBatch.Status.CANCELLED
    from villages.models import Township

    assert not Township.objects.filter(code=TOWNSHIP[2]).exists()
