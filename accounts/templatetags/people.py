"""`{{ user|display_name }}`: a person as the pages show them, by their name, not their login."""

from django import template

from accounts.models import display_name as _display_name

register = template.Library()


@register.filter
def display_name(user) -> str:
    return _display_name(user)
