import json
import logging
from contextlib import nullcontext
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from benchmarks import load
from benchmarks.benchmark import Result, run_benchmark
from demo.generator import SCALES, demo_county


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
        group = parser.add_argument_group(
            "负载测试",
            "--load-test：经 gunicorn(生产设置 DEBUG=0，同一数据库)以固定速率持续提交日志，测吞吐与延迟；"
            "所建日志和会话随后删除。",
        )
        group.add_argument("--load-test", action="store_true", help="只做负载测试(不测上面各项操作)")
        group.add_argument("--rate", type=float, default=20.0, help="每秒提交次数(默认 20)")
        group.add_argument("--seconds", type=float, default=30.0, help="持续秒数(默认 30)")
        group.add_argument("--phones", type=int, default=20, help="登录的顾问(手机)数(默认 20)")
        group.add_argument("--workers", type=int, default=3, help="gunicorn worker 数(默认 3，同 Dockerfile)")
        group.add_argument("--threads", type=int, default=1, help="每个 worker 的线程数；大于 1 时用 gthread")
        group.add_argument("--warmup", type=int, default=10, help="计时前的预热提交次数(默认 10)")
        group.add_argument("--clients", type=int, default=64, help="压测端的并发线程数(默认 64)")
        group.add_argument(
            "--nice",
            type=int,
            default=0,
            help="gunicorn 及其数据库连接进程的 nice 值(如 -10，需 root)：在与其他工作共用的机器上近似独占",
        )
        group.add_argument(
            "--url", help="不启动 gunicorn，压测这个已在运行的服务器，例如 http://127.0.0.1:8000"
        )

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
        if options.get("load_test"):
            self._load_test(scale=scale, output=output, **options)
            return
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
            f"全部 {sizes['county_bureaus']} 个县级司法局，村(社区) {sizes['villages_in_tree']}，"
            f"日志 {sizes['worklogs_in_tree']}；数据库 {results['database']}。"
        )
        if output:
            Path(output).parent.mkdir(parents=True, exist_ok=True)
            Path(output).write_text(
                json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )
            self.stdout.write(self.style.SUCCESS(f"结果已写入 {output}"))

    def _load_test(self, *, scale: str, output: str | None, **options) -> None:
        rate, seconds, phones = options["rate"], options["seconds"], options["phones"]
        if rate <= 0 or seconds <= 0 or phones < 1 or options["workers"] < 1 or options["clients"] < 1:
            raise CommandError("--rate、--seconds、--phones、--workers、--clients 都须为正数。")
        bureau = demo_county(scale)
        if bureau is None:
            raise CommandError(
                f"没有 {scale} 规模的演示数据：请先运行 python manage.py seed_demo --scale {scale}"
            )
        if options["url"]:
            # A server behind the production settings' proxy header is told the request came over HTTPS.
            behind_proxy = settings.SECURE_PROXY_SSL_HEADER is not None
            server = nullcontext((load.Target.from_url(options["url"], https_proxy=behind_proxy), None, None))
            described = options["url"]
        else:
            if settings.DEBUG:
                raise CommandError("负载测试须用生产设置：DEBUG=0 SECRET_KEY=… ALLOWED_HOSTS=…")
            host = next((h.lstrip("*.") for h in settings.ALLOWED_HOSTS if h.lstrip("*.")), "localhost")
            kind = f"gthread {options['threads']} 线程" if options["threads"] > 1 else "sync"
            described = f"gunicorn {options['workers']} 个 {kind} worker"
            server = load.gunicorn(workers=options["workers"], threads=options["threads"], host=host)
        if options["nice"]:
            described += f"(nice {options['nice']})"
        self.stdout.write(
            f"负载测试：{described}；{bureau.name}；{phones} 部手机，目标 {rate:g} 次/秒 × {seconds:g} 秒"
        )
        with server as (target, pid, server_log):
            figures = load.load_test(
                bureau=bureau,
                target=target,
                phones=phones,
                rate=rate,
                seconds=seconds,
                warmup=options["warmup"],
                clients=options["clients"],
                server_pid=pid,
                database_name=(
                    load.application_name(target.port) if pid and connection.vendor == "postgresql" else None
                ),
                nice=options["nice"],
                echo=self.stdout.write,
            )
        figures["server"] = described
        if server_log and not (figures["errors"] or figures["warmup_errors"]):
            Path(server_log).unlink(missing_ok=True)  # kept only to show what went wrong
            server_log = None
        figures["server_log"] = server_log
        errors = "、".join(f"{k} × {v}" for k, v in figures["errors"].items()) or "无"
        if server_log and (figures["errors"] or figures["warmup_errors"]):
            errors += f"(服务器日志：{server_log})"
        self.stdout.write(
            f"发出 {figures['sent']}，成功(302) {figures['ok']}，错误 {errors}；"
            f"实际 {figures['achieved_rate']:.2f} 次/秒(发出 {figures['sent_rate']:.2f})；"
            f"延迟 中位数 {figures['median_ms']} ms，p95 {figures['p95_ms']} ms，最大 {figures['max_ms']} ms；"
            f"最迟发出 {figures['late_max_ms']} ms"
        )
        self.stdout.write("每 5 秒的 p95 ms：" + " ".join(f"{w['p95_ms']:.0f}" for w in figures["timeline"]))
        cpu = figures.get("server_cpu_pct")
        self.stdout.write(
            (
                f"服务器 CPU {cpu}%(共 {figures['cpus']} 核 = {100 * figures['cpus']}%)，"
                if cpu is not None
                else ""
            )
            + f"压测端 CPU {figures['client_cpu_pct']}%；负载均值 "
            + " / ".join(f"{x:.2f}" for x in figures["loadavg_before"])
            + " → "
            + " / ".join(f"{x:.2f}" for x in figures["loadavg_after"])
        )
        database = figures.get("database")
        if database:
            self.stdout.write(
                f"其 PostgreSQL 连接 {database['backends']} 个：CPU {database['cpu_pct']}%；"
                f"同时执行语句平均 {database['active_mean']} 个，其中等锁平均 {database['lock_waiting_mean']} 个"
                f"(最多 {database['lock_waiting_max']})"
            )
            for blocker, times in database["blocked_by"].items():
                self.stdout.write(f"  等待的锁由此持有({times} 次)：{blocker}")
        rollup = figures["rollup_check"]
        self.stdout.write(
            f"月度汇总核对(所涉 {rollup['townships']} 个乡镇本月)：日志 {rollup['logs']} 条，汇总计 "
            f"{rollup['rollup_logs']} 条，重复汇总行 {rollup['duplicate_rows']}"
        )
        goal = {True: "✓ 达到", False: "✗ 未达到", None: "— 速率低于目标，不作判定"}[figures["meets_goal"]]
        self.stdout.write(
            f"目标(≥ {load.GOAL_RATE:g} 次/秒持续，p95 < {load.GOAL_P95_MS:g} ms，无错误)：{goal}"
        )
        cleaned = figures["cleaned_up"]
        self.stdout.write(
            f"已清理：日志 {cleaned['logs']} 条(含预热)，会话 {cleaned['sessions']} 个；审计记录与登录记录保留。"
        )
        if output:
            results = {
                "scale": scale,
                "database": connection.vendor,
                "measured_at": timezone.localtime().isoformat(timespec="seconds"),
                "bureau": bureau.name,
                "load_test": figures,
            }
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
