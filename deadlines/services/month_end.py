"""The month's end: township ledgers, on-site visits and service hours."""

from collections.abc import Collection
from datetime import date
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q

from audit.services import audit_bulk_change
from ledger import rollups
from ledger.models import TownshipLedger, WorkLog
from notifications.services import Message, notify_many
from programme.calendar import (
    end_of_day,
    month_label,
    zh_date,
    zh_month,
)
from programme.measures import Rules, met, work_done
from villages.models import Township

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

    # Visits and on-site hours per village (programme.measures), one aggregate per set of rules: the month, and the
    # quarter where a bureau counts hours by quarter and the quarter ends today.
    by_rules: dict[Rules, list[int]] = {}
    for pk, bureau in bureaus.items():
        by_rules.setdefault(Rules.of(bureau), []).append(pk)
    totals = {}
    for rules, bureau_ids in by_rules.items():
        work = work_done(rules, on, only=counted_by(deadline))
        totals.update(
            (row["village_id"], row)
            for row in WorkLog.objects.filter(
                village__township__bureau_id__in=bureau_ids,
                service_date__gte=rules.hours_period_of(on).start,
                service_date__lte=on,
            )
            .values("village_id")
            .annotate(onsite=work["onsite"], hours=work["hours"])
            .order_by()
        )
    short = []
    for row in agreements_in_force(list(bureaus), on).values(*AGREEMENT_FIELDS).order_by("village__name"):
        bureau = bureaus[row["village__township__bureau_id"]]
        rules = Rules.of(bureau)
        done = totals.get(row["village_id"], {})
        problems = []
        onsite = done.get("onsite", 0)
        if not met(onsite, rules.visits_required):
            problems.append(f"到村服务 {onsite}/{rules.visits_required} 次")
            flags.append(village_flag(Flag.Kind.NO_ONSITE_VISIT, period, row, problems[-1]))
        hours_period = rules.hours_period_of(on)
        if hours_period.end == on:  # the month, or the quarter at its end
            hours = done.get("hours") or Decimal("0")
            if not met(hours, rules.hours_required):
                unit = "本月" if rules.hours_per_month else "本季度"
                problems.append(f"{unit}到村服务 {hours.normalize():f}/{rules.hours_required} 小时")
                flags.append(village_flag(Flag.Kind.SHORT_HOURS, hours_period.label, row, problems[-1]))
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
