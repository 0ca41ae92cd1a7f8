from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class FormSubmission(models.Model):
    """One create form, sent once: the one-time token the form carried and the row it made (common/once.py)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提交人"), on_delete=models.CASCADE)
    token = models.UUIDField(_("表单编号"))
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("对象类型"), on_delete=models.CASCADE, null=True
    )
    object_id = models.PositiveBigIntegerField(_("对象编号"), null=True)
    target = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("表单提交")
        verbose_name_plural = _("表单提交")
        constraints = [models.UniqueConstraint(fields=["user", "token"], name="form_submission_once")]

    def __str__(self) -> str:
        return str(self.token)
