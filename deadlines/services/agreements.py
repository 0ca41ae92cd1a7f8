"""The agreements' filing deadline."""

from collections import defaultdict
from collections.abc import Collection
from datetime import date, timedelta

from django.db.models import Q
from django.urls import reverse

from advisors.models import Agreement
from notifications.services import Message, notify_many
from programme.calendar import (
    zh_date,
)

from ..models import Flag
from .common import (
    AGREEMENT_FIELDS,
    bureau_staff,
    bureaus_due,
    is_agreement_filing_deadline,
    names_list,
    save_flags,
)


def agreements_unfiled(*, on: date, bureau_ids: Collection[int] | None = None) -> dict:
    """The bureau's filing deadline (31 March by default), once it has ended: this year's agreements not filed
    (已备案) by then are flagged to the bureau's admins and staff. An agreement that starts later in the year has
    a month from its start (`Agreement.filing_deadline`) and is not this job's."""
    bureaus = bureaus_due(on, is_agreement_filing_deadline, bureau_ids)
    if not bureaus:
        return {"summary": "今天不是协议备案截止日。", "flags": 0, "notified": 0}
    unfiled = list(
        Agreement.objects.filter(
            Q(status=Agreement.Status.SIGNED) | Q(status=Agreement.Status.FILED, filed_on__gt=on),
            village__township__bureau_id__in=list(bureaus),
            start_date__gte=date(on.year, 1, 1),
            start_date__lte=on - timedelta(days=30),
        )
        .values(*AGREEMENT_FIELDS)
        .order_by("village__township_id", "village__name")
    )
    period = str(on.year)
    save_flags(
        [
            Flag(
                kind=Flag.Kind.AGREEMENT_UNFILED,
                period=period,
                subject_key=Flag.key_for(agreement=row["pk"]),
                bureau_id=row["village__township__bureau_id"],
                township_id=row["village__township_id"],
                village_id=row["village_id"],
                advisor_id=row["advisor_id"],
                agreement_id=row["pk"],
            )
            for row in unfiled
        ]
    )
    by_bureau = defaultdict(list)
    for row in unfiled:
        by_bureau[row["village__township__bureau_id"]].append(
            f"{row['advisor__name']}—{row['village__name']}"
        )
    staff = bureau_staff(list(by_bureau))
    url = reverse("advisors:agreement_list") + f"?status={Agreement.Status.SIGNED}&year={on.year}"
    created = notify_many(
        [
            Message(
                recipient_id=user_id,
                key=f"agreements_unfiled:{period}:bureau:{bureau_id}",
                title=f"{len(pairs)} 份{on.year}年法律顾问协议逾期未备案",
                body=f"截至{zh_date(on)}，以下协议尚未备案：{names_list(pairs)}。",
                url=url,
            )
            for bureau_id, pairs in by_bureau.items()
            for user_id in staff[bureau_id]
        ]
    )
    return {
        "summary": f"{len(unfiled)} 份{on.year}年协议逾期未备案，已标记并通知司法局（新通知 {len(created)} 条）。",
        "flags": len(unfiled),
        "notified": len(created),
    }
