"""Public pages are light for a slow connection: phone-sized photos, HTML + CSS under 100 KB."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image

from tests.factories import AgreementFactory, VillageFactory

from .conftest import jpeg

pytestmark = pytest.mark.django_db

BUDGET = 100 * 1024


def photo_src(html: str) -> str:
    match = re.search(r'<img class="photo" src="([^"]+)" alt="[^"]+" width="240" height="300"', html)
    assert match, html
    return match.group(1)


def test_the_advisor_photo_is_served_as_a_240_px_jpeg_made_once(client, public_map, village):
    public_map.photo.save("zhang.jpg", jpeg((2400, 3200), (200, 40, 40)))
    village_page = reverse("publicity:village_detail", args=[village.pk])
    advisor_page = reverse("publicity:advisor_detail", args=[public_map.pk])

    src = photo_src(client.get(village_page).content.decode())

    assert src.startswith("/media/renditions/") and src.endswith(".jpg")
    name = src.removeprefix("/media/")
    with default_storage.open(name) as stored, Image.open(stored) as image:
        assert image.format == "JPEG" and image.size == (240, 300)
    assert default_storage.size(name) < 20 * 1024
    modified = default_storage.get_modified_time(name)
    assert photo_src(client.get(advisor_page).content.decode()) == src
    assert default_storage.get_modified_time(name) == modified  # not made again


def test_a_new_photo_gets_a_new_rendition(client, public_map, village):
    page = reverse("publicity:village_detail", args=[village.pk])
    public_map.photo.save("zhang.jpg", jpeg((600, 800)))
    first = photo_src(client.get(page).content.decode())

    public_map.photo.save("zhang.jpg", jpeg((900, 1200), (10, 10, 200)))

    assert photo_src(client.get(page).content.decode()) != first


def test_an_unreadable_photo_shows_the_placeholder(client, public_map, village):
    from django.core.files.base import ContentFile

    public_map.photo.save("broken.jpg", ContentFile(b"not an image"))

    html = client.get(reverse("publicity:village_detail", args=[village.pk])).content.decode()

    assert "暂无照片" in html


def test_each_public_page_with_its_css_is_under_100_kb(client, public_map, township, village, vacant_village):
    public_map.photo.save("zhang.jpg", jpeg((2400, 3200)))
    for n in range(60):  # a big township
        other = VillageFactory(township=township, name=f"第{n}村民小组所在的一个名字很长的村")
        if n < 3:
            AgreementFactory(advisor=public_map, village=other)
    css = Path(finders.find("css/public.css")).stat().st_size
    pages = [
        reverse("publicity:home"),
        reverse("publicity:home") + "?q=村",
        reverse("publicity:home") + f"?township={township.pk}",
        reverse("publicity:village_detail", args=[village.pk]),
        reverse("publicity:village_detail", args=[vacant_village.pk]),
        reverse("publicity:advisor_detail", args=[public_map.pk]),
        "/public/nowhere/",
    ]
    for care in ("0", "1"):
        client.cookies["care"] = care
        for url in pages:
            html = client.get(url).content
            assert len(html) + css < BUDGET, (url, len(html), css)
            assert b"<script" not in html and b" style=" not in html, url
