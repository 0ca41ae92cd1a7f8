"""Image bombs under the byte limit and active content in lecture outlines (common/uploads.py, audit/files.py)."""

import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from ledger.models import Lecture, WorkLog, WorkLogPhoto
from tests.ledger.test_advisor_pages import field_errors, log_data
from tests.pipl.test_uploads import lecture_data

pytestmark = pytest.mark.django_db


def png_bomb(side: int = 7000, name: str = "现场.png") -> SimpleUploadedFile:
    """A few hundred kB on disk, `side`² pixels once decoded (7000²: 49 Mpx, ~300 MB while decoding)."""
    buffer = io.BytesIO()
    Image.new("RGB", (side, side), (200, 200, 200)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def advisor_client(client, advisor_user):
    client.force_login(advisor_user)
    return client


def test_it_refuses_a_small_png_that_decodes_to_49_megapixels_before_decoding_it(
    advisor_client, village, monkeypatch
):
    bomb = png_bomb()
    assert bomb.size < 1_000_000
    decoded = []
    real_load = Image.Image.load
    monkeypatch.setattr(Image.Image, "load", lambda image: decoded.append(image.size) or real_load(image))

    started = time.monotonic()
    response = advisor_client.post("/logs/new/", {**log_data(village), "photos": [bomb]})

    assert response.status_code == 200  # the form comes back, as typed
    assert "像素过大" in field_errors(response, "photos")
    assert not WorkLog.objects.exists() and not WorkLogPhoto.objects.exists()
    assert (7000, 7000) not in decoded  # refused from the header: no bitmap of 49 Mpx was made
    assert time.monotonic() - started < 5


def test_it_refuses_six_bombs_in_one_post_quickly(advisor_client, village):
    bombs = [png_bomb(5000, f"p{i}.png") for i in range(6)]

    started = time.monotonic()
    response = advisor_client.post("/logs/new/", {**log_data(village), "photos": bombs})

    assert "像素过大" in field_errors(response, "photos")
    assert not WorkLogPhoto.objects.exists()
    assert time.monotonic() - started < 5


def test_it_refuses_more_photos_than_a_log_holds(advisor_client, village):
    photos = [png_bomb(10, f"p{i}.png") for i in range(7)]

    response = advisor_client.post("/logs/new/", {**log_data(village), "photos": photos})

    assert "最多 6 张" in field_errors(response, "photos")
    assert not WorkLog.objects.exists()


def test_it_still_accepts_a_12_megapixel_phone_photo(advisor_client, village):
    buffer = io.BytesIO()
    Image.new("RGB", (4000, 3000), (90, 120, 60)).save(buffer, "JPEG", quality=60)
    photo = SimpleUploadedFile("IMG_0001.jpg", buffer.getvalue(), content_type="image/jpeg")

    response = advisor_client.post("/logs/new/", {**log_data(village), "photos": [photo]})

    assert response.status_code == 302
    stored = Image.open(WorkLogPhoto.objects.get().image)
    assert max(stored.size) <= 1600


PDF_WITH_SCRIPT = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>\nendobj\n"
)


def test_it_serves_a_lecture_outline_as_a_download_under_a_name_of_its_own(advisor_client, village):
    # SECURITY: a PDF may carry JavaScript a browser's viewer would run; the advisor's file name may be personal.
    outline = SimpleUploadedFile("张三13912345678.pdf", PDF_WITH_SCRIPT, content_type="application/pdf")
    advisor_client.post("/logs/lectures/new/", {**lecture_data(village, outline=""), "outline_file": outline})
    lecture = Lecture.objects.get()

    response = advisor_client.get(lecture.outline_file.url)

    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"-{lecture.pk}.pdf" in disposition
    assert "13912345678" not in disposition and "%E5%BC%A0%E4%B8%89" not in disposition  # 张三
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Security-Policy"] == "sandbox"
