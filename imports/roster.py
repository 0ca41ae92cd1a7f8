"""The roster workbook (乡镇、村、律师事务所、法律顾问、顾问协议、村联络员): its template, its export with the bureau's
data, and the import of one row of each sheet.

Rows are checked in sheet order against the bureau's roster in memory (imports/state.py) as the rows before left
it: a village row finds the township the sheet before added, an agreement row runs the agreement rules against the
agreements stored and those of the rows before. The preview only checks; the confirmation checks again and writes
everything in one transaction only if no row failed (imports/services.py). A row equal to what is stored is left
alone, so importing the same workbook twice changes nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import Role
from advisors.models import Advisor, Agreement, Firm
from common.masking import MOBILE_RE
from villages.models import Bureau, Township, Village

from .results import RowError, SheetResult
from .sheets import (
    NO,
    YES,
    Col,
    choice_label,
    parse_bool,
    parse_choice,
    parse_date,
    parse_decimal,
    text,
)
from .state import RosterState, clone

TOWNSHIPS, VILLAGES, FIRMS, ADVISORS, AGREEMENTS, LIAISONS = (
    "乡镇(街道)",
    "村(社区)",
    "律师事务所",
    "法律顾问",
    "顾问协议",
    "村联络员",
)
LOGIN_NOTE = "可不填：新建账号的登录名，不填时顾问用执业证号、联络员用手机号；已有账号的不改"


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: list[Col]
    key: str  # the header of the natural key, named in errors that span columns
    apply: Callable[[RosterState, dict[str, Any]], tuple[str, str, list[str]]]
    rows: Callable[[Bureau], list[list[Any]]]  # the bureau's data for the export, in column order
    example: list[Any]

    @property
    def headers(self) -> dict[str, str]:
        return {c.field: c.header for c in self.columns}

    def col(self, header: str) -> Col:
        return next(c for c in self.columns if c.header == header)


# --- shared pieces of the row handlers ---


def _required(row: dict, sheet: Sheet) -> None:
    for col in sheet.columns:
        if col.required and not text(row.get(col.header)):
            raise RowError(col.header, _("必填，不能为空。"))


def _mobile(value: str, column: str) -> str:
    if not MOBILE_RE.fullmatch(value):
        raise RowError(column, _("“%(value)s”不是有效的手机号码（11 位，以 1 开头）。") % {"value": value})
    return value


FK_FIELDS = ("bureau", "township", "firm", "user", "liaison", "advisor", "village", "previous")


def _store(state: RosterState, existing, new, values: dict[str, Any], sheet: Sheet) -> tuple[str, list[str]]:
    """Set `values` on a copy of the stored object (or on the new one) and check every field rule; an object equal
    to `values` is left alone. Returns the action and the changed columns."""
    if existing is None:
        obj, changed = new, list(values)
    else:
        changed = [name for name, value in values.items() if getattr(existing, name) != value]
        if not changed:
            return "unchanged", []
        obj = clone(existing)
    for name, value in values.items():
        setattr(obj, name, value)
    obj.clean_fields(exclude=[f for f in FK_FIELDS if hasattr(obj, f"{f}_id")])
    obj.clean()
    if existing is None:
        state.add(obj)
        return "create", []
    state.change(existing, obj, set(changed))
    return "update", [sheet.headers.get(name, name) for name in changed]


def _village(state: RosterState, township_name: str, village: str) -> Village:
    """A village named by its code, or by its name (with its township when two townships have the name)."""
    if village in state.villages:
        return state.villages[village]
    found = [
        v for (t, name), v in state.village_names.items() if name == village and t == (township_name or t)
    ]
    if not found:
        where = township_name or _("本司法局")
        raise RowError(
            VILLAGES, _("%(where)s没有名为“%(name)s”的村(社区)。") % {"where": where, "name": village}
        )
    if len(found) > 1:
        raise RowError(
            VILLAGES,
            _("“%(name)s”对应多个村(社区)（%(towns)s），请填写乡镇(街道)列或改填行政区划代码。")
            % {"name": village, "towns": "、".join(v.township.name for v in found)},
        )
    return found[0]


def _username(state: RosterState, username: str) -> str:
    if username in state.taken_usernames:
        raise RowError("登录名", _("登录名“%(name)s”已被使用，请换一个。") % {"name": username})
    try:
        get_user_model()(username=username).clean_fields(exclude=["password"])
    except ValidationError as error:
        raise RowError("登录名", " ".join(error.message_dict.get("username", error.messages))) from None
    return username


# --- 乡镇(街道) ---

TOWNSHIP_COLUMNS = [
    Col("名称", "name", True, "必填；同一司法局内不能重名", width=14),
    Col("类型", "kind", False, "镇、乡或街道；不填为镇", choices=Township.Kind, width=8),
    Col("代码", "code", True, "必填；乡镇(街道)的行政区划代码，用于识别已有乡镇，导入后不要改", width=14),
    Col("司法所名称", "office_name", True, "必填", width=18),
    Col("司法所地址", "office_address", width=24),
    Col("司法所电话", "office_phone", False, "如 0375-1234567", width=16),
]


def _township_row(state: RosterState, row: dict) -> tuple[str, str, list[str]]:
    sheet = SHEETS[TOWNSHIPS]
    _required(row, sheet)
    code = text(row["代码"])
    if code in state.foreign["township"]:
        raise RowError("代码", _("代码“%(code)s”已被其他司法局的乡镇使用。") % {"code": code})
    township = state.townships.get(code)
    values = {
        "name": text(row["名称"]),
        "kind": parse_choice(row.get("类型"), sheet.col("类型")) or Township.Kind.TOWN,
        "code": code,
        "office_name": text(row["司法所名称"]),
        "office_address": text(row.get("司法所地址")),
        "office_phone": text(row.get("司法所电话")),
    }
    same_name = state.township_names.get(values["name"])
    if same_name is not None and same_name.code != code:
        raise RowError(
            "名称",
            _("已有名为“%(name)s”的乡镇(街道)（代码 %(code)s），不能重名。")
            % {"name": values["name"], "code": same_name.code},
        )
    action, changes = _store(state, township, Township(bureau=state.bureau), values, sheet)
    return action, code, changes


def _township_rows(bureau: Bureau) -> list[list[Any]]:
    kind = TOWNSHIP_COLUMNS[1]
    return [
        [t.name, choice_label(kind, t.kind), t.code, t.office_name, t.office_address, t.office_phone]
        for t in Township.objects.filter(bureau=bureau).order_by("code")
    ]


# --- 村(社区) ---

VILLAGE_COLUMNS = [
    Col("乡镇(街道)", "township", True, "必填；从下拉列表选，须是“乡镇(街道)”表或系统中已有的乡镇", width=14),
    Col("名称", "name", True, "必填；同一乡镇内不能重名", width=14),
    Col("类型", "kind", False, "村或社区；不填为村", choices=Village.Kind, width=8),
    Col("行政区划代码", "code", True, "必填；12 位以内，用于识别已有村(社区)，导入后不要改", width=16),
    Col("村(居)委会地址", "address", width=24),
    Col("驻点时间", "onsite_hours", False, "向群众公示，如：每月第一个周三 9:00-12:00", width=24),
]


def _village_row(state: RosterState, row: dict) -> tuple[str, str, list[str]]:
    sheet = SHEETS[VILLAGES]
    _required(row, sheet)
    code = text(row["行政区划代码"])
    if code in state.foreign["village"]:
        raise RowError("行政区划代码", _("代码“%(code)s”已被其他司法局的村(社区)使用。") % {"code": code})
    village = state.villages.get(code)
    township_name = text(row["乡镇(街道)"])
    township = state.township_names.get(township_name)
    if township is None:
        raise RowError("乡镇(街道)", _("没有名为“%(name)s”的乡镇(街道)。") % {"name": township_name})
    values = {
        "township": township,
        "name": text(row["名称"]),
        "kind": parse_choice(row.get("类型"), sheet.col("类型")) or Village.Kind.VILLAGE,
        "code": code,
        "address": text(row.get("村(居)委会地址")),
        "onsite_hours": text(row.get("驻点时间")),
    }
    same_name = state.village_names.get((township_name, values["name"]))
    if same_name is not None and same_name.code != code:
        raise RowError(
            "名称",
            _("%(township)s已有名为“%(name)s”的村(社区)（代码 %(code)s），同一乡镇内不能重名。")
            % {"township": township_name, "name": values["name"], "code": same_name.code},
        )
    action, changes = _store(state, village, Village(), values, sheet)
    return action, code, changes


def _village_rows(bureau: Bureau) -> list[list[Any]]:
    kind = VILLAGE_COLUMNS[2]
    return [
        [v.township.name, v.name, choice_label(kind, v.kind), v.code, v.address, v.onsite_hours]
        for v in Village.objects.filter(township__bureau=bureau).select_related("township").order_by("code")
    ]


# --- 律师事务所 ---

FIRM_COLUMNS = [
    Col("名称", "name", True, "必填；同一司法局内不能重名，用于识别已有机构", width=22),
    Col("类型", "kind", False, "不填为律师事务所", choices=Firm.Kind, width=14),
    Col("执业许可证号/统一社会信用代码", "licence_number", width=24),
    Col("地址", "address", width=24),
    Col("电话", "phone", False, "如 0375-1234567", width=16),
]


def _firm_row(state: RosterState, row: dict) -> tuple[str, str, list[str]]:
    sheet = SHEETS[FIRMS]
    _required(row, sheet)
    name = text(row["名称"])
    firm = state.firms.get(name)
    values = {
        "name": name,
        "kind": parse_choice(row.get("类型"), sheet.col("类型")) or Firm.Kind.LAW_FIRM,
        "licence_number": text(row.get("执业许可证号/统一社会信用代码")),
        "address": text(row.get("地址")),
        "phone": text(row.get("电话")),
    }
    action, changes = _store(state, firm, Firm(bureau=state.bureau), values, sheet)
    return action, name, changes


def _firm_rows(bureau: Bureau) -> list[list[Any]]:
    kind = FIRM_COLUMNS[1]
    return [
        [f.name, choice_label(kind, f.kind), f.licence_number, f.address, f.phone]
        for f in Firm.objects.filter(bureau=bureau).order_by("name")
    ]


# --- 法律顾问 ---

ADVISOR_COLUMNS = [
    Col("姓名", "name", True, width=10),
    Col("执业证号", "licence_number", True, "必填；用于识别已有顾问，导入后不要改", width=20),
    Col("类别", "kind", False, "不填为律师", choices=Advisor.Kind, width=14),
    Col("所在机构", "firm", True, "必填；“律师事务所”表或系统中已有的机构名称", width=22),
    Col("手机号", "mobile", True, "必填；11 位手机号，不公开", width=14),
    Col("公开工作电话", "work_phone", False, "在公示栏和公开页面展示", width=16),
    Col("在岗", "is_active", False, "是或否；不填为是", kind="bool", width=6),
    Col("登录名", "user", False, LOGIN_NOTE, width=16),
]


def _advisor_row(state: RosterState, row: dict) -> tuple[str, str, list[str]]:
    sheet = SHEETS[ADVISORS]
    _required(row, sheet)
    licence = text(row["执业证号"])
    if licence in state.foreign["advisor"]:
        raise RowError("执业证号", _("执业证号“%(n)s”已是其他司法局的顾问。") % {"n": licence})
    advisor = state.advisors.get(licence)
    firm_name = text(row["所在机构"])
    firm = state.firms.get(firm_name)
    if firm is None:
        raise RowError(
            "所在机构", _("没有名为“%(name)s”的机构，请先在“律师事务所”表中填写。") % {"name": firm_name}
        )
    values = {
        "name": text(row["姓名"]),
        "licence_number": licence,
        "kind": parse_choice(row.get("类别"), sheet.col("类别")) or Advisor.Kind.LAWYER,
        "firm": firm,
        "mobile": _mobile(text(row["手机号"]), "手机号"),
        "work_phone": text(row.get("公开工作电话")),
        "is_active": parse_bool(row.get("在岗"), "在岗", default=True),
    }
    if advisor is None or advisor.user_id is None:
        values["user"] = state.new_account(
            username=_username(state, text(row.get("登录名")) or licence),
            role=Role.ADVISOR,
            full_name=values["name"],
        )
    action, changes = _store(state, advisor, Advisor(bureau=state.bureau), values, sheet)
    return action, licence, changes


def _advisor_rows(bureau: Bureau) -> list[list[Any]]:
    kind = ADVISOR_COLUMNS[2]
    return [
        [
            a.name,
            a.licence_number,
            choice_label(kind, a.kind),
            a.firm.name,
            a.mobile,
            a.work_phone,
            YES if a.is_active else NO,
            a.user.username if a.user else "",
        ]
        for a in Advisor.objects.filter(bureau=bureau)
        .select_related("firm", "user")
        .order_by("licence_number")
    ]


# --- 顾问协议 ---

AGREEMENT_COLUMNS = [
    Col("执业证号", "advisor", True, "必填；“法律顾问”表或系统中已有顾问的执业证号", width=20),
    Col("乡镇(街道)", "township", False, "村名在两个乡镇重名时必填", width=14),
    Col(
        "村(社区)", "village", True, "必填；村(社区)名称或行政区划代码；每村同一时间只能有一名顾问", width=14
    ),
    Col("开始日期", "start_date", True, "必填，如 2026-01-01", kind="date", width=12),
    Col("结束日期", "end_date", True, "必填，须晚于开始日期", kind="date", width=12),
    Col("年度补贴(元)", "annual_subsidy", False, "如 6000", kind="decimal", width=12),
    Col(
        "签订日期",
        "signed_on",
        False,
        "填写即为已签订；每名顾问同时最多服务的村数按本局设置",
        kind="date",
        width=12,
    ),
    Col("备案日期", "filed_on", False, "填写即为已备案（须同时填写签订日期）", kind="date", width=12),
]


def _agreement_row(state: RosterState, row: dict) -> tuple[str, str, list[str]]:
    sheet = SHEETS[AGREEMENTS]
    _required(row, sheet)
    licence = text(row["执业证号"])
    advisor = state.advisors.get(licence)
    if advisor is None:
        raise RowError("执业证号", _("没有执业证号为“%(n)s”的顾问。") % {"n": licence})
    village = _village(state, text(row.get("乡镇(街道)")), text(row["村(社区)"]))
    start = parse_date(row["开始日期"], "开始日期")
    end = parse_date(row["结束日期"], "结束日期")
    subsidy = parse_decimal(row.get("年度补贴(元)"), "年度补贴(元)") or Decimal("0.00")
    signed_on = parse_date(row.get("签订日期"), "签订日期")
    filed_on = parse_date(row.get("备案日期"), "备案日期")
    if filed_on and not signed_on:
        raise RowError("签订日期", _("已备案的协议须填写签订日期。"))
    if end <= start:
        raise RowError("结束日期", _("结束日期必须晚于开始日期。"))
    key = f"{licence} {village.name} {start}"
    existing = state.agreements.get((licence, village.code, start))
    agreement = clone(existing) if existing else Agreement(advisor=advisor, village=village, start_date=start)
    if existing is None:
        refusal = state.renewal_refusal(advisor, start.year)
        if refusal:
            raise RowError("执业证号", refusal)
    changes = [
        h
        for h, old, new in (
            ("结束日期", agreement.end_date, end),
            ("年度补贴(元)", agreement.annual_subsidy, subsidy),
        )
        if old != new
    ]
    agreement.end_date, agreement.annual_subsidy = end, subsidy
    if signed_on and agreement.status == Agreement.Status.DRAFT:
        agreement.sign(on=signed_on)
        changes.append("签订日期")
    if filed_on and agreement.status == Agreement.Status.SIGNED:
        agreement.file(on=filed_on)
        changes.append("备案日期")
    if existing is not None and not changes:
        return "unchanged", key, []
    agreement.clean_fields(exclude=["advisor", "village", "previous"])
    if agreement.status != Agreement.Status.DRAFT:
        others = [
            a
            for a in state.binding_by_village[village.code]
            if a is not existing and a.start_date <= end and a.end_date >= start
        ]
        if others:
            raise agreement.village_taken_error(others[0])
        mine = [
            a
            for a in state.binding_by_advisor[licence]
            if a is not existing and a.start_date <= end and a.end_date >= start
        ]
        agreement.check_advisor_limit(mine, state.bureau.max_villages_per_advisor)
    if existing is None:
        state.add(agreement)
        return "create", key, []
    state.change(
        existing, agreement, {"end_date", "annual_subsidy", "status", "signed_on", "filed_on", "filed_late"}
    )
    return "update", key, changes


def _agreement_rows(bureau: Bureau) -> list[list[Any]]:
    agreements = (
        Agreement.objects.filter(village__township__bureau=bureau)
        .exclude(status=Agreement.Status.ENDED)
        .select_related("advisor", "village__township")
        .order_by("village__code", "start_date")
    )
    return [
        [
            a.advisor.licence_number,
            a.village.township.name,
            a.village.name,
            a.start_date,
            a.end_date,
            a.annual_subsidy,
            a.signed_on,
            a.filed_on,
        ]
        for a in agreements
    ]


# --- 村联络员 ---

LIAISON_COLUMNS = [
    Col("乡镇(街道)", "township", False, "村名在两个乡镇重名时必填", width=14),
    Col("村(社区)", "village", True, "必填；村(社区)名称或行政区划代码；每村一名联络员", width=14),
    Col("姓名", "full_name", True, width=10),
    Col("手机号", "liaison_phone", False, "11 位手机号；不填时登录名须填写", width=14),
    Col("登录名", "liaison", False, LOGIN_NOTE, width=16),
]


def _liaison_row(state: RosterState, row: dict) -> tuple[str, str, list[str]]:
    sheet = SHEETS[LIAISONS]
    _required(row, sheet)
    village = _village(state, text(row.get("乡镇(街道)")), text(row["村(社区)"]))
    name = text(row["姓名"])
    phone = text(row.get("手机号"))
    if phone:
        _mobile(phone, "手机号")
    values: dict[str, Any] = {"liaison_phone": phone}
    if village.liaison_id is None and village.liaison is None:
        username = text(row.get("登录名")) or phone
        if not username:
            raise RowError("登录名", _("新联络员须填写手机号或登录名。"))
        values["liaison"] = state.new_account(
            username=_username(state, username), role=Role.LIAISON, full_name=name
        )
    elif getattr(getattr(village.liaison, "profile", None), "full_name", name) != name:
        state.renamed_liaisons.append((village.liaison, name))
        values["liaison_name"] = name
    key = f"{village.township.name}{village.name}"
    if "liaison_name" in values:
        values.pop("liaison_name")
        action, changes = _store(state, village, None, values, SHEETS[LIAISONS])
        return "update", key, [*changes, "姓名"]
    action, changes = _store(state, village, None, values, SHEETS[LIAISONS])
    return ("create" if "liaison" in values else action), key, changes


def _liaison_rows(bureau: Bureau) -> list[list[Any]]:
    villages = (
        Village.objects.filter(township__bureau=bureau, liaison__isnull=False)
        .select_related("township", "liaison__profile")
        .order_by("code")
    )
    return [
        [v.township.name, v.name, v.liaison.profile.full_name, v.liaison_phone, v.liaison.username]
        for v in villages
    ]


SHEETS: dict[str, Sheet] = {
    sheet.name: sheet
    for sheet in (
        Sheet(
            TOWNSHIPS,
            TOWNSHIP_COLUMNS,
            "代码",
            _township_row,
            _township_rows,
            ["东风镇", "镇", "410102001", "东风镇司法所", "东风镇人民路1号", "0375-1234567"],
        ),
        Sheet(
            VILLAGES,
            VILLAGE_COLUMNS,
            "行政区划代码",
            _village_row,
            _village_rows,
            ["东风镇", "东风村", "村", "410102001001", "东风村委会", "每月第一个周三 9:00-12:00"],
        ),
        Sheet(
            FIRMS,
            FIRM_COLUMNS,
            "名称",
            _firm_row,
            _firm_rows,
            ["河南正义律师事务所", "律师事务所", "31410000MD0000000X", "人民路8号", "0375-7654321"],
        ),
        Sheet(
            ADVISORS,
            ADVISOR_COLUMNS,
            "执业证号",
            _advisor_row,
            _advisor_rows,
            [
                "张伟",
                "14101200910000001",
                "律师",
                "河南正义律师事务所",
                "13800000000",
                "0375-7654321",
                "是",
                "",
            ],
        ),
        Sheet(
            AGREEMENTS,
            AGREEMENT_COLUMNS,
            "村(社区)",
            _agreement_row,
            _agreement_rows,
            [
                "14101200910000001",
                "东风镇",
                "东风村",
                "2026-01-01",
                "2026-12-31",
                6000,
                "2026-01-05",
                "2026-03-10",
            ],
        ),
        Sheet(
            LIAISONS,
            LIAISON_COLUMNS,
            "村(社区)",
            _liaison_row,
            _liaison_rows,
            ["东风镇", "东风村", "李芳", "13900000000", ""],
        ),
    )
}


def apply_rows(
    state: RosterState, sheet: Sheet, rows: list[tuple[int, dict]], result: SheetResult, tick
) -> None:
    """Each row checked against the roster as the rows before left it; a row that breaks a rule changes nothing and
    the next rows go on, so the preview lists every error at once."""
    for number, row in rows:
        try:
            action, key, changes = sheet.apply(state, row)
        except RowError as error:
            result.error(row=number, column=error.column, message=error.message)
        except ValidationError as error:
            result.validation_error(row=number, error=error, headers=sheet.headers, key=sheet.key)
        else:
            result.add(row=number, action=action, key=key, changes=changes)
        tick()


def load_state(bureau: Bureau, sheets: list[tuple[Sheet, list[tuple[int, dict]]]]) -> RosterState:
    """The bureau's roster, with what other bureaus hold of the workbook's codes, licences and login names."""
    values: dict[str, set[str]] = {"township": set(), "village": set(), "licence": set(), "username": set()}
    wanted = {
        (TOWNSHIPS, "代码"): "township",
        (VILLAGES, "行政区划代码"): "village",
        (ADVISORS, "执业证号"): "licence",
        (ADVISORS, "登录名"): "username",
        (LIAISONS, "登录名"): "username",
        (LIAISONS, "手机号"): "username",
    }
    for sheet, rows in sheets:
        for (name, header), kind in wanted.items():
            if name == sheet.name:
                values[kind] |= {text(row.get(header)) for _n, row in rows} - {""}
    return RosterState.load(
        bureau,
        township_codes=values["township"],
        village_codes=values["village"],
        licences=values["licence"],
        usernames=values["username"] | values["licence"],
    )
