"""Personal numbers in templates (who sees what: common/phones.py).

{% load masking %}
{{ value|mask_phone }}  {{ value|mask_id_number }}  {{ text|scrub_personal }}
{% phone advisor "mobile" %}             a record's page: in full (a tel: link) for those who need it, else
                                          masked with a "显示完整号码" button (POST, audited)
{% phone advisor "mobile" lists=True %}  a list: masked unless it is the person's own number, no button
"""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from common import masking
from common.phones import kind_of, sees_in_full, take_revealed

register = template.Library()


@register.filter
def mask_phone(value) -> str:
    return masking.mask_phone(value)


@register.filter
def mask_id_number(value) -> str:
    return masking.mask_id_number(value)


@register.filter
def scrub_personal(value):
    return masking.scrub_text(value)


@register.simple_tag(takes_context=True)
def phone(context, obj, field: str, lists: bool = False, empty: str = "—") -> str:
    value = getattr(obj, field, "") if obj is not None else ""
    if not value:
        return empty
    user = context.get("user")
    if sees_in_full(user, obj, field, lists=lists):
        return format_html('<a href="tel:{}">{}</a>', value, value)
    kind = kind_of(obj, field)
    request = context.get("request")
    if not lists and kind is not None and request is not None and take_revealed(request, kind, obj.pk):
        return format_html(
            '<a href="tel:{}">{}</a> <span class="muted small">{}</span>', value, value, _("（已记录查看）")
        )
    masked = format_html('<span class="masked-phone">{}</span>', masking.mask_phone(value))
    if lists or kind is None or request is None or not user.is_authenticated:
        return masked
    return format_html(
        '{} <form class="inline" method="post" action="{}">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<input type="hidden" name="next" value="{}">'
        '<button type="submit" class="btn btn-secondary small">{}</button></form>',
        masked,
        reverse("reveal_phone", args=[kind, obj.pk]),
        context.get("csrf_token", ""),
        request.get_full_path(),
        _("显示完整号码"),
    )
