"""The village notice-board poster (公示牌): an A4 PDF with a QR code to the village's public page."""

import base64
import mimetypes

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from advisors.models import Advisor
from villages.models import Village


def village_page_url(village: Village) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("publicity:village_detail", args=[village.pk])


def qr_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


def photo_data_uri(advisor: Advisor) -> str:
    """The advisor's photo inlined (WeasyPrint then needs no media server), or "" when there is none."""
    if not advisor.photo:
        return ""
    try:
        with advisor.photo.open("rb") as photo:
            data = photo.read()
    except OSError:
        return ""
    mime = mimetypes.guess_type(advisor.photo.name)[0] or "image/jpeg"
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def render_poster(village: Village, advisor: Advisor | None, *, hotline: str) -> bytes:
    from weasyprint import HTML  # imported here: loading Pango takes a moment, and only PDFs need it

    url = village_page_url(village)
    html = render_to_string(
        "publicity/poster.html",
        {
            "village": village,
            "advisor": advisor,
            "photo": photo_data_uri(advisor) if advisor else "",
            "qr": qr_data_uri(url),
            "url": url,
            "hotline": hotline,
        },
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
