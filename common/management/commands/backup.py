from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from common.backups import BackupError, backup


class Command(BaseCommand):
    help = "备份数据库：PostgreSQL 用 pg_dump（自定义格式，已压缩）；SQLite 用在线备份接口并 gzip 压缩。"

    def add_arguments(self, parser):
        parser.add_argument("--output", default=settings.BACKUP_DIR, help="备份目录（默认 BACKUP_DIR）")
        parser.add_argument("--database", default="default", help="数据库别名（默认 default）")

    def handle(self, *args, output, database, **options):
        try:
            path = backup(output_dir=Path(output), alias=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(path))
