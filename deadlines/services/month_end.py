"""The month's end: township ledgers, on-site visits and service hours."""

from collections.abc import Collection
from datetime import date
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum

from audit.services import audit_bulk_change
from ledger import rollups
from ledger.models import ServiceMode, TownshipLedger, WorkLog
from notifications.services import Message, notify_many
from programme.calendar import (
    end_of_day,
    is_quarter_end,
    month_bounds,
    month_label,
    quarter_bounds,
    quarter_label,
    zh_date,
    zh_month,
)
from villages.models import ServicePeriod, Township

from ..models import Flag
from .common import (
    AGREEMENT_FIELDS,
    advisor_and_office_messages,
    agreements_in_force,
    bureaus_due,
    counted_by,
    dashboard_url,
    is_last_day_of_month,
    office_staff,
    save_flags,
    village_flag,
)


def month_end(*, on: date, bureau_ids: Collection[int] | None = None) -> dict:
    """The last day of the month, once it has ended: township ledgers not forwarded are marked late and flagged;
    villages short of on-site visits this month, and of service hours this month (or this quarter, at a quarter's
    end, for a bureau counting by quarter), are flagged; advisors and offices are told."""
    bureaus = bureaus_due(on, is_last_day_of_month, bureau_ids)
    if not bureaus:
        return {"summary": "今天不是月末。", "flags": 0, "notified": 0}
    deadline = end_of_day(on)
    period = month_label(on)
    # The month's statistics rollup, rebuilt from the logs (the receivers keep it current; this corrects drift).
    rollups.rebuild_month(on.year, on.month, bureau_ids=list(bureaus))

    # Township ledgers: forwarded to the bureau before the month's end, or late.
    forwarded = TownshipLedger.objects.filter(
        township_id=OuterRef("pk"), year=on.year, month=on.month, forwarded_at__lt=deadline
    )
    late_townships = list(
        Township.objects.filter(~Exists(forwarded), bureau_id__in=list(bureaus)).values(
            "pk", "name", "bureau_id"
        )
    )
    created = TownshipLedger.objects.bulk_create(
        [
            TownshipLedger(township_id=t["pk"], year=on.year, month=on.month, is_late=True)
            for t in late_townships
        ],
        ignore_conflicts=True,
    )
    marked = TownshipLedger.objects.filter(
        Q(forwarded_at__isnull=True) | Q(forwarded_at__gte=deadline),
        year=on.year,
        month=on.month,
        township__bureau_id__in=list(bureaus),
        is_late=False,
    ).update(is_late=True)
    audit_bulk_change(
        TownshipLedger,
        detail=f"{period} 乡镇台账逾期标记",
        data={
            "year": on.year,
            "month": on.month,
            "bureaus": sorted(bureaus),
            "is_late": True,
            "late_townships": [t["pk"] for t in late_townships],
            "rows_missing": len(created),
            "rows_marked": marked,
        },
    )
    flags = [
        Flag(
            kind=Flag.Kind.TOWNSHIP_LEDGER_NOT_FORWARDED,
            period=period,
            subject_key=Flag.key_for(township=t["pk"]),
            bureau_id=t["bureau_id"],
            township_id=t["pk"],
        )
        for t in late_townships
    ]

    # Visits and hours, per village, in one aggregate over the month (and the quarter where it is counted).
    month_start = month_bounds(on)[0]
    quarter_start = quarter_bounds(on)[0]
    by_quarter = {
        pk
        for pk, bureau in bureaus.items()
        if bureau.service_hours_period == ServicePeriod.QUARTER and is_quarter_end(on)
    }
    counted = counted_by(deadline)
    in_month = Q(service_date__gte=month_start)
    totals = {
        row["village_id"]: row
        for row in WorkLog.objects.filter(
            counted,
            village__township__bureau_id__in=list(bureaus),
            service_date__gte=quarter_start if by_quarter else month_start,
            service_date__lte=on,
        )
        .values("village_id")
        .annotate(
            onsite=Count("pk", filter=in_month & Q(mode=ServiceMode.ONSITE)),
            month_hours=Sum("hours", filter=in_month),
            quarter_hours=Sum("hours"),
        )
        .order_by()
    }
    short = []
    for row in agreements_in_force(list(bureaus), on).values(*AGREEMENT_FIELDS).order_by("village__name"):
        bureau = bureaus[row["village__township__bureau_id"]]
        done = totals.get(row["village_id"], {})
        problems = []
        onsite = done.get("onsite", 0)
        if onsite < bureau.onsite_visits_per_month:
            problems.append(f"到村服务 {onsite}/{bureau.onsite_visits_per_month} 次")
            flags.append(village_flag(Flag.Kind.NO_ONSITE_VISIT, period, row, problems[-1]))
        if bureau.service_hours_period == ServicePeriod.MONTH or bureau.pk in by_quarter:
            quarterly = bureau.pk in by_quarter
            hours = done.get("quarter_hours" if quarterly else "month_hours") or Decimal("0")
            if hours < bureau.service_hours_required:
                unit = "本季度" if quarterly else "本月"
                problems.append(f"{unit}服务 {hours.normalize():f}/{bureau.service_hours_required} 小时")
                label = quarter_label(on) if quarterly else period
                flags.append(village_flag(Flag.Kind.SHORT_HOURS, label, row, problems[-1]))
        if problems:
            short.append({**row, "detail": "：" + "，".join(problems)})
    save_flags(flags)

    messages = advisor_and_office_messages(
        short,
        key=f"month_end:{period}",
        advisor_title=f"{zh_month(on)}服务未达要求",
        advisor_body=f"{zh_month(on)}以下村(社区)的到村服务次数或服务时长未达要求，已记录：{{villages}}。",
        office_title=f"{{township}}{zh_month(on)}月末检查：{{count}} 个村(社区)未达要求",
        office_body=f"{zh_month(on)}未达要求的村(社区)：\n{{lines}}",
    )
    staff = office_staff([t["pk"] for t in late_townships])
    messages += [
        Message(
            recipient_id=user_id,
            key=f"township_ledger_late:{period}:township:{t['pk']}",
            title=f"{t['name']}{zh_month(on)}乡镇台账逾期未报送司法局",
            body=f"截至{zh_date(on)}，{t['name']}{zh_month(on)}的工作台账未报送司法局，已记为逾期。",
            url=dashboard_url(),
        )
        for t in late_townships
        for user_id in staff[t["pk"]]
    ]
    created = notify_many(messages)
    return {
        "summary": f"{zh_month(on)}月末：{len(late_townships)} 个乡镇台账逾期未报送，"
        f"{len(short)} 个村(社区)服务未达要求，共标记 {len(flags)} 项（新通知 {len(created)} 条）。",
        "townships_late": len(late_townships),
        "villages_short": len(short),
        "flags": len(flags),
        "notified": len(created),
    }
