"""Phone-sized renditions of public images: generated once per uploaded file, stored beside the media."""

import hashlib
import io
import logging
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models.fields.files import FieldFile
from PIL import Image, ImageOps, UnidentifiedImageError

logger = logging.getLogger(__name__)

PHOTO_SIZE = (240, 300)  # 4:5, twice the 120×150 CSS box for sharp photos on 2× phone screens
QR_BOX = (480, 480)  # an uploaded WeChat QR may carry a caption around it: kept whole, only shrunk
QUALITY = 85


@dataclass(frozen=True)
class Rendition:
    name: str  # in the default storage
    url: str
    width: int
    height: int


def _rendition_name(file: FieldFile, size: tuple[int, int], crop: bool) -> str:
    # The stored name and size identify the upload: a new photo (even under the same name) gets a new rendition.
    digest = hashlib.sha256(f"{file.name}:{file.size}".encode()).hexdigest()[:20]
    return f"renditions/{digest}-{size[0]}x{size[1]}{'c' if crop else ''}.jpg"


def rendition(file: FieldFile | None, size: tuple[int, int], *, crop: bool) -> Rendition | None:
    """A JPEG made once from an uploaded image: exactly `size` (cropped to fill) with `crop`, else within `size`.

    None when there is no image or it cannot be read (the page then shows its placeholder).
    """
    if not file:
        return None
    try:
        name = _rendition_name(file, size, crop)
        if default_storage.exists(name):
            if crop:
                width, height = size
            else:
                with default_storage.open(name, "rb") as stored, Image.open(stored) as image:
                    width, height = image.size
            return Rendition(name, default_storage.url(name), width, height)
        with file.open("rb") as source, Image.open(source) as original:
            image = ImageOps.exif_transpose(original).convert("RGB")
        if crop:
            image = ImageOps.fit(image, size, Image.Resampling.LANCZOS)
        else:
            image.thumbnail(size, Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=QUALITY, optimize=True, progressive=True)
        name = default_storage.save(name, ContentFile(buffer.getvalue()))
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError, ValueError):
        logger.warning("public image rendition failed for %s", file.name, exc_info=True)
        return None
    return Rendition(name, default_storage.url(name), *image.size)


def phone_photo(file: FieldFile | None) -> Rendition | None:
    """An advisor's photo for the public pages: a 240×300 JPEG."""
    return rendition(file, PHOTO_SIZE, crop=True)


def phone_qr(file: FieldFile | None) -> Rendition | None:
    """A village's WeChat group QR code for the public page, at most 480 px wide (shown at 240)."""
    return rendition(file, QR_BOX, crop=False)
