"""No English a user reads: every field of the project's models, and every field the admin's and the pages' forms
show, has a Chinese name (a field without one is shown as its code name, e.g. "Record version")."""

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.test import RequestFactory

from accounts.admin_mixins import VERSION_FIELD
from common.versions import VersionedForm

ROOT = Path(settings.BASE_DIR)
# Fields inherited from a library's model, not shown by our admin (its `fields` lists ours).
LIBRARY_FIELDS = {("LoginLock", "http_accept"), ("LoginLock", "get_data"), ("LoginLock", "post_data")}
LIBRARY_FIELDS |= {("AuditEntry", "serialized_data")}


def project_models():
    return [m for m in apps.get_models() if Path(apps.get_app_config(m._meta.app_label).path).parent == ROOT]


def test_every_model_and_field_of_the_project_has_a_chinese_name():
    english = [
        f"{model.__name__}.{field.name}: {field.verbose_name}"
        for model in project_models()
        for field in model._meta.get_fields()
        if getattr(field, "concrete", False)
        and field.name != "id"
        and str(field.verbose_name).isascii()
        and (model.__name__, field.name) not in LIBRARY_FIELDS
    ]
    english += [
        f"{m.__name__}: {m._meta.verbose_name}"
        for m in project_models()
        if str(m._meta.verbose_name).isascii()
    ]
    english += [
        f"app {config.name}"
        for config in apps.get_app_configs()
        if Path(config.path).parent == ROOT and str(config.verbose_name).isascii()
    ]
    assert english == []


def test_the_record_version_of_a_change_form_has_a_chinese_label(superuser, bureau):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    model_admin = admin.site._registry[type(bureau)]
    form = model_admin.get_form(request, bureau)(instance=bureau)
    assert form.fields[VERSION_FIELD].label == "记录版本"
    assert VersionedForm.base_fields["version"].label == "记录版本"
