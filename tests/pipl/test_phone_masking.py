"""PIPL: mobile numbers masked (138****5678) wherever a role does not need them; each reveal audited (common/phones.py)."""

import re

import pytest
from django.contrib.auth import get_user_model

from audit.models import AuditEntry
from common.masking import mask_id_number, mask_phone, scrub_text
from tests.factories import WorkLogFactory

pytestmark = pytest.mark.django_db

RESIDENT = "13912345678"


def text(response) -> str:
    return response.content.decode()


def reveal_form(page: str, kind: str, pk: int) -> bool:
    return f'action="/reveal/{kind}/{pk}/"' in page and "显示完整号码" in page


def test_mask_phone_masks_a_mobile_as_138_stars_5678():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("+86 138 1234 5678") == "138****5678"
    assert mask_phone("0375-1234567") == "037****4567"
    assert mask_phone("") == ""
    assert mask_id_number("41010219900101123X") == "410***********123X"


def test_scrub_text_masks_any_mobile_or_id_number_inside_free_text():
    scrubbed = scrub_text(
        "村民王某（电话13812345678，身份证41010219900101123X）咨询；案号(2026)豫0102民初12345号"
    )

    assert "13812345678" not in scrubbed and "41010219900101123X" not in scrubbed
    assert "138****5678" in scrubbed and "410***********123X" in scrubbed
    assert "(2026)豫0102民初12345号" in scrubbed  # other numbers are left alone


def test_advisor_list_shows_mobiles_masked_except_ones_own(client, whole_map):
    mobile = whole_map.advisor.mobile
    client.force_login(whole_map.office_user)
    page = text(client.get("/advisors/"))
    assert mask_phone(mobile) in page and mobile not in page
    assert "显示完整号码" not in page  # no reveal from a list

    client.force_login(whole_map.advisor_user)
    assert mobile in text(client.get("/advisors/"))


def test_advisor_page_shows_staff_the_mobile_masked_with_a_reveal_button_and_the_work_phone_in_full(
    client, whole_map
):
    advisor = whole_map.advisor
    advisor.work_phone = "0371-66668888"
    advisor.save()
    for persona in ("office_user", "bureau_admin_user"):
        client.force_login(getattr(whole_map, persona))
        page = text(client.get(f"/advisors/{advisor.pk}/"))
        assert advisor.mobile not in page, persona
        assert mask_phone(advisor.mobile) in page
        assert reveal_form(page, "advisor-mobile", advisor.pk)
        assert "0371-66668888" in page  # the public work phone is never masked


def test_working_counterparts_see_each_others_numbers_in_full(client, whole_map):
    village = whole_map.village
    village.liaison_phone = "13700001111"
    village.save()
    client.force_login(whole_map.liaison_user)  # the liaison calls the village's advisor
    assert whole_map.advisor.mobile in text(client.get("/"))
    assert "13700001111" in text(client.get(f"/villages/{village.pk}/"))  # their own number

    client.force_login(whole_map.advisor_user)  # the advisor calls the liaison
    assert "13700001111" in text(client.get(f"/villages/{village.pk}/"))

    client.force_login(whole_map.office_user)
    page = text(client.get(f"/villages/{village.pk}/"))
    assert "13700001111" not in page and reveal_form(page, "village-liaison-phone", village.pk)


def test_worklog_page_masks_the_residents_phone_except_for_its_advisor(client, whole_map):
    log = WorkLogFactory(agreement=whole_map.agreement, object_phone=RESIDENT)
    for persona in ("office_user", "bureau_staff_user", "liaison_user"):
        client.force_login(getattr(whole_map, persona))
        page = text(client.get(f"/logs/{log.pk}/"))
        assert RESIDENT not in page and "139****5678" in page, persona
        assert reveal_form(page, "worklog-object-phone", log.pk)

    client.force_login(whole_map.advisor_user)
    assert f'href="tel:{RESIDENT}"' in text(client.get(f"/logs/{log.pk}/"))


def test_revealing_a_phone_shows_it_on_the_page_once_and_records_an_audit_event(client, whole_map):
    log = WorkLogFactory(agreement=whole_map.agreement, object_phone=RESIDENT)
    client.force_login(whole_map.office_user)

    response = client.post(f"/reveal/worklog-object-phone/{log.pk}/", {"next": f"/logs/{log.pk}/"})

    assert response.status_code == 302 and response["Location"] == f"/logs/{log.pk}/"
    assert f'href="tel:{RESIDENT}"' in text(client.get(f"/logs/{log.pk}/"))  # shown in full on the page,
    assert RESIDENT not in text(client.get(f"/logs/{log.pk}/"))  # once
    entry = AuditEntry.objects.filter(event="phone_revealed").get()
    assert entry.actor == whole_map.office_user
    assert entry.object_pk == str(log.pk)
    assert entry.detail == "object_phone"
    assert RESIDENT not in str(entry.__dict__)  # the trail says what was revealed, never the number


def test_reveal_is_post_only_scoped_and_never_audited_when_refused(client, whole_map):
    advisor = whole_map.advisor
    client.force_login(whole_map.other_office_user)  # another township: not their advisor

    assert client.post(f"/reveal/advisor-mobile/{advisor.pk}/").status_code == 404
    client.force_login(whole_map.office_user)
    assert client.get(f"/reveal/advisor-mobile/{advisor.pk}/").status_code == 405
    assert client.post("/reveal/profile-phone/1/").status_code == 404
    response = client.post(f"/reveal/advisor-mobile/{advisor.pk}/", {"next": "https://evil.example/"})
    assert response["Location"] == f"/advisors/{advisor.pk}/"  # never sent off-site
    assert AuditEntry.objects.filter(event="phone_revealed").count() == 1


def test_worklog_export_masks_the_residents_phone_unless_the_exporter_needs_it(client, whole_map):
    log = WorkLogFactory(agreement=whole_map.agreement, object_phone=RESIDENT)
    url = f"/logs/reports/worklog/{log.pk}/"
    expected = {
        "advisor_user": True,  # prints it for the resident's signature
        "office_user": True,  # files the form and checks the service by calling
        "bureau_admin_user": False,
        "bureau_staff_user": False,
    }
    for persona, in_full in expected.items():
        client.force_login(getattr(whole_map, persona))
        page = text(client.get(url))
        assert (RESIDENT in page) is in_full, persona
        assert in_full or "139****5678" in page


def test_admin_lists_show_mobiles_masked(client, whole_map):
    User = get_user_model()
    admin_user = whole_map.bureau_admin_user
    admin_user.profile.phone = "13611112222"
    admin_user.profile.save()
    whole_map.village.liaison_phone = "13700001111"
    whole_map.village.save()
    client.force_login(User.objects.get(pk=admin_user.pk))

    pages = {
        url: text(client.get(url))
        for url in ("/admin/advisors/advisor/", "/admin/accounts/profile/", "/admin/villages/village/")
    }

    assert whole_map.advisor.mobile not in pages["/admin/advisors/advisor/"]
    assert mask_phone(whole_map.advisor.mobile) in pages["/admin/advisors/advisor/"]
    assert (
        "13611112222" not in pages["/admin/accounts/profile/"]
        and "136****2222" in pages["/admin/accounts/profile/"]
    )
    assert "13700001111" not in pages["/admin/villages/village/"]
    assert re.search(r"137\*{4}1111", pages["/admin/villages/village/"])
