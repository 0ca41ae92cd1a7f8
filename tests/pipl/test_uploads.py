"""Uploads: at most UPLOAD_MAX_BYTES, type checked by content, images re-encoded without metadata, nothing private
under MEDIA_ROOT (common/uploads.py)."""

import io
import re
import uuid
import zipfile
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib import admin
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import FileField
from PIL import Image

import config.settings as project_settings
from advisors.models import Advisor, Agreement
from common.uploads import SafeFileField, SafeImageField
from ledger.models import Lecture, WorkLogPhoto
from tests.factories import WorkLogFactory
from villages.models import Village

pytestmark = pytest.mark.django_db

# The file fields whose files are public by purpose (the directory's photo and QR code): in MEDIA_ROOT.
PUBLIC_FILE_FIELDS = {"advisors.Advisor.photo", "villages.Village.wechat_group_qr"}


def jpeg_with_exif(name="IMG_0001.jpg", size=(64, 48)) -> SimpleUploadedFile:
    image = Image.new("RGB", size, (120, 160, 90))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[0x8825] = {1: "N", 2: (34.0, 45.0, 0.0)}  # GPS
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, comment=b"secret comment")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def docx(name="提纲.docx", macro=False) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        kind = "application/vnd.ms-word.document.macroEnabled.main+xml" if macro else "application/xml"
        archive.writestr("[Content_Types].xml", f'<Types><Override ContentType="{kind}"/></Types>')
        archive.writestr("word/document.xml", "<document/>")
    return SimpleUploadedFile(name, buffer.getvalue())


def lecture_data(village, **changes) -> dict:
    data = {
        "village": village.pk,
        "mode": "onsite",
        "service_date": "2026-06-12",
        "start_time": "14:00",
        "end_time": "16:00",
        "topic": "民法典与农村土地承包",
        "audience": "村民",
        "attendance": "45",
        "outline": "",
        "client_uuid": str(uuid.uuid4()),
    }
    data.update(changes)
    return data


def outline_errors(response) -> str:
    match = re.search(
        r'<ul class="errorlist" id="id_outline_file_error">(.*?)</ul>', response.content.decode(), re.S
    )
    return re.sub(r"<[^>]+>", "", match.group(1)) if match else ""


@pytest.fixture
def advisor_client(client, advisor_user):
    client.force_login(advisor_user)
    return client


def test_oversized_upload_is_refused_with_a_chinese_message_and_the_form_kept(
    settings, advisor_client, village
):
    settings.UPLOAD_MAX_BYTES = 1024
    big = SimpleUploadedFile("提纲.pdf", b"%PDF-1.4\n" + b"0" * 2048, content_type="application/pdf")

    response = advisor_client.post("/logs/lectures/new/", {**lecture_data(village), "outline_file": big})

    assert response.status_code == 200
    assert "超过" in outline_errors(response) and "请压缩后重新上传" in outline_errors(response)
    assert 'value="民法典与农村土地承包"' in response.content.decode()  # what was typed is kept
    assert not Lecture.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("提纲.jpg", b"%PDF-1.4 a PDF named as a photo"),
        ("提纲.pdf", b"<html><script>alert(1)</script></html>"),
        ("提纲.jpg", b"<html><script>alert(1)</script></html>"),
        ("提纲.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 an OLE2 .doc"),
        ("提纲.docx", b"PK\x03\x04 not really a zip"),
    ],
)
def test_disguised_upload_is_refused_by_its_content(advisor_client, village, name, content):
    upload = SimpleUploadedFile(name, content, content_type="image/jpeg")

    response = advisor_client.post("/logs/lectures/new/", {**lecture_data(village), "outline_file": upload})

    assert response.status_code == 200
    assert "不是允许的类型" in outline_errors(response) or "无法识别的图片" in outline_errors(response)
    assert not Lecture.objects.exists()


def test_macro_enabled_word_file_is_refused_and_a_plain_docx_accepted(advisor_client, village):
    refused = advisor_client.post(
        "/logs/lectures/new/", {**lecture_data(village), "outline_file": docx(macro=True)}
    )
    assert "不是允许的类型" in outline_errors(refused)

    accepted = advisor_client.post("/logs/lectures/new/", {**lecture_data(village), "outline_file": docx()})
    assert accepted.status_code == 302
    assert Lecture.objects.get().outline_file.name.endswith(".docx")


def test_uploaded_images_are_reencoded_without_exif(advisor_client, advisor_user, agreement):
    log = WorkLogFactory(agreement=agreement)

    response = advisor_client.post(f"/logs/{log.pk}/photos/", {"photos": [jpeg_with_exif()]})

    assert response.status_code == 302
    photo = WorkLogPhoto.objects.get(worklog=log)
    with photo.image.open("rb") as stored, Image.open(stored) as image:
        assert image.format == "JPEG"
        assert not image.getexif()
        assert "comment" not in image.info and "exif" not in image.info
    assert Path(photo.image.name).name.startswith("photo")  # not the phone's file name


def test_an_outline_photo_is_reencoded_too(advisor_client, village):
    response = advisor_client.post(
        "/logs/lectures/new/", {**lecture_data(village), "outline_file": jpeg_with_exif("张三提纲.png")}
    )

    assert response.status_code == 302
    stored = Lecture.objects.get().outline_file
    assert stored.name.endswith(".jpg") and "张三" not in stored.name
    with stored.open("rb") as f, Image.open(f) as image:
        assert not image.getexif()


def test_admin_uploads_use_the_checked_fields():
    photo = admin.site._registry[Advisor].formfield_for_dbfield(
        Advisor._meta.get_field("photo"), request=None
    )
    qr = admin.site._registry[Village].formfield_for_dbfield(
        Village._meta.get_field("wechat_group_qr"), request=None
    )
    scan = admin.site._registry[Agreement].form.base_fields["contract_scan"]

    assert isinstance(photo, SafeImageField) and isinstance(qr, SafeImageField) and qr.image_format == "PNG"
    assert isinstance(scan, SafeFileField) and set(scan.kinds) == {"pdf", "image"}


def test_checked_fields_reencode_images_and_refuse_disguised_files():
    qr = SafeImageField(image_format="PNG")
    cleaned = qr.clean(jpeg_with_exif("qr.jpg"))
    with Image.open(io.BytesIO(cleaned.read())) as image:
        assert image.format == "PNG" and not image.getexif()

    scan = SafeFileField(kinds=("pdf", "image"))
    pdf = SimpleUploadedFile("协议.pdf", b"%PDF-1.7 scan")
    assert scan.clean(pdf) is pdf
    for disguised in (
        SimpleUploadedFile("协议.pdf", b"<html></html>"),
        SimpleUploadedFile("scan.jpg", b"%PDF-1.7"),
        SimpleUploadedFile("scan.svg", b"<svg onload=alert(1)></svg>"),
    ):
        with pytest.raises(Exception, match="不是允许的类型|无法识别"):
            scan.clean(disguised)


def test_nothing_private_is_stored_under_media_root(settings):
    media_root = Path(django_settings.MEDIA_ROOT).resolve()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not isinstance(field, FileField):
                continue
            label = f"{model._meta.label}.{field.name}"
            storage = field.storage
            if label in PUBLIC_FILE_FIELDS:
                assert storage is default_storage or storage.location == default_storage.location, label
                continue
            location = Path(storage.location).resolve()
            assert storage.base_url.startswith("/private/"), label
            assert not location.is_relative_to(media_root), label
    # The project's own defaults (the tests move both under tmp_path): private files outside the served roots.
    private_root = Path(project_settings.PRIVATE_MEDIA_ROOT).resolve()
    assert not private_root.is_relative_to(Path(project_settings.MEDIA_ROOT).resolve())
    assert not private_root.is_relative_to(Path(project_settings.STATIC_ROOT).resolve())


def test_an_image_that_would_decode_to_a_huge_bitmap_is_refused():
    buffer = io.BytesIO()
    Image.new("1", (8000, 7000)).save(buffer, "PNG")  # a few kB on disk, 56 million pixels
    bomb = SimpleUploadedFile("qr.png", buffer.getvalue())

    with pytest.raises(Exception, match="像素过大"):
        SafeImageField().clean(bomb)
