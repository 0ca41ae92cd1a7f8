from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The audited models and what of them is not recorded or is masked (personal phone numbers never enter the trail).
AUDITED_MODELS: dict[str, dict] = {
    "advisors.Agreement": {},
    "advisors.Advisor": {"mask_fields": ["mobile"]},
    "advisors.Firm": {},
    "villages.Village": {"mask_fields": ["liaison_phone"]},
    "villages.Township": {},
    "ledger.WorkLog": {"mask_fields": ["object_phone"]},
    "ledger.Lecture": {},
    "ledger.Incident": {},
    "ledger.LedgerSubmission": {},
    "ledger.TownshipLedger": {},
    "ledger.WorkSummary": {},
    "assessment.Review": {},
    "assessment.ReviewVillage": {},
    "assessment.ReviewPeriod": {},
    "assessment.ReturnVisit": {},
    "assessment.Inspection": {},
    "assessment.PayoutDeduction": {},
    "accounts.Profile": {"mask_fields": ["phone"]},
    "consultations.ResidentRequest": {
        "mask_fields": ["phone"],
        "exclude_fields": ["name", "question", "answer", "preferred_time"],
    },
    "consultations.ResidentRating": {"exclude_fields": ["phone_key", "comment"]},
    "auth.User": {"exclude_fields": ["password", "last_login"], "m2m_fields": {"groups"}},
}


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("安全审计")

    def ready(self) -> None:
        from . import checks, signals  # noqa: F401  (registers the system check and the receivers)

        self.register_audited_models()

    def register_audited_models(self) -> None:
        from auditlog.registry import auditlog
        from django.apps import apps

        for label, options in AUDITED_MODELS.items():
            try:
                model = apps.get_model(label)
            except LookupError:
                continue  # a model still being written; tests/audit/test_audit_registry.py names it
            mask = [name for name in options.get("mask_fields", []) if _has_field(model, name)]
            auditlog.register(
                model,
                exclude_fields=options.get("exclude_fields", []),
                mask_fields=mask,
                m2m_fields=options.get("m2m_fields", set()),
            )


def _has_field(model, name: str) -> bool:
    return any(field.name == name for field in model._meta.get_fields())
