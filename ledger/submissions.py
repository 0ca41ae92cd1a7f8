"""工作台账报送: the advisor submits each village's month ledger to the justice office by the bureau's due day; the
justice office forwards the township's month to the bureau by the month's end.

One module, two sections: the services (writes, atomic, with Chinese messages) and the selectors (reads, a fixed
number of aggregate queries whatever the number of villages). The ledger itself is compiled from the month's logs;
a submission closes the days it covers (`ledger.services.ledger_closed_for`): later logs of those days become
corrections; work done after the submission is an ordinary log of the month.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policy import scope_of
from advisors.models import Advisor, Agreement
from programme.calendar import end_of_day, last_day_of_month, ledger_due_date, month_bounds
from villages.models import Bureau, Township, Village

from .models import LedgerSubmission, TownshipLedger, WorkLog
from .services import advisor_of
from .signals import ledger_submitted

# How many unfinished logs a refusal names before it says "等".
NAMED_LOGS = 5


def whose_day(year: int, month: int, today: date | None = None) -> date:
    """The day whose agreement owns the month: its last day, or today for the running month."""
    first, last = month_bounds(date(year, month, 1))
    return max(first, min(last, today or timezone.localdate()))


def _zh_month(year: int, month: int) -> str:
    return _("%(year)s年%(month)s月") % {"year": year, "month": month}


def _refuse_future(year: int, month: int) -> None:
    if date(year, month, 1) > timezone.localdate():
        raise ValidationError(_("%(month)s尚未开始，不能报送。") % {"month": _zh_month(year, month)})


# === services ===


def _agreement_in_month(*, advisor: Advisor, village: Village, year: int, month: int) -> Agreement:
    first, last = month_bounds(date(year, month, 1))
    agreement = (
        Agreement.objects.overlapping(first, last)
        .filter(advisor=advisor, village=village)
        .order_by("-start_date")
        .first()
    )
    if agreement is None:
        raise PermissionDenied(
            _("您在%(month)s没有与%(village)s的生效协议，不能报送该村(社区)的台账。")
            % {"month": _zh_month(year, month), "village": village}
        )
    return agreement


def _refuse_unfinished_logs(*, advisor: Advisor, village: Village, year: int, month: int) -> None:
    unfinished = list(
        WorkLog.objects.filter(advisor=advisor, village=village, status__in=WorkLog.EDITABLE_STATUSES)
        .in_month(year, month)
        .order_by("service_date", "start_time", "pk")
    )
    if not unfinished:
        return
    named = "、".join(
        f"{log.service_date.month}月{log.service_date.day}日 {log.object_name}（{log.get_status_display()}）"
        for log in unfinished[:NAMED_LOGS]
    )
    if len(unfinished) > NAMED_LOGS:
        named += _(" 等 %(n)s 条") % {"n": len(unfinished)}
    raise ValidationError(
        _("%(month)s还有未提交的日志（草稿或退回待修改）：%(logs)s。请先提交或删除后再报送台账。")
        % {"month": _zh_month(year, month), "logs": named}
    )


@transaction.atomic
def ledger_submit(*, advisor_user, village: Village, year: int, month: int) -> LedgerSubmission:
    """The advisor of the agreement in force in the month submits its ledger for the village.

    Submitting twice changes nothing: the first submission's time stands. A ledger already marked late by the
    overdue job stays late; one submitted after the due day's end is late.
    """
    advisor = advisor_of(advisor_user)
    _refuse_future(year, month)
    _agreement_in_month(advisor=advisor, village=village, year=year, month=month)
    LedgerSubmission.objects.get_or_create(advisor=advisor, village=village, year=year, month=month)
    submission = LedgerSubmission.objects.select_for_update().get(
        advisor=advisor, village=village, year=year, month=month
    )
    if submission.submitted_at is not None:
        return submission
    _refuse_unfinished_logs(advisor=advisor, village=village, year=year, month=month)
    now = timezone.now()
    due = ledger_due_date(village.township.bureau, year, month)
    submission.submitted_at = now
    submission.is_late = submission.is_late or now >= end_of_day(due)
    submission.full_clean()
    submission.save(update_fields=["submitted_at", "is_late"])
    # The overdue job's flag is done with (deadlines listens); the submission itself stays marked late.
    ledger_submitted.send(
        sender=LedgerSubmission, advisor_id=advisor.pk, village_id=village.pk, year=year, month=month, at=now
    )
    return submission


def may_forward(user, township: Township) -> bool:
    return scope_of(user).is_office_of(township.pk)


def _township_ledger_locked(township: Township, year: int, month: int) -> TownshipLedger:
    TownshipLedger.objects.get_or_create(township=township, year=year, month=month)
    return TownshipLedger.objects.select_for_update().get(township=township, year=year, month=month)


def early_forward_refusal(
    *, township: Township, year: int, month: int, rows: list["VillageLedger"] | None = None
) -> str | None:
    """Why the month cannot be forwarded yet, or None. Before the advisors' due day a month is forwarded only when
    every village's ledger is in: an early forwarding of a half-empty month would read as done at the bureau.
    `rows`: the month's `month_ledger_status` when the caller already has it."""
    due = ledger_due_date(township.bureau, year, month)
    if timezone.localdate() >= due:
        return None
    if rows is None:
        rows = month_ledger_status(township=township, year=year, month=month)
    outstanding = sum(row.outstanding for row in rows)
    if not outstanding:
        return None
    return _(
        "%(month)s的台账报送截止日（%(due)s）未到，还有 %(n)s 个村(社区)的台账未报送，"
        "不能提前报送司法局：请等全部报齐，或截止日后再报送。"
    ) % {"month": _zh_month(year, month), "due": f"{due.month}月{due.day}日", "n": outstanding}


@transaction.atomic
def township_ledger_forward(*, by, township: Township, year: int, month: int) -> TownshipLedger:
    """The township's justice office forwards its month ledger to the bureau; late after the month's last day.
    Forwarding twice changes nothing: the first forwarding's time stands."""
    if not may_forward(by, township):
        raise PermissionDenied(_("只有本乡镇(街道)司法所可以向司法局报送乡镇台账。"))
    _refuse_future(year, month)
    ledger = _township_ledger_locked(township, year, month)
    if ledger.forwarded_at is not None:
        return ledger
    refusal = early_forward_refusal(township=township, year=year, month=month)
    if refusal:
        raise ValidationError(refusal)
    now = timezone.now()
    ledger.forwarded_at = now
    ledger.forwarded_by = by
    ledger.is_late = ledger.is_late or now >= end_of_day(last_day_of_month(year, month))
    # The month keeps where its late work was listed when it went to the bureau (ledger/listing.py).
    ledger.late_work_listing = township.bureau.late_work_listing
    ledger.full_clean()
    ledger.save(update_fields=["forwarded_at", "forwarded_by", "is_late", "late_work_listing"])
    return ledger


@transaction.atomic
def township_ledger_recall(*, by, township: Township, year: int, month: int) -> TownshipLedger:
    """The office takes its forwarding back (a village's ledger came in after it), until the bureau has accepted
    it. A ledger marked late stays late."""
    if not may_forward(by, township):
        raise PermissionDenied(_("只有本乡镇(街道)司法所可以撤回乡镇台账。"))
    ledger = _township_ledger_locked(township, year, month)
    if ledger.accepted_at is not None:
        raise ValidationError(
            _("司法局已接收%(month)s的台账，不能撤回。") % {"month": _zh_month(year, month)}
        )
    if ledger.forwarded_at is None:
        return ledger
    ledger.forwarded_at = None
    ledger.forwarded_by = None
    ledger.late_work_listing = ""  # open again: it follows the bureau's setting
    ledger.save(update_fields=["forwarded_at", "forwarded_by", "late_work_listing"])
    return ledger


def may_accept(user, township: Township) -> bool:
    scope = scope_of(user)
    return scope.is_operator or scope.runs_bureau(township.bureau_id)


@transaction.atomic
def township_ledger_accept(*, by, township: Township, year: int, month: int) -> TownshipLedger:
    """The bureau receives a forwarded township month; after that the office can no longer recall it.
    Accepting twice changes nothing."""
    if not may_accept(by, township):
        raise PermissionDenied(_("只有司法局可以接收乡镇台账。"))
    ledger = _township_ledger_locked(township, year, month)
    if ledger.forwarded_at is None:
        raise ValidationError(
            _("%(township)s尚未报送%(month)s的台账，不能接收。")
            % {"township": township.name, "month": _zh_month(year, month)}
        )
    if ledger.accepted_at is None:
        ledger.accepted_at = timezone.now()
        ledger.accepted_by = by
        ledger.save(update_fields=["accepted_at", "accepted_by"])
    return ledger


# === selectors ===


class LedgerState:
    """Where one village's month ledger stands (the values templates compare against)."""

    SUBMITTED = "submitted"  # in, on time
    SUBMITTED_LATE = "submitted_late"  # in, after the due day (or marked late before)
    MISSING = "missing"  # due day passed, not in
    PENDING = "pending"  # not in, due day still ahead
    UNSERVED = "unserved"  # no advisor in the month: nobody owes it


@dataclass(frozen=True)
class VillageLedger:
    village: Village
    advisor: Advisor | None
    due: date
    logs: int  # the month's logs, not drafts
    hours: Decimal  # of the counted logs
    unfinished: int  # drafts and returned logs: they block the submission
    submitted_at: datetime | None
    late: bool
    due_passed: bool  # when the status was read

    @property
    def missing(self) -> bool:
        return self.state == LedgerState.MISSING

    @property
    def outstanding(self) -> bool:
        """Owed and not in, due or not."""
        return self.state in (LedgerState.MISSING, LedgerState.PENDING)

    @property
    def state(self) -> str:
        if self.advisor is None:
            return LedgerState.UNSERVED
        if self.submitted_at is not None:
            return LedgerState.SUBMITTED_LATE if self.late else LedgerState.SUBMITTED
        if self.late or self.due_passed:
            return LedgerState.MISSING
        return LedgerState.PENDING


def _agreements_prefetch(year: int, month: int) -> Prefetch:
    return Prefetch(
        "agreements",
        queryset=Agreement.objects.covering(whose_day(year, month)).select_related("advisor"),
        to_attr="agreements_in_month",
    )


def month_ledger_status(*, township: Township, year: int, month: int) -> list[VillageLedger]:
    """Every village of the township for one month, in four queries whatever the number of villages: the villages
    with their agreements in force, one aggregate over the month's logs, and the month's submissions."""
    due = ledger_due_date(township.bureau, year, month)
    due_passed = timezone.now() >= end_of_day(due)
    villages = list(
        Village.objects.filter(township=township)
        .prefetch_related(_agreements_prefetch(year, month))
        .order_by(*Village._meta.ordering)
    )
    counted = Q(status__in=WorkLog.COUNTED_STATUSES)
    logs = {
        (row["village_id"], row["advisor_id"]): row
        for row in WorkLog.objects.filter(village__township=township)
        .in_month(year, month)
        .values("village_id", "advisor_id")
        .annotate(
            filed=Count("pk", filter=~Q(status=WorkLog.Status.DRAFT)),
            hours=Sum("hours", filter=counted),
            unfinished=Count("pk", filter=Q(status__in=WorkLog.EDITABLE_STATUSES)),
        )
        .order_by()
    }
    submissions = {
        (s.village_id, s.advisor_id): s
        for s in LedgerSubmission.objects.filter(village__township=township, year=year, month=month)
    }
    result = []
    for village in villages:
        agreement = next(iter(village.agreements_in_month), None)
        key = (village.pk, agreement.advisor_id if agreement else None)
        row = logs.get(key, {})
        submission = submissions.get(key)
        result.append(
            VillageLedger(
                village=village,
                advisor=agreement.advisor if agreement else None,
                due=due,
                logs=row.get("filed", 0),
                hours=row.get("hours") or Decimal("0"),
                unfinished=row.get("unfinished", 0),
                submitted_at=submission.submitted_at if submission else None,
                late=bool(submission and submission.is_late),
                due_passed=due_passed,
            )
        )
    return result


@dataclass(frozen=True)
class OverdueLedger:
    """A late or missing ledger, for the bureau's list."""

    village_id: int
    village_name: str
    advisor_name: str
    submitted_at: datetime | None

    @property
    def missing(self) -> bool:
        return self.submitted_at is None


@dataclass
class TownshipMonth:
    township: Township
    villages: int = 0
    owed: int = 0  # villages with an advisor in the month
    submitted: int = 0
    late: int = 0  # submitted late, or marked late
    missing: int = 0
    forwarded_at: datetime | None = None
    forwarded_late: bool = False
    accepted_at: datetime | None = None
    overdue: list[OverdueLedger] = field(default_factory=list)

    @property
    def outstanding(self) -> int:
        """Owed ledgers not in, due or not: a forwarded month with some is forwarded incomplete."""
        return self.owed - self.submitted


def bureau_month_status(
    *, bureau: Bureau, year: int, month: int, townships: QuerySet[Township] | None = None
) -> list[TownshipMonth]:
    """Each township of the bureau (or those of `townships`, a scope's) for one month, in three queries whatever the
    number of townships and villages: the townships with their village counts, the agreements in force with their
    submission, and the township ledgers."""
    due_passed = timezone.now() >= end_of_day(ledger_due_date(bureau, year, month))
    chosen = Township.objects.filter(bureau=bureau)
    if townships is not None:
        chosen = chosen.filter(pk__in=townships.values("pk"))
    statuses = {
        t.pk: TownshipMonth(township=t, villages=t.village_count)
        for t in chosen.annotate(village_count=Count("villages")).order_by("code")
    }
    submission = LedgerSubmission.objects.filter(
        village=OuterRef("village_id"), advisor=OuterRef("advisor_id"), year=year, month=month
    )
    agreements = (
        Agreement.objects.covering(whose_day(year, month))
        .filter(village__township__in=chosen.values("pk"))
        .annotate(
            submitted_at=Subquery(submission.values("submitted_at")[:1]),
            late=Subquery(submission.values("is_late")[:1]),
        )
        .values(
            "village_id",
            "village__name",
            "village__township_id",
            "advisor__name",
            "submitted_at",
            "late",
        )
        .order_by("village__township_id", "village__name")
    )
    for row in agreements:
        status = statuses[row["village__township_id"]]
        status.owed += 1
        submitted_at, late = row["submitted_at"], bool(row["late"])
        missing = submitted_at is None and (late or due_passed)
        status.submitted += submitted_at is not None
        status.late += late and submitted_at is not None
        status.missing += missing
        if late or missing:
            status.overdue.append(
                OverdueLedger(row["village_id"], row["village__name"], row["advisor__name"], submitted_at)
            )
    for ledger in TownshipLedger.objects.filter(township__in=chosen.values("pk"), year=year, month=month):
        status = statuses[ledger.township_id]
        status.forwarded_at = ledger.forwarded_at
        status.forwarded_late = ledger.is_late
        status.accepted_at = ledger.accepted_at
    return list(statuses.values())


def submission_for(*, advisor: Advisor, village: Village, year: int, month: int) -> LedgerSubmission | None:
    return LedgerSubmission.objects.filter(advisor=advisor, village=village, year=year, month=month).first()
