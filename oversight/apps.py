from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    """The city's and the province's pages over the bureaus below them (issue 18): coverage, ledgers, incidents,
    review tiers, the statistics and the year-end figures, by bureau, read only. It sits on top of the apps whose
    figures it reads."""

    name = "oversight"
    verbose_name = _("上级监督")
