"""年度数据: the figures a city writes in its year-end report (seed 004's closing paragraph: 全市村(社区)法律顾问协助
起草审订村规民约等文件481件，代为起草修改法律文书1462件…), for any subtree and period, made from the same numbers as the
coverage page and the statistics table (`oversight.figures`)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from ledger.reports import Column, Report, Table, service_types, statistics_keys
from programme.calendar import Period, zh_date, zh_period
from villages.models import Bureau

from . import figures
from .selectors import Subtree
from .sheets import period_subtitle, sum_values


@dataclass
class YearEnd:
    subtree: Subtree
    period: Period
    day: date  # the coverage is read on this day
    numbers: dict  # advisors, villages, covered; every statistics key (ledger.reports.statistics_keys)

    @property
    def title(self) -> str:
        return _("%(name)s村(居)法律顾问工作年度数据") % {"name": self.subtree.name}

    @property
    def subtitle(self) -> str:
        return period_subtitle(self.period)

    @property
    def where(self) -> str:
        if self.subtree.root is None:
            return _("各地")  # the operator's every bureau
        return {
            Bureau.Level.PROVINCE: _("全省"),
            Bureau.Level.CITY: _("全市"),
            Bureau.Level.COUNTY: _("全县(区)"),
        }[self.subtree.level]

    @property
    def rate(self) -> Decimal | str:
        return figures.percent(self.numbers["covered"], self.numbers["villages"])

    @property
    def items(self) -> list[tuple[str, object, str]]:
        """(what, how many, unit), in the paragraph's order."""
        n = self.numbers
        return [
            (_("村(居)法律顾问"), n["advisors"], _("名")),
            (_("服务村(社区)"), n["covered"], _("个")),
            (_("村(社区)总数"), n["villages"], _("个")),
            (_("到村服务"), n["onsite"], _("次")),
            (_("服务时长"), n["hours"], _("小时")),
            (_("协助起草审订村规民约等文件"), n.get("village_rules", 0), _("件")),
            (_("代为起草修改法律文书"), n.get("document_drafting", 0), _("件")),
            (_("为项目合同、重大决策等提供法律意见"), n.get("contract_review", 0), _("件")),
            (_("为村(社区)群众提供法律咨询"), n.get("consultation", 0), _("人次")),
            (_("协助群众办理法律援助"), n.get("legal_aid", 0), _("件")),
            (_("参与代理案件"), n.get("case", 0), _("件")),
            (_("调解矛盾纠纷"), n.get("mediation", 0), _("起")),
            (_("其中重大疑难矛盾纠纷或信访积案"), n.get("major_disputes", 0), _("起")),
            (_("举办法治讲座"), n["lectures"], _("场")),
            (_("开展法治宣传"), n.get("publicity", 0), _("次")),
            (_("培训人民调解员"), n.get("mediator_training", 0), _("次")),
            (_("协助换届选举"), n.get("election", 0), _("次")),
            (_("参与涉法涉诉信访"), n.get("petition", 0), _("件")),
            (_("工作日志"), n["logs"], _("条")),
        ]

    @property
    def paragraph(self) -> str:
        n = self.numbers
        when = zh_period(self.period)
        if self.day < self.period.end:
            when = _("%(period)s（截至%(day)s）") % {"period": when, "day": zh_date(self.day)}
        return _(
            "%(when)s，%(where)s共有村(居)法律顾问%(advisors)s名，服务村(社区)%(covered)s个，覆盖率%(rate)s%%；"
            "法律顾问到村服务%(onsite)s次，累计服务%(hours)s小时，"
            "协助起草审订村规民约等文件%(village_rules)s件，代为起草修改法律文书%(document_drafting)s件，"
            "为项目合同、重大决策等提供法律意见%(contract_review)s件，为村(社区)群众提供法律咨询%(consultation)s人次，"
            "协助群众办理法律援助%(legal_aid)s件，参与代理案件%(case)s件，调解矛盾纠纷%(mediation)s起，"
            "其中，重大疑难矛盾纠纷或信访积案%(major_disputes)s起，举办法治讲座%(lectures)s场，"
            "开展法治宣传%(publicity)s次，培训人民调解员%(mediator_training)s次，协助换届选举%(election)s次，"
            "参与涉法涉诉信访%(petition)s件。"
        ) % {
            "when": when,
            "where": self.where,
            "rate": f"{self.rate:.1f}" if isinstance(self.rate, Decimal) else self.rate,
            "hours": _hours(n["hours"]),
            **{key: n.get(key, 0) for key in _PARAGRAPH_KEYS},
        }

    def report(self) -> Report:
        figures_table = Table(
            title=self.title,
            subtitle=self.subtitle,
            columns=[Column(_("项目"), 40), Column(_("数量"), 12, kind="int"), Column(_("单位"), 8)],
            rows=[list(item) for item in self.items],
            sheet_name=_("年度数据"),
        )
        text_table = Table(
            title=self.title,
            subtitle=self.subtitle,
            columns=[Column(_("文字材料"), 100)],
            rows=[[self.paragraph]],
            sheet_name=_("文字材料"),
        )
        return Report(
            title=self.title,
            filename=f"{_('年度数据')}-{self.subtree.name}-{zh_period(self.period)}",
            tables=[text_table, figures_table],
            landscape=False,
        )


_PARAGRAPH_KEYS = (
    "advisors",
    "covered",
    "onsite",
    "village_rules",
    "document_drafting",
    "contract_review",
    "consultation",
    "legal_aid",
    "case",
    "mediation",
    "major_disputes",
    "lectures",
    "publicity",
    "mediator_training",
    "election",
    "petition",
)


def _hours(value) -> str:
    value = Decimal(value or 0)
    return f"{value:.1f}".rstrip("0").rstrip(".") if value % 1 else str(int(value))


def year_end(subtree: Subtree, period: Period, today: date) -> YearEnd:
    """The subtree's figures for the period: the coverage's three queries and the statistics' two."""
    counties = subtree.counties
    coverage = figures.coverage(counties, period, today)
    types = service_types()
    stats = figures.statistics(counties, period, today, types=types)
    coverage_sum = sum_values(list(coverage.values()), 9) if coverage else [0] * 9
    keys = statistics_keys(types)
    stats_sum = sum_values(list(stats.values()), len(keys)) if stats else [0] * len(keys)
    numbers = {"villages": coverage_sum[1], "covered": coverage_sum[2], "advisors": coverage_sum[3]}
    numbers.update(zip(keys, stats_sum, strict=True))
    return YearEnd(subtree, period, figures.reference_day(period, today), numbers)
