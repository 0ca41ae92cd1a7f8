"""The oversight pages' tables: one row per county bureau, a subtotal per city, a total; as the HTML page shows them
and as a `ledger.reports.Report` for the Excel and PDF downloads (`ledger.renderers`).

A section (`SECTIONS`) names its columns and the function of `oversight.figures` that reads its numbers for every
county of the subtree at once; subtotals and totals are the sums of those numbers, and a section's rates
(`derive`) are computed again from each sum, never summed.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ledger.reports import Column, Report, Table, service_types, statistics_columns
from programme.calendar import Period, zh_period
from villages.models import Bureau

from . import figures
from .selectors import Subtree

Values = list[Any]


@dataclass(frozen=True)
class Section:
    slug: str
    title: Any  # lazy
    columns: Callable[[], list[Column]]
    compute: Callable[[Sequence[Bureau], Period, date], dict]
    derived: Callable[[], list[Column]] = list
    derive: Callable[[Values], Values] | None = None
    by_month: bool = False  # compute returns per (bureau, month): the page adds a table by month


def _int(label: str, width: float = 9, group: str = "") -> Column:
    return Column(label, width, group=group, kind="int")


def _coverage_columns() -> list[Column]:
    agreements = _("协议备案")
    return [
        _int(_("乡镇(街道)")),
        _int(_("村(社区)")),
        _int(_("有法律顾问的村(社区)"), 11),
        _int(_("法律顾问（人）")),
        _int(_("在期协议（份）")),
        _int(_("按期备案"), 8, agreements),
        _int(_("逾期备案"), 8, agreements),
        _int(_("逾期未备案"), 8, agreements),
        _int(_("期限内未备案"), 9, agreements),
    ]


def _ledger_columns() -> list[Column]:
    villages, townships = _("村(社区)月度台账（村·月）"), _("乡镇(街道)台账报送司法局（乡镇·月）")
    return [
        _int(_("应报送"), 8, villages),
        _int(_("按时报送"), 8, villages),
        _int(_("逾期报送"), 8, villages),
        _int(_("未报送"), 8, villages),
        _int(_("未到截止日"), 8, villages),
        _int(_("应报送"), 8, townships),
        _int(_("按时报送"), 8, townships),
        _int(_("逾期报送"), 8, townships),
        _int(_("未报送"), 8, townships),
        _int(_("月份未结束"), 8, townships),
    ]


def _incident_columns() -> list[Column]:
    period = _("本期报告")
    return [
        _int(_("报告（件）"), 8, period),
        _int(_("司法所已知悉"), 9, period),
        _int(_("已登记处置"), 9, period),
        _int(_("逾期未知悉上报司法局"), 11, period),
        _int(_("待知悉（截至目前）"), 11),
    ]


def _review_columns() -> list[Column]:
    tiers = _("已定等次")
    return [
        Column(_("考核期状态"), 9),
        _int(_("参加考核（人）")),
        _int(_("合计"), 7, tiers),
        *(_int(str(tier.label), 7, tiers) for tier in figures.REVIEW_TIERS),
        _int(_("待定等次"), 8),
        _int(_("异议待答复"), 8),
        _int(_("违规违纪"), 8),
    ]


SECTIONS: dict[str, Section] = {
    section.slug: section
    for section in (
        Section(
            "coverage",
            gettext_lazy("覆盖情况"),
            _coverage_columns,
            figures.coverage,
            derived=lambda: [Column(_("覆盖率（%）"), 9, kind="decimal")],
            derive=figures.coverage_rate,
        ),
        Section(
            "ledgers",
            gettext_lazy("台账报送"),
            _ledger_columns,
            figures.ledgers_by_month,
            derived=lambda: [Column(_("村台账按时报送率（%）"), 10, kind="decimal")],
            derive=figures.ledger_rate,
            by_month=True,
        ),
        Section("incidents", gettext_lazy("涉稳事项"), _incident_columns, figures.incidents),
        Section("reviews", gettext_lazy("考核等次"), _review_columns, figures.reviews),
        Section(
            "statistics",
            gettext_lazy("工作情况统计表"),
            lambda: statistics_columns(service_types()),
            figures.statistics,
        ),
    )
}


# --- rows ---


@dataclass
class Line:
    kind: str  # "county", "city" (a city's subtotal) or "total"
    bureau: Bureau | None
    label: str
    values: Values = field(default_factory=list)

    @property
    def is_county(self) -> bool:
        return self.kind == "county"


def sum_values(rows: Sequence[Values], width: int) -> Values:
    """Column sums: numbers add up; a column with text in it (a review's state) is left empty."""
    sums: Values = []
    for index in range(width):
        column = [row[index] for row in rows]
        if all(isinstance(v, int | Decimal) for v in column):
            sums.append(sum(column, Decimal(0) if any(isinstance(v, Decimal) for v in column) else 0))
        else:
            sums.append("")
    return sums


@dataclass
class Sheet:
    """A section's table for a subtree and period: lines (city subtotals before their counties), the total."""

    section: Section
    subtree: Subtree
    period: Period
    columns: list[Column]
    lines: list[Line]
    total: Line
    by_month: list[Line] = field(default_factory=list)

    @property
    def title(self) -> str:
        return _("%(name)s村(居)法律顾问%(what)s") % {"name": self.subtree.name, "what": self.section.title}

    @property
    def subtitle(self) -> str:
        return period_subtitle(self.period)

    def display(self, line: Line) -> list[dict]:
        """A line's cells as text, as the PDF shows them."""
        table = Table("", "", self.columns, [line.values])
        return table.display_rows[0]

    @property
    def display_lines(self) -> list[tuple[Line, list[dict]]]:
        table = Table("", "", self.columns, [line.values for line in self.lines])
        return list(zip(self.lines, table.display_rows, strict=True))

    @property
    def display_total(self) -> list[dict]:
        return self.display(self.total)

    @property
    def display_months(self) -> list[tuple[Line, list[dict]]]:
        table = Table("", "", self.columns, [line.values for line in self.by_month])
        return list(zip(self.by_month, table.display_rows, strict=True))

    def header_rows(self) -> list[list[dict]]:
        return Table("", "", [Column(_("司法局"), 18), *self.columns], []).header_rows()

    def report(self) -> Report:
        name = Column(_("司法局"), 18)
        tables = [
            Table(
                title=self.title,
                subtitle=self.subtitle,
                columns=[name, *self.columns],
                rows=[[line.label, *line.values] for line in self.lines],
                totals=[self.total.label, *self.total.values],
                sheet_name=str(self.section.title)[:31],
            )
        ]
        if self.by_month:
            tables.append(
                Table(
                    title=_("%(title)s（按月）") % {"title": self.title},
                    subtitle=self.subtitle,
                    columns=[Column(_("月份"), 12), *self.columns],
                    rows=[[line.label, *line.values] for line in self.by_month],
                    totals=[self.total.label, *self.total.values],
                    sheet_name=_("按月"),
                )
            )
        return Report(
            title=self.title,
            filename=f"{self.section.title}-{self.subtree.name}-{zh_period(self.period)}",
            tables=tables,
        )


def period_subtitle(period: Period) -> str:
    return _("统计期间：%(period)s（%(start)s 至 %(end)s）") % {
        "period": zh_period(period),
        "start": f"{period.start:%Y-%m-%d}",
        "end": f"{period.end:%Y-%m-%d}",
    }


def _complete(section: Section, values: Values) -> Values:
    return [*values, *(section.derive(values) if section.derive else [])]


def build_sheet(section: Section, subtree: Subtree, period: Period, today: date) -> Sheet:
    """The section for every county of the subtree, computed once for all of them (a fixed number of queries)."""
    counties = subtree.counties
    columns = section.columns()
    width = len(columns)
    computed = section.compute(counties, period, today)
    months: list[Line] = []
    if section.by_month:
        by_bureau = {county.pk: [0] * width for county in counties}
        by_first: dict[date, Values] = {first: [0] * width for first in figures.ledger_months(period, today)}
        for (pk, first), values in computed.items():
            by_bureau[pk] = [a + b for a, b in zip(by_bureau[pk], values, strict=True)]
            by_first[first] = [a + b for a, b in zip(by_first[first], values, strict=True)]
        months = [
            Line(
                "month",
                None,
                _("%(year)s年%(month)s月") % {"year": first.year, "month": first.month},
                _complete(section, values),
            )
            for first, values in by_first.items()
        ]
        computed = by_bureau
    lines: list[Line] = []
    for group in subtree.groups:
        rows = [computed.get(county.pk, [0] * width) for county in group.counties]
        if group.city is not None:
            label = _("%(city)s（小计）") % {"city": group.city.name}
            lines.append(Line("city", group.city, label, _complete(section, sum_values(rows, width))))
        indent = "　" if group.city is not None else ""
        lines += [
            Line("county", county, f"{indent}{county.name}", _complete(section, values))
            for county, values in zip(group.counties, rows, strict=True)
        ]
    all_rows = [computed.get(county.pk, [0] * width) for county in counties]
    total = Line("total", subtree.root, _("合计"), _complete(section, sum_values(all_rows, width)))
    return Sheet(section, subtree, period, [*columns, *section.derived()], lines, total, months)
