"""Sustained load of log submissions through a real HTTP server ("log POST from the phone: p95 under
150 ms; 20 submissions/s sustained on 2 cores with gunicorn").

`benchmark --load-test` starts gunicorn on a free local port against the same database, with the settings the
command runs under (production ones: DEBUG=0), signs in several advisors of the demo bureau (sessions made as the
test client makes them: `Client.force_login`, the session cookie read back), fetches each one's new-log form over
HTTP for its CSRF token and hidden fields, then POSTs new logs at a fixed rate (open loop: a request is sent when
it is due, whether or not the earlier ones have been answered) from a pool of threads, with the standard library's
http.client only. A good POST is answered 302 (to the new log).

Every log it makes carries a marker of the run in 备注 and is deleted afterwards through the ORM (the rollup's
signal receivers refresh the township's month), as are the sessions it made. The audit trail keeps its rows
(append-only by a database trigger), as does the login history (axes, audit): a load test is recorded like any
other activity.

The driver (`fetch_form`, `post_log`, `run_load`, `summarize`) takes the server's address as a `Target`, so the
tests drive Django's live_server with it; only the command starts gunicorn.
"""

import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from math import ceil
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import connection, transaction
from django.db.models import Count, Sum
from django.test import Client
from django.utils import timezone

from accounts.models import UserSession
from advisors.models import Agreement
from ledger.models import LedgerSubmission, ServiceType, WorkLog, WorkLogMonthly
from villages.models import Bureau, Village

from .benchmark import NEW_LOG

NEW_LOG_URL = "/logs/new/"
# The goal for the sustained load (p95 of a log POST from the phone).
GOAL_RATE = 20.0
GOAL_P95_MS = 150.0
# The rate counts as kept up when the completions came at this share of the target rate or more: the first and
# the last answers' own latencies shift the measured span a little either way.
RATE_TOLERANCE = 0.98
MARKER_PREFIX = "压测"


# --- the server ---


@dataclass(frozen=True)
class Target:
    """Where the load goes: the address to connect to, the Host header (one of ALLOWED_HOSTS) and whether to
    say, as the production proxy does, that the request came over HTTPS (X-Forwarded-Proto)."""

    hostname: str
    port: int
    host: str
    https_proxy: bool = False

    @classmethod
    def from_url(cls, url: str, *, host: str | None = None, https_proxy: bool = False) -> "Target":
        parts = urlsplit(url)
        if parts.scheme != "http" or not parts.hostname:
            raise ValueError(f"只支持 http:// 地址：{url}")
        port = parts.port or 80
        return cls(parts.hostname, port, host or parts.netloc, https_proxy)

    @property
    def origin(self) -> str:
        return f"{'https' if self.https_proxy else 'http'}://{self.host}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def static_root() -> tuple[str, bool]:
    """A STATIC_ROOT with the manifest the production storage needs: the configured one if collected, else a
    temporary one collected now (returns it and whether it is temporary)."""
    if (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        return str(settings.STATIC_ROOT), False
    root = tempfile.mkdtemp(prefix="bench-static-")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "STATIC_ROOT": root},
        check=True,
    )
    return root, True


@contextmanager
def gunicorn(
    *, workers: int, threads: int, host: str, boot_timeout: float = 60
) -> Iterator[tuple[Target, int, str]]:
    """gunicorn serving config.wsgi on a free local port with this process's environment (the same DATABASE_URL
    and settings); yields the target, the master's pid and the path of its log (kept, for the errors of a run),
    and stops it afterwards."""
    root, temporary = static_root()
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers), "--log-level", "warning"]
    if threads > 1:
        command += ["--worker-class", "gthread", "--threads", str(threads)]
    target = Target("127.0.0.1", port, host, https_proxy=True)
    env = {**os.environ, "STATIC_ROOT": root}
    if env.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        # Its connections named, so that the CPU of the PostgreSQL backends serving it can be found.
        separator = "&" if "?" in env["DATABASE_URL"] else "?"
        env["DATABASE_URL"] += f"{separator}application_name={application_name(port)}"
    log_file = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, kept on disk
        mode="w+", prefix="benchmark-gunicorn-", suffix=".log", delete=False
    )
    with log_file as log:
        # A session of its own: where the scheduler groups processes by session (autogroup), its own group.
        process = subprocess.Popen(
            command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=log, start_new_session=True
        )
        try:
            _wait_until_serving(target, process, boot_timeout, log)
            yield target, process.pid, log.name
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if temporary:
                shutil.rmtree(root, ignore_errors=True)


def _wait_until_serving(target: Target, process: subprocess.Popen, timeout: float, log) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"gunicorn 未能启动：\n{log.read()[-2000:]}")
        try:
            status, _headers, _body = request(target, "GET", "/accounts/login/", timeout=5)
        except OSError:
            time.sleep(0.2)
            continue
        if status < 500:
            return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn 在 {timeout:.0f} 秒内没有应答。")


def application_name(port: int) -> str:
    return f"benchmark-load-{port}"


class DatabaseWatch(threading.Thread):
    """Every half second, the PostgreSQL backends of the server under load (by application_name): how many are
    running a statement and how many of those wait on a lock, and the CPU each has used so far (a backend that
    ends, as one does at CONN_MAX_AGE, keeps its last reading)."""

    def __init__(self, name: str, interval: float = 0.5):
        super().__init__(daemon=True)
        self.name_, self.interval = name, interval
        self.samples: list[tuple[int, int]] = []  # (active, waiting on a lock)
        self.blockers: Counter = Counter()  # what the waiting ones waited for: our own statements or others'
        self.started = {pid: 0.0 for pid, _s, _w in self.backends()}  # the CPU of each at the start
        self.started.update(cpu_of(set(self.started)))
        self.cpu = dict(self.started)
        self._done = threading.Event()

    def blocking(self) -> list[str]:
        """For each of our backends waiting on a lock, the statement of the one holding it (ours: the server's own)
        and what is waited for (the lock's kind and table)."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT CASE WHEN b.application_name = %s THEN 'ours: ' ELSE 'other: ' END || left(b.query, 60) "
                "|| coalesce(' [' || (SELECT l.locktype || ' ' || coalesce(l.relation::regclass::text, '') "
                "FROM pg_locks l WHERE l.pid = w.pid AND NOT l.granted LIMIT 1) || ']', '') "
                "FROM pg_stat_activity w, unnest(pg_blocking_pids(w.pid)) AS blocker(pid) "
                "JOIN pg_stat_activity b ON b.pid = blocker.pid "
                "WHERE w.application_name = %s AND w.wait_event_type = 'Lock'",
                [self.name_, self.name_],
            )
            return [row[0] for row in cursor.fetchall()]

    def backends(self) -> list[tuple[int, str, str | None]]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid, state, wait_event_type FROM pg_stat_activity WHERE application_name = %s",
                [self.name_],
            )
            return cursor.fetchall()

    def run(self) -> None:
        try:
            while not self._done.wait(self.interval):
                rows = self.backends()
                self.cpu.update(cpu_of({pid for pid, _state, _wait in rows}))
                active = [wait for _pid, state, wait in rows if state == "active"]
                waiting = sum(1 for wait in active if wait == "Lock")
                self.samples.append((len(active), waiting))
                if waiting:
                    self.blockers.update(self.blocking())
        finally:
            connection.close()

    def stop(self) -> dict:
        """The figures; `cpu_seconds`: what the backends used since the start (one first seen later counts from
        its own start)."""
        self._done.set()
        self.join()
        self.cpu.update(cpu_of(set(self.cpu)))
        if not self.samples:
            return {}
        return {
            "backends": len(self.cpu),
            "cpu_seconds": sum(after - self.started.get(pid, 0) for pid, after in self.cpu.items()),
            "active_mean": round(statistics.mean(a for a, _w in self.samples), 2),
            "lock_waiting_mean": round(statistics.mean(w for _a, w in self.samples), 2),
            "lock_waiting_max": max(w for _a, w in self.samples),
            "blocked_by": dict(self.blockers.most_common(5)),
        }


def cpu_of(pids: set[int]) -> dict[int, float]:
    """The CPU seconds (user + system) of each process still running, from /proc (Linux)."""
    tick = os.sysconf("SC_CLK_TCK")
    seconds = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seconds[pid] = (int(fields[11]) + int(fields[12])) / tick  # utime, stime (fields 14, 15 of stat)
    return seconds


def prioritize(server_pid: int | None, pids: set[int], nice: int) -> None:
    """Put the server (and its database backends) ahead of the other work of a shared machine: their nice value,
    and that of the server's scheduling group where the kernel groups processes by session (autogroup)."""
    for pid in pids:
        os.setpriority(os.PRIO_PROCESS, pid, nice)
    autogroup = Path(f"/proc/{server_pid}/autogroup")
    if server_pid and autogroup.exists():
        autogroup.write_text(str(nice))


def process_tree(pid: int) -> set[int]:
    """A process and its children (gunicorn's master and workers), from /proc (Linux)."""
    pids = {pid}
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        for child in task.read_text().split():
            pids |= process_tree(int(child))
    return pids


# --- the phones ---


def request(
    target: Target, method: str, path: str, *, cookies=None, body: str | None = None, timeout: float = 30
) -> tuple[int, list[tuple[str, str]], bytes]:
    """One request on a new connection (as gunicorn's sync workers close each one); status, headers, body."""
    headers = {"Host": target.host, "User-Agent": "benchmark-load/1"}
    if target.https_proxy:
        headers["X-Forwarded-Proto"] = "https"
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Origin"] = target.origin
        headers["Referer"] = f"{target.origin}{path}"
    connection = http.client.HTTPConnection(target.hostname, target.port, timeout=timeout)
    try:
        connection.request(method, path, body=body.encode() if body is not None else None, headers=headers)
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


@dataclass
class Phone:
    """An advisor's phone: signed in, the new-log form fetched (its hidden fields: CSRF token, client_uuid…)."""

    username: str
    village_id: int
    cookies: dict[str, str]
    fields: dict[str, str] = field(default_factory=dict)


def pairs_for(bureau: Bureau, count: int) -> list[tuple]:
    """Up to `count` (user, village) pairs: different active advisors of the bureau who can sign in, each with a
    village under a current agreement whose ledger for this month is not yet submitted; taken from each township
    in turn, as phones across the bureau would send them (not all into one township's rollup)."""
    today = timezone.localdate()
    closed = set(
        LedgerSubmission.objects.filter(
            advisor__bureau=bureau, year=today.year, month=today.month, submitted_at__isnull=False
        ).values_list("advisor_id", "village_id")
    )
    agreements = (
        Agreement.objects.current()
        .filter(advisor__bureau=bureau, advisor__is_active=True, advisor__user__is_active=True)
        .select_related("advisor__user", "village")
        .order_by("village__township_id", "advisor_id", "village__code")
    )
    by_township: dict[int, list[Agreement]] = {}
    seen = set()
    for agreement in agreements.iterator():
        if agreement.advisor_id in seen or (agreement.advisor_id, agreement.village_id) in closed:
            continue
        seen.add(agreement.advisor_id)
        by_township.setdefault(agreement.village.township_id, []).append(agreement)
    pairs = []
    queues = list(by_township.values())
    while queues and len(pairs) < count:
        for queue in queues:
            if queue and len(pairs) < count:
                agreement = queue.pop(0)
                pairs.append((agreement.advisor.user, agreement.village))
        queues = [q for q in queues if q]
    return pairs


def sign_in(pairs: list[tuple]) -> list[Phone]:
    """A session for each user, made as the test client makes it (the login signals run, as at a real login)."""
    phones = []
    for user, village in pairs:
        client = Client()
        client.force_login(user)
        cookies = {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}
        phones.append(Phone(user.get_username(), village.pk, cookies))
    return phones


class _Forms(HTMLParser):
    """The hidden inputs of each <form> of a page."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict[str, str]] = []
        self._current: dict[str, str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self._current = {}
            self.forms.append(self._current)
        elif (
            tag == "input"
            and self._current is not None
            and attributes.get("type") == "hidden"
            and attributes.get("name")
        ):
            self._current[attributes["name"]] = attributes.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def hidden_fields(html: str) -> dict[str, str]:
    """The hidden fields of the new-log form (the one with client_uuid) of a page."""
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        if "client_uuid" in form and "csrfmiddlewaretoken" in form:
            return form
    raise ValueError("页面上没有新建日志表单(client_uuid 与 csrfmiddlewaretoken)。")


def _set_cookies(cookies: dict[str, str], headers: list[tuple[str, str]]) -> None:
    for name, value in headers:
        if name.lower() == "set-cookie":
            for morsel in SimpleCookie(value).values():
                cookies[morsel.key] = morsel.value


def fetch_form(target: Target, phone: Phone) -> Phone:
    """GET the new-log form for the phone's village: its hidden fields, and the CSRF cookie."""
    status, headers, body = request(
        target, "GET", f"{NEW_LOG_URL}?village={phone.village_id}", cookies=phone.cookies
    )
    if status != 200:
        location = dict((k.lower(), v) for k, v in headers).get("location", "")
        raise RuntimeError(f"{phone.username}: GET {NEW_LOG_URL} HTTP {status} {location}".rstrip())
    _set_cookies(phone.cookies, headers)
    phone.fields = hidden_fields(body.decode("utf-8"))
    return phone


def log_body(phone: Phone, *, consultation_id: int, marker: str) -> str:
    """The POST of one new log as the form sends it (the same service as the in-process `log_post`), a new
    client_uuid each time (a new form), the run's marker in 备注."""
    data = {
        **phone.fields,
        **NEW_LOG,
        "village": phone.village_id,
        "service_date": timezone.localdate().isoformat(),
        "service_types": consultation_id,
        "remarks": marker,
        "client_uuid": str(uuid.uuid4()),
    }
    return urlencode(data)


def post_log(target: Target, phone: Phone, *, consultation_id: int, marker: str) -> int:
    """POST one new log; the HTTP status (302 when it was saved)."""
    body = log_body(phone, consultation_id=consultation_id, marker=marker)
    status, _headers, _body = request(target, "POST", NEW_LOG_URL, cookies=phone.cookies, body=body)
    return status


# --- the load ---


@dataclass
class Sample:
    due: float  # time.monotonic() when the request was due
    sent: float
    done: float
    status: int | None = None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status == 302

    @property
    def outcome(self) -> str:
        return self.error or f"HTTP {self.status}"


def run_load(
    phones: list[Phone], send: Callable[[Phone], int], *, rate: float, seconds: float, workers: int = 64
) -> list[Sample]:
    """Open loop: request i is handed to the pool at start + i / rate, the phones taking turns, whatever became of
    the earlier ones. The pool is large enough that a slow server does not slow the sending."""
    if rate <= 0 or seconds <= 0 or not phones:
        raise ValueError("rate, seconds and phones must be positive")
    total = max(1, round(rate * seconds))
    start = time.monotonic() + 0.05

    def one(phone: Phone, due: float) -> Sample:
        sent = time.monotonic()
        try:
            status = send(phone)
        except Exception as error:  # noqa: BLE001 - a refused or timed-out request is a result, not a crash
            return Sample(due, sent, time.monotonic(), error=type(error).__name__)
        return Sample(due, sent, time.monotonic(), status=status)

    futures = []
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="phone") as pool:
        for i in range(total):
            due = start + i / rate
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            futures.append(pool.submit(one, phones[i % len(phones)], due))
        return [f.result() for f in futures]


def _percentile(ordered: list[float], share: float) -> float:
    return ordered[max(0, ceil(share * len(ordered)) - 1)]


def timeline(samples: list[Sample], step: float = 5.0) -> list[dict]:
    """Per `step` seconds of the schedule (by when each request was due): requests, good answers, p95 latency;
    whether the server kept up all along or fell behind for a while."""
    if not samples:
        return []
    start = samples[0].due
    windows: dict[int, list[Sample]] = {}
    for sample in samples:
        windows.setdefault(int((sample.due - start) // step), []).append(sample)
    return [
        {
            "from_s": index * step,
            "sent": len(window),
            "ok": sum(1 for s in window if s.ok),
            "p95_ms": round(_percentile(sorted((s.done - s.sent) * 1000 for s in window), 0.95), 1),
        }
        for index, window in sorted(windows.items())
    ]


def summarize(samples: list[Sample], *, rate: float, seconds: float) -> dict:
    """The figures of a run: counts, the rate the server answered at, the latency seen by the client."""
    ok = [s for s in samples if s.ok]
    latencies = sorted((s.done - s.sent) * 1000 for s in samples)
    done = sorted(s.done for s in ok)
    # Completions per second between the first good answer and the last: the rate the server kept up.
    achieved = (len(done) - 1) / (done[-1] - done[0]) if len(done) > 1 and done[-1] > done[0] else 0.0
    sent_span = samples[-1].sent - samples[0].sent if len(samples) > 1 else 0.0
    figures = {
        "target_rate": rate,
        "seconds": seconds,
        "sent": len(samples),
        "ok": len(ok),
        "errors": dict(Counter(s.outcome for s in samples if not s.ok)),
        "sent_rate": round((len(samples) - 1) / sent_span, 2) if sent_span else 0.0,
        "achieved_rate": round(achieved, 2),
        "median_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p95_ms": round(_percentile(latencies, 0.95), 1) if latencies else None,
        "p99_ms": round(_percentile(latencies, 0.99), 1) if latencies else None,
        "max_ms": round(latencies[-1], 1) if latencies else None,
        "late_max_ms": round(max((s.sent - s.due) * 1000 for s in samples), 1) if samples else None,
    }
    figures["timeline"] = timeline(samples)
    # The goal is judged at its own rate or above; a gentler run is a look, not a verdict.
    figures["meets_goal"] = (
        None
        if rate < GOAL_RATE
        else bool(
            not figures["errors"]
            and achieved >= RATE_TOLERANCE * GOAL_RATE
            and figures["p95_ms"] is not None
            and figures["p95_ms"] < GOAL_P95_MS
        )
    )
    return figures


def rollup_check(phones: list[Phone]) -> dict:
    """Whether the monthly rollup of the townships written to still matches their logs after the concurrent
    writes (each POST refreshes its township's month): logs counted in the rollup against the logs, and rollup
    rows present twice."""
    today = timezone.localdate()
    townships = set(
        Village.objects.filter(pk__in={p.village_id for p in phones}).values_list("township_id", flat=True)
    )
    rollup = WorkLogMonthly.objects.filter(township_id__in=townships, year=today.year, month=today.month)
    logs = WorkLog.objects.counted().filter(
        village__township_id__in=townships, service_date__year=today.year, service_date__month=today.month
    )
    twice = (
        rollup.values("township_id", "advisor_id", "service_type_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    return {
        "townships": len(townships),
        "logs": logs.count(),
        "rollup_logs": rollup.filter(service_type=None).aggregate(n=Sum("logs"))["n"] or 0,
        "duplicate_rows": twice,
    }


def clean_up(*, marker: str, phones: list[Phone]) -> dict:
    """Delete the logs of the run (by its marker) through the ORM, so that the rollup of each township's month is
    refreshed by its signal receivers, and the sessions the run made. Audit rows stay (append-only)."""
    with transaction.atomic():
        deleted = WorkLog.objects.filter(remarks=marker).delete()[1].get(WorkLog._meta.label, 0)
    keys = [p.cookies.get(settings.SESSION_COOKIE_NAME) for p in phones]
    keys = [k for k in keys if k]
    store = _session_store()
    for key in keys:
        store(session_key=key).delete()
    UserSession.objects.filter(session_key__in=keys).delete()
    return {"logs": deleted, "sessions": len(keys)}


def _session_store() -> type[SessionBase]:
    from importlib import import_module

    return import_module(settings.SESSION_ENGINE).SessionStore


def new_marker() -> str:
    return f"{MARKER_PREFIX} {timezone.localtime():%Y%m%d%H%M%S} {uuid.uuid4().hex[:8]}"


def consultation_id() -> int:
    return ServiceType.objects.get(code=ServiceType.CONSULTATION).pk


# --- the whole test ---


def load_test(
    *,
    bureau: Bureau,
    target: Target,
    phones: int,
    rate: float,
    seconds: float,
    warmup: int,
    clients: int = 64,
    server_pid: int | None = None,
    database_name: str | None = None,
    nice: int = 0,
    echo: Callable[[str], None] | None = None,
) -> dict:
    """Sign in, fetch the forms, warm up, run the load, clean up; the figures (see `summarize`) and the setting."""
    say = echo or (lambda _text: None)
    pairs = pairs_for(bureau, phones)
    if not pairs:
        raise LookupError("没有可登录、有现行协议的法律顾问。")
    marker = new_marker()
    service = consultation_id()
    signed_in: list[Phone] = []
    try:
        signed_in = sign_in(pairs)
        for phone in signed_in:
            fetch_form(target, phone)
        send = lambda phone: post_log(target, phone, consultation_id=service, marker=marker)  # noqa: E731
        warm = run_load(signed_in, send, rate=5, seconds=warmup / 5, workers=1) if warmup else []
        # Each worker's first requests (imports, connections) are not the load; a failure there is only reported.
        warm_errors = dict(Counter(s.outcome for s in warm if not s.ok))
        say(
            f"已登录 {len(signed_in)} 名顾问并取得表单；预热 {len(warm)} 次"
            + (f"(失败：{warm_errors})" if warm_errors else "")
            + "；开始计时……"
        )
        server = process_tree(server_pid) if server_pid else set()
        watch = DatabaseWatch(database_name) if database_name else None
        if nice:
            prioritize(server_pid, server | set(watch.started if watch else ()), nice)
        if watch:
            watch.start()
        cpu_before, client_before = cpu_of(server), time.process_time()
        load_before, started = os.getloadavg(), time.monotonic()
        samples = run_load(signed_in, send, rate=rate, seconds=seconds, workers=clients)
        wall = time.monotonic() - started
        cpu_after, client_after = cpu_of(server), time.process_time()
        database = watch.stop() if watch else {}
        figures = summarize(samples, rate=rate, seconds=seconds)
        figures["phones"] = len(signed_in)
        figures["warmup"] = warmup
        figures["warmup_errors"] = warm_errors
        figures["clients"] = clients
        figures["nice"] = nice
        figures["wall_s"] = round(wall, 2)
        if server:  # a worker restarted during the run is missed
            used = sum(
                after - cpu_before.get(pid, 0) for pid, after in cpu_after.items() if pid in cpu_before
            )
            figures["server_cpu_pct"] = round(100 * used / wall, 1)
        if database:
            used = database.pop("cpu_seconds")
            figures["database"] = {**database, "cpu_pct": round(100 * used / wall, 1)}
        figures["client_cpu_pct"] = round(100 * (client_after - client_before) / wall, 1)
        figures["rollup_check"] = rollup_check(signed_in)
        figures["loadavg_before"] = [round(x, 2) for x in load_before]
        figures["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
        figures["cpus"] = os.cpu_count()
    finally:
        cleaned = clean_up(marker=marker, phones=signed_in)
    figures["cleaned_up"] = cleaned
    figures["marker"] = marker
    return figures
