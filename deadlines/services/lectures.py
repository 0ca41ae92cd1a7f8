"""The quarter's end: the lectures filed with the justice office."""

from collections.abc import Collection
from datetime import date

from django.db.models import Count, Q

from ledger.models import Lecture
from notifications.services import notify_many
from programme.calendar import (
    QUARTER,
    end_of_day,
    quarter_label,
    zh_quarter,
)
from programme.measures import Rules, counted, met

from ..models import Flag
from .common import (
    AGREEMENT_FIELDS,
    advisor_and_office_messages,
    agreements_in_force,
    bureaus_due,
    is_lecture_period_end,
    save_flags,
    village_flag,
)


def quarter_end_lectures(*, on: date, bureau_ids: Collection[int] | None = None) -> dict:
    """The quarter's last day, once it has ended: villages with fewer filed lectures this quarter than the bureau
    requires are flagged; the advisor and the office are told."""
    bureaus = bureaus_due(on, is_lecture_period_end, bureau_ids)
    if not bureaus:
        return {"summary": "今天不是季度末。", "flags": 0, "notified": 0}
    deadline = end_of_day(on)
    # The lectures of each bureau's period ending today: a quarter, or the year (Bureau.lectures_period).
    by_start: dict = {}
    for pk, bureau in bureaus.items():
        by_start.setdefault(Rules.of(bureau).lectures_period_of(on), []).append(pk)
    filed = {}
    for lecture_period, bureau_ids in by_start.items():
        filed.update(
            Lecture.objects.filter(
                counted("worklog__"),
                Q(worklog__submitted_at__isnull=True) | Q(worklog__submitted_at__lt=deadline),
                worklog__service_date__gte=lecture_period.start,
                worklog__service_date__lte=on,
                worklog__village__township__bureau_id__in=bureau_ids,
            )
            .values("worklog__village_id")
            .annotate(n=Count("pk"))
            .values_list("worklog__village_id", "n")
            .order_by()
        )
    missing, labels = [], {pk: p.label for p, ids in by_start.items() for pk in ids}
    for row in agreements_in_force(list(bureaus), on).values(*AGREEMENT_FIELDS).order_by("village__name"):
        required = bureaus[row["village__township__bureau_id"]].lectures_required
        count = filed.get(row["village_id"], 0)
        if not met(count, required):
            missing.append(
                {**row, "problem": f"讲座 {count}/{required} 次", "detail": f"：讲座 {count}/{required} 次"}
            )
    save_flags(
        [
            village_flag(
                Flag.Kind.LECTURE_MISSING, labels[row["village__township__bureau_id"]], row, row["problem"]
            )
            for row in missing
        ]
    )
    period = quarter_label(on)
    # Named by the quarter, or by the year when every bureau due today counts lectures by year.
    name = zh_quarter(on) if any(p.kind == QUARTER for p in by_start) else f"{on.year}年度"
    created = notify_many(
        advisor_and_office_messages(
            missing,
            key=f"lecture_missing:{period}",
            advisor_title=f"{name}法治讲座未备案",
            advisor_body=f"{name}以下村(社区)没有备案的法治讲座，已记录：{{villages}}。",
            office_title=f"{{township}}：{{count}} 个村(社区){name}讲座未备案",
            office_body=f"{name}未备案法治讲座的村(社区)：\n{{lines}}",
        )
    )
    return {
        "summary": f"{name}：{len(missing)} 个村(社区)法治讲座未备案，已标记并通知（新通知 {len(created)} 条）。",
        "flags": len(missing),
        "notified": len(created),
    }
