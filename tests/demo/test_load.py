"""The sustained-load mode of the benchmark command (`benchmark --load-test`).

The command starts gunicorn itself only against a real database; here the same driver is pointed (--url) at
pytest-django's live server, a real HTTP server on the test database. No timings are asserted: they depend on
the machine.
"""

import json
from io import StringIO

import pytest
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command

from accounts.models import UserSession
from benchmarks import load
from demo import generator
from ledger.models import WorkLog, WorkLogEvent
from tests.factories import (
    AgreementFactory,
    BureauFactory,
    TownshipFactory,
    VillageFactory,
    make_advisor_user,
)


@pytest.fixture
def district(transactional_db):
    """The district demo bureau (by its code): three advisors who can sign in, each with a current agreement on a
    village of their own, in two townships."""
    spec = generator.SCALES["district"]
    bureau = BureauFactory(code=spec.bureau_code, name=spec.bureau_name)
    townships = [TownshipFactory(bureau=bureau), TownshipFactory(bureau=bureau)]
    for i in range(3):
        user = make_advisor_user(bureau=bureau)
        AgreementFactory(advisor=user.advisor, village=VillageFactory(township=townships[i % 2]))
    return bureau


def test_it_submits_logs_to_a_running_server_at_the_rate_asked_then_removes_them(
    district, live_server, tmp_path
):
    output = tmp_path / "load.json"
    out = StringIO()

    call_command(
        "benchmark",
        "--scale",
        "district",
        "--load-test",
        "--url",
        live_server.url,
        "--rate",
        "4",
        "--seconds",
        "1",
        "--phones",
        "3",
        "--warmup",
        "2",
        "--clients",
        "1",  # the live server shares the test's SQLite connection: one request at a time
        "--output",
        str(output),
        stdout=out,
    )

    figures = json.loads(output.read_text(encoding="utf-8"))["load_test"]
    assert figures["phones"] == 3
    assert (figures["sent"], figures["ok"], figures["errors"]) == (4, 4, {})
    assert figures["median_ms"] <= figures["p95_ms"] <= figures["max_ms"]
    assert figures["meets_goal"] is None  # 4/s is a look, not a verdict on the goal of 20/s
    # Every submitted log (the 2 of the warm-up too) was in its township's monthly rollup before the clean-up…
    assert figures["rollup_check"] == {"townships": 2, "logs": 6, "rollup_logs": 6, "duplicate_rows": 0}
    # …which deleted them, and the sessions the run signed in with.
    assert figures["cleaned_up"] == {"logs": 6, "sessions": 3}
    assert not WorkLog.objects.exists()
    assert not WorkLogEvent.objects.exists()
    assert not Session.objects.exists()
    assert not UserSession.objects.exists()
    assert "成功(302) 4" in out.getvalue()
    assert "不作判定" in out.getvalue()


def test_the_posts_carry_the_forms_hidden_fields_and_the_runs_marker(district, live_server):
    target = load.Target.from_url(live_server.url)
    phone = load.fetch_form(target, load.sign_in(load.pairs_for(district, 1))[0])
    marker = load.new_marker()

    status = load.post_log(target, phone, consultation_id=load.consultation_id(), marker=marker)

    assert status == 302
    assert {"csrfmiddlewaretoken", "client_uuid", "version"} <= set(phone.fields)
    log = WorkLog.objects.get()
    assert (log.remarks, log.status, log.village_id) == (marker, WorkLog.Status.SUBMITTED, phone.village_id)
    assert str(log.client_uuid) != phone.fields["client_uuid"]  # a new form's uuid for every POST
    assert load.clean_up(marker=marker, phones=[phone]) == {"logs": 1, "sessions": 1}


def test_the_phones_are_spread_over_the_townships(district):
    pairs = load.pairs_for(district, 2)

    assert len({user.pk for user, _village in pairs}) == 2
    assert len({village.township_id for _user, village in pairs}) == 2


def test_the_new_log_form_is_told_apart_from_the_other_forms_of_the_page():
    page = """
        <form method="post" action="/accounts/logout/"><input type="hidden" name="csrfmiddlewaretoken" value="a"></form>
        <form method="post" enctype="multipart/form-data">
          <input type="hidden" name="csrfmiddlewaretoken" value="b">
          <input type="hidden" name="client_uuid" value="c" id="id_client_uuid">
          <input type="hidden" name="version"><input type="text" name="object_name" value="x">
        </form>"""

    assert load.hidden_fields(page) == {"csrfmiddlewaretoken": "b", "client_uuid": "c", "version": ""}
    with pytest.raises(ValueError, match="新建日志表单"):
        load.hidden_fields('<form><input type="hidden" name="csrfmiddlewaretoken" value="a"></form>')


def test_the_requests_go_out_in_turn_and_every_outcome_is_counted():
    phones = [load.Phone(name, village, {}) for name, village in (("a", 1), ("b", 2), ("c", 3))]
    seen = []

    def send(phone: load.Phone) -> int:
        seen.append(phone.username)
        if phone.username == "c":
            raise TimeoutError
        return {"a": 302, "b": 200}[phone.username]  # b's form came back with errors

    samples = load.run_load(phones, send, rate=100, seconds=0.06, workers=1)
    figures = load.summarize(samples, rate=100, seconds=0.06)

    assert seen == ["a", "b", "c", "a", "b", "c"]
    assert (figures["sent"], figures["ok"]) == (6, 2)
    assert figures["errors"] == {"HTTP 200": 2, "TimeoutError": 2}
    assert figures["median_ms"] <= figures["p95_ms"] <= figures["max_ms"]
    assert [(w["sent"], w["ok"]) for w in figures["timeline"]] == [(6, 2)]  # all due in the first 5 seconds
    assert figures["meets_goal"] is False  # at the goal's rate, but with errors


def test_gunicorn_is_started_only_under_production_settings(district, settings):
    settings.DEBUG = True

    with pytest.raises(CommandError, match="DEBUG=0"):
        call_command("benchmark", "--scale", "district", "--load-test", stdout=StringIO())


def test_it_needs_the_demo_data(db):
    with pytest.raises(CommandError, match="seed_demo --scale city"):
        call_command(
            "benchmark", "--scale", "city", "--load-test", "--url", "http://127.0.0.1:9", stdout=StringIO()
        )
