"""The benchmark: each operation timed next to a baseline measured in the same run.

An operation is a callable (a page through the Django test Client as the right persona of the demo data, an export
builder and renderer, a deadline job, the review computation); its baseline does the bare minimum for the same rows:

- pages and jobs: the SELECT statements the operation issued, replayed through a raw cursor (the rows fetched,
  nothing built from them), so the gap between the two is the ORM, the view and the template;
- the log POST: one INSERT of the same row with a raw cursor;
- workbooks: the same rows written with bare openpyxl write-only (no styles, no merged cells);
- PDFs: the same rows in a minimal HTML table through WeasyPrint, with the same CJK font.

Every run is inside a transaction rolled back at once: the benchmark leaves the database as it found it.

The sustained load of log POSTs through gunicorn (`benchmark --load-test`) is in benchmarks/load.py.
"""

import io
import re
import statistics
import tracemalloc
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from math import ceil
from time import perf_counter
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from advisors.models import Agreement
from demo.generator import demo_county
from ledger import reports
from ledger.models import LedgerSubmission, ServiceType, WorkLog
from ledger.renderers import render_xlsx
from villages.models import Bureau, Township, Village

# The performance goals (milliseconds) the bureaus asked for, for the ✓ in the table; the JSON keeps the raw figures.
PAGE_GOAL_MS = 150
PAGE_MAX_QUERIES = 12
# Dashboards and statistics over a whole bureau: "county under 200 ms, province-year under 1 s"; a city, between
# the two, is held to the province's.
DASHBOARD_GOAL_MS = {"district": 200, "city": 1000, "province": 1000}


@dataclass
class Figures:
    median_ms: float
    p95_ms: float
    queries: int
    peak_mib: float


@dataclass
class Result:
    name: str
    label: str
    figures: Figures | None = None
    baseline: Figures | None = None
    goal_ms: float | None = None
    max_queries: int | None = None
    notes: dict = field(default_factory=dict)
    error: str = ""

    @property
    def ratio(self) -> float | None:
        if self.figures is None or self.baseline is None or not self.baseline.median_ms:
            return None
        return round(self.figures.median_ms / self.baseline.median_ms, 2)

    @property
    def meets_goal(self) -> bool | None:
        if self.figures is None or self.goal_ms is None:
            return None
        ok = self.figures.p95_ms <= self.goal_ms
        if self.max_queries is not None:
            ok = ok and self.figures.queries <= self.max_queries
        return ok

    def as_dict(self) -> dict:
        data = asdict(self)
        data["ratio_to_baseline"] = self.ratio
        data["meets_goal"] = self.meets_goal
        return data


class _Rollback(Exception):
    pass


def rolled_back(fn: Callable[[], Any]) -> Callable[[], Any]:
    """`fn` inside a transaction that is rolled back: runs can be repeated, nothing stays."""

    def run() -> Any:
        with transaction.atomic():
            value = fn()
            transaction.set_rollback(True)
        return value

    return run


def slowest(statements: list[dict], n: int = 2) -> list[dict]:
    """The slowest queries of the counted run (time in ms, the SQL's beginning), to show where a miss comes from."""
    ordered = sorted(statements, key=lambda q: float(q["time"]), reverse=True)[:n]
    return [{"ms": round(float(q["time"]) * 1000, 1), "sql": q["sql"][:240]} for q in ordered]


def measure(fn: Callable[[], Any], repeat: int) -> tuple[Figures, list[str], Any, list[dict]]:
    """Median and p95 of `repeat` timed runs after a warm-up, the queries of one run, the peak of traced memory.

    Returns the figures, the SQL of the counted run, the value of the last run and its slowest queries.
    """
    value = fn() if repeat > 1 else None  # warm-up (caches, imports, buffers); --repeat 1 is a quick look
    times = []
    for _ in range(repeat):
        started = perf_counter()
        value = fn()
        times.append((perf_counter() - started) * 1000)
    # One more run, untimed (tracing slows Python down), for the peak of memory and the queries.
    with CaptureQueriesContext(connection) as captured:
        tracemalloc.start()
        try:
            fn()
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    statements = [q["sql"] for q in captured.captured_queries]
    ordered = sorted(times)
    figures = Figures(
        median_ms=round(statistics.median(ordered), 1),
        p95_ms=round(ordered[max(0, ceil(0.95 * len(ordered)) - 1)], 1),
        queries=len([s for s in statements if not _is_transaction_control(s)]),
        peak_mib=round(peak / 2**20, 2),
    )
    queries = [q for q in captured.captured_queries if not _is_transaction_control(q["sql"])]
    return figures, statements, value, slowest(queries)


def _is_transaction_control(sql: str) -> bool:
    head = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
    return head in {"SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT"}


_FOR_UPDATE = re.compile(r"\s+FOR UPDATE\b.*$", re.DOTALL)


def replay(statements: list[str]) -> Callable[[], int]:
    """The baseline of a page or a job: its SELECTs through a raw cursor, every row fetched. Without their row
    locks: the baseline reads the rows, and thousands of locks taken outside the operation's transaction could
    deadlock with another run on the same database."""
    selects = [
        _FOR_UPDATE.sub("", s)
        for s in statements
        if s.lstrip().split(None, 1)[0].upper() in ("SELECT", "WITH")
    ]

    def run() -> int:
        rows = 0
        with connection.cursor() as cursor:
            for sql in selects:
                cursor.execute(sql)  # the parameters are in the captured text; none are passed
                rows += len(cursor.fetchall())
        return rows

    return run


# --- the personas and objects of the demo data ---


@dataclass
class Scene:
    bureau: Bureau
    township: Township
    advisor_user: Any
    office_user: Any
    bureau_user: Any
    village: Village  # one of the demo advisor's villages, its ledger for this month not yet submitted
    year: int  # the last year with a whole first half behind today
    month: date  # the last whole month
    worklog: WorkLog
    ledger_pair: tuple[int, int]  # advisor, village with the most counted logs in `year`
    ledger_rows: int


def scene_for(bureau: Bureau) -> Scene:
    User = get_user_model()
    today = timezone.localdate()
    advisor_user = User.objects.select_related("advisor").get(username="advisor")
    office_user = User.objects.select_related("profile__township").get(username="office")
    submitted = LedgerSubmission.objects.filter(
        advisor=advisor_user.advisor, year=today.year, month=today.month
    ).values("village_id")
    village = (
        Village.objects.filter(
            agreements__in=Agreement.objects.current().filter(advisor=advisor_user.advisor)
        )
        .exclude(pk__in=submitted)
        .order_by("code")
        .first()
    ) or Village.objects.filter(
        agreements__in=Agreement.objects.current().filter(advisor=advisor_user.advisor)
    ).first()
    year = today.year if today.month > 6 else today.year - 1
    counted = WorkLog.objects.filter(village__township__bureau=bureau, service_date__year=year).counted()
    pair = (
        counted.values("advisor_id", "village_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "advisor_id")
        .first()
    )
    return Scene(
        bureau=bureau,
        township=office_user.profile.township,
        advisor_user=advisor_user,
        office_user=office_user,
        bureau_user=User.objects.get(username="bureau"),
        village=village,
        year=year,
        month=(today.replace(day=1) - timedelta(days=1)).replace(day=1),
        worklog=counted.filter(advisor=advisor_user.advisor).order_by("-service_date", "-pk").first(),
        ledger_pair=(pair["advisor_id"], pair["village_id"]),
        ledger_rows=pair["n"],
    )


def _client(user=None) -> Client:
    client = Client(HTTP_HOST=(settings.ALLOWED_HOSTS or ["localhost"])[0].lstrip("*.") or "localhost")
    if user is not None:
        client.force_login(user)
    return client


def _get(client: Client, url: str, *, expect: int = 200) -> Callable[[], Any]:
    def run() -> Any:
        response = client.get(url, secure=True)  # production settings redirect plain HTTP
        if response.status_code != expect:
            raise RuntimeError(f"GET {url}: HTTP {response.status_code}")
        return b"".join(response) if response.streaming else response.content

    return run


# --- the baselines of the exports ---


def _materialized(report: reports.Report) -> list[tuple[str, list[Any], list[list[Any]]]]:
    return [(t.sheet_name, [c.label for c in t.columns], list(t.rows)) for t in report.tables]


def bare_xlsx(tables: list[tuple[str, list[Any], list[list[Any]]]]) -> Callable[[], bytes]:
    def run() -> bytes:
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        for name, header, rows in tables:
            ws = wb.create_sheet(title=name)
            ws.append(header)
            for row in rows:
                ws.append(row)
        buffer = io.BytesIO()
        wb.save(buffer)
        return buffer.getvalue()

    return run


MINIMAL_PDF = """<html><head><meta charset="utf-8"><style>@page {{ size: A4 landscape; margin: 1cm }}
body {{ font-family: 'Noto Sans CJK SC', 'WenQuanYi Micro Hei', sans-serif; font-size: 9pt }}
table {{ width: 100%; table-layout: fixed; border-collapse: collapse }} td {{ border: 1px solid #000 }}</style></head><body><table>{rows}</table></body></html>"""


def bare_pdf(rows: list[list[Any]]) -> Callable[[], bytes]:
    from django.utils.html import escape

    html = MINIMAL_PDF.format(
        rows="".join("<tr>" + "".join(f"<td>{escape(v)}</td>" for v in row) + "</tr>" for row in rows)
    )

    def run() -> bytes:
        from weasyprint import HTML

        return HTML(string=html).write_pdf()

    return run


# --- the operations ---


@dataclass
class Operation:
    name: str
    label: str
    run: Callable[[], Any]
    baseline: Callable[[list[str], Any], Callable[[], Any]]  # from the run's SQL and value
    goal_ms: float | None = None
    max_queries: int | None = None
    notes: dict = field(default_factory=dict)


def _public(name: str, label: str, client: Client, urls: list[str]) -> Operation:
    """A public page at a URL not yet in the page cache (the next of `urls` each run)."""
    pending = iter(urls)

    def run() -> Any:
        return _get(client, next(pending))()

    return Operation(
        name,
        label,
        rolled_back(run),
        lambda sql, _value: replay(sql),
        goal_ms=PAGE_GOAL_MS,
        max_queries=PAGE_MAX_QUERIES,
        notes={"urls": urls[:3]},
    )


def _uncached(run: Callable[[], Any]) -> Callable[[], Any]:
    """The public pages are cached until the next change: each run starts as after one (the worst case)."""
    from publicity.cache import bump

    def cold() -> Any:
        bump()
        return run()

    return cold


def _page(
    name: str, label: str, client: Client, url: str, goal_ms: float = PAGE_GOAL_MS, cold: bool = False
) -> Operation:
    run = _get(client, url)
    return Operation(
        name,
        label,
        rolled_back(_uncached(run) if cold else run),
        lambda sql, _value: replay(sql),
        goal_ms=goal_ms,
        max_queries=PAGE_MAX_QUERIES,
        notes={"url": url},
    )


# What an advisor types into the new-log form (the in-process POST and the gunicorn load test send the same).
NEW_LOG = {
    "mode": "onsite",
    "start_time": "08:30",
    "end_time": "09:40",
    "object_kind": "person",
    "object_name": "王大爷",
    "object_phone": "13912345678",
    "object_situation": "本村村民，68岁",
    "people_served": "1",
    "content": "咨询宅基地继承问题，讲解了民法典继承编的规定。" * 5,
    "result": "当事人表示清楚了，将与兄弟协商。",
    "submit": "1",
}


def _log_post(scene: Scene) -> Operation:
    client = _client(scene.advisor_user)
    consultation = ServiceType.objects.get(code=ServiceType.CONSULTATION).pk
    today = timezone.localdate()

    def post() -> Any:
        response = client.post(
            "/logs/new/",
            secure=True,
            data={
                "village": scene.village.pk,
                **NEW_LOG,
                "service_date": today.isoformat(),
                "service_types": [consultation],
                "client_uuid": str(uuid.uuid4()),
            },
        )
        if response.status_code != 302:
            raise RuntimeError(f"POST /logs/new/: HTTP {response.status_code} (表单未通过)")
        return response

    def baseline(_sql, _value) -> Callable[[], Any]:
        table = WorkLog._meta.db_table
        columns = [
            f.column
            for f in WorkLog._meta.concrete_fields
            if not f.primary_key and f.column not in ("client_uuid", "created_at", "updated_at")
        ]
        listed = ", ".join(columns)
        sql = (
            f"INSERT INTO {table} ({listed}, client_uuid, created_at, updated_at) "
            f"SELECT {listed}, %s, created_at, updated_at FROM {table} WHERE id = %s"
        )
        source = scene.worklog.pk

        def insert() -> None:
            with connection.cursor() as cursor:
                value = uuid.uuid4() if connection.vendor == "postgresql" else uuid.uuid4().hex
                cursor.execute(sql, [value, source])

        return rolled_back(insert)

    return Operation(
        "log_post", "顾问提交日志 POST", rolled_back(post), baseline, goal_ms=150, max_queries=None
    )


def _xlsx(name: str, label: str, build: Callable[[], reports.Report], goal_ms: float | None) -> Operation:
    def baseline(_sql, _value) -> Callable[[], Any]:
        return bare_xlsx(_materialized(build()))

    return Operation(name, label, lambda: render_xlsx(build()), baseline, goal_ms=goal_ms)


def _job(scene: Scene) -> Operation:
    from deadlines.dispatch import JOBS_BY_NAME

    job = JOBS_BY_NAME["month_end"]
    day = timezone.localdate().replace(day=1) - timedelta(days=1)
    return Operation(
        "month_end_job",
        "月末检查任务",
        rolled_back(lambda: job.run(on=day, bureau_ids=[scene.bureau.pk])),
        lambda sql, _value: replay(sql),
        goal_ms=60000,
        notes={"on": day.isoformat()},
    )


def _review(scene: Scene) -> Operation:
    from assessment.services.computation import review_period_open  # the lead's; guarded by the caller

    return Operation(
        "half_year_review",
        "半年考核计算",
        rolled_back(
            lambda: review_period_open(
                bureau=scene.bureau, kind="half", year=scene.year, by=scene.bureau_user
            )
        ),
        lambda sql, _value: replay(sql),
        notes={"year": scene.year},
    )


# The oversight pages (oversight/, issue 18) as the widest demo overseer: the province, else the city. Each reads a
# fixed number of grouped queries whatever the number of bureaus; the goal is the province-year's second.
OVERSIGHT_PAGES = [
    ("oversight_coverage", "上级监督：覆盖情况（全年）", "coverage/"),
    ("oversight_ledgers", "上级监督：台账报送（全年）", "ledgers/"),
    ("oversight_incidents", "上级监督：涉稳事项（全年）", "incidents/"),
    ("oversight_reviews", "上级监督：考核等次（全年）", "reviews/"),
    ("oversight_statistics", "上级监督：统计表（全年）", "statistics/"),
    ("oversight_year_end", "上级监督：年度数据（全年）", "year-end/"),
    ("oversight_statistics_xlsx", "上级监督：统计表 xlsx（全年）", "statistics/?format=xlsx&"),
]
OVERSIGHT_QUERIES = 16  # the session, the person, the subtree, the picker and the section's grouped queries


def _oversight(name: str, label: str, path: str, year: int) -> Operation:
    User = get_user_model()
    overseer = (
        User.objects.filter(username="province").first() or User.objects.filter(username="city").first()
    )
    if overseer is None:
        raise LookupError("no demo city or province user (seed_demo with the bureau tree)")
    separator = "" if path.endswith("&") else "?"
    url = f"/oversight/{path}{separator}period={year}"
    return Operation(
        name,
        label,
        rolled_back(_get(_client(overseer), url)),
        lambda sql, _value: replay(sql),
        goal_ms=1000,
        max_queries=OVERSIGHT_QUERIES,
        notes={"url": url, "user": overseer.username},
    )


def operations(scene: Scene, scale: str) -> list[tuple[str, Callable[[], Operation]]]:
    """The operations measured, each made lazily: one that cannot be set up is reported, not fatal."""
    dashboard_goal = DASHBOARD_GOAL_MS[scale]
    advisor, office, bureau = (
        _client(scene.advisor_user),
        _client(scene.office_user),
        _client(scene.bureau_user),
    )
    public = _client()
    last_page = WorkLog.objects.filter(village__township=scene.township).count() // 50 + 1
    month = f"{scene.month:%Y-%m}"
    ledger_advisor, ledger_village = scene.ledger_pair
    township_month = lambda: reports.township_month_summary(  # noqa: E731
        township=scene.township, year=scene.month.year, month=scene.month.month
    )
    county_year = lambda: reports.county_ledgers(bureau=scene.bureau, year=scene.year)  # noqa: E731
    search = scene.village.name[:2]
    # Each public request a page not asked for before (not in the page cache), the search index built.
    names = Village.objects.filter(township__bureau=scene.bureau).order_by("code")
    searches = [f"/public/?q={quote(name[:2])}" for name in names.values_list("name", flat=True)[:400]]
    village_pages = [f"/public/villages/{pk}/" for pk in names.values_list("pk", flat=True)[:400]]

    def annual_pdf() -> Operation:
        url = (
            f"/logs/reports/ledger/?advisor={ledger_advisor}&village={ledger_village}"
            f"&year={scene.year}&format=pdf"
        )
        rows = reports.annual_ledger(
            advisor=scene.advisor_user.advisor.__class__.objects.get(pk=ledger_advisor),
            village=Village.objects.select_related("township").get(pk=ledger_village),
            year=scene.year,
        )
        table = next(iter(rows.tables))
        cells = [[c["text"] for c in row] for row in table.display_rows]
        return Operation(
            "annual_ledger_pdf",
            "年度台账 PDF",
            rolled_back(_get(bureau, url)),
            lambda _sql, _value: bare_pdf(cells),
            goal_ms=5000,
            notes={"url": url, "rows": len(cells)},
        )

    def worklog_pdf() -> Operation:
        url = f"/logs/reports/worklog/{scene.worklog.pk}/?format=pdf"
        sheet = reports.worklog_sheets(WorkLog.objects.filter(pk=scene.worklog.pk))[0]
        cells = [[str(v) for v in pair] for pair in vars(sheet).items()]
        return Operation(
            "worklog_pdf",
            "工作日志 PDF（一条）",
            rolled_back(_get(advisor, url)),
            lambda _sql, _value: bare_pdf(cells),
            goal_ms=500,
            notes={"url": url},
        )

    return [
        ("advisor_home", lambda: _page("advisor_home", "顾问首页", advisor, "/")),
        ("log_post", lambda: _log_post(scene)),
        ("office_log_list", lambda: _page("office_log_list", "司法所日志列表（第1页）", office, "/logs/")),
        (
            "office_log_list_last",
            lambda: _page(
                "office_log_list_last", "司法所日志列表（末页）", office, f"/logs/?page={last_page}"
            ),
        ),
        (
            "monthly_check",
            lambda: _page("monthly_check", "司法所月度检查", office, f"/logs/check/?month={month}"),
        ),
        ("bureau_dashboard", lambda: _page("bureau_dashboard", "司法局首页", bureau, "/")),
        (
            "deadlines_dashboard",
            lambda: _page(
                "deadlines_dashboard", "截止事项看板", bureau, "/deadlines/", goal_ms=dashboard_goal
            ),
        ),
        ("public_search", lambda: _public("public_search", "公开查询：搜索", public, searches)),
        ("public_village", lambda: _public("public_village", "公开查询：村页面", public, village_pages)),
        (
            "public_search_after_change",
            lambda: _page(
                "public_search_after_change",
                "公开查询：数据变更后首次搜索",
                public,
                f"/public/?q={search}",
                cold=True,
            ),
        ),
        (
            "township_month_xlsx",
            lambda: _xlsx("township_month_xlsx", "乡镇月度汇总 xlsx", township_month, 3000),
        ),
        (
            "county_year_xlsx",
            lambda: _xlsx("county_year_xlsx", "全辖区年度台账 xlsx（每村一表）", county_year, 3000),
        ),
        (
            "statistics_half",
            lambda: _page(
                "statistics_half",
                "半年工作情况统计表",
                bureau,
                f"/logs/reports/statistics/?year={scene.year}&half=1",
                goal_ms=dashboard_goal,
            ),
        ),
        ("worklog_pdf", worklog_pdf),
        ("annual_ledger_pdf", annual_pdf),
        ("month_end_job", lambda: _job(scene)),
        ("half_year_review", lambda: _review(scene)),
        *(
            (name, lambda name=name, label=label, path=path: _oversight(name, label, path, scene.year))
            for name, label, path in OVERSIGHT_PAGES
        ),
    ]


def run_benchmark(
    *, scale: str, repeat: int, only: list[str] | None = None, skip: list[str] | None = None, echo=None
) -> dict:
    bureau = demo_county(scale)
    if bureau is None:
        raise LookupError(scale)
    scene = scene_for(bureau)
    results = []
    # Static URLs without collectstatic's manifest (the production settings' storage needs it to exist).
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(PUBLIC_SEARCH_RATE=10**9, STORAGES=storages):
        for name, make in operations(scene, scale):
            if (only and name not in only) or (skip and name in skip):
                continue
            try:
                operation = make()
            except Exception as error:  # noqa: BLE001 - an operation that cannot be set up is reported
                results.append(Result(name, name, error=f"{type(error).__name__}: {error}"))
                if echo:
                    echo(results[-1])
                continue
            result = Result(
                operation.name,
                operation.label,
                goal_ms=operation.goal_ms,
                max_queries=operation.max_queries,
                notes=operation.notes,
            )
            try:
                result.figures, sql, value, result.notes["slowest_queries"] = measure(operation.run, repeat)
                if isinstance(value, bytes):
                    result.notes["bytes"] = len(value)
                result.baseline = measure(operation.baseline(sql, value), repeat)[0]
            except Exception as error:  # noqa: BLE001 - reported in the results, the others still run
                result.error = f"{type(error).__name__}: {error}"
            results.append(result)
            if echo:
                echo(result)
    return {
        "scale": scale,
        "database": connection.vendor,
        "repeat": repeat,
        "measured_at": timezone.localtime().isoformat(timespec="seconds"),
        "data": data_sizes(bureau, scene),
        "operations": [r.as_dict() for r in results],
    }


def data_sizes(bureau: Bureau, scene: Scene) -> dict:
    logs = WorkLog.objects.filter(village__township__bureau=bureau)
    return {
        "bureau": bureau.name,
        "townships": bureau.townships.count(),
        "villages": Village.objects.filter(township__bureau=bureau).count(),
        "advisors": bureau.advisors.count(),
        "worklogs": logs.count(),
        "worklogs_in_year": logs.filter(service_date__year=scene.year).count(),
        "year": scene.year,
        "persona_township": scene.township.name,
        "annual_ledger_rows": scene.ledger_rows,
        "today": date.today().isoformat(),
        # The whole tree the oversight pages read (issue 18): every county bureau, its villages and logs.
        "county_bureaus": Bureau.objects.counties().count(),
        "villages_in_tree": Village.objects.count(),
        "worklogs_in_tree": WorkLog.objects.count(),
    }
