"""Picking a village: the choice names its township, since two townships may each have a 李岗村."""

import django_filters
from django import forms
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.auth import get_user_model

from accounts.models import display_name

from .models import Village


class VillageChoiceField(forms.ModelChoiceField):
    """A village choice shown as "李岗村（柳林镇）"; give it a queryset with select_related("township")."""

    def label_from_instance(self, obj: Village) -> str:
        return obj.name_with_township


class VillageChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = VillageChoiceField


class AutocompleteView(AutocompleteJsonView):
    """The admin's autocomplete, with a village's township in its text (its search covers the township's name:
    VillageAdmin.search_fields)."""

    def get_queryset(self):
        queryset = super().get_queryset()
        if queryset.model is Village:
            return queryset.select_related("township")
        if queryset.model is get_user_model():
            return queryset.select_related("profile")
        return queryset

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        if isinstance(obj, Village):
            result["text"] = obj.name_with_township
        elif isinstance(obj, get_user_model()):  # a liaison picked by name, the login beside it
            result["text"] = f"{display_name(obj)}（{obj.get_username()}）"
        return result
