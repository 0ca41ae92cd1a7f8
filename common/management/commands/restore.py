from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from common.backups import BackupError, restore


class Command(BaseCommand):
    help = "用 `backup` 生成的备份文件替换所配置数据库的全部内容（PostgreSQL 用 pg_restore；SQLite 用在线备份接口）。"

    def add_arguments(self, parser):
        parser.add_argument("backup_file", help="备份文件（.dump 或 .sqlite3.gz）")
        parser.add_argument("--database", default="default", help="数据库别名（默认 default）")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")

    def handle(self, *args, backup_file, database, interactive, **options):
        if interactive:
            answer = input("恢复将覆盖当前数据库中的全部数据。确定继续请输入 yes：")
            if answer.strip().lower() != "yes":
                raise CommandError("已取消恢复。")
        try:
            restore(backup_file=Path(backup_file), alias=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"已从 {backup_file} 恢复数据库。"))
