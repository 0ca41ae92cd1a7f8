from datetime import date, timedelta
from time import perf_counter

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from advisors.models import Agreement
from deadlines.dispatch import JOBS_BY_NAME
from demo.generator import SCALES, demo_county
from ledger.models import WorkLog
from programme.calendar import month_bounds, zh_date
from villages.models import Village


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = (
        "测量截止事项任务（默认月末检查）在已有数据上的用时和查询次数；先用 seed_demo --scale … 生成数据。"
        "在一个事务中执行后回滚：不留下标记，也不发通知。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--scale", choices=list(SCALES), default="district", help="测量哪个演示司法局的数据"
        )
        parser.add_argument("--job", choices=list(JOBS_BY_NAME), default="month_end", help="测量哪个任务")
        parser.add_argument("--date", dest="on", help="任务日期 YYYY-MM-DD；默认上个月最后一天")

    def handle(self, *args, scale: str, job: str, on: str | None, **options) -> None:
        bureau = demo_county(scale)
        if bureau is None:
            raise CommandError(
                f"没有 {scale} 规模的演示数据：请先运行 python manage.py seed_demo --scale {scale}"
            )
        day = date.fromisoformat(on) if on else timezone.localdate().replace(day=1) - timedelta(days=1)
        chosen = JOBS_BY_NAME[job]
        if not chosen.due(bureau, day):
            raise CommandError(f"{chosen.label}在{zh_date(day)}不到期，请换一个日期（--date）。")

        month_start = month_bounds(day)[0]
        villages = Village.objects.filter(township__bureau=bureau).count()
        agreements = Agreement.objects.covering(day).filter(village__township__bureau=bureau).count()
        logs = WorkLog.objects.filter(
            village__township__bureau=bureau, service_date__gte=month_start, service_date__lte=day
        ).count()
        self.stdout.write(
            f"{bureau.name}（{scale}）：{villages} 个村(社区)，{zh_date(day)}在岗协议 {agreements} 份，"
            f"当月工作日志 {logs} 条；数据库 {connection.vendor}。"
        )
        try:
            with transaction.atomic():
                for attempt in ("首次执行", "再次执行"):
                    with CaptureQueriesContext(connection) as queries:
                        started = perf_counter()
                        result = chosen.run(on=day, bureau_ids=[bureau.pk])
                        elapsed = perf_counter() - started
                    self.stdout.write(
                        f"{chosen.label} {attempt}：用时 {elapsed:.2f} 秒，查询 {len(queries.captured_queries)} 次。"
                        f"{result['summary']}"
                    )
                raise _Rollback
        except _Rollback:
            self.stdout.write("已回滚：数据库未改动。")
