from datetime import date

from django.core.management.base import BaseCommand, CommandError

from deadlines.dispatch import run_deadlines, run_due_deadlines
from programme.calendar import zh_date


class Command(BaseCommand):
    help = "执行截止事项定时任务：指定 --date 时执行该日到期的任务；不指定时与定时任务相同（今天及漏执行的日期）。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--date", dest="on", help="任务对应的日期，格式 YYYY-MM-DD（北京时间）")
        parser.add_argument(
            "--force", action="store_true", help="已完成的任务也重新执行（不会重复标记或通知）"
        )

    def handle(self, *args, on: str | None, force: bool, **options) -> None:
        if on:
            try:
                day = date.fromisoformat(on)
            except ValueError as error:
                raise CommandError(f"日期格式应为 YYYY-MM-DD：{on}") from error
            outcomes = run_deadlines(day, force=force)
            if not outcomes:
                self.stdout.write(f"{zh_date(day)}没有到期的任务。")
        else:
            if force:
                raise CommandError("--force 须与 --date 一起使用。")
            outcomes = run_due_deadlines()
            if not outcomes:
                self.stdout.write("目前没有需要执行的任务。")
        for outcome in outcomes:
            line = outcome.describe()
            self.stdout.write(self.style.ERROR(line) if outcome.status == "failed" else line)
        if any(outcome.status == "failed" for outcome in outcomes):
            raise CommandError("有任务执行失败，详见上文。")
