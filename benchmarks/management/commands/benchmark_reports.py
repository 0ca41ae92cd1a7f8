import tracemalloc
from time import perf_counter

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ledger import reports
from ledger.models import WorkLog
from ledger.renderers import render_xlsx
from villages.models import Bureau, Township


class Command(BaseCommand):
    help = (
        "测量报表在已有数据上的用时、峰值内存(tracemalloc)和查询次数：乡镇月度汇总、全区年度台账(每村一表,流式写入)、"
        "半年工作情况统计表。先用 seed_demo 生成数据。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--bureau", help="司法局代码；默认数据最多的司法局")
        parser.add_argument("--year", type=int, help="年度；默认最近有日志的年度")

    def handle(self, *args, bureau: str | None, year: int | None, **options) -> None:
        bureaus = Bureau.objects.annotate(n=Count("townships__villages__worklogs")).order_by("-n")
        chosen = bureaus.filter(code=bureau).first() if bureau else bureaus.first()
        if chosen is None:
            raise CommandError("没有数据：请先运行 python manage.py seed_demo")
        logs = WorkLog.objects.filter(village__township__bureau=chosen).counted()
        last = logs.order_by("-service_date").values_list("service_date", flat=True).first()
        if last is None:
            raise CommandError(f"{chosen.name}没有计入统计的工作日志。")
        year = year or last.year
        month = last.month if last.year == year else 12
        township = (
            Township.objects.filter(bureau=chosen)
            .annotate(n=Count("villages"))
            .order_by("-n", "code")
            .first()
        )
        self.stdout.write(
            f"{chosen.name}：乡镇 {Township.objects.filter(bureau=chosen).count()} 个，"
            f"{year} 年计入的日志 {logs.filter(service_date__year=year).count()} 条；数据库 {connection.vendor}。"
        )
        half = 1 if month <= 6 else 2
        cases = [
            (
                f"乡镇月度汇总 {township.name} {year}年{month}月 (xlsx)",
                lambda: render_xlsx(
                    reports.township_month_summary(township=township, year=year, month=month)
                ),
            ),
            (
                f"全区年度台账 {year} (xlsx, 每村一表, write-only)",
                lambda: render_xlsx(reports.county_ledgers(bureau=chosen, year=year)),
            ),
            (
                f"工作情况统计表 {year}年{'上' if half == 1 else '下'}半年 (xlsx)",
                lambda: render_xlsx(reports.work_statistics(bureau=chosen, year=year, half=half)),
            ),
        ]
        for label, produce in cases:
            with CaptureQueriesContext(connection) as queries:
                started = perf_counter()
                content = produce()
                elapsed = perf_counter() - started
            tracemalloc.start()  # a second run under tracemalloc, which slows Python down, for the peak only
            produce()
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            self.stdout.write(
                f"  {label}: {elapsed:.2f} 秒，峰值内存 {peak / 2**20:.1f} MiB，查询 {len(queries)} 次，"
                f"文件 {len(content) / 1024:.0f} KiB"
            )
        self.stdout.write(f"（测量于 {timezone.localtime():%Y-%m-%d %H:%M}）")
