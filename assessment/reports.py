"""The review's printed forms, one builder each: the payout sheet (补贴发放表) and the year-end report (年度工作报告,
with the honour and warning lists). Each returns a `ledger.reports.Report`; the HTML preview, the PDF and the workbook
are all made from it (`ledger.renderers`). Fixed number of queries whatever the number of advisors.

The caller scopes what it passes in (a period of the user's bureau; a township the user may see).
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch

from ledger.models import ServiceType, WorkLog
from ledger.reports import Column, Report, Table, _grouped_counts, _type_count
from villages.models import Township

from .models import Review, ReviewPeriod, ReviewVillage, Tier
from .services import PayoutLine, payout_lines, payout_window

NOT_FINAL = "未定等"
ZERO = Decimal("0.00")


def _day(d) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _span(start, end) -> str:
    return f"{start:%Y.%m.%d}—{end:%Y.%m.%d}"


def _tier_text(review: Review) -> str:
    if not review.is_final:
        return NOT_FINAL
    text = str(Tier(review.final_tier).label)
    return f"{text}（违规违纪）" if review.misconduct else text


# --- 补贴发放表 ---

PAYOUT_COLUMNS = [
    Column("序号", 5, kind="int"),
    Column("法律顾问", 9),
    Column("所在机构", 18),
    Column("村(社区)", 14),
    Column("协议期限", 19),
    Column("本期核定补贴（元）", 11, kind="decimal"),
    Column("考核等次", 10),
    Column("发放比例（%）", 8, kind="int"),
    Column("扣减金额（元）", 10, kind="decimal"),
    Column("扣减原因", 18),
    Column("应发金额（元）", 11, kind="decimal"),
]


@dataclass
class PayoutSheet:
    report: Report
    lines: list[PayoutLine]
    total_subsidy: Decimal
    total_deducted: Decimal
    total_payable: Decimal
    not_final: int  # lines whose review has no final tier yet


def payout_rows(lines: list[PayoutLine]) -> list[list]:
    rows = []
    for number, line in enumerate(lines, start=1):
        agreement = line.agreement
        end = min(agreement.end_date, agreement.ended_on or agreement.end_date)
        rows.append(
            [
                number,
                line.review.advisor.name,
                line.review.advisor.firm.name if line.review.advisor.firm_id else "",
                f"{agreement.village.township.name} {agreement.village.name}",
                _span(agreement.start_date, end),
                line.subsidy,
                _tier_text(line.review),
                line.percent,
                line.deducted if line.deductions else None,
                "；".join(f"{d.reason}（{d.amount:.2f}元）" for d in line.deductions),
                line.payable,
            ]
        )
    return rows


def payout_sheet(period: ReviewPeriod) -> PayoutSheet:
    """Per advisor and agreement in force during the payout window: the agreed subsidy for the window (prorated by
    days for a part of it), the final tier and its percentage, the deductions with their reasons, the amount payable
    (Decimal yuan, two decimals). A review not final yet shows 未定等 and no amount."""
    lines = payout_lines(period)
    start, end = lines[0].window if lines else payout_window(period)
    rows = payout_rows(lines)
    total_subsidy = sum((line.subsidy for line in lines), ZERO)
    total_deducted = sum((line.deducted for line in lines), ZERO)
    total_payable = sum((line.payable for line in lines if line.payable is not None), ZERO)
    not_final = sum(1 for line in lines if line.payable is None)
    advisors = len({line.review.advisor_id for line in lines})
    bureau = period.bureau
    footnote = (
        f"本期核定补贴按协议年度补贴计算：考核期为半年的按半年计，协议在期内未满全期的按实际天数折算。"
        f"发放比例：优秀{bureau.payout_percent_excellent}%、良好{bureau.payout_percent_good}%、"
        f"合格{bureau.payout_percent_pass}%、不合格{bureau.payout_percent_fail}%；"
        f"经查实存在违规违纪行为的不予发放。应发金额 = 核定补贴 × 发放比例 − 扣减金额，金额单位为元。"
    )
    if not_final:
        footnote += f"考核等次为“{NOT_FINAL}”的{not_final}项尚未定等次，暂不计算应发金额，不计入应发合计。"
    table = Table(
        title=f"{bureau.name}村(居)法律顾问补贴发放表",
        subtitle=f"{period.label}　补贴期间：{_day(start)}至{_day(end)}　法律顾问 {advisors} 人",
        columns=PAYOUT_COLUMNS,
        rows=rows,
        totals=[
            None,
            "合计",
            "",
            f"{len(rows)} 份协议",
            "",
            total_subsidy,
            f"未定等 {not_final}" if not_final else "",
            None,
            total_deducted,
            "",
            total_payable,
        ],
        footnote=footnote,
        sheet_name="补贴发放表",
    )
    report = Report(
        title=table.title,
        filename=f"补贴发放表-{bureau.name}-{period.label}",
        tables=[table],
        meta={"rows": len(rows)},
    )
    return PayoutSheet(report, lines, total_subsidy, total_deducted, total_payable, not_final)


# --- 年度工作报告: counts, tiers, payouts, and the honour and warning lists (红黑榜) ---

MEDIATION = "mediation"


def year_report(period: ReviewPeriod, township: Township | None = None) -> Report:
    """The period's report for the bureau (by township, with totals) or for one township.

    Counts come from the counted work logs of the period; tiers and lists from the period's reviews (an advisor
    serving villages in two townships is counted in each, and once in the bureau's total); payouts from the payout
    sheet. The honour list (红榜) is the advisors rated 优秀; the warning list (黑榜) those rated 不合格 or found to
    have broken the rules."""
    bureau = period.bureau
    townships = [township] if township else list(Township.objects.filter(bureau=bureau).order_by("code"))
    township_ids = [t.pk for t in townships]
    place = township.name if township else bureau.name

    rows = list(
        ReviewVillage.objects.filter(
            review__period=period, village__township_id__in=township_ids
        ).values_list("review_id", "village_id", "village__township_id")
    )
    review_ids = {review_id for review_id, _v, _t in rows}
    reviews = {
        r.pk: r
        for r in Review.objects.filter(pk__in=review_ids)
        .select_related("advisor__firm")
        .prefetch_related(
            Prefetch(
                "villages",
                queryset=ReviewVillage.objects.select_related("village__township").order_by("village__code"),
            )
        )
    }
    reviews_in = defaultdict(set)
    villages_in = defaultdict(set)
    for review_id, village_id, township_id in rows:
        reviews_in[township_id].add(review_id)
        villages_in[township_id].add(village_id)

    # 1. the work
    types = list(ServiceType.objects.order_by("position", "pk"))
    logs = WorkLog.objects.filter(
        village__township_id__in=township_ids,
        service_date__gte=period.start_date,
        service_date__lte=period.end_date,
    )
    totals, by_type = _grouped_counts(logs, "village__township_id", bureau=period.bureau)
    work_columns = [
        Column("乡镇(街道)", 14),
        Column("法律顾问（人）", 8, kind="int"),
        Column("服务村(居)（个）", 8, kind="int"),
        Column("工作日志（条）", 8, kind="int"),
        Column("服务时长（小时）", 9, kind="decimal"),
        Column("到村服务（次）", 8, kind="int"),
        Column("法治讲座（场）", 8, kind="int"),
        Column("调解纠纷（件）", 8, kind="int"),
        *[
            Column(
                f"{t.name}（人次）" if t.code == ServiceType.CONSULTATION else t.name,
                8,
                group="服务事项",
                kind="int",
            )
            for t in types
        ],
    ]
    work_rows = []
    for t in townships:
        row = totals.get(t.pk, {})
        work_rows.append(
            [
                t.name,
                len({reviews[r].advisor_id for r in reviews_in[t.pk]}),
                len(villages_in[t.pk]),
                row.get("logs", 0),
                row.get("hours") or Decimal("0"),
                row.get("onsite", 0),
                row.get("lectures", 0),
                _type_count(by_type, t.pk, MEDIATION),
                *(_type_count(by_type, t.pk, ty.code) for ty in types),
            ]
        )
    work_totals = None
    if township is None:
        work_totals = [
            "合计",
            len({r.advisor_id for r in reviews.values()}),
            len({v for _r, v, _t in rows}),
            *[
                sum((r[i] for r in work_rows), Decimal("0") if i == 4 else 0)
                for i in range(3, len(work_columns))
            ],
        ]
    period_text = f"{_day(period.start_date)}至{_day(period.end_date)}"
    work = Table(
        title=f"{place}村(居)法律顾问工作情况（{period.label}）",
        subtitle=f"统计期间：{period_text}；法律顾问、村(居)按本期考核名单计",
        columns=work_columns,
        rows=work_rows,
        totals=work_totals,
        sheet_name="工作情况",
    )

    # 2. the tiers
    tier_columns = [
        Column("乡镇(街道)", 14),
        *[Column(str(label), 8, group="考核等次（人）", kind="int") for label in Tier.labels],
        Column(NOT_FINAL, 8, group="考核等次（人）", kind="int"),
        Column("违规违纪（人）", 8, kind="int"),
    ]

    def tier_counts(ids) -> list[int]:
        chosen = [reviews[i] for i in ids]
        return [
            *[sum(1 for r in chosen if r.is_final and r.final_tier == value) for value in Tier.values],
            sum(1 for r in chosen if not r.is_final),
            sum(1 for r in chosen if r.is_final and r.misconduct),
        ]

    tier_rows = [[t.name, *tier_counts(reviews_in[t.pk])] for t in townships]
    tiers = Table(
        title=f"{place}村(居)法律顾问考核等次（{period.label}）",
        subtitle=f"共 {len(reviews)} 名法律顾问参加考核；在多个乡镇(街道)服务的，在各乡镇(街道)分别计入，合计只计一次",
        columns=tier_columns,
        rows=tier_rows,
        totals=["合计", *tier_counts(reviews.keys())] if township is None else None,
        sheet_name="考核等次",
    )

    # 3. the payouts
    lines = [line for line in payout_lines(period) if line.agreement.village.township_id in township_ids]
    pay_columns = [
        Column("乡镇(街道)", 14),
        Column("协议（份）", 8, kind="int"),
        Column("核定补贴（元）", 12, kind="decimal"),
        Column("扣减（元）", 10, kind="decimal"),
        Column("应发金额（元）", 12, kind="decimal"),
        Column("未定等（份）", 8, kind="int"),
    ]

    def pay_row(chosen: list[PayoutLine]) -> list:
        return [
            len(chosen),
            sum((line.subsidy for line in chosen), ZERO),
            sum((line.deducted for line in chosen), ZERO),
            sum((line.payable for line in chosen if line.payable is not None), ZERO),
            sum(1 for line in chosen if line.payable is None),
        ]

    pay_rows = [
        [t.name, *pay_row([line for line in lines if line.agreement.village.township_id == t.pk])]
        for t in townships
    ]
    payouts = Table(
        title=f"{place}村(居)法律顾问补贴发放汇总（{period.label}）",
        subtitle="按补贴发放表汇总；未定等次的协议不计应发金额",
        columns=pay_columns,
        rows=pay_rows,
        totals=["合计", *pay_row(lines)] if township is None else None,
        sheet_name="补贴发放",
    )

    # 4. the honour and warning lists
    list_columns = [
        Column("序号", 5, kind="int"),
        Column("法律顾问", 9),
        Column("所在机构", 18),
        Column("服务村(居)", 28),
        Column("得分", 7),
        Column("考核等次", 10),
        Column("说明", 30),
    ]
    in_scope = sorted(reviews.values(), key=lambda r: (r.advisor.name, r.pk))

    def listed(chosen: list[Review], note) -> list[list]:
        return [
            [
                number,
                r.advisor.name,
                r.advisor.firm.name if r.advisor.firm_id else "",
                "、".join(
                    f"{row.village.name}"
                    for row in r.villages.all()
                    if row.village.township_id in township_ids
                ),
                "" if r.score is None else str(r.score),
                _tier_text(r),
                note(r),
            ]
            for number, r in enumerate(chosen, start=1)
        ]

    honour = [r for r in in_scope if r.is_final and r.final_tier == Tier.EXCELLENT and not r.misconduct]
    warning = [r for r in in_scope if r.is_final and (r.final_tier == Tier.FAIL or r.misconduct)]
    honour_table = Table(
        title=f"{place}村(居)法律顾问红榜（{period.label}）",
        subtitle="考核等次为优秀的法律顾问，予以通报表扬",
        columns=list_columns,
        rows=listed(honour, lambda r: r.override_reason),
        sheet_name="红榜",
    )
    warning_table = Table(
        title=f"{place}村(居)法律顾问黑榜（{period.label}）",
        subtitle=f"考核等次为不合格或存在违规违纪行为的法律顾问；不合格的，{period.year + 1}年不予续聘",
        columns=list_columns,
        rows=listed(
            warning,
            lambda r: "；".join(
                text for text in (r.misconduct_reason, r.override_reason, r.office_comment) if text
            ),
        ),
        footnote="名单仅包含已定等次的法律顾问。",
        sheet_name="黑榜",
    )
    kind = "年度" if period.kind == ReviewPeriod.Kind.YEAR else "半年"
    return Report(
        title=f"{place}村(居)法律顾问{kind}工作报告（{period.label}）",
        filename=f"工作报告-{place}-{period.label}",
        tables=[work, tiers, payouts, honour_table, warning_table],
        landscape=True,
        meta={"honour": honour, "warning": warning, "reviews": len(reviews)},
    )
