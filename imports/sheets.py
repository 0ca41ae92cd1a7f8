"""Sheets of a workbook read by their header names (never by position), and cell values turned into Python values
with a Chinese message for the clerk when they cannot be."""

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from .results import RowError

# Rows the template carries for the clerk, not data: the notes under the header and the example row.
NOTE_MARK = "【说明】"
EXAMPLE_MARK = "【示例】"


@dataclass(frozen=True)
class Col:
    header: str
    field: str
    required: bool = False
    note: str = ""
    choices: type[models.TextChoices] | None = None  # the cell holds a label, the model stores the value
    kind: str = "text"  # text | date | decimal | bool
    width: int = 16

    @property
    def title(self) -> str:
        return f"{self.header}*" if self.required else self.header


def text(value: Any) -> str:
    """A cell as text: 13800000000 typed as a number stays 13800000000, not 13800000000.0."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value).strip()


DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def parse_date(value: Any, column: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = DATE_RE.match(text(value))
    if match:
        try:
            return date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    raise RowError(
        column, _("“%(value)s”不是有效日期，请填写如 2026-01-01 的日期。") % {"value": text(value)}
    )


def parse_decimal(value: Any, column: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(text(value).replace(",", "")).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise RowError(column, _("“%(value)s”不是有效金额。") % {"value": text(value)}) from None


YES, NO = "是", "否"


def parse_bool(value: Any, column: str, *, default: bool) -> bool:
    value = text(value)
    if not value:
        return default
    if value in (YES, NO):
        return value == YES
    raise RowError(column, _("请填写“是”或“否”。"))


def parse_choice(value: Any, col: Col) -> str | None:
    """The stored value of a label (or of the value itself); None when the cell is empty."""
    value = text(value)
    if not value:
        return None
    for choice_value, label in col.choices.choices:
        if value in (str(label), choice_value):
            return choice_value
    labels = "、".join(str(label) for _value, label in col.choices.choices)
    raise RowError(
        col.header, _("“%(value)s”不是可选值，请从 %(labels)s 中选择。") % {"value": value, "labels": labels}
    )


def choice_label(col: Col, value: str) -> str:
    return str(dict(col.choices.choices).get(value, value))


def header_name(value: Any) -> str:
    """The column a header cell names: its text without the required mark or spaces."""
    return text(value).replace("*", "").replace(" ", "").replace("\u3000", "")


def read_rows(ws, columns: list[Col]) -> tuple[list[tuple[int, dict[str, Any]]], list[str]]:
    """The data rows of a sheet as (row number, {header: raw value}), found by header name in the first row;
    also the required headers missing. Note and example rows, and empty rows, are skipped."""
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None) or ()
    positions = {header_name(cell): index for index, cell in enumerate(header) if header_name(cell)}
    missing = [c.header for c in columns if c.required and c.header not in positions]
    wanted = {c.header: positions[c.header] for c in columns if c.header in positions}
    data = []
    for number, values in enumerate(rows, start=2):
        if not values or all(v in (None, "") for v in values):
            continue
        first = text(values[0]) if values else ""
        if first.startswith((NOTE_MARK, EXAMPLE_MARK)):
            continue
        data.append((number, {h: values[i] if i < len(values) else None for h, i in wanted.items()}))
    return data, missing
