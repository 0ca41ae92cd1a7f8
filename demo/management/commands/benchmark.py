import json
import logging
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from demo.benchmark import Result, run_benchmark
from demo.generator import SCALES


class Command(BaseCommand):
    help = (
        "测量各项操作的用时(中位数、p95)、查询次数和峰值内存，并在同一次运行中测量基线(同样的行用裸 SQL 读取；"
        "导出为裸 openpyxl / 最简 WeasyPrint)。先用 seed_demo --scale … 生成数据；所有写入都会回滚。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--scale", choices=list(SCALES), default="district", help="测量哪个演示司法局的数据"
        )
        parser.add_argument("--output", help="结果写入的 JSON 文件")
        parser.add_argument("--repeat", type=int, default=10, help="每项操作计时的次数(另有一次预热)")
        parser.add_argument("--only", action="append", help="只测这一项(可重复)，例如 --only log_post")
        parser.add_argument("--skip", action="append", help="跳过这一项(可重复)")

    def handle(
        self,
        *args,
        scale: str,
        output: str | None,
        repeat: int,
        only: list | None,
        skip: list | None,
        **options,
    ) -> None:
        logging.getLogger("weasyprint").setLevel(logging.WARNING)  # its progress lines would bury the table
        logging.getLogger("fontTools").setLevel(logging.WARNING)
        logging.getLogger("axes").setLevel(logging.WARNING)  # one line per forced login of a persona
        if repeat < 1:
            raise CommandError("--repeat 至少为 1。")
        if connection.vendor != "postgresql":
            self.stdout.write(
                self.style.WARNING(f"注意：目标数据库为 PostgreSQL，当前为 {connection.vendor}。")
            )
        self.stdout.write(
            f"{'操作':<28}{'中位数ms':>10}{'p95 ms':>10}{'查询':>6}{'内存MiB':>9}  │"
            f"{'基线ms':>9}{'基线查询':>8}{'倍数':>7}  目标"
        )
        try:
            results = run_benchmark(scale=scale, repeat=repeat, only=only, skip=skip, echo=self._row)
        except LookupError:
            raise CommandError(
                f"没有 {scale} 规模的演示数据：请先运行 python manage.py seed_demo --scale {scale}"
            ) from None
        sizes = results["data"]
        self.stdout.write(
            f"数据：{sizes['bureau']}，乡镇 {sizes['townships']}，村(社区) {sizes['villages']}，"
            f"顾问 {sizes['advisors']}，日志 {sizes['worklogs']}（{sizes['year']}年 {sizes['worklogs_in_year']}）；"
            f"数据库 {results['database']}。"
        )
        if output:
            Path(output).parent.mkdir(parents=True, exist_ok=True)
            Path(output).write_text(
                json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )
            self.stdout.write(self.style.SUCCESS(f"结果已写入 {output}"))

    def _row(self, result: Result) -> None:
        if result.figures is None:
            self.stdout.write(f"{result.label:<28}  失败：{result.error}")
            return
        f, b = result.figures, result.baseline
        goal = {True: "✓", False: "✗", None: ""}[result.meets_goal]
        base = (
            f"{b.median_ms:>9.1f}{b.queries:>8}{result.ratio or 0:>7.1f}" if b else f"{'—':>9}{'':>8}{'':>7}"
        )
        self.stdout.write(
            f"{result.label:<28}{f.median_ms:>10.1f}{f.p95_ms:>10.1f}{f.queries:>6}{f.peak_mib:>9.1f}  │{base}  {goal}"
            + (f"  {result.error}" if result.error else "")
        )
