from django.core.management.base import BaseCommand

from audit.services import audit_trail_purge, retention_days


class Command(BaseCommand):
    help = "删除超过保存期限（AUDIT_RETENTION_DAYS，至少 180 天）的审计记录。"

    def handle(self, *args, **options) -> None:
        days = retention_days()
        deleted = audit_trail_purge()
        self.stdout.write(f"已删除 {deleted} 条超过 {days} 天的审计记录。")
