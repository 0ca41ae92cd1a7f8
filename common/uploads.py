"""Every uploaded file passes here: at most settings.UPLOAD_MAX_BYTES, its type told by its content (never by its name or
the browser's Content-Type), images re-encoded so nothing but pixels is kept (no EXIF, GPS, comments, or a script
hidden in a "JPEG").

| upload | accepted | stored |
|---|---|---|
| WorkLogPhoto.image (现场照片) | JPEG, PNG, GIF, WebP, BMP | re-encoded JPEG ≤ 1600 px, private storage |
| Lecture.outline_file (讲座提纲) | PDF, Word .docx, images | PDF/.docx as sent, images re-encoded; private |
| Agreement.contract_scan (协议扫描件) | PDF, images | PDF as sent, images re-encoded; private |
| Advisor.photo (照片, public) | images | re-encoded JPEG ≤ 1200 px, MEDIA (public by purpose) |
| Village.wechat_group_qr (微信群二维码, public) | images | re-encoded PNG ≤ 1200 px (sharp for scanning), MEDIA |

Dropped from the outline's former list: .doc and .wps. Both are OLE2 compound files whose content cannot be told
apart from any other OLE2 file (.xls, .msg, …) and which carry macros; WPS and Word save .docx or PDF in one step.
.xlsx is recognised (a zip holding `[Content_Types].xml` and xl/workbook.xml) for the forms that will import
spreadsheets; macro-enabled Office files are refused.

A refused file raises ValidationError with a Chinese message; a form field (`SafeFileField`, `SafeImageField`) puts
it under its field, so the rest of the form keeps what was typed.
"""

import io
import zipfile
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

IMAGE = "image"
PDF = "pdf"
DOCX = "docx"
XLSX = "xlsx"

IMAGE_FORMATS = {"JPEG", "PNG", "GIF", "WEBP", "BMP", "MPO"}  # MPO: some phones' JPEG
EXTENSIONS = {
    IMAGE: {".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp", ".jfif"},
    PDF: {".pdf"},
    DOCX: {".docx"},
    XLSX: {".xlsx"},
}
KIND_NAMES = {IMAGE: _("图片(JPG/PNG)"), PDF: "PDF", DOCX: _("Word(.docx)"), XLSX: _("Excel(.xlsx)")}
ACCEPT = {
    IMAGE: "image/*",
    PDF: ".pdf,application/pdf",
    DOCX: ".docx",
    XLSX: ".xlsx",
}
IMAGE_MAX_SIDE = 1600
# What a phone photo needs (a 12–24 Mpx camera; a 50 Mpx one saves JPEGs, which decode scaled down, see below). A
# small PNG of 7000×7000 would cost ~300 MB to decode: refused from its header before any pixel is read.
MAX_PIXELS = 24_000_000


def max_bytes() -> int:
    return settings.UPLOAD_MAX_BYTES


def _size_text(n: int) -> str:
    return f"{n / 1024 / 1024:g}MB"


def check_size(upload) -> None:
    if upload.size is not None and upload.size > max_bytes():
        raise ValidationError(
            _("文件“%(name)s”超过 %(limit)s，请压缩后重新上传。"),
            code="file_too_large",
            params={"name": PurePath(upload.name or "").name, "limit": _size_text(max_bytes())},
        )


def _head(upload, n: int = 8) -> bytes:
    upload.seek(0)
    head = upload.read(n)
    upload.seek(0)
    return head


def _office_kind(upload) -> str | None:
    """DOCX or XLSX for an Office Open XML zip (macro-free), else None."""
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" not in names:
                return None
            types = archive.read("[Content_Types].xml")
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return None
    finally:
        upload.seek(0)
    if b"macroEnabled" in types or any(name.lower().endswith("vbaproject.bin") for name in names):
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def _is_image(upload) -> bool:
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            ok = image.format in IMAGE_FORMATS
            image.verify()
        return ok
    except (OSError, UnidentifiedImageError, ValueError, SyntaxError, Image.DecompressionBombError):
        return False
    finally:
        upload.seek(0)


def decoded_pixels(image: Image.Image) -> int:
    """The pixels decoding `image` would make, read from its header (nothing decoded yet). A JPEG decodes at a
    fraction of its size once draft() has asked for no more than `IMAGE_MAX_SIDE`: a 50 Mpx phone photo is cheap."""
    return image.width * image.height


def check_pixels(upload) -> None:
    """Refuse, before decoding, an image that would decode to more than MAX_PIXELS (an image bomb under the byte
    limit)."""
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image.draft(None, (IMAGE_MAX_SIDE, IMAGE_MAX_SIDE))
            pixels = decoded_pixels(image)
    except (OSError, UnidentifiedImageError, ValueError, SyntaxError, Image.DecompressionBombError):
        return  # not an image: the type check says so
    finally:
        upload.seek(0)
    if pixels > MAX_PIXELS:
        raise ValidationError(
            _("图片“%(name)s”像素过大（超过 %(limit)s 万像素），请用手机拍照或压缩后重新上传。"),
            code="image_too_large",
            params={"name": PurePath(upload.name or "").name, "limit": MAX_PIXELS // 10_000},
        )


def sniff(upload) -> str | None:
    """The upload's type by its content: IMAGE, PDF, DOCX, XLSX, or None."""
    head = _head(upload)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return _office_kind(upload)
    if _is_image(upload):
        return IMAGE
    return None


def _refuse(upload, kinds) -> ValidationError:
    if tuple(kinds) == (IMAGE,):
        return _not_an_image(upload)
    return ValidationError(
        _("文件“%(name)s”的内容不是允许的类型（%(kinds)s），请检查后重新上传。"),
        code="file_type",
        params={
            "name": PurePath(upload.name or "").name,
            "kinds": "、".join(str(KIND_NAMES[k]) for k in kinds),
        },
    )


def _not_an_image(upload) -> ValidationError:
    return ValidationError(
        _("无法识别的图片文件“%(name)s”，请上传 JPG 或 PNG 图片。"),
        code="file_type",
        params={"name": PurePath(getattr(upload, "name", "") or "").name},
    )


def reencode_image(
    upload, *, max_side: int = IMAGE_MAX_SIDE, fmt: str = "JPEG", stem: str = "image"
) -> ContentFile:
    """The image's pixels only, turned upright and at most `max_side` px: EXIF (GPS), ICC, comments and anything
    appended after the image are gone."""
    try:
        upload.seek(0)
        with Image.open(upload) as source:
            # A JPEG decodes at a fraction of its size; anything else is checked from its header before decoding.
            source.draft(None, (max_side, max_side))
            if decoded_pixels(source) > MAX_PIXELS:
                raise ValueError("too many pixels")  # a small file that would decode to gigabytes
            image = ImageOps.exif_transpose(source)
            image.thumbnail((max_side, max_side))
            if fmt == "JPEG":
                image = image.convert("RGB")
            elif image.mode not in ("RGB", "RGBA", "L", "LA", "1"):
                image = image.convert("RGBA")
            clean = Image.new(image.mode, image.size)
            clean.paste(image)
            buffer = io.BytesIO()
            if fmt == "JPEG":
                clean.save(buffer, "JPEG", quality=82, optimize=True)
            else:
                clean.save(buffer, fmt, optimize=True)
    except (OSError, UnidentifiedImageError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
        raise _not_an_image(upload) from error
    extension = {"JPEG": "jpg", "PNG": "png"}.get(fmt, fmt.lower())
    cleaned = ContentFile(buffer.getvalue(), name=f"{stem}.{extension}")
    cleaned.pipl_checked = True
    return cleaned


def clean_upload(
    upload, *, kinds=(IMAGE,), image_format: str = "JPEG", max_side: int = IMAGE_MAX_SIDE, stem: str = "image"
):
    """The upload checked (size, type by content, a name that does not disguise it) and, if an image, re-encoded.
    Returns what to store; raises ValidationError with a Chinese message."""
    if getattr(upload, "pipl_checked", False):
        return upload
    check_size(upload)
    check_pixels(upload)
    kind = sniff(upload)
    if kind is None or kind not in kinds:
        raise _refuse(upload, kinds)
    suffix = PurePath(upload.name or "").suffix.lower()
    if kind == IMAGE:
        # Any image name for any image content (phones mislabel them); the re-encoded file gets the right one.
        if suffix and suffix not in EXTENSIONS[IMAGE]:
            raise _refuse(upload, kinds)
        # A neutral name: an uploaded name may itself be personal (张三身份证.jpg).
        return reencode_image(upload, max_side=max_side, fmt=image_format, stem=stem)
    if suffix not in EXTENSIONS[kind]:
        raise _refuse(upload, kinds)
    upload.seek(0)
    upload.pipl_checked = True
    return upload


class SafeFileField(forms.FileField):
    """A form's file field that accepts only `kinds`, told by content, at most UPLOAD_MAX_BYTES; images re-encoded.
    Its cleaned value is what to store."""

    def __init__(
        self, *args, kinds=(PDF, IMAGE), image_format: str = "JPEG", max_side: int = IMAGE_MAX_SIDE, **kwargs
    ):
        self.kinds = tuple(kinds)
        self.image_format = image_format
        self.max_side = max_side
        kwargs.pop("allow_empty_file", None)
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("accept", ",".join(ACCEPT[k] for k in self.kinds))

    def clean(self, data, initial=None):
        value = super().clean(data, initial)
        if isinstance(
            value, UploadedFile
        ):  # not an already stored file (FieldFile) kept, nor False (cleared)
            value = clean_upload(
                value, kinds=self.kinds, image_format=self.image_format, max_side=self.max_side
            )
        return value


class SafeImageField(SafeFileField):
    def __init__(self, *args, **kwargs):
        kwargs["kinds"] = (IMAGE,)
        super().__init__(*args, **kwargs)


def validate_upload_size(upload) -> None:
    """A validator for fields that check the type themselves (forms.ImageField): the size limit only."""
    if upload and hasattr(upload, "size"):
        check_size(upload)
        check_pixels(upload)
