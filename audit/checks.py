from django.core import checks
from django.core.exceptions import ImproperlyConfigured


@checks.register(checks.Tags.security)
def check_audit_retention(app_configs, **kwargs) -> list:
    from .services import retention_days

    try:
        retention_days()
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="audit.E001")]
    return []
