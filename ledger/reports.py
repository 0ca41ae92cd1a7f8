"""The provincial forms, one builder per form (seed 001 附件2 and 附件3, the township summary, the statistics).

Every builder takes validated parameters (never the request) and returns a `Report` (tables of headers and rows) or,
for the work-log form, a list of `LogSheet`s. The HTML preview, the PDF (`ledger.renderers.render_pdf`) and the
workbook (`ledger.renderers.render_xlsx`) are all made from what a builder returns. Aggregates are grouped queries:
a fixed number of queries whatever the number of villages or advisors. Forms 2–4 count only the logs in
`WorkLog.COUNTED_STATUSES`; the caller scopes the objects it passes in (see `ledger/views/reports.py`).
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import groupby
from typing import Any

from django.db.models import Count, Prefetch, QuerySet, Sum
from django.utils import timezone

from accounts.models import display_name
from advisors.models import Advisor, Agreement
from common.masking import mask_phone
from programme.calendar import half_of, month_of, year_of
from programme.measures import onsite
from villages.models import Bureau, Township, Village

from .listing import month_listing, type_names
from .models import LedgerSubmission, ServiceType, WorkLog, WorkLogMonthly

WORKLOG_FORM = "村(居)法律顾问工作日志"
LEDGER_FORM = "村(居)法律顾问工作台账"


# --- the shape every table form shares ---


@dataclass(frozen=True)
class Column:
    label: str
    width: float = 12  # in Excel character widths; the PDF uses the same proportions
    group: str = ""  # the label of the merged header cell above, as on the form
    kind: str = "text"  # text | date | int | decimal


@dataclass
class Table:
    title: str
    subtitle: str
    columns: list[Column]
    rows: Iterable[list[Any]]  # a list, or an iterator for a streamed workbook
    totals: list[Any] | None = None
    footnote: str = ""
    sheet_name: str = "Sheet1"

    def header_rows(self) -> list[list[dict]]:
        """The two header rows of the HTML/PDF table: grouped columns under a merged cell, others spanning both."""
        top: list[dict] = []
        bottom: list[dict] = []
        for column in self.columns:
            if column.group:
                if top and top[-1]["label"] == column.group and top[-1]["group"]:
                    top[-1]["colspan"] += 1
                else:
                    top.append({"label": column.group, "colspan": 1, "rowspan": 1, "group": True})
                bottom.append({"label": column.label, "colspan": 1, "rowspan": 1, "group": False})
            else:
                top.append({"label": column.label, "colspan": 1, "rowspan": 2, "group": False})
        return [top, bottom] if bottom else [top]

    @property
    def display_rows(self) -> list[list[dict]]:
        """The rows as text for the HTML preview and the PDF (dates as 6月3日, the year being in the subtitle)."""
        return [
            [_display(value, c.kind) for value, c in zip(row, self.columns, strict=True)] for row in self.rows
        ]

    @property
    def display_totals(self) -> list[dict] | None:
        if self.totals is None:
            return None
        return [_display(value, c.kind) for value, c in zip(self.totals, self.columns, strict=True)]

    @property
    def widths_percent(self) -> list[float]:
        total = sum(c.width for c in self.columns) or 1
        return [round(100 * c.width / total, 2) for c in self.columns]


def _display(value: Any, kind: str) -> dict:
    if isinstance(value, date):
        text = f"{value.month}月{value.day}日"
    elif isinstance(value, Decimal):
        text = f"{value:.2f}"
    elif value is None:
        text = ""
    else:
        text = str(value)
    return {"text": text, "kind": kind if isinstance(value, int | Decimal | date) else "text"}


@dataclass
class Report:
    title: str
    filename: str  # without the extension, in Chinese: 工作台账-东风村-张某-2026
    tables: Iterable[Table]
    landscape: bool = True
    meta: dict = field(default_factory=dict)


def _half_bounds(year: int, half: int | None) -> tuple[date, date, str]:
    """[start, end) of a year (half None), or its first (1) or second (2) half, and its name."""
    if half in (1, 2):
        period = half_of(date(year, 1 if half == 1 else 7, 1))
        return period.start, period.stop, f"{year}年{'上' if half == 1 else '下'}半年"
    period = year_of(date(year, 1, 1))
    return period.start, period.stop, f"{year}年度"


def _service_types() -> list[ServiceType]:
    return list(ServiceType.objects.order_by("position", "pk"))


# --- 1. 村(居)法律顾问工作日志 (附件2) ---


@dataclass(frozen=True)
class LogSheet:
    """One page of the work-log form."""

    title: str  # the form's title with the bureau's province
    advisor_name: str
    firm_name: str
    village_name: str
    township_name: str
    service_date: date
    service_time: str
    mode: str
    service_types: str
    object_name: str
    object_situation: str
    object_phone: str
    people_served: int
    content: str
    result: str
    mediation: str
    lecture: str
    remarks: str
    confirmed_by: str
    confirmed_at: datetime | None
    confirmed_on_behalf: bool
    status: str


def worklog_sheets(logs: QuerySet[WorkLog], *, phone_in_full=None) -> list[LogSheet]:
    """The pages of the work-log form for the (already scoped) logs, in service order: three queries.

    The resident's phone is masked unless `phone_in_full(log)` says otherwise (common/phones.py: exports_in_full).
    """
    logs = (
        logs.select_related("advisor", "village__township__bureau", "confirmed_by__profile", "lecture")
        .prefetch_related(Prefetch("service_types", queryset=ServiceType.objects.order_by("position")))
        .order_by("service_date", "start_time", "pk")
    )
    sheets = []
    for log in logs:
        mediation = "；".join(
            f"{label}：{text}"
            for label, text in (
                ("问题", log.mediation_problem),
                ("措施", log.mediation_measures),
                ("结果", log.mediation_result),
            )
            if text
        )
        lecture = getattr(log, "lecture", None)
        sheets.append(
            LogSheet(
                title=log.village.township.bureau.form_title(WORKLOG_FORM),
                advisor_name=log.advisor.name,
                firm_name=log.firm_name,
                village_name=log.village.name,
                township_name=log.village.township.name,
                service_date=log.service_date,
                service_time=(
                    f"{log.service_date.year}年{log.service_date.month}月{log.service_date.day}日 "
                    f"{log.start_time:%H:%M}—{log.end_time:%H:%M}（{log.hours.normalize():f} 小时）"
                ),
                mode=log.get_mode_display(),
                service_types="、".join(t.name for t in log.service_types.all()),
                object_name=log.object_name,
                object_situation=log.object_situation,
                object_phone=(
                    log.object_phone if phone_in_full and phone_in_full(log) else mask_phone(log.object_phone)
                ),
                people_served=log.people_served,
                content=log.content,
                result=log.result,
                mediation=mediation,
                lecture=(f"法治讲座：{lecture.topic}（{lecture.attendance} 人参加）" if lecture else ""),
                remarks=log.remarks,
                confirmed_by=display_name(log.confirmed_by),
                confirmed_at=timezone.localtime(log.confirmed_at) if log.confirmed_at else None,
                confirmed_on_behalf=log.confirmed_on_behalf,
                status=log.get_status_display(),
            )
        )
    return sheets


# --- 2. 村(居)法律顾问工作台账 (年度) (附件3) ---

LEDGER_COLUMNS = [
    Column("序号", 5, kind="int"),
    Column("时间", 11, kind="date"),
    Column("服务对象所属村(居)及姓名", 18),
    Column("法律咨询（问题及解答）", 26, group="服务内容及结果"),
    Column("纠纷调解（问题、解决措施及结果）", 34, group="服务内容及结果"),
    Column("法治宣传（形式、内容）", 24, group="服务内容及结果"),
    Column("培训（内容、形式）", 20, group="服务内容及结果"),
    Column("其他", 30, group="服务内容及结果"),
    Column("备注", 12),
]
CONSULTATION_CODES = {ServiceType.CONSULTATION}
MEDIATION_CODES = {"mediation", "petition"}
PUBLICITY_CODES = {"publicity"}
TRAINING_CODES = {"mediator_training"}


def _ledger_row(number: int, log: WorkLog, types: list[tuple[str, str]]) -> list[Any]:
    """Row `number` of the annual ledger; `types` the log's (code, name) pairs."""
    codes = {code for code, _ in types}
    lecture = getattr(log, "lecture", None)
    consultation = mediation = publicity = training = other = ""
    if codes & CONSULTATION_CODES:
        consultation = f"问题：{log.content}" + (f"；解答：{log.result}" if log.result else "")
    if codes & MEDIATION_CODES or log.mediation_problem:
        mediation = "；".join(
            text
            for text in (
                f"问题：{log.mediation_problem or log.content}",
                f"措施：{log.mediation_measures}" if log.mediation_measures else "",
                f"结果：{log.mediation_result or log.result}" if (log.mediation_result or log.result) else "",
            )
            if text
        )
    if codes & PUBLICITY_CODES or lecture is not None:
        form = "法治讲座" if lecture is not None else log.get_mode_display()
        topic = lecture.topic if lecture is not None else log.content
        publicity = f"形式：{form}；内容：{topic}"
    if codes & TRAINING_CODES:
        training = f"内容：{log.content}；形式：{log.get_mode_display()}"
    named = CONSULTATION_CODES | MEDIATION_CODES | PUBLICITY_CODES | TRAINING_CODES
    rest = [name for code, name in types if code not in named]
    if rest or not (consultation or mediation or publicity or training):
        other = f"{'、'.join(rest) or '服务'}：{log.content}"
        if log.result:
            other += f"；结果：{log.result}"
    return [
        number,
        log.service_date,
        f"{log.village.name} {log.object_name}",
        consultation,
        mediation,
        publicity,
        training,
        other,
        log.remarks,
    ]


def _ledger_logs(logs: QuerySet[WorkLog]) -> QuerySet[WorkLog]:
    return (
        logs.counted()
        .select_related("village", "lecture")
        .prefetch_related(Prefetch("service_types", queryset=ServiceType.objects.order_by("position")))
        .order_by("service_date", "start_time", "pk")
    )


def _types_of(log: WorkLog) -> list[tuple[str, str]]:
    return [(t.code, t.name) for t in log.service_types.all()]


def annual_ledger(*, advisor: Advisor, village: Village, year: int) -> Report:
    """附件3 for one advisor, village and year: one row per counted service, in date order."""
    logs = _ledger_logs(WorkLog.objects.filter(advisor=advisor, village=village, service_date__year=year))
    rows = [_ledger_row(number, log, _types_of(log)) for number, log in enumerate(logs, start=1)]
    bureau = village.township.bureau
    table = Table(
        title=bureau.form_title(LEDGER_FORM),
        subtitle=(
            f"（{year}年度）　乡镇(街道)：{village.township.name}　村(居)：{village.name}　"
            f"法律顾问：{advisor.name}"
        ),
        columns=LEDGER_COLUMNS,
        rows=rows,
        footnote=bureau.ledger_footnote(),
        sheet_name=f"{village.name}{year}"[:31],
    )
    return Report(
        title=f"村(居)法律顾问工作台账（{year}年度）",
        filename=f"工作台账-{village.name}-{advisor.name}-{year}",
        tables=[table],
        meta={"rows": len(rows)},
    )


# The log fields `_ledger_row` reads (with the village's name and the lecture's topic).
LEDGER_ROW_FIELDS = (
    "village",
    "service_date",
    "object_name",
    "content",
    "result",
    "mode",
    "remarks",
    "mediation_problem",
    "mediation_measures",
    "mediation_result",
)
CHUNK = 500  # logs read (and their service types fetched) at a time by the streamed exports


def county_ledgers(*, bureau: Bureau, year: int) -> Report:
    """Every village's annual ledger of the bureau, one table (sheet) per village, streamed: one query read
    with a server-side cursor in chunks (and per chunk its service types and villages), so a workbook written in
    write-only mode stays in constant memory."""
    logs = (
        WorkLog.objects.filter(village__township__bureau=bureau, service_date__year=year)
        .counted()
        # Only what a row shows: building model instances is most of the reading time.
        .select_related("lecture")
        .only(*LEDGER_ROW_FIELDS, "lecture__topic")
        .order_by("village__township__code", "village__code", "service_date", "start_time", "pk")
    )
    township_names = dict(Township.objects.filter(bureau=bureau).values_list("pk", "name"))
    type_names = {t.pk: (t.code, t.name) for t in _service_types()}
    through = WorkLog.service_types.through

    def chunks() -> Iterator[WorkLog]:
        batch: list[WorkLog] = []
        for log in logs.iterator(chunk_size=CHUNK):
            batch.append(log)
            if len(batch) == CHUNK:
                yield from _with_types(batch)
                batch = []
        yield from _with_types(batch)

    def _with_types(batch: list[WorkLog]) -> Iterator[WorkLog]:
        if not batch:
            return
        pairs: dict[int, list[tuple[str, str]]] = {}
        for worklog_id, type_id in through.objects.filter(worklog_id__in=[b.pk for b in batch]).values_list(
            "worklog_id", "servicetype_id"
        ):
            pairs.setdefault(worklog_id, []).append(type_names[type_id])
        # The chunk's few villages once each, rather than a copy of its village joined to every log.
        villages = Village.objects.only("name", "code", "township_id").in_bulk({b.village_id for b in batch})
        for log in batch:
            log.type_pairs = pairs.get(log.pk, [])
            log.village = villages[log.village_id]
            yield log

    def tables() -> Iterator[Table]:
        for _, village_logs in groupby(chunks(), key=lambda log: log.village_id):
            first = next(village_logs)
            village = first.village

            # Read once, while the sheet is written and before groupby moves on to the next village.
            def rows(first=first, rest=village_logs) -> Iterator[list[Any]]:  # noqa: B031
                yield _ledger_row(1, first, first.type_pairs)
                for number, log in enumerate(rest, start=2):
                    yield _ledger_row(number, log, log.type_pairs)

            yield Table(
                title=bureau.form_title(LEDGER_FORM),
                subtitle=f"（{year}年度）　乡镇(街道)：{township_names[village.township_id]}　村(居)：{village.name}",
                columns=LEDGER_COLUMNS,
                rows=rows(),
                footnote=bureau.ledger_footnote(),
                sheet_name=f"{village.name}-{village.code}"[:31],
            )

    return Report(
        title=f"{bureau.name}村(居)法律顾问工作台账（{year}年度）",
        filename=f"工作台账-{bureau.name}-{year}",
        tables=tables(),
    )


# --- grouped counts shared by forms 3 and 4 ---


def _grouped_counts(logs: QuerySet[WorkLog], key: str, *, bureau: Bureau) -> tuple[dict, dict]:
    """Two grouped queries over counted logs: per `key` the logs, hours, on-site visits and lectures; and per
    (`key`, service type code) the logs and the people served (consultations are counted in person-times)."""
    logs = logs.counted()
    totals = {
        row.pop(key): row
        for row in logs.values(key)
        .annotate(
            logs=Count("pk"),
            hours=Sum("hours"),
            onsite=Count("pk", filter=onsite(bureau.onsite_modes)),
            lectures=Count("lecture"),
            people=Sum("people_served"),
        )
        .order_by()
    }
    by_type: dict = {}
    for row in (
        logs.filter(service_types__isnull=False)
        .values(key, "service_types__code")
        .annotate(n=Count("pk"), people=Sum("people_served"))
        .order_by()
    ):
        by_type[(row[key], row["service_types__code"])] = row
    return totals, by_type


def _rollup_counts(
    rollup: QuerySet[WorkLogMonthly], key: str, types: list[ServiceType] | None = None
) -> tuple[dict, dict]:
    """What `_grouped_counts` returns, summed from the monthly rollup in one grouped query over its rows (a
    totals row has no service type; a service type's row counts its logs and people). Given the service types,
    their codes are not joined to every row."""
    codes = {t.pk: t.code for t in (_service_types() if types is None else types)}
    totals: dict = {}
    by_type: dict = {}
    for row in (
        rollup.values(key, "service_type_id")
        .annotate(
            logs_=Sum("logs"),
            hours_=Sum("hours"),
            onsite_=Sum("onsite"),
            lectures_=Sum("lectures"),
            people_=Sum("people"),
            major_=Sum("major_disputes"),
        )
        .order_by()
    ):
        group, type_id = row[key], row["service_type_id"]
        if type_id is None:
            totals[group] = {
                "logs": row["logs_"],
                "hours": row["hours_"],
                "onsite": row["onsite_"],
                "lectures": row["lectures_"],
                "people": row["people_"],
                "major_disputes": row["major_"],
            }
        else:
            code = codes[type_id]
            by_type[(group, code)] = {
                key: group,
                "service_type__code": code,
                "n": row["logs_"],
                "people": row["people_"],
            }
    return totals, by_type


def _type_count(by_type: dict, group, code: str) -> int:
    row = by_type.get((group, code))
    if row is None:
        return 0
    return int(row["people"] or 0) if code == ServiceType.CONSULTATION else row["n"]


def _type_columns(types: list[ServiceType], group: str, *, major_disputes: bool = False) -> list[Column]:
    """A column per service type; with `major_disputes`, the mediations' 其中重大疑难或信访积案 after theirs
    (seed 004's statistics table)."""
    columns = []
    for t in types:
        name = f"{t.name}（人次）" if t.code == ServiceType.CONSULTATION else t.name
        columns.append(Column(name, 8, group=group, kind="int"))
        if major_disputes and t.code == ServiceType.MEDIATION:
            columns.append(Column(MAJOR_DISPUTES_LABEL, 10, group=group, kind="int"))
    return columns


MAJOR_DISPUTES_LABEL = "其中重大疑难或信访积案"


def _sum_column(rows: list[list[Any]], index: int) -> Any:
    values = [row[index] for row in rows if isinstance(row[index], int | Decimal)]
    return sum(values, Decimal("0") if any(isinstance(v, Decimal) for v in values) else 0)


# --- 3. 乡镇(街道)月度台账汇总 ---

SUBMISSION_ON_TIME, SUBMISSION_LATE, SUBMISSION_MISSING = "按时报送", "逾期报送", "未报送"


def township_month_summary(*, township: Township, year: int, month: int) -> Report:
    """Each village of the township in one month: its advisor, logs, hours, on-site visits, services by type,
    lectures and whether its ledger was submitted on time. Five queries whatever the number of villages."""
    period = month_of(date(year, month, 1))
    month_start, month_end = period.start, period.stop  # the end exclusive
    day = max(month_start, min(month_end - timedelta(days=1), timezone.localdate()))
    villages = list(
        Village.objects.filter(township=township)
        .prefetch_related(
            Prefetch(
                "agreements",
                queryset=Agreement.objects.covering(day).select_related("advisor"),
                to_attr="agreements_in_force",
            )
        )
        .order_by("code")
    )
    types = _service_types()
    totals, by_type = _grouped_counts(
        WorkLog.objects.filter(
            village__township=township, service_date__gte=month_start, service_date__lt=month_end
        ),
        "village_id",
        bureau=township.bureau,
    )
    submissions: dict[int, list[LedgerSubmission]] = {}
    for submission in LedgerSubmission.objects.filter(
        village__township=township, year=year, month=month, submitted_at__isnull=False
    ):
        submissions.setdefault(submission.village_id, []).append(submission)

    rows = []
    for village in villages:
        agreement = next(iter(village.agreements_in_force), None)
        row = totals.get(village.pk, {})
        submitted = submissions.get(village.pk, [])
        if not submitted:
            state = SUBMISSION_MISSING
        elif any(s.is_late for s in submitted):
            state = SUBMISSION_LATE
        else:
            state = SUBMISSION_ON_TIME
        rows.append(
            [
                village.name,
                agreement.advisor.name if agreement else "—",
                row.get("logs", 0),
                row.get("hours") or Decimal("0"),
                row.get("onsite", 0),
                *(_type_count(by_type, village.pk, t.code) for t in types),
                row.get("lectures", 0),
                state,
            ]
        )
    columns = [
        Column("村(社区)", 14),
        Column("法律顾问", 10),
        Column("工作日志（条）", 8, kind="int"),
        Column("服务时长（小时）", 9, kind="decimal"),
        Column("到村服务（次）", 8, kind="int"),
        *_type_columns(types, "服务类型（次）"),
        Column("法治讲座（场）", 8, kind="int"),
        Column("台账报送", 10),
    ]
    total_row = ["合计", f"{len({r[1] for r in rows if r[1] != '—'})} 人"]
    total_row += [_sum_column(rows, i) for i in range(2, len(columns) - 1)]
    total_row.append(f"按时 {sum(r[-1] == SUBMISSION_ON_TIME for r in rows)}/{len(rows)}")
    table = Table(
        title=f"{township.name}村(居)法律顾问月度台账汇总",
        subtitle=f"{year}年{month}月　{township.office_name}",
        columns=columns,
        rows=rows,
        totals=total_row,
        footnote=township.bureau.ledger_footnote(),
        sheet_name=f"{township.name}{year}年{month}月"[:31],
    )
    return Report(
        title=table.title,
        filename=f"月度台账汇总-{township.name}-{year}年{month}月",
        tables=[table, *_late_work_tables(township, year, month)],
    )


def _late_work_tables(township: Township, year: int, month: int) -> list[Table]:
    """The work done after a ledger went in, where the bureau's rule lists it (seed 001 附件3): the previous month's
    carried into this month's ledger, or this month's 补报清单."""
    listing = month_listing(
        logs=WorkLog.objects.filter(village__township=township)
        .exclude(status=WorkLog.Status.DRAFT)
        .select_related("village"),
        township=township,
        year=year,
        month=month,
    )
    columns = [
        Column("村(社区)", 14),
        Column("服务日期", 10),
        Column("服务对象", 12),
        Column("服务类型", 16),
        Column("服务时长（小时）", 9, kind="decimal"),
        Column("备注", 20),
    ]

    def rows(logs, note):
        return [
            [
                log.village.name,
                f"{log.service_date:%Y-%m-%d}",
                log.object_name,
                type_names(log),
                log.hours,
                note(log),
            ]
            for log in logs
        ]

    tables = []
    if listing.carried_in:
        tables.append(
            Table(
                title=f"{township.name}上月台账报送后服务记录（计入本月台账）",
                subtitle=f"{year}年{month}月　{township.office_name}",
                columns=columns,
                rows=rows(listing.carried_in, lambda log: f"上月台账{log.submitted_on:%-m月%-d日}报送后"),
                sheet_name="上月报送后服务",
            )
        )
    if listing.late_list:
        tables.append(
            Table(
                title=f"{township.name}{year}年{month}月补报清单",
                subtitle=f"本月台账报送后至月底的服务　{township.office_name}",
                columns=columns,
                rows=rows(listing.late_list, lambda log: f"本月台账{log.submitted_on:%-m月%-d日}报送后"),
                sheet_name="补报清单",
            )
        )
    return tables


# --- 4. 工作情况统计表 ---

STATISTICS_BY_TOWNSHIP, STATISTICS_BY_ADVISOR = "township", "advisor"
_STATISTICS_FIRST = {
    STATISTICS_BY_TOWNSHIP: ([Column("乡镇(街道)", 14)], "township_id", "按乡镇(街道)"),
    STATISTICS_BY_ADVISOR: ([Column("法律顾问", 10), Column("所在机构", 20)], "advisor_id", "按法律顾问"),
}
_STATISTICS_AFTER = [
    Column("法治讲座（场）", 8, kind="int"),
    Column("到村服务（次）", 8, kind="int"),
    Column("服务时长（小时）", 9, kind="decimal"),
    Column("工作日志（条）", 8, kind="int"),
]


def _statistics_rollup(bureau: Bureau, year: int, half: int | None) -> QuerySet[WorkLogMonthly]:
    """The period's monthly rollup rows (ledger/rollups.py), not the logs: a half-year is whole months."""
    start, end, _period = _half_bounds(year, half)
    return WorkLogMonthly.objects.filter(
        bureau=bureau, year=year, month__gte=start.month, month__lte=(end - timedelta(days=1)).month
    )


def _statistics_numbers(totals: dict, by_type: dict, group, types: list[ServiceType]) -> list[Any]:
    """The counted columns of one row of the form: the services by type, lectures, visits, hours and logs."""
    row = totals.get(group, {})
    services = []
    for t in types:
        services.append(_type_count(by_type, group, t.code))
        if t.code == ServiceType.MEDIATION:
            services.append(row.get("major_disputes") or 0)
    return [
        *services,
        row.get("lectures", 0),
        row.get("onsite", 0),
        row.get("hours") or Decimal("0"),
        row.get("logs", 0),
    ]


def _statistics_table(
    bureau: Bureau, year: int, half: int | None, by: str, types: list[ServiceType], rows, totals
) -> Table:
    start, end, period = _half_bounds(year, half)
    first, _key, label = _STATISTICS_FIRST[by]
    return Table(
        title=f"{bureau.name}村(居)法律顾问工作情况统计表（{label}）",
        subtitle=f"统计期间：{period}（{start:%Y-%m-%d} 至 {end - timedelta(days=1):%Y-%m-%d}）",
        columns=[*first, *_type_columns(types, "服务事项（件/次）", major_disputes=True), *_STATISTICS_AFTER],
        rows=rows,
        totals=totals,
        sheet_name=label,
    )


def _statistics_names(by: str, item: Township | Advisor) -> list[str]:
    if by == STATISTICS_BY_TOWNSHIP:
        return [item.name]
    return [item.name, item.firm.name if item.firm_id else ""]


def statistics_title(*, bureau: Bureau, year: int, half: int | None = None) -> str:
    return f"{bureau.name}村(居)法律顾问工作情况统计表（{_half_bounds(year, half)[2]}）"


def work_statistics(*, bureau: Bureau, year: int, half: int | None = None) -> Report:
    """The bureau's half-year or year: by township and by advisor, the services by type (consultations in
    person-times), lectures, on-site visits, hours and logs, with a totals row. Two grouped queries over the monthly
    rollup (ledger/rollups.py, kept current on every write of a log) and two lists: the whole form, for the
    downloads (the HTML preview shows a page at a time, `statistics_page_table`)."""
    _start, _end, period = _half_bounds(year, half)
    types = _service_types()
    rollup = _statistics_rollup(bureau, year, half)

    def table(by: str, items: list) -> Table:
        first, key, _label = _STATISTICS_FIRST[by]
        totals, by_type = _rollup_counts(rollup, key, types)
        rows = [
            [*_statistics_names(by, i), *_statistics_numbers(totals, by_type, i.pk, types)] for i in items
        ]
        total_row = ["合计", *([""] * (len(first) - 1))]
        counted = len(_type_columns(types, "", major_disputes=True)) + len(_STATISTICS_AFTER)
        total_row += [_sum_column(rows, i) for i in range(len(first), len(first) + counted)]
        return _statistics_table(bureau, year, half, by, types, rows, total_row)

    return Report(
        title=statistics_title(bureau=bureau, year=year, half=half),
        filename=f"工作情况统计表-{bureau.name}-{period}",
        tables=[
            table(STATISTICS_BY_TOWNSHIP, list(statistics_townships(bureau))),
            table(STATISTICS_BY_ADVISOR, list(statistics_advisors(bureau=bureau, year=year, half=half))),
        ],
    )


def statistics_columns(types: list[ServiceType] | None = None) -> list[Column]:
    """The counted columns of the statistics form (seed 004's categories, then lectures, visits, hours and logs), as
    `bureaus_statistics` fills them: for a table of another shape (by bureau, oversight/)."""
    types = _service_types() if types is None else types
    return [*_type_columns(types, "服务事项（件/次）", major_disputes=True), *_STATISTICS_AFTER]


def statistics_keys(types: list[ServiceType] | None = None) -> list[str]:
    """What each of `statistics_columns` counts, by name: the service types' codes (consultation in person-times),
    "major_disputes" after the mediations, then "lectures", "onsite", "hours" and "logs"."""
    types = _service_types() if types is None else types
    keys = []
    for t in types:
        keys.append(t.code)
        if t.code == ServiceType.MEDIATION:
            keys.append("major_disputes")
    return [*keys, "lectures", "onsite", "hours", "logs"]


def service_types() -> list[ServiceType]:
    """The service types in the form's order."""
    return _service_types()


def statistics_totals_row(rows: list[list[Any]], start: int = 0) -> list[Any]:
    """The form's column sums of `rows` from column `start` on (numbers summed, text left empty)."""
    width = len(rows[0]) if rows else 0
    return [_sum_column(rows, index) for index in range(start, width)]


def bureaus_statistics(
    *,
    bureau_ids: Iterable[int],
    year: int,
    first_month: int,
    last_month: int,
    types: list[ServiceType] | None = None,
) -> dict[int, list[Any]]:
    """The statistics form's counted columns (`statistics_columns`) per bureau over whole months of one year, summed
    from the monthly rollup in one grouped query whatever the number of bureaus (with the service types given, one
    in all). A bureau without counted logs in the months has zeros."""
    types = _service_types() if types is None else types
    ids = list(bureau_ids)
    rollup = WorkLogMonthly.objects.filter(
        bureau_id__in=ids, year=year, month__gte=first_month, month__lte=last_month
    )
    totals, by_type = _rollup_counts(rollup, "bureau_id", types)
    return {pk: _statistics_numbers(totals, by_type, pk, types) for pk in ids}


def statistics_townships(bureau: Bureau) -> QuerySet[Township]:
    """The rows of the form by township: every township of the bureau, in code order."""
    return Township.objects.filter(bureau=bureau).order_by("code")


def statistics_advisors(
    *, bureau: Bureau, year: int, half: int | None = None, township: Township | None = None
) -> QuerySet[Advisor]:
    """The rows of the form by advisor: the advisors with counted logs in the period (in `township` only, when
    given), by name."""
    rollup = _statistics_rollup(bureau, year, half).filter(service_type__isnull=True)
    if township is not None:
        rollup = rollup.filter(township=township)
    return (
        Advisor.objects.filter(pk__in=rollup.values("advisor_id"))
        .select_related("firm")
        .only(
            "name", "firm__name"
        )  # narrow rows to sort: a page far down sorts every advisor of the province
        .order_by("name", "pk")
    )


def statistics_page_table(
    *,
    bureau: Bureau,
    year: int,
    half: int | None,
    by: str,
    items: list[Township] | list[Advisor],
    township: Township | None = None,
) -> Table:
    """One page of a table of the form for the HTML preview: the rows of `items` (a page of
    `statistics_townships` or `statistics_advisors`) and the totals of every page (the bureau's, or the township's
    when the advisors are those of `township`, counting only their work there). Three queries whatever the size of
    the bureau: the service types, the page's rows, the totals."""
    types = _service_types()
    rollup = _statistics_rollup(bureau, year, half)
    first, key, _label = _STATISTICS_FIRST[by]
    if township is not None:
        rollup = rollup.filter(township=township)
    totals, by_type = _rollup_counts(rollup.filter(**{f"{key}__in": [i.pk for i in items]}), key, types)
    rows = [[*_statistics_names(by, i), *_statistics_numbers(totals, by_type, i.pk, types)] for i in items]
    # Every row of the rollup is the bureau's (and, filtered, the township's): one group is the whole table.
    whole, whole_by_type = _rollup_counts(rollup, "bureau_id", types)
    total_row = [
        "合计",
        *([""] * (len(first) - 1)),
        *_statistics_numbers(whole, whole_by_type, bureau.pk, types),
    ]
    return _statistics_table(bureau, year, half, by, types, rows, total_row)
