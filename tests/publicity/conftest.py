import io

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from PIL import Image


@pytest.fixture(autouse=True)
def _fresh_public_cache():
    """Public pages, the search index and the search rate counters live in the cache: start each test empty."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def public_map(
    today, township, village, second_village, vacant_village, advisor, agreement, second_agreement
):
    township.office_phone = "0371-5551234"
    township.save()
    advisor.work_phone = "0371-66668888"
    advisor.mobile = "13912345678"
    advisor.licence_number = "14101201510999999"
    advisor.save()
    return advisor


def jpeg(size: tuple[int, int] = (60, 80), colour=(120, 160, 90)) -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG")
    return ContentFile(buffer.getvalue())


def png(size: tuple[int, int] = (430, 430)) -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (0, 0, 0)).save(buffer, "PNG")
    return ContentFile(buffer.getvalue())
