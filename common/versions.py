"""A form over a stored row carries the row's version (a fingerprint of its stored values of the form's fields),
made when the form is shown: a form sent over a change made since, or without a version, is refused with
STALE_MESSAGE, keeps what was typed, and carries the current version, so saving again after checking goes through.
Used by the admin's change forms (accounts/admin_mixins.py) and the pages' forms over one row (VersionedForm)."""

import hashlib

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy

STALE_MESSAGE = gettext_lazy("记录已被他人修改，请核对后重新提交。")


def record_version(instance: models.Model, field_names) -> str:
    """A fingerprint of the row's stored values of the form's fields: any change by someone else changes it."""
    values = [
        (field.attname, field.value_to_string(instance))
        for field in instance._meta.concrete_fields
        if field.name in field_names
    ]
    return hashlib.sha256(repr(values).encode()).hexdigest()[:32]


class VersionedForm(forms.Form):
    """A plain form that edits fields of the same names on `instance`. The check locks the row until the request's
    transaction ends (ATOMIC_REQUESTS), so the service saving it next sees the same row."""

    version = forms.CharField(label=gettext_lazy("记录版本"), widget=forms.HiddenInput, required=False)

    def __init__(self, *args, instance: models.Model, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance = instance
        self.fields["version"].initial = record_version(instance, self.fields)

    def clean(self):
        cleaned_data = super().clean()
        stored = type(self.instance)._base_manager.select_for_update().get(pk=self.instance.pk)
        current = record_version(stored, self.fields)
        if cleaned_data.get("version") != current:
            self.data = self.data.copy()
            self.data[self.add_prefix("version")] = current
            raise ValidationError(STALE_MESSAGE, code="stale")
        return cleaned_data
