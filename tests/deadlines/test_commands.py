"""`run_deadlines` and `benchmark_deadlines`: the same dispatcher as the beat, telling in Chinese what they did."""

from datetime import date
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from deadlines.models import Flag, JobRun
from demo.generator import SCALES

from .conftest import at

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_it_runs_the_jobs_of_a_date_and_says_what_it_did(district):
    with time_machine.travel(at(date(2026, 4, 1), 9), tick=False):
        output = run("run_deadlines", "--date", "2026-03-25")
        again = run("run_deadlines", "--date", "2026-03-25")
        forced = run("run_deadlines", "--date", "2026-03-25", "--force")

    assert (
        output == "2026年3月25日 台账逾期标记：3 份2026年3月台账逾期未报，已标记逾期并通知（新通知 4 条）。\n"
    )
    assert "此前已完成，跳过" in again
    assert "（新通知 0 条）" in forced
    assert Flag.objects.count() == 3


def test_it_says_when_nothing_is_due_or_not_yet(district):
    with time_machine.travel(at(date(2026, 3, 25), 15), tick=False):
        assert run("run_deadlines", "--date", "2026-03-24") == "2026年3月24日没有到期的任务。\n"
        assert "尚未到执行时间（2026-03-26 00:00 起）" in run("run_deadlines", "--date", "2026-03-25")


def test_without_a_date_it_does_what_the_hourly_task_does(district):
    with time_machine.travel(at(date(2026, 3, 20), 9), tick=False):
        output = run("run_deadlines")

    assert output.startswith("2026年3月20日 台账报送提醒：")
    assert JobRun.objects.filter(job="tick", for_date=date(2026, 3, 20)).exists()


def test_it_refuses_a_bad_date():
    with pytest.raises(CommandError, match="日期格式应为 YYYY-MM-DD"):
        run("run_deadlines", "--date", "2026-02-30")


def test_the_benchmark_measures_the_month_end_and_rolls_back(district):
    district.bureau.code = SCALES["district"].bureau_code
    district.bureau.save()

    output = run("benchmark_deadlines", "--scale", "district", "--date", "2026-04-30")

    assert "月末检查 首次执行：用时" in output and "查询" in output
    assert "已回滚：数据库未改动。" in output
    assert not Flag.objects.exists()


def test_the_benchmark_needs_the_demo_data(db):
    with pytest.raises(CommandError, match="seed_demo --scale city"):
        run("benchmark_deadlines", "--scale", "city")
