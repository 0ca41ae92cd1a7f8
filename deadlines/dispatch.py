"""Which job runs for which date, when it may run, and the catch-up after a missed day.

`run_deadlines(on)` runs every job due on the date `on` (per the bureaus' settings) whose time has come, recording
each in a `JobRun` (unique per job and date). `run_due_deadlines()` is what Celery beat calls every hour: it runs
`run_deadlines` for today and for every earlier day of the catch-up window, so a day missed while the worker was
down is done at the next tick. A job already done for a date is skipped (unless forced); the jobs are idempotent
besides, so a rerun or a concurrent run writes nothing twice.

Times, in Asia/Shanghai: reminders run from 08:00 on their day (not at midnight, and only on that day: a reminder
for a deadline already past is not sent); everything that judges a deadline runs once its day has ended (from 00:00
the next day), so work done until midnight on the due day counts as on time.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ledger.services import incidents_escalate
from programme.calendar import end_of_day, start_of_day, zh_date
from villages.models import Bureau

from . import services
from .models import JobRun

logger = logging.getLogger(__name__)

# The beat task records itself under this name, once a day: the first tick bounds the catch-up window.
TICK = "tick"


def catch_up_days() -> int:
    return settings.DEADLINES_CATCH_UP_DAYS


def reminder_hour() -> int:
    return settings.DEADLINES_REMINDER_HOUR


@dataclass(frozen=True)
class Job:
    name: str
    label: str
    run: Callable[..., dict]
    due: Callable[[Bureau, date], bool]
    after_day_ends: (
        bool  # judges a deadline: runs once the day is over; otherwise a reminder, from 08:00 that day
    )

    def ready_at(self, on: date) -> datetime:
        if self.after_day_ends:
            return end_of_day(on)
        return start_of_day(on) + timedelta(hours=reminder_hour())

    def is_due(self, bureaus: list[Bureau], on: date) -> bool:
        return any(self.due(bureau, on) for bureau in bureaus)


JOBS: tuple[Job, ...] = (
    Job(
        "remind_ledgers_due",
        "台账报送提醒",
        services.remind_ledgers_due,
        services.is_ledger_reminder_day,
        False,
    ),
    Job(
        "remind_township_ledgers",
        "乡镇台账报送提醒",
        services.remind_township_ledgers,
        services.is_last_day_of_month,
        False,
    ),
    Job("open_review", "开启半年/年终考核", services.open_review, services.is_review_opening_day, False),
    Job(
        "mark_ledgers_overdue",
        "台账逾期标记",
        services.mark_ledgers_overdue,
        services.is_ledger_due_day,
        True,
    ),
    Job("month_end", "月末检查", services.month_end, services.is_last_day_of_month, True),
    Job(
        "quarter_end_lectures",
        "季度法治讲座检查",
        services.quarter_end_lectures,
        services.is_lecture_period_end,
        True,
    ),
    Job(
        "agreements_unfiled",
        "协议备案检查",
        services.agreements_unfiled,
        services.is_agreement_filing_deadline,
        True,
    ),
    # Also run every 15 minutes by its own beat task (ledger.tasks), so an incident is escalated soon after its hours
    # are up; here it is on the deadline dashboard and caught up after a missed day.
    Job(
        "escalate_incidents", "涉稳事项逾期未知悉上报司法局", incidents_escalate, services.is_every_day, True
    ),
)
JOBS_BY_NAME = {job.name: job for job in JOBS}


def register(job: Job) -> None:
    """Add another app's job (from its AppConfig.ready), so this module does not import that app."""
    global JOBS, JOBS_BY_NAME
    if job.name not in JOBS_BY_NAME:
        JOBS = (*JOBS, job)
        JOBS_BY_NAME = {j.name: j for j in JOBS}


@dataclass
class Outcome:
    job: Job
    on: date
    status: str  # ran, failed, done (earlier), not_ready, stale
    result: dict = field(default_factory=dict)
    error: str = ""

    def describe(self) -> str:
        head = f"{zh_date(self.on)} {self.job.label}"
        if self.status == "ran":
            return f"{head}：{self.result.get('summary', '完成')}"
        if self.status == "failed":
            return f"{head}：失败（{self.error}），下次定时任务将重试。"
        if self.status == "done":
            return f"{head}：此前已完成，跳过（可加 --force 重新执行，不会重复标记或通知）。"
        if self.status == "not_ready":
            return f"{head}：尚未到执行时间（{timezone.localtime(self.job.ready_at(self.on)):%Y-%m-%d %H:%M} 起）。"
        return f"{head}：提醒日已过，不再补发提醒。"


def run_job(job: Job, on: date, *, now: datetime | None = None) -> Outcome:
    """Run one job for one date now, whatever its readiness, recording it in its JobRun."""
    now = now or timezone.now()
    run, _ = JobRun.objects.update_or_create(
        job=job.name, for_date=on, defaults={"started_at": now, "finished_at": None, "error": ""}
    )
    try:
        with transaction.atomic():
            result = job.run(on=on)
    except Exception as error:
        logger.exception("Deadline job %s for %s failed", job.name, on)
        run.error = f"{type(error).__name__}: {error}"[:2000]
        run.save(update_fields=["error"])
        return Outcome(job, on, "failed", error=run.error)
    run.result = result
    run.finished_at = timezone.now()
    run.save(update_fields=["result", "finished_at"])
    return Outcome(job, on, "ran", result=result)


def run_deadlines(on: date, *, now: datetime | None = None, force: bool = False) -> list[Outcome]:
    """Every job due on `on` whose time has come; a job done before is skipped unless `force`."""
    now = now or timezone.now()
    bureaus = list(Bureau.objects.counties())  # those that run the programme: the jobs act on their places
    done = set(
        JobRun.objects.filter(for_date=on, finished_at__isnull=False, error="").values_list("job", flat=True)
    )
    return _run_day(on, bureaus=bureaus, done={(name, on) for name in done}, now=now, force=force, today=None)


def _run_day(
    on: date, *, bureaus: list[Bureau], done: set, now: datetime, force: bool, today: date | None
) -> list[Outcome]:
    outcomes = []
    for job in JOBS:
        if not job.is_due(bureaus, on):
            continue
        if now < job.ready_at(on):
            outcomes.append(Outcome(job, on, "not_ready"))
        elif (job.name, on) in done and not force:
            outcomes.append(Outcome(job, on, "done"))
        elif today is not None and not job.after_day_ends and on < today:
            outcomes.append(Outcome(job, on, "stale"))
        else:
            outcomes.append(run_job(job, on, now=now))
    return outcomes


def run_due_deadlines(*, now: datetime | None = None) -> list[Outcome]:
    """What the beat runs every hour: today's jobs and any missed in the catch-up window, each once.

    The window reaches back `DEADLINES_CATCH_UP_DAYS` (35) days, but not before the day before the first tick: a
    new installation does not replay the past.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    first_tick = (
        JobRun.objects.filter(job=TICK).order_by("for_date").values_list("for_date", flat=True).first()
    )
    start = today - timedelta(days=catch_up_days())
    start = max(start, (first_tick or today) - timedelta(days=1))
    JobRun.objects.update_or_create(
        job=TICK, for_date=today, defaults={"started_at": now, "finished_at": now, "result": {}}
    )
    bureaus = list(Bureau.objects.counties())  # those that run the programme: the jobs act on their places
    done = set(
        JobRun.objects.filter(for_date__gte=start, finished_at__isnull=False, error="").values_list(
            "job", "for_date"
        )
    )
    outcomes = []
    day = start
    while day <= today:
        outcomes += [
            outcome
            for outcome in _run_day(day, bureaus=bureaus, done=done, now=now, force=False, today=today)
            if outcome.status not in ("done", "stale") or day == today
        ]
        day += timedelta(days=1)
    return outcomes
