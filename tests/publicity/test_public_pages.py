"""The public face: pages for anonymous visitors, search, what must never appear, 关怀版."""

from datetime import date

import pytest
from django.urls import reverse

from ledger.models import ServiceType
from tests.factories import AdvisorFactory, AgreementFactory, VillageFactory, WorkLogFactory

pytestmark = pytest.mark.django_db

MAX_PAGE_BYTES = 100 * 1024


def public_pages(advisor, village, vacant_village):
    return [
        reverse("publicity:home"),
        reverse("publicity:home") + "?q=王庄",
        reverse("publicity:home") + f"?township={village.township_id}",
        reverse("publicity:village_detail", args=[village.pk]),
        reverse("publicity:village_detail", args=[vacant_village.pk]),
        reverse("publicity:advisor_detail", args=[advisor.pk]),
    ]


def test_each_public_page_answers_anonymous_visitors_within_100_kb(
    client, public_map, village, vacant_village
):
    for url in public_pages(public_map, village, vacant_village):
        response = client.get(url)

        assert response.status_code == 200, url
        assert len(response.content) < MAX_PAGE_BYTES, url
        html = response.content.decode()
        assert html.count("<h1") == 1, url
        assert 'lang="zh-Hans"' in html and 'href="#main"' in html, url
        assert "<script" not in html, url


def test_the_village_page_shows_the_advisor_and_how_to_call(client, public_map, village):
    html = client.get(reverse("publicity:village_detail", args=[village.pk])).content.decode()

    assert "王庄村" in html and "柳林镇" in html and "柳林司法所" in html
    assert 'href="tel:0371-5551234"' in html
    assert "张明" in html and "河南正义律师事务所" in html and "律师" in html
    assert 'href="tel:0371-66668888"' in html
    assert "每月第一个周三 9:00-12:00" in html
    assert 'href="tel:12348"' in html
    assert "解答法律咨询" in html
    assert "暂无照片" in html  # the placeholder


def test_the_advisor_page_lists_the_villages_served_now(client, public_map, village, second_village):
    html = client.get(reverse("publicity:advisor_detail", args=[public_map.pk])).content.decode()

    assert "张明" in html and "河南正义律师事务所" in html
    assert "王庄村" in html and "李家村" in html
    assert 'href="tel:0371-66668888"' in html


def test_a_village_without_an_advisor_shows_the_justice_office(client, public_map, vacant_village):
    html = client.get(reverse("publicity:village_detail", args=[vacant_village.pk])).content.decode()

    assert "暂无法律顾问" in html
    assert 'href="tel:0371-5551234"' in html


@pytest.mark.parametrize("query", ["王庄", "柳林", "张明", "wzc", "WZC", "zm", "llz"])
def test_search_finds_by_name_and_pinyin_initials(client, public_map, query):
    html = client.get(reverse("publicity:home"), {"q": query}).content.decode()

    assert "搜索结果" in html
    assert "王庄村" in html or "张明" in html


def test_dfc_finds_dongfeng_village(client, today, township):
    VillageFactory(township=township, name="东风村")

    html = client.get(reverse("publicity:home"), {"q": "dfc"}).content.decode()

    assert "东风村" in html


def test_search_tells_when_nothing_is_found(client, public_map):
    html = client.get(reverse("publicity:home"), {"q": "不存在的地方"}).content.decode()

    assert "没有找到" in html


@pytest.mark.parametrize(
    ("query", "message"),
    [("", "请输入"), ("   ", "请输入"), ("村" * 51, "太长"), ("a" * 5000, "太长"), ("王\x00庄", "无法识别")],
)
def test_bad_or_huge_queries_get_a_clear_message(client, public_map, query, message):
    response = client.get(reverse("publicity:home"), {"q": query})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert len(response.content) < MAX_PAGE_BYTES


def test_a_mobile_licence_number_or_work_log_never_appears(
    client, public_map, agreement, village, vacant_village
):
    log = WorkLogFactory(agreement=agreement, object_phone="13700001111", content="邻里宅基地纠纷的具体情况")

    for url in public_pages(public_map, village, vacant_village):
        html = client.get(url).content.decode()

        assert "13912345678" not in html, url
        assert "14101201510999999" not in html, url
        assert log.object_phone not in html and log.object_name not in html, url
        assert "宅基地纠纷" not in html, url


def test_an_inactive_advisor_disappears_at_once(client, public_map, village):
    client.get(reverse("publicity:home"), {"q": "张明"})  # the search index is cached
    public_map.is_active = False
    public_map.save()

    assert client.get(reverse("publicity:advisor_detail", args=[public_map.pk])).status_code == 404
    html = client.get(reverse("publicity:village_detail", args=[village.pk])).content.decode()
    assert "暂无法律顾问" in html and "张明" not in html
    results = client.get(reverse("publicity:home"), {"q": "张明"}).context["results"]
    assert public_map not in results.advisors


def test_an_ended_agreement_disappears_at_once(client, public_map, agreement, second_agreement, village):
    for each in (agreement, second_agreement):
        each.end(on=date(2026, 6, 1), reason="顾问调离")
        each.save()

    assert client.get(reverse("publicity:advisor_detail", args=[public_map.pk])).status_code == 404
    assert (
        "暂无法律顾问" in client.get(reverse("publicity:village_detail", args=[village.pk])).content.decode()
    )


def test_an_advisor_without_an_agreement_is_not_public(client, today, bureau):
    advisor = AdvisorFactory(bureau=bureau)

    assert client.get(reverse("publicity:advisor_detail", args=[advisor.pk])).status_code == 404


def test_the_home_shows_aggregate_figures_only(client, public_map, agreement):
    mediation = ServiceType.objects.filter(code="mediation")
    WorkLogFactory(agreement=agreement)
    WorkLogFactory(agreement=agreement)
    WorkLogFactory(agreement=agreement, service_types=mediation)
    WorkLogFactory(agreement=agreement, status="draft")  # not counted

    response = client.get(reverse("publicity:home"))

    figures = response.context["figures"]
    assert figures == {"villages": 2, "advisors": 1, "consultations": 2, "mediations": 1, "lectures": 0}


def test_elder_mode_is_switched_by_a_link_and_remembered(client, public_map, village):
    page = reverse("publicity:village_detail", args=[village.pk])
    assert 'class="care"' not in client.get(page).content.decode()

    response = client.get(reverse("publicity:care_mode"), {"on": "1", "next": page})

    assert response.status_code == 302 and response["Location"] == page
    assert client.cookies["care"].value == "1"
    html = client.get(page).content.decode()
    assert 'class="care"' in html and "退出关怀版" in html

    client.get(reverse("publicity:care_mode"), {"on": "0", "next": page})
    assert 'class="care"' not in client.get(page).content.decode()


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/public/", "/accounts/login/", ""]
)
def test_elder_mode_only_goes_back_to_a_public_page(client, db, target):
    response = client.get(reverse("publicity:care_mode"), {"on": "1", "next": target})

    assert response["Location"] == reverse("publicity:home")


def test_the_village_page_takes_a_fixed_number_of_queries(
    client, public_map, village, township, django_assert_num_queries
):
    for _ in range(3):
        other = VillageFactory(township=township)
        AgreementFactory(advisor__bureau=township.bureau, village=other)
    url = reverse("publicity:village_detail", args=[village.pk])

    with django_assert_num_queries(2):
        client.get(url)


def test_the_village_poster_is_an_a4_pdf_with_what_the_notice_board_shows(
    client, public_map, village, settings
):
    import io

    from django.core.files.base import ContentFile
    from PIL import Image
    from pypdf import PdfReader

    settings.SITE_URL = "https://flgw.example.gov.cn"
    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), (120, 160, 90)).save(buffer, "JPEG")
    public_map.photo.save("zhang.jpg", ContentFile(buffer.getvalue()))

    response = client.get(reverse("publicity:village_poster", args=[village.pk]))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert round(width) == 595 and round(height) == 842  # A4 in points
    text = reader.pages[0].extract_text()
    for expected in (
        "王庄村",
        "张明",
        "河南正义律师事务所",
        "0371-66668888",
        "每月第一个周三",
        "0371-5551234",
        "12348",
    ):
        assert expected in text, expected
    # The URL may wrap across lines in the PDF's text.
    assert f"https://flgw.example.gov.cn/public/villages/{village.pk}/" in "".join(text.split())
    assert "13912345678" not in text and "14101201510999999" not in text
    assert reader.pages[0].images  # the advisor's photo


def test_the_poster_qr_code_points_to_the_village_page(settings, public_map, village):
    from publicity.services import qr_data_uri, village_page_url

    settings.SITE_URL = "https://flgw.example.gov.cn/"

    assert village_page_url(village) == f"https://flgw.example.gov.cn/public/villages/{village.pk}/"
    assert qr_data_uri(village_page_url(village)).startswith("data:image/svg+xml")
