"""The quarter's end: the lectures filed with the justice office."""

from collections.abc import Collection
from datetime import date

from django.db.models import Count, Q

from ledger.models import Lecture, WorkLog
from notifications.services import notify_many
from programme.calendar import (
    end_of_day,
    quarter_bounds,
    quarter_label,
    zh_quarter,
)

from ..models import Flag
from .common import (
    AGREEMENT_FIELDS,
    advisor_and_office_messages,
    agreements_in_force,
    bureaus_due,
    is_last_day_of_quarter,
    save_flags,
    village_flag,
)


def quarter_end_lectures(*, on: date, bureau_ids: Collection[int] | None = None) -> dict:
    """The quarter's last day, once it has ended: villages with fewer filed lectures this quarter than the bureau
    requires are flagged; the advisor and the office are told."""
    bureaus = bureaus_due(on, is_last_day_of_quarter, bureau_ids)
    if not bureaus:
        return {"summary": "今天不是季度末。", "flags": 0, "notified": 0}
    quarter_start = quarter_bounds(on)[0]
    deadline = end_of_day(on)
    filed = dict(
        Lecture.objects.filter(
            Q(worklog__submitted_at__isnull=True) | Q(worklog__submitted_at__lt=deadline),
            worklog__status__in=WorkLog.COUNTED_STATUSES,
            worklog__service_date__gte=quarter_start,
            worklog__service_date__lte=on,
            worklog__village__township__bureau_id__in=list(bureaus),
        )
        .values("worklog__village_id")
        .annotate(n=Count("pk"))
        .values_list("worklog__village_id", "n")
        .order_by()
    )
    period = quarter_label(on)
    missing = []
    for row in agreements_in_force(list(bureaus), on).values(*AGREEMENT_FIELDS).order_by("village__name"):
        required = bureaus[row["village__township__bureau_id"]].lectures_required
        count = filed.get(row["village_id"], 0)
        if count < required:
            missing.append(
                {**row, "problem": f"讲座 {count}/{required} 次", "detail": f"：讲座 {count}/{required} 次"}
            )
    save_flags([village_flag(Flag.Kind.LECTURE_MISSING, period, row, row["problem"]) for row in missing])
    created = notify_many(
        advisor_and_office_messages(
            missing,
            key=f"lecture_missing:{period}",
            advisor_title=f"{zh_quarter(on)}法治讲座未备案",
            advisor_body=f"{zh_quarter(on)}以下村(社区)没有备案的法治讲座，已记录：{{villages}}。",
            office_title=f"{{township}}：{{count}} 个村(社区){zh_quarter(on)}讲座未备案",
            office_body=f"{zh_quarter(on)}未备案法治讲座的村(社区)：\n{{lines}}",
        )
    )
    return {
        "summary": f"{zh_quarter(on)}：{len(missing)} 个村(社区)法治讲座未备案，已标记并通知（新通知 {len(created)} 条）。",
        "flags": len(missing),
        "notified": len(created),
    }
