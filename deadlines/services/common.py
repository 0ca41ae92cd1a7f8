"""What the jobs share: when each is due per bureau, who to tell, and the bulk reads and writes."""

from collections import defaultdict
from collections.abc import Callable, Collection
from datetime import date

from django.db.models import Q
from django.urls import reverse

from accounts.policy import bureau_staff_profiles, office_staff_profiles
from advisors.models import Agreement
from ledger.models import WorkLog
from notifications.services import Message
from programme.calendar import (
    is_month_end,
    ledger_due_date,
    ledger_reminder_date,
)
from programme.measures import Rules
from villages.models import Bureau

from ..models import Flag

# --- when each job is due, per bureau (the dispatcher asks the same questions) ---


def is_ledger_reminder_day(bureau: Bureau, on: date) -> bool:
    return ledger_reminder_date(bureau, on.year, on.month) == on


def is_ledger_due_day(bureau: Bureau, on: date) -> bool:
    return ledger_due_date(bureau, on.year, on.month) == on


def is_last_day_of_month(bureau: Bureau, on: date) -> bool:
    return is_month_end(on)


def is_lecture_period_end(bureau: Bureau, on: date) -> bool:
    """The last day of a quarter, or of the year for a bureau that asks for lectures per year (seed 003)."""
    return Rules.of(bureau).lectures_period_of(on).end == on


def is_agreement_filing_deadline(bureau: Bureau, on: date) -> bool:
    return bureau.agreement_filing_deadline(on.year) == on


def is_every_day(bureau: Bureau, on: date) -> bool:
    return True


def is_review_opening_day(bureau: Bureau, on: date) -> bool:
    """1 July (the first half) and 1 January (the year before), or the day the bureau opens its year-end review
    within the year (then not again on 1 January)."""
    if on == bureau.year_end_review_opens_on(on.year):
        return True
    if (on.month, on.day) == (1, 1):
        return bureau.year_end_review_opens_on(on.year - 1) is None
    return (on.month, on.day) == (7, 1)


def bureaus_due(
    on: date, due: Callable[[Bureau, date], bool], only: Collection[int] | None
) -> dict[int, Bureau]:
    """The bureaus the job is due for on `on` (`only`: among these, e.g. for a benchmark of one bureau)."""
    bureaus = Bureau.objects.counties() if only is None else Bureau.objects.counties().filter(pk__in=only)
    return {bureau.pk: bureau for bureau in bureaus if due(bureau, on)}


# --- shared reads and writes ---

AGREEMENT_FIELDS = (
    "pk",
    "advisor_id",
    "advisor__name",
    "advisor__user_id",
    "village_id",
    "village__name",
    "village__township_id",
    "village__township__name",
    "village__township__bureau_id",
)


def agreements_in_force(bureau_ids, day: date):
    return Agreement.objects.covering(day).filter(village__township__bureau_id__in=bureau_ids)


def office_staff(township_ids) -> dict[int, list[int]]:
    """The active justice-office staff of each township, as user ids."""
    staff = defaultdict(list)
    rows = office_staff_profiles(township_ids).values_list("township_id", "user_id")
    for township_id, user_id in rows:
        staff[township_id].append(user_id)
    return staff


def bureau_staff(bureau_ids) -> dict[int, list[int]]:
    staff = defaultdict(list)
    rows = bureau_staff_profiles(bureau_ids).values_list("bureau_id", "user_id")
    for bureau_id, user_id in rows:
        staff[bureau_id].append(user_id)
    return staff


def village_flag(kind: str, period: str, row: dict, detail: str = "") -> Flag:
    return Flag(
        kind=kind,
        period=period,
        subject_key=Flag.key_for(village=row["village_id"], advisor=row["advisor_id"]),
        bureau_id=row["village__township__bureau_id"],
        township_id=row["village__township_id"],
        village_id=row["village_id"],
        advisor_id=row["advisor_id"],
        detail=detail,
    )


def save_flags(flags: list[Flag]) -> None:
    Flag.objects.bulk_create(flags, ignore_conflicts=True)


def dashboard_url() -> str:
    return reverse("deadlines:dashboard")


def names_list(items: list[str], limit: int = 30) -> str:
    shown = "、".join(items[:limit])
    return shown if len(items) <= limit else f"{shown} 等 {len(items)} 个"


def advisor_and_office_messages(
    rows: list[dict], *, key: str, advisor_title: str, advisor_body: str, office_title: str, office_body: str
) -> list[Message]:
    """One message per advisor (their villages) and one per office staff member (their township's villages).

    `key` gets ":advisor:<id>" or ":township:<id>"; the titles and bodies are formatted with `{villages}` (and
    `{township}`, `{lines}` for the office).
    """
    by_advisor, by_township = defaultdict(list), defaultdict(list)
    for row in rows:
        by_advisor[(row["advisor_id"], row["advisor__user_id"])].append(row)
        by_township[(row["village__township_id"], row["village__township__name"])].append(row)
    messages = []
    url = dashboard_url()
    for (advisor_id, user_id), advisor_rows in by_advisor.items():
        if user_id is None:
            continue  # an advisor without a login: the office's message names them
        villages = names_list([r["village__name"] for r in advisor_rows])
        messages.append(
            Message(
                recipient_id=user_id,
                key=f"{key}:advisor:{advisor_id}",
                title=advisor_title.format(villages=villages),
                body=advisor_body.format(villages=villages),
                url=reverse("home"),
            )
        )
    staff = office_staff([township_id for township_id, _ in by_township])
    for (township_id, township_name), township_rows in by_township.items():
        lines = "\n".join(
            f"{r['village__name']}（{r['advisor__name']}）{r.get('detail', '')}" for r in township_rows
        )
        villages = names_list([r["village__name"] for r in township_rows])
        fields = {
            "township": township_name,
            "villages": villages,
            "lines": lines,
            "count": len(township_rows),
        }
        messages += [
            Message(
                recipient_id=user_id,
                key=f"{key}:township:{township_id}",
                title=office_title.format(**fields),
                body=office_body.format(**fields),
                url=url,
            )
            for user_id in staff[township_id]
        ]
    return messages


def counted_by(deadline) -> Q:
    """Logs that count for a period ending at `deadline`: submitted (or further) before it."""
    return Q(status__in=WorkLog.COUNTED_STATUSES) & (
        Q(submitted_at__isnull=True) | Q(submitted_at__lt=deadline)
    )
