"""Past annual ledgers (工作台账, seed 001 附件3, the layout `ledger.reports.annual_ledger` exports) read back as
work logs marked imported: counted in the statistics and reviews, never sent for confirmation or verification and
never notified (they are stored 已核查 with `source=imported`, written in bulk, so no workflow service runs).

Columns are found by their header names, not their positions, so a column added to the form does not shift the
others. Each row is read as the inverse of `ledger.reports._ledger_row` (问题：…；措施：…；结果：… and so on), so a
workbook this system exported comes back as logs that export to the same rows. A row equal to a row the village's
ledger already shows is not imported again: importing the same workbook twice adds nothing.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from advisors.models import Agreement
from audit.services import BULK_CHANGE, audit_event
from ledger import reports, rollups
from ledger.models import Lecture, ServiceMode, ServiceType, WorkLog
from villages.models import Bureau, Village

from .results import ImportResult, RowError, SheetResult
from .sheets import header_name, text

SUBTITLE_YEAR = re.compile(r"（(\d{4})年度）")
SUBTITLE_TOWNSHIP = re.compile(r"乡镇\(街道\)：(\S+)")
SUBTITLE_VILLAGE = re.compile(r"村\(居\)：(\S+)")
SUBTITLE_ADVISOR = re.compile(r"法律顾问：(\S+)")
SHEET_CODE = re.compile(r"-(\w+)$")
LECTURE_FORM = "法治讲座"
IMPORTED_OUTLINE = "（由历史工作台账导入，提纲未随台账提供）"

# The role of each column of the form, told by the start of its header.
DATE, OBJECT, CONSULTATION, MEDIATION, PUBLICITY, TRAINING, OTHER, REMARKS, IGNORED = (
    "date",
    "object",
    "consultation",
    "mediation",
    "publicity",
    "training",
    "other",
    "remarks",
    "ignored",
)
ROLES = (
    ("时间", DATE),
    ("服务对象", OBJECT),
    ("法律咨询", CONSULTATION),
    ("纠纷调解", MEDIATION),
    ("法治宣传", PUBLICITY),
    ("培训", TRAINING),
    ("其他", OTHER),
    ("备注", REMARKS),
    ("序号", IGNORED),
)


@dataclass
class ParsedRow:
    number: int
    day: date
    cells: dict[str, Any]  # header label -> value, to compare with the rows already in the ledger
    object_name: str = ""
    content: str = ""
    result: str = ""
    remarks: str = ""
    mode: str = ServiceMode.OTHER
    mediation: tuple[str, str, str] = ("", "", "")
    lecture_topic: str | None = None
    type_codes: list[str] = field(default_factory=list)


def _labelled(value: str, labels: list[str]) -> dict[str, str] | None:
    """ "问题：A；措施：B；结果：C" -> {"问题": "A", "措施": "B", "结果": "C"} (later labels optional); None when
    the text does not start with the first label."""
    if not value.startswith(f"{labels[0]}："):
        return None
    pattern = "；(?=(?:" + "|".join(map(re.escape, labels[1:])) + ")：)"
    parts: dict[str, str] = {}
    for part in re.split(pattern, value):
        label, _sep, rest = part.partition("：")
        parts[label] = rest
    return parts


def _columns(header_rows: list[tuple], type_names: dict[str, str]) -> dict[int, tuple[str, str]]:
    """Column index -> (role, label). A column named after a service type (法律咨询) counts that type."""
    top, bottom = header_rows[0], header_rows[1] if len(header_rows) > 1 else ()
    columns = {}
    for index, cell in enumerate(top):
        label = header_name(bottom[index] if index < len(bottom) and bottom[index] else cell)
        if not label:
            continue
        role = next((r for prefix, r in ROLES if label.startswith(prefix)), None)
        if role is None:
            role = next((f"type:{code}" for name, code in type_names.items() if label.startswith(name)), None)
        columns[index] = (role or "", label)
    return columns


def _parse_row(
    number: int, values: tuple, columns, village: Village, type_codes: dict[str, str]
) -> ParsedRow:
    cells = {label: values[i] if i < len(values) else None for i, (_role, label) in columns.items()}
    by_role = {role: text(values[i]) if i < len(values) else "" for i, (role, _label) in columns.items()}
    raw_day = next((values[i] for i, (role, _l) in columns.items() if role == DATE and i < len(values)), None)
    if isinstance(raw_day, datetime):
        raw_day = raw_day.date()
    if not isinstance(raw_day, date):
        raise RowError("时间", _("“%(value)s”不是日期。") % {"value": text(raw_day)})
    row = ParsedRow(number=number, day=raw_day, cells=cells, remarks=by_role.get(REMARKS, ""))
    unknown = [
        label
        for i, (role, label) in columns.items()
        if not role and text(values[i] if i < len(values) else None)
    ]
    if unknown:
        raise RowError(unknown[0], _("无法识别的列“%(label)s”，其内容不能导入。") % {"label": unknown[0]})
    who = by_role.get(OBJECT, "")
    row.object_name = who[len(village.name) + 1 :] if who.startswith(f"{village.name} ") else who
    contents: list[str] = []

    consultation = by_role.get(CONSULTATION, "")
    if consultation:
        parts = _labelled(consultation, ["问题", "解答"]) or {"问题": consultation}
        contents.append(parts.get("问题", ""))
        answer = parts.get("解答", "")
        row.type_codes.append("consultation")
    mediation = by_role.get(MEDIATION, "")
    if mediation:
        parts = _labelled(mediation, ["问题", "措施", "结果"]) or {"问题": mediation}
        row.mediation = (parts.get("问题", ""), parts.get("措施", ""), parts.get("结果", ""))
        row.type_codes.append("mediation")
    publicity = by_role.get(PUBLICITY, "")
    if publicity:
        parts = _labelled(publicity, ["形式", "内容"]) or {"内容": publicity}
        form, topic = parts.get("形式", ""), parts.get("内容", "")
        if form == LECTURE_FORM:
            row.lecture_topic = topic
        else:
            row.mode = _mode(form, row.mode)
            contents.append(topic)
        row.type_codes.append("publicity")
    training = by_role.get(TRAINING, "")
    if training:
        parts = _labelled(training, ["内容", "形式"]) or {"内容": training}
        contents.append(parts.get("内容", ""))
        row.mode = _mode(parts.get("形式", ""), row.mode)
        row.type_codes.append("mediator_training")
    other = by_role.get(OTHER, "")
    if other:
        names, _sep, rest = other.partition("：")
        known = [type_codes.get(name) for name in names.split("、")]
        if names == "服务":
            pass
        elif rest and all(known):
            row.type_codes += [code for code in known if code not in row.type_codes]
        else:
            rest = other
            row.type_codes.append("other")
        content, _sep, result = rest.rpartition("；结果：") if "；结果：" in rest else (rest, "", "")
        contents.insert(0, content)
        row.result = result
    if consultation and not row.result:
        row.result = answer
    for role, value in by_role.items():
        if role.startswith("type:") and value:
            code = role.removeprefix("type:")
            row.type_codes.append(code) if code not in row.type_codes else None
            contents.append(value)
    row.content = (
        next((c for c in contents if c), "") or row.mediation[0] or row.lecture_topic or row.object_name
    )
    if not row.object_name:
        raise RowError("服务对象所属村(居)及姓名", _("请填写服务对象。"))
    return row


def _mode(label: str, default: str) -> str:
    return next((value for value, name in ServiceMode.choices if str(name) == label), default)


def _normal(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, Decimal | int | float | date):
        return value
    return text(value)


def _existing_rows(village: Village, year: int, labels: list[str]) -> Counter:
    """The rows the village's ledgers show now (each advisor's, `ledger.reports.annual_ledger`), keyed on `labels`."""
    advisors = {
        a.advisor
        for a in Agreement.objects.filter(
            village=village, start_date__year__lte=year, end_date__year__gte=year
        ).select_related("advisor", "village__township__bureau")
    }
    rows: Counter = Counter()
    for advisor in advisors:
        for table in reports.annual_ledger(advisor=advisor, village=village, year=year).tables:
            positions = {c.label: i for i, c in enumerate(table.columns)}
            if not all(label in positions for label in labels):
                continue  # a layout without one of the workbook's columns: nothing to compare with
            rows.update(tuple(_normal(row[positions[label]]) for label in labels) for row in table.rows)
    return rows


def _find_village(bureau: Bureau, ws, subtitle: str) -> Village:
    villages = Village.objects.filter(township__bureau=bureau).select_related("township")
    code = SHEET_CODE.search(ws.title)
    if code and (village := villages.filter(code=code.group(1)).first()):
        return village
    township, name = SUBTITLE_TOWNSHIP.search(subtitle), SUBTITLE_VILLAGE.search(subtitle)
    if not name:
        raise RowError("村(居)", _("表头没有“村(居)：”，无法确定村(社区)。"))
    matches = villages.filter(name=name.group(1))
    if township:
        matches = matches.filter(township__name=township.group(1))
    found = list(matches[:2])
    if len(found) != 1:
        raise RowError(
            "村(居)",
            _("找不到乡镇(街道)“%(t)s”的村(社区)“%(v)s”。")
            % {"t": township.group(1) if township else "", "v": name.group(1)}
            if not found
            else _("村(社区)“%(v)s”对应多个村，请在表头写明乡镇(街道)。") % {"v": name.group(1)},
        )
    return found[0]


@dataclass
class _Plan:
    logs: list[WorkLog] = field(default_factory=list)
    types: list[list[str]] = field(default_factory=list)
    lectures: list[str | None] = field(default_factory=list)


def _read_sheet(bureau: Bureau, ws, sheet: SheetResult, plan: _Plan, type_codes: dict[str, str], by) -> None:
    rows = list(ws.iter_rows(values_only=True))
    subtitle = next((text(c) for r in rows[:3] for c in r if "村(居)：" in text(c)), "")
    header_at = next((i for i, r in enumerate(rows[:10]) if any(header_name(c) == "时间" for c in r)), None)
    if header_at is None:
        sheet.error(row=1, column="时间", message=_("找不到表头（“时间”列），该工作表不是工作台账。"))
        return
    year_match = SUBTITLE_YEAR.search(subtitle)
    try:
        village = _find_village(bureau, ws, subtitle)
        if not year_match:
            raise RowError("年度", _("表头没有“（某年度）”。"))
    except RowError as error:
        sheet.error(row=2, column=error.column, message=error.message)
        return
    year = int(year_match.group(1))
    advisor_match = SUBTITLE_ADVISOR.search(subtitle)
    second = rows[header_at + 1] if header_at + 1 < len(rows) else ()
    grouped = any(c is not None for c in second) and not isinstance(
        second[0] if second else None, datetime | date
    )
    header_rows = [rows[header_at], second] if grouped else [rows[header_at]]
    columns = _columns(header_rows, {name: code for code, name in type_codes.items()})
    existing = _existing_rows(village, year, [label for _role, label in columns.values()])
    label_order = [
        c.label for c in reports.LEDGER_COLUMNS if c.label in {label for _r, label in columns.values()}
    ]
    name_codes = {name: code for code, name in type_codes.items()}
    agreements = list(
        Agreement.objects.in_force()
        .filter(village=village)
        .select_related("advisor__firm")
        .order_by("start_date")
    )
    now = timezone.now()
    for number, values in enumerate(
        rows[header_at + len(header_rows) :], start=header_at + len(header_rows) + 1
    ):
        if not values or all(v in (None, "") for v in values):
            continue
        if text(values[0]).startswith("注："):
            break
        try:
            row = _parse_row(number, values, columns, village, name_codes)
            if row.day.year != year:
                raise RowError(
                    "时间", _("日期 %(day)s 不在台账年度 %(year)s 年内。") % {"day": row.day, "year": year}
                )
            key = tuple(_normal(row.cells.get(label)) for label in label_order)
            if existing[key] > 0:
                existing[key] -= 1
                sheet.add(row=number, action="unchanged", key="")
                continue
            agreement = next(
                (
                    a
                    for a in agreements
                    if a.start_date <= row.day <= a.end_date
                    and (not advisor_match or a.advisor.name == advisor_match.group(1))
                ),
                None,
            )
            if agreement is None:
                who = advisor_match.group(1) if advisor_match else _("任一顾问")
                raise RowError(
                    "时间",
                    _("%(day)s %(village)s没有%(who)s的生效协议，请先导入顾问协议。")
                    % {"day": row.day, "village": village.name, "who": who},
                )
            log = WorkLog(
                agreement=agreement,
                advisor=agreement.advisor,
                village=village,
                firm_name=agreement.advisor.firm.name,
                service_date=row.day,
                start_time=time(0, 0),
                end_time=time(0, 0),
                hours=Decimal("0"),
                mode=row.mode,
                object_name=row.object_name,
                content=row.content,
                result=row.result,
                remarks=row.remarks,
                mediation_problem=row.mediation[0],
                mediation_measures=row.mediation[1],
                mediation_result=row.mediation[2],
                status=WorkLog.Status.VERIFIED,
                submitted_at=now,
                source=WorkLog.Source.IMPORTED,
                created_by=by,
            )
            log.clean_fields(exclude=["agreement", "advisor", "village", "created_by", "hours"])
        except RowError as error:
            sheet.error(row=number, column=error.column, message=error.message)
            continue
        except ValidationError as error:
            sheet.validation_error(
                row=number,
                error=error,
                headers={"object_name": "服务对象所属村(居)及姓名", "remarks": "备注"},
                key="其他",
            )
            continue
        plan.logs.append(log)
        plan.types.append(row.type_codes)
        plan.lectures.append(row.lecture_topic)
        sheet.add(row=number, action="create", key=f"{village.name} {row.day} {row.object_name}")


def ledger_import(*, bureau: Bureau, wb, by, commit: bool, tick=lambda: None) -> ImportResult:
    """Read every sheet; with `commit`, write the new logs (with their service types and lectures) in bulk and
    rebuild the statistics' monthly rollup of the months they fall in."""
    result = ImportResult()
    type_codes = {t.code: t.name for t in ServiceType.objects.all()}
    plan = _Plan()
    for ws in wb.worksheets:
        _read_sheet(bureau, ws, result.sheet(ws.title), plan, type_codes, by)
        tick()
    if commit and plan.logs and not result.has_errors:
        _write(bureau, plan, by)
    return result


@transaction.atomic
def _write(bureau: Bureau, plan: _Plan, by) -> None:
    logs = WorkLog.objects.bulk_create(plan.logs, batch_size=500)
    types = dict(ServiceType.objects.values_list("code", "pk"))
    through = WorkLog.service_types.through
    through.objects.bulk_create(
        [
            through(worklog_id=log.pk, servicetype_id=types[c])
            for log, codes in zip(logs, plan.types, strict=True)
            for c in codes
        ],
        batch_size=1000,
    )
    now = timezone.now()
    Lecture.objects.bulk_create(
        [
            Lecture(worklog=log, topic=topic, outline=IMPORTED_OUTLINE, received_at=now, received_by=by)
            for log, topic in zip(logs, plan.lectures, strict=True)
            if topic is not None
        ]
    )
    for year, month in sorted({(log.service_date.year, log.service_date.month) for log in logs}):
        rollups.rebuild_month(year, month, bureau_ids=[bureau.pk])
    # Written in bulk (auditlog's per-row signals do not fire): one entry for the lot.
    audit_event(
        BULK_CHANGE,
        user=by,
        detail=_("历史台账导入 %(n)s 条工作日志") % {"n": len(logs)},
        data={"bureau": bureau.pk, "logs": len(logs)},
    )
