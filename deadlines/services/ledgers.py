"""The monthly ledgers: the advisors' reminder and overdue mark, the justice offices' reminder."""

from collections import defaultdict
from collections.abc import Collection
from datetime import date

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from audit.services import audit_bulk_change
from ledger.models import LedgerSubmission, TownshipLedger
from notifications.services import Message, notify_many
from programme.calendar import (
    end_of_day,
    ledger_due_date,
    month_label,
    zh_date,
    zh_month,
)
from villages.models import Township

from ..models import Flag
from .common import (
    AGREEMENT_FIELDS,
    advisor_and_office_messages,
    agreements_in_force,
    bureaus_due,
    dashboard_url,
    is_last_day_of_month,
    is_ledger_due_day,
    is_ledger_reminder_day,
    names_list,
    office_staff,
    save_flags,
    village_flag,
)


def remind_ledgers_due(*, on: date, bureau_ids: Collection[int] | None = None) -> dict:
    """The reminder day (the 20th for the default due day, the 25th): remind each advisor whose month ledger is
    not yet submitted for some village."""
    bureaus = bureaus_due(on, is_ledger_reminder_day, bureau_ids)
    if not bureaus:
        return {"summary": "今天不是台账提醒日。", "ledgers": 0, "notified": 0}
    rows, messages = [], []
    # Bureaus share the reminder day but may differ in due day (a due day in the first days of a month).
    by_due: dict[date, list[int]] = defaultdict(list)
    for bureau in bureaus.values():
        by_due[ledger_due_date(bureau, on.year, on.month)].append(bureau.pk)
    for due, bureau_ids in by_due.items():
        submitted = LedgerSubmission.objects.filter(
            advisor_id=OuterRef("advisor_id"),
            village_id=OuterRef("village_id"),
            year=on.year,
            month=on.month,
            submitted_at__isnull=False,
        )
        owed = list(
            agreements_in_force(bureau_ids, due)
            .filter(~Exists(submitted))
            .values(*AGREEMENT_FIELDS)
            .order_by("advisor_id", "village__name")
        )
        rows += owed
        by_advisor = defaultdict(list)
        for row in owed:
            if row["advisor__user_id"] is not None:
                by_advisor[(row["advisor_id"], row["advisor__user_id"])].append(row["village__name"])
        messages += [
            Message(
                recipient_id=user_id,
                key=f"ledger_reminder:{on.year}-{on.month:02d}:{advisor_id}",
                title=f"请于{zh_date(due)}前报送{zh_month(on)}工作台账",
                body=f"以下村(社区){zh_month(on)}的工作台账尚未报送司法所：{names_list(villages)}。"
                f"报送截止日：{zh_date(due)}。",
                url=reverse("home"),
            )
            for (advisor_id, user_id), villages in by_advisor.items()
        ]
    created = notify_many(messages)
    advisors = len({row["advisor_id"] for row in rows})
    return {
        "summary": f"{advisors} 名顾问的 {len(rows)} 份{zh_month(on)}台账尚未报送，已提醒（新通知 {len(created)} 条）。",
        "ledgers": len(rows),
        "advisors": advisors,
        "notified": len(created),
    }


def mark_ledgers_overdue(*, on: date, bureau_ids: Collection[int] | None = None) -> dict:
    """The due day, once it has ended: every ledger not submitted in time is marked late (a `LedgerSubmission`
    row with `is_late`, created if missing, never unmarked), flagged, and the advisor and the office told."""
    bureaus = bureaus_due(on, is_ledger_due_day, bureau_ids)
    if not bureaus:
        return {"summary": "今天不是台账报送截止日。", "overdue": 0, "notified": 0}
    deadline = end_of_day(on)
    on_time = LedgerSubmission.objects.filter(
        advisor_id=OuterRef("advisor_id"),
        village_id=OuterRef("village_id"),
        year=on.year,
        month=on.month,
        submitted_at__lt=deadline,
    )
    overdue = list(
        agreements_in_force(list(bureaus), on)
        .filter(~Exists(on_time))
        .values(*AGREEMENT_FIELDS)
        .order_by("village__township_id", "village__name")
    )
    ledger_overdue_mark(
        year=on.year, month=on.month, bureau_ids=list(bureaus), deadline=deadline, rows=overdue
    )
    period = month_label(on)
    save_flags([village_flag(Flag.Kind.LEDGER_OVERDUE, period, row) for row in overdue])
    created = notify_many(
        advisor_and_office_messages(
            overdue,
            key=f"ledger_overdue:{period}",
            advisor_title=f"{zh_month(on)}工作台账逾期未报",
            advisor_body=f"截至{zh_date(on)}，以下村(社区)的台账未报送司法所，已记为逾期：{{villages}}。请尽快补报。",
            office_title=f"{{township}}：{{count}} 份{zh_month(on)}台账逾期未报",
            office_body=f"截至{zh_date(on)}，以下村(社区)的台账未报送，已记为逾期：\n{{lines}}",
        )
    )
    return {
        "summary": f"{len(overdue)} 份{zh_month(on)}台账逾期未报，已标记逾期并通知（新通知 {len(created)} 条）。",
        "overdue": len(overdue),
        "notified": len(created),
    }


def ledger_overdue_mark(*, year: int, month: int, bureau_ids: list[int], deadline, rows: list[dict]) -> None:
    """Mark the month's ledgers late: a row for each missing one, `is_late` on each not submitted by `deadline`.
    A late ledger stays marked late when it is submitted afterwards."""
    created = LedgerSubmission.objects.bulk_create(
        [
            LedgerSubmission(
                advisor_id=row["advisor_id"],
                village_id=row["village_id"],
                year=year,
                month=month,
                is_late=True,
            )
            for row in rows
        ],
        ignore_conflicts=True,
    )
    marked = LedgerSubmission.objects.filter(
        Q(submitted_at__isnull=True) | Q(submitted_at__gte=deadline),
        year=year,
        month=month,
        village__township__bureau_id__in=bureau_ids,
        is_late=False,
    ).update(is_late=True)
    audit_bulk_change(
        LedgerSubmission,
        detail=f"{year}年{month}月台账逾期标记",
        data={
            "year": year,
            "month": month,
            "bureaus": sorted(bureau_ids),
            "is_late": True,
            "rows_missing": len(created),
            "rows_marked": marked,
        },
    )


def ledger_overdue_resolve(*, advisor_id: int, village_id: int, year: int, month: int, at) -> int:
    """A late ledger was submitted after all: its flag is resolved (the submission stays marked late).
    For the ledger submission service to call when it records a submission."""
    return Flag.objects.filter(
        kind=Flag.Kind.LEDGER_OVERDUE,
        period=f"{year}-{month:02d}",
        subject_key=Flag.key_for(village=village_id, advisor=advisor_id),
        resolved_at__isnull=True,
    ).update(resolved_at=at)


def remind_township_ledgers(*, on: date, bureau_ids: Collection[int] | None = None) -> dict:
    """The last day of the month, in the morning: remind each justice office whose township ledger for the month is
    not yet forwarded to the bureau."""
    bureaus = bureaus_due(on, is_last_day_of_month, bureau_ids)
    if not bureaus:
        return {"summary": "今天不是月末。", "townships": 0, "notified": 0}
    forwarded = TownshipLedger.objects.filter(
        township_id=OuterRef("pk"), year=on.year, month=on.month, forwarded_at__isnull=False
    )
    townships = list(
        Township.objects.filter(~Exists(forwarded), bureau_id__in=list(bureaus)).values_list("pk", "name")
    )
    staff = office_staff([pk for pk, _ in townships])
    messages = [
        Message(
            recipient_id=user_id,
            key=f"township_ledger_reminder:{month_label(on)}:township:{township_id}",
            title=f"今天是{zh_month(on)}乡镇台账报送司法局的截止日",
            body=f"{name}{zh_month(on)}的工作台账尚未报送司法局，请于今天内汇总报送。",
            url=dashboard_url(),
        )
        for township_id, name in townships
        for user_id in staff[township_id]
    ]
    created = notify_many(messages)
    return {
        "summary": f"{len(townships)} 个司法所尚未报送{zh_month(on)}乡镇台账，已提醒（新通知 {len(created)} 条）。",
        "townships": len(townships),
        "notified": len(created),
    }
