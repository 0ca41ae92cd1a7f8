"""The village WeChat group QR on the page and the poster; the township's batch of posters for staff."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tests.factories import AdvisorFactory, AgreementFactory, VillageFactory

from .conftest import jpeg, png

pytestmark = pytest.mark.django_db

CAPTION = "扫码加入村(居)法律服务群"


def pdf_pages(response) -> list[str]:
    reader = PdfReader(io.BytesIO(response.content))
    for page in reader.pages:
        assert round(float(page.mediabox.width)) == 595 and round(float(page.mediabox.height)) == 842  # A4
    return ["".join(page.extract_text().split()) for page in reader.pages]


def test_the_village_page_shows_the_wechat_group_qr_when_uploaded(client, public_map, village):
    url = reverse("publicity:village_detail", args=[village.pk])
    assert CAPTION not in client.get(url).content.decode()

    village.wechat_group_qr.save("wzc-group.png", png())

    html = client.get(url).content.decode()
    assert CAPTION in html
    assert 'alt="王庄村法律服务微信群二维码"' in html
    # A phone-sized JPEG rendition of the upload, with its size.
    assert "/media/renditions/" in html and 'width="430" height="430"' in html


def test_the_poster_carries_the_wechat_group_qr_when_uploaded(client, public_map, village):
    poster = reverse("publicity:village_poster", args=[village.pk])
    without = client.get(poster)
    assert "扫码加入" not in pdf_pages(without)[0]

    village.wechat_group_qr.save("wzc-group.png", png())
    with_qr = client.get(poster)

    text = pdf_pages(with_qr)[0]
    assert CAPTION in text
    reader = PdfReader(io.BytesIO(with_qr.content))
    assert len(reader.pages[0].images) > len(PdfReader(io.BytesIO(without.content)).pages[0].images)


@pytest.fixture
def township_map(public_map, township, village, second_village, vacant_village, bureau):
    """Four villages with an advisor now (two of them the same advisor's), and one without."""
    public_map.photo.save("zhang.jpg", jpeg())
    third = VillageFactory(township=township, name="东风村", code="410300000901")
    AgreementFactory(
        advisor=AdvisorFactory(bureau=bureau, name="李芳", work_phone="0371-12345678"), village=third
    )
    fourth = VillageFactory(township=township, name="河东社区", code="410300000902")
    AgreementFactory(
        advisor=AdvisorFactory(bureau=bureau, name="王强", work_phone="0371-87654321"), village=fourth
    )
    return {village: "张明", second_village: "张明", third: "李芳", fourth: "王强"}


def test_staff_print_a_whole_townships_posters_one_page_per_village_with_an_advisor(
    client, township_map, township, vacant_village, office_user
):
    client.force_login(office_user)

    response = client.get(reverse("publicity:township_posters", args=[township.pk]))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    pages = pdf_pages(response)
    assert len(pages) == len(township_map) == 4
    by_code = sorted(township_map, key=lambda v: v.code)
    for village, text in zip(by_code, pages, strict=True):
        assert f"{village.name}法律顾问公示栏" in text
        assert township_map[village] in text
        assert "12348" in text and "0371-5551234" in text
        assert f"/public/villages/{village.pk}/" in text
    assert not any(vacant_village.name in text for text in pages)


def test_the_township_page_links_to_the_batch_of_posters(client, township_map, township, bureau_staff_user):
    client.force_login(bureau_staff_user)

    html = client.get(reverse("villages:township_detail", args=[township.pk])).content.decode()

    assert reverse("publicity:township_posters", args=[township.pk]) in html


def test_a_township_without_advisors_says_so_instead_of_an_empty_pdf(
    client, today, other_township, bureau_staff_user
):
    VillageFactory(township=other_township)
    client.force_login(bureau_staff_user)

    response = client.get(reverse("publicity:township_posters", args=[other_township.pk]), follow=True)

    assert "没有在岗法律顾问" in response.content.decode()


def test_the_batch_is_a_staff_action(client, township_map, township, advisor_user, other_office_user):
    # SECURITY
    url = reverse("publicity:township_posters", args=[township.pk])
    client.force_login(advisor_user)
    assert client.get(url).status_code == 403
    client.force_login(other_office_user)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url)["Location"].startswith("/accounts/login/")


def test_the_batch_takes_the_same_queries_whatever_the_number_of_villages(
    client, township_map, township, bureau, office_user
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(office_user)
    url = reverse("publicity:township_posters", args=[township.pk])
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for _ in range(3):
        AgreementFactory(advisor=AdvisorFactory(bureau=bureau), village=VillageFactory(township=township))

    with CaptureQueriesContext(connection) as after:
        response = client.get(url)

    assert len(pdf_pages(response)) == len(township_map) + 3
    assert len(after) == len(before)


def test_the_public_pages_use_the_seeds_words_seed_003(client, public_map, village):
    page = client.get(reverse("publicity:village_detail", args=[village.pk])).content.decode()
    assert "法律服务热线" in page and "12348" in page and "法律援助热线" not in page
    assert "公示栏" in page and "公示牌" not in page
