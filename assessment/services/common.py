"""Small helpers the review's services share: the permission check, a required text, the event record."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from ..models import Review, ReviewEvent


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("您无权进行此项考核操作。"))


def required_text(text: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(message)
    return text


def record_event(review: Review, action: str, by, note: str = "", changes: dict | None = None) -> None:
    ReviewEvent.objects.create(review=review, action=action, by=by, note=note, changes=changes or {})
