from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "assessment"
    verbose_name = _("考核与补贴")

    def ready(self) -> None:
        # Non-renewal after 不合格 is assessment's rule; advisors asks the policies registered with it.
        from advisors.renewal import register_renewal_policy

        from .services.renewal import renewal_refusal

        register_renewal_policy(renewal_refusal)
