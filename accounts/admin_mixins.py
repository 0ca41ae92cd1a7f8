"""The admin's half of the scoping rule: every admin page lists, opens and offers only the rows the user may see.

Each ModelAdmin (and inline) names the scoping function of its model in `scope`; the mixin intersects the admin's
queryset with it, and limits every foreign-key choice to the scope of the related model's admin.
"""

from collections.abc import Callable

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.core import checks
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from common.versions import STALE_MESSAGE, record_version

from .policy import is_operator, scope_of

# --- reliability: admin change forms carry a version; a save over someone else's change is refused ---

VERSION_FIELD = "record_version"


def versioned_form(base: type[forms.ModelForm]) -> type[forms.ModelForm]:
    """`base` with a hidden version: the row's fingerprint when the form was shown, checked against the row
    (locked until the save commits) when the form comes back. A stale form gets STALE_MESSAGE, keeps its input, and
    carries the current version, so saving again after checking goes through."""

    class VersionedForm(base):
        record_version = forms.CharField(label=_("记录版本"), widget=forms.HiddenInput, required=False)

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if self.instance.pk is not None:
                self.fields[VERSION_FIELD].initial = record_version(self.instance, self.fields)

        def clean(self):
            cleaned_data = super().clean()
            sent = self.cleaned_data.get(VERSION_FIELD)
            if self.instance.pk is not None and sent:  # an old page without the field is not checked
                model = type(self.instance)
                stored = model._base_manager.select_for_update().get(pk=self.instance.pk)
                current = record_version(stored, self.fields)
                if sent != current:
                    self.data = self.data.copy()
                    self.data[self.add_prefix(VERSION_FIELD)] = current
                    raise ValidationError(STALE_MESSAGE, code="stale")
            return cleaned_data

    VersionedForm.__name__ = f"Versioned{base.__name__}"
    return VersionedForm


class VersionedAdminMixin:
    """Every change form of a ModelAdmin carries a version (see `versioned_form`); add forms and read-only admins
    do not need one. Part of ScopedAdminMixin, so every business model's admin has it."""

    def _versioned(self, request, obj) -> bool:
        return (
            isinstance(self, admin.ModelAdmin)
            and obj is not None
            and self.has_change_permission(request, obj)
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        if self._versioned(request, obj):
            kwargs["form"] = versioned_form(kwargs.get("form", self.form))
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self._versioned(request, obj) or VERSION_FIELD in flatten_fieldsets(fieldsets):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], VERSION_FIELD]}), *rest]


class ScopedAdminMixin(VersionedAdminMixin):
    """Put before ModelAdmin / InlineModelAdmin; set `scope` to a function of the user returning a queryset."""

    scope: Callable[..., QuerySet] | None = None

    def get_scope(self, user) -> QuerySet:
        # Read from the class so a plain function is not bound as a method.
        scope = type(self).scope
        if scope is None:
            raise ImproperlyConfigured(f"{type(self).__name__} must set `scope`.")
        return scope(user)

    def get_scoped_queryset(self, request) -> QuerySet:
        """The rows the user may see, in the admin's ordering, without the changelist's annotations."""
        queryset = super().get_queryset(request) & self.get_scope(request.user)
        if not queryset.query.order_by and self.model._meta.ordering:
            # Spelled out because Meta.ordering is dropped once an admin annotates a Count (GROUP BY).
            queryset = queryset.order_by(*self.model._meta.ordering)
        return queryset

    def get_queryset(self, request) -> QuerySet:
        return self.get_scoped_queryset(request)

    def get_related_scoped_queryset(self, db_field, request) -> QuerySet:
        """The choices for a relation: the scope of the related model's admin."""
        related_model = db_field.remote_field.model
        related_admin = self.admin_site._registry.get(related_model)
        if isinstance(related_admin, ScopedAdminMixin):
            return related_admin.get_scoped_queryset(request)
        raise ImproperlyConfigured(
            f"{type(self).__name__}.{db_field.name}: register a ScopedAdminMixin admin for "
            f"{related_model._meta.label} so its choices can be scoped."
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            # Also used to validate autocomplete input, so a posted id outside the scope is rejected.
            kwargs["queryset"] = self.get_related_scoped_queryset(db_field, request)
        scope = scope_of(request.user)
        # By label: accounts sits below villages and does not import it.
        if (
            db_field.remote_field.model._meta.label == "villages.Bureau"
            and not scope.is_operator
            and scope.has_role
        ):
            kwargs.setdefault("initial", scope.bureau_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "queryset" not in kwargs and isinstance(
            self.admin_site._registry.get(db_field.remote_field.model), ScopedAdminMixin
        ):
            kwargs["queryset"] = self.get_related_scoped_queryset(db_field, request)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        if type(self).scope is None:
            errors.append(
                checks.Error(
                    f"{type(self).__name__} must set `scope` to a scoping function.",
                    obj=type(self),
                    id="accounts.E001",
                )
            )
        return errors


class ReadOnlyAdminMixin:
    """What the app's services write (logs, flags, notifications): the admin reads it, never edits it, since an edit
    here would skip the rules, the who-may-act checks and the trail. A superuser may delete."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return is_operator(request.user)


class ScopedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A list filter on a relation whose choices are only the related rows the user may see."""

    def field_choices(self, field, request, model_admin):
        related_admin = model_admin.admin_site._registry.get(field.remote_field.model)
        if not isinstance(related_admin, ScopedAdminMixin):
            raise ImproperlyConfigured(f"No scoped admin for {field.remote_field.model._meta.label}.")
        rows = related_admin.get_scoped_queryset(request)
        return [(obj.pk, str(obj)) for obj in rows]


def subquery_count(queryset: QuerySet) -> models.Subquery:
    """COUNT(*) of a correlated queryset (filtered with OuterRef) as a scalar subquery."""
    counted = queryset.order_by().annotate(n=models.Func("pk", function="COUNT")).values("n")
    return models.Subquery(counted, output_field=models.IntegerField())
