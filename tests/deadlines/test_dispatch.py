"""The dispatcher: which jobs run on which date and from what time, each once; catching up a missed day."""

from datetime import date, timedelta

import pytest
import time_machine

from deadlines import dispatch
from deadlines.dispatch import TICK, run_deadlines, run_due_deadlines
from deadlines.models import Flag, JobRun
from notifications.models import Notification

from .conftest import at

pytestmark = pytest.mark.django_db


def ran(outcomes) -> list[tuple[str, date]]:
    return [(o.job.name, o.on) for o in outcomes if o.status == "ran"]


def statuses(outcomes) -> dict[str, str]:
    return {o.job.name: o.status for o in outcomes}


@pytest.mark.parametrize(
    "day, jobs",
    [
        (date(2026, 3, 20), {"remind_ledgers_due"}),
        (date(2026, 3, 25), {"mark_ledgers_overdue"}),
        (date(2026, 3, 10), {"remind_ledgers_due"}),  # the other bureau's reminder day (due the 15th)
        (
            date(2026, 3, 31),
            {"remind_township_ledgers", "month_end", "quarter_end_lectures", "agreements_unfiled"},
        ),
        (date(2026, 4, 30), {"remind_township_ledgers", "month_end"}),
        (date(2026, 7, 1), {"open_review"}),
        (date(2027, 1, 1), {"open_review"}),
        (date(2026, 4, 15), {"mark_ledgers_overdue", "agreements_unfiled"}),  # the other bureau's days
        (date(2026, 3, 24), set()),
    ],
)
def test_it_runs_the_jobs_due_on_each_date(district, day, jobs):
    outcomes = run_deadlines(day, now=at(day + timedelta(days=1), 9))

    assert {name for name, _ in ran(outcomes)} == jobs
    assert set(JobRun.objects.filter(for_date=day).values_list("job", flat=True)) == jobs


def test_a_due_day_on_a_weekend_runs_on_that_day_not_the_monday_after(district):
    saturday, monday = date(2026, 4, 25), date(2026, 4, 27)

    assert ran(run_deadlines(saturday, now=at(monday, 0, 10))) == [("mark_ledgers_overdue", saturday)]
    assert ran(run_deadlines(monday, now=at(monday, 23))) == []


def test_deadline_checks_wait_for_the_day_to_end_and_reminders_for_eight_oclock(district):
    due = date(2026, 3, 25)
    assert statuses(run_deadlines(due, now=at(due, 23, 55))) == {"mark_ledgers_overdue": "not_ready"}
    assert statuses(run_deadlines(due, now=at(due + timedelta(days=1), 0, 10))) == {
        "mark_ledgers_overdue": "ran"
    }

    reminder = date(2026, 3, 20)
    assert statuses(run_deadlines(reminder, now=at(reminder, 0, 10))) == {"remind_ledgers_due": "not_ready"}
    assert statuses(run_deadlines(reminder, now=at(reminder, 8, 10))) == {"remind_ledgers_due": "ran"}


def test_a_job_done_is_skipped_and_forced_again_without_duplicates(district):
    day = date(2026, 3, 31)
    now = at(date(2026, 4, 1), 1)
    run_deadlines(day, now=now)
    counts = (Flag.objects.count(), Notification.objects.count())

    again = run_deadlines(day, now=now)
    forced = run_deadlines(day, now=now, force=True)

    assert set(statuses(again).values()) == {"done"}
    assert set(statuses(forced).values()) == {"ran"}
    assert (Flag.objects.count(), Notification.objects.count()) == counts


def test_the_hourly_tick_runs_yesterdays_checks_after_midnight_and_todays_reminders_from_eight(district):
    JobRun.objects.create(job=TICK, for_date=date(2026, 3, 19), started_at=at(date(2026, 3, 19)))

    assert ran(run_due_deadlines(now=at(date(2026, 3, 20), 0, 10))) == []
    assert ran(run_due_deadlines(now=at(date(2026, 3, 20), 8, 10))) == [
        ("remind_ledgers_due", date(2026, 3, 20))
    ]
    assert ran(run_due_deadlines(now=at(date(2026, 3, 20), 9, 10))) == []
    assert ran(run_due_deadlines(now=at(date(2026, 3, 26), 0, 10))) == [
        ("mark_ledgers_overdue", date(2026, 3, 25))
    ]


def test_a_day_missed_while_the_worker_was_down_is_caught_up_but_stale_reminders_are_not_sent(district):
    d = district
    JobRun.objects.create(job=TICK, for_date=date(2026, 3, 18), started_at=at(date(2026, 3, 18)))
    # The worker was down from the 19th to the 28th: the 20th's reminder, the 25th's overdue check were missed.

    outcomes = run_due_deadlines(now=at(date(2026, 3, 28), 10))

    assert ran(outcomes) == [("mark_ledgers_overdue", date(2026, 3, 25))]
    assert ("remind_ledgers_due", "stale") not in {(o.job.name, o.status) for o in outcomes}
    assert Notification.objects.filter(recipient=d.zhang.user, key__startswith="ledger_reminder").count() == 0
    assert Flag.objects.filter(kind=Flag.Kind.LEDGER_OVERDUE, period="2026-03").count() == 3
    assert run_due_deadlines(now=at(date(2026, 3, 28), 11)) == []


def test_a_fresh_installation_does_not_replay_the_past(district):
    outcomes = run_due_deadlines(now=at(date(2026, 3, 28), 10))

    assert outcomes == []  # the 25th is before the day before the first tick
    assert JobRun.objects.get(job=TICK).for_date == date(2026, 3, 28)


def test_the_catch_up_window_is_bounded(district, settings):
    settings.DEADLINES_CATCH_UP_DAYS = 5
    JobRun.objects.create(job=TICK, for_date=date(2026, 1, 1), started_at=at(date(2026, 1, 1)))

    outcomes = run_due_deadlines(now=at(date(2026, 4, 2), 10))

    assert {o.on for o in outcomes} == {date(2026, 3, 31)}


def test_a_failing_job_is_recorded_and_retried_at_the_next_tick_without_stopping_the_others(
    district, monkeypatch
):
    calls = []

    def broken(*, on, bureau_ids=None):
        calls.append(on)
        raise RuntimeError("数据库连接中断")

    jobs = tuple(
        dispatch.Job(j.name, j.label, broken, j.due, j.after_day_ends) if j.name == "month_end" else j
        for j in dispatch.JOBS
    )
    monkeypatch.setattr(dispatch, "JOBS", jobs)
    day, now = date(2026, 4, 30), at(date(2026, 5, 1), 0, 10)

    outcomes = run_deadlines(day, now=now)

    assert statuses(outcomes) == {"remind_township_ledgers": "ran", "month_end": "failed"}
    run = JobRun.objects.get(job="month_end", for_date=day)
    assert run.error == "RuntimeError: 数据库连接中断" and run.finished_at is None
    assert (
        "失败（RuntimeError: 数据库连接中断）" in next(o for o in outcomes if o.status == "failed").describe()
    )

    JobRun.objects.create(job=TICK, for_date=date(2026, 4, 30), started_at=now)
    next_tick = run_due_deadlines(now=at(date(2026, 5, 1), 1, 10))  # still broken: tried again, and recorded
    assert statuses(next_tick) == {"month_end": "failed"}
    assert calls == [day, day]


def test_the_review_opening_is_recorded_for_the_assessment_module(district):
    run_deadlines(date(2026, 7, 1), now=at(date(2026, 7, 1), 9))

    run = JobRun.objects.get(job="open_review", for_date=date(2026, 7, 1))
    assert run.result["review"] == "2026-H1"
    assert district.bureau.pk in run.result["bureaus"]


def test_the_beat_task_runs_the_dispatcher(district):
    from deadlines.tasks import run_due_deadlines_task

    with time_machine.travel(at(date(2026, 3, 20), 8, 30), tick=False):
        lines = run_due_deadlines_task.delay().get()

    assert lines == [
        "2026年3月20日 台账报送提醒：2 名顾问的 3 份2026年3月台账尚未报送，已提醒（新通知 2 条）。"
    ]
