"""The audit trail: one append-only table for model changes (written by django-auditlog, whose LogEntry model this
replaces through AUDITLOG_LOGENTRY_MODEL) and for events without a model change (`audit.services.audit_event`).

Append-only is held three times: `save()` refuses an existing row and `delete()` refuses always, the admin grants
no add, change or delete, and database triggers (migration 0002) refuse UPDATE, and DELETE of a row younger than the
180-day legal minimum. The model is unmanaged (its table is created by migration 0001) so `manage.py flush` leaves
the trail alone; its relations have no database constraint so deleting a user or a content type never cascades or
updates a row.
"""

from auditlog.context import auditlog_value
from auditlog.models import AbstractLogEntry
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import services as s


class Event(models.TextChoices):
    CREATE = s.CREATE, _("新增")
    UPDATE = s.UPDATE, _("修改")
    DELETE = s.DELETE, _("删除")
    LOGIN = s.LOGIN, _("登录")
    LOGIN_FAILED = s.LOGIN_FAILED, _("登录失败")
    LOCKED_OUT = s.LOCKED_OUT, _("账号锁定")
    UNLOCKED = s.UNLOCKED, _("解除锁定")
    LOGOUT = s.LOGOUT, _("退出登录")
    PASSWORD_CHANGED = s.PASSWORD_CHANGED, _("修改密码")
    PERMISSION_DENIED = s.PERMISSION_DENIED, _("越权访问")
    EXPORT = s.EXPORT, _("导出")
    DOWNLOAD = s.DOWNLOAD, _("下载")
    PHONE_REVEALED = s.PHONE_REVEALED, _("查看完整手机号")
    PURGE = s.PURGE, _("清理过期审计记录")
    RESIDENT_BLOCKED = s.RESIDENT_BLOCKED, _("拦截群众留言/评价")


class Result(models.TextChoices):
    SUCCESS = s.SUCCESS, _("成功")
    FAILURE = s.FAILURE, _("失败")
    DENIED = s.DENIED, _("拒绝")
    NOT_FOUND = s.NOT_FOUND, _("拒绝（不在权限范围）")


_EVENT_OF_ACTION = {
    AbstractLogEntry.Action.CREATE: Event.CREATE,
    AbstractLogEntry.Action.UPDATE: Event.UPDATE,
    AbstractLogEntry.Action.DELETE: Event.DELETE,
}


class AppendOnlyError(Exception):
    pass


class AuditEntry(AbstractLogEntry):
    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        verbose_name=_("对象类型"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    object_pk = models.CharField(_("对象编号"), max_length=255, blank=True, default="", db_index=True)
    object_repr = models.TextField(_("对象"), blank=True, default="")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    # The user name at the time (or the name tried at a failed login): kept when the account is renamed or deleted.
    actor_username = models.CharField(_("用户名"), max_length=150, blank=True, default="", db_index=True)
    event = models.CharField(_("操作"), max_length=32, choices=Event.choices, db_index=True)
    result = models.CharField(_("结果"), max_length=16, choices=Result.choices, default=Result.SUCCESS)
    detail = models.TextField(_("说明"), blank=True, default="")

    class Meta(AbstractLogEntry.Meta):
        managed = False
        db_table = "audit_auditentry"
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        default_permissions = ("view",)

    def __str__(self) -> str:
        what = self.get_event_display()
        return f"{what} {self.object_repr}".strip()

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AppendOnlyError("审计记录只能追加，不能修改。")
        if not self.event:
            self.event = _EVENT_OF_ACTION.get(self.action, Event.UPDATE)
        self.event = self.event[:32]
        # auditlog takes the correlation id from a request header: whatever a client sends must not fail the write.
        self.cid = str(self.cid)[:255] if self.cid else None
        if self.actor_id is None:
            # auditlog's middleware context: the request's user, for the model changes written by its signals.
            context = auditlog_value.get(None) or {}
            actor = context.get("actor")
            if actor is not None and getattr(actor, "is_authenticated", False):
                self.actor = actor
        if self.actor_id is not None and not self.actor_username:
            self.actor_username = self.actor.get_username()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("审计记录不能删除；过期记录由清理任务按保存期限删除。")
