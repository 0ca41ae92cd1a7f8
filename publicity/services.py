"""The village notice-board poster (公示栏): A4 PDFs with a QR code to the village's public page."""

import base64
import mimetypes
from collections.abc import Iterable

import segno
from django.conf import settings
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.urls import reverse

from advisors.models import Advisor
from villages.models import Village

from .photos import Rendition, phone_qr, rendition

PRINT_PHOTO_SIZE = (480, 600)  # 45 × 60 mm at about 270 dpi


def village_page_url(village: Village) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("publicity:village_detail", args=[village.pk])


def qr_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


def _data_uri(data: bytes, name: str) -> str:
    mime = mimetypes.guess_type(name)[0] or "image/jpeg"
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def _stored_data_uri(printable: Rendition | None) -> str:
    """A rendition inlined (WeasyPrint then needs no media server), or "" when there is none."""
    if printable is None:
        return ""
    try:
        with default_storage.open(printable.name, "rb") as opened:
            return _data_uri(opened.read(), printable.name)
    except OSError:
        return ""


def photo_data_uri(advisor: Advisor) -> str:
    """The advisor's photo at print size (not the original upload, which may be megabytes), or ""."""
    return _stored_data_uri(rendition(advisor.photo, PRINT_PHOTO_SIZE, crop=True))


def _poster_context(village: Village, advisor: Advisor | None, photos: dict[int, str]) -> dict:
    if advisor is not None and advisor.pk not in photos:
        photos[advisor.pk] = photo_data_uri(advisor)
    url = village_page_url(village)
    return {
        "village": village,
        "advisor": advisor,
        "photo": photos[advisor.pk] if advisor is not None else "",
        "wechat_qr": _stored_data_uri(phone_qr(village.wechat_group_qr)),
        "qr": qr_data_uri(url),
        "url": url,
    }


def render_posters(villages: Iterable[tuple[Village, Advisor | None]], *, hotline: str) -> bytes:
    """One A4 page per (village, its current advisor or None)."""
    from weasyprint import HTML  # imported here: loading Pango takes a moment, and only PDFs need it

    photos: dict[int, str] = {}
    posters = [_poster_context(village, advisor, photos) for village, advisor in villages]
    html = render_to_string("publicity/poster.html", {"posters": posters, "hotline": hotline})
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def render_poster(village: Village, advisor: Advisor | None, *, hotline: str) -> bytes:
    return render_posters([(village, advisor)], hotline=hotline)
