"""The monthly rollup of the counted logs (`WorkLogMonthly`), and how it is kept current.

One totals row per (township, advisor, month) and one row per service type: the whole-bureau statistics
(`ledger.reports.work_statistics`) sum these few rows instead of joining every log of the half-year with its
service types. Kept current three ways:

- a write of a log, its service types or its lecture that changes what the rollup counts refreshes that
  township's month once, after the transaction commits (the signal receivers below, connected in
  `LedgerConfig.ready`), whatever wrote it: the services, the admin, a factory. A draft is never counted, and a
  confirmation changes no count, so saving either costs no refresh; the refresh is a delete and two grouped
  queries over the township's month (tens of logs);
- the month-end job rebuilds the month that ends (`deadlines.services.month_end`);
- `python manage.py rebuild_rollups [--year Y [--month M]]` rebuilds any period, e.g. after a bulk load (seed_demo
  calls it) or a change made around the ORM.
"""

from datetime import date
from functools import partial

from django.db import connection, connections, transaction
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from programme.measures import onsite_of_bureaus
from villages.models import Bureau, Township, Village

from .models import Lecture, WorkLog, WorkLogMonthly


def _month_range(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year + month // 12, month % 12 + 1, 1)


_COLUMNS = (
    "bureau_id, township_id, advisor_id, year, month, service_type_id, logs, people, hours, onsite, lectures, "
    "major_disputes"
)


def _insert(logs: QuerySet[WorkLog], year: int, month: int, bureaus) -> None:
    """Insert the rollup rows of `logs` (one month's, of `bureaus`), grouped by township and advisor: two
    INSERT … SELECT, so the rows never pass through Python and the number of queries does not grow with the data.
    On-site visits are those of each bureau's on-site modes (programme.measures)."""
    logs = logs.counted().annotate(
        b=F("village__township__bureau_id"), t=F("village__township_id"), a=F("advisor_id")
    )
    totals = (
        logs.values("b", "t", "a")
        .annotate(
            n=Count("pk"),
            p=Coalesce(Sum("people_served"), 0),
            h=Sum("hours"),
            o=Count("pk", filter=onsite_of_bureaus(bureaus)),
            lc=Count("lecture"),
            mj=Count("pk", filter=Q(mediation_major=True)),
        )
        .order_by()
    )
    by_type = (
        logs.filter(service_types__isnull=False)
        .annotate(s=F("service_types"))
        .values("b", "t", "a", "s")
        .annotate(n=Count("pk"), p=Coalesce(Sum("people_served"), 0))
        .order_by()
    )
    table = connection.ops.quote_name(WorkLogMonthly._meta.db_table)
    with connection.cursor() as cursor:
        for query, select in (
            (totals, "b, t, a, %s, %s, NULL, n, p, h, o, lc, mj"),
            (by_type, "b, t, a, %s, %s, s, n, p, 0, 0, 0, 0"),
        ):
            sql, params = query.query.sql_with_params()
            cursor.execute(
                f"INSERT INTO {table} ({_COLUMNS}) SELECT {select} FROM ({sql}) grouped",
                [year, month, *params],
            )


@transaction.atomic
def refresh_township_month(township_id: int, year: int, month: int) -> None:
    """Recompute one township's month from its logs. The township's row is locked first: two logs of one township
    saved at the same moment would otherwise each delete the month (seeing none of the other's rows yet) and both
    insert it, counting the month twice (PostgreSQL's READ COMMITTED)."""
    start, end = _month_range(year, month)
    list(Township.objects.select_for_update().filter(pk=township_id).values_list("pk"))
    WorkLogMonthly.objects.filter(township_id=township_id, year=year, month=month).delete()
    logs = WorkLog.objects.filter(
        village__township_id=township_id, service_date__gte=start, service_date__lt=end
    )
    _insert(logs, year, month, Bureau.objects.filter(townships=township_id))


@transaction.atomic
def rebuild_month(year: int, month: int, *, bureau_ids=None) -> None:
    """Recompute a whole month (of the given bureaus, or all): a delete and two INSERT … SELECT."""
    start, end = _month_range(year, month)
    stale = WorkLogMonthly.objects.filter(year=year, month=month)
    logs = WorkLog.objects.filter(service_date__gte=start, service_date__lt=end)
    townships = Township.objects.all()
    if bureau_ids is not None:
        stale = stale.filter(bureau_id__in=list(bureau_ids))
        logs = logs.filter(village__township__bureau_id__in=list(bureau_ids))
        townships = townships.filter(bureau_id__in=list(bureau_ids))
    # The townships' locks, as a single log's refresh takes them: neither rebuilds the month under the other.
    list(townships.select_for_update().order_by("pk").values_list("pk"))
    stale.delete()
    bureaus = Bureau.objects.all() if bureau_ids is None else Bureau.objects.filter(pk__in=list(bureau_ids))
    _insert(logs, year, month, bureaus)


def rebuild(*, year: int | None = None, month: int | None = None) -> int:
    """Rebuild a month, a year, or (no arguments) every month that has logs; returns the number of months."""
    if year is not None and month is not None:
        rebuild_month(year, month)
        return 1
    months = WorkLog.objects.dates("service_date", "month")
    if year is not None:
        months = months.filter(service_date__year=year)
    with transaction.atomic():
        if year is None:
            WorkLogMonthly.objects.all().delete()
        months = list(months)
        for first in months:
            rebuild_month(first.year, first.month)
    return len(months)


# --- kept current on every write ---
#
# The receivers only note which (village, month) a write moved into or out of the rollup; the months are refreshed
# once, after the transaction commits. A log resubmitted with new service types is one refresh, not four; confirming
# or verifying a log (counted before and after) is none; and no township lock is taken while a transaction still
# holds the row locks of its transitions, so bulk transitions can run in one transaction.

# The log's fields the rollup reads: which month and township it lands in, and what it adds there.
_INPUTS = (
    "status",
    "village_id",
    "advisor_id",
    "service_date",
    "people_served",
    "hours",
    "mode",
    "mediation_major",
)


def _inputs(values: dict) -> tuple:
    counted = values["status"] in WorkLog.COUNTED_STATUSES
    return (counted, *(values[name] for name in _INPUTS[1:]))


def _place(values: dict) -> tuple[int, int, int] | None:
    """The (village, year, month) a log with these values is counted in, or None when it is not counted."""
    day = values["service_date"]
    if values["status"] not in WorkLog.COUNTED_STATUSES or day is None:
        return None
    return values["village_id"], day.year, day.month


def _pending(using: str) -> set[tuple[int, int, int]]:
    wrapper = connections[using]  # one per thread: each connection notes its own transaction's months
    if not hasattr(wrapper, "rollup_pending"):
        wrapper.rollup_pending = set()
    return wrapper.rollup_pending


def _mark(using: str, *places: tuple[int, int, int] | None) -> None:
    places = {place for place in places if place is not None}
    if not places:
        return
    _pending(using).update(places)
    # Registered at each mark: a callback registered inside a savepoint that is rolled back is dropped, and the
    # first callback to run refreshes every noted month (the others find nothing left). Robust: the transaction
    # has committed by then; a failed refresh is logged, and the month-end rebuild corrects it.
    transaction.on_commit(partial(_flush, using), using=using, robust=True)


def _flush(using: str) -> None:
    pending = _pending(using)
    if not pending:
        return
    places = set(pending)
    pending.clear()
    townships = dict(
        Village.objects.using(using)
        .filter(pk__in={village_id for village_id, _, _ in places})
        .values_list("pk", "township_id")
    )
    months = {(townships[v], year, month) for v, year, month in places if v in townships}
    for township_id, year, month in sorted(months):
        refresh_township_month(township_id, year, month)


def _values(instance: WorkLog) -> dict:
    return {name: getattr(instance, name) for name in _INPUTS}


def _worklog_before_save(sender, instance: WorkLog, raw=False, using="default", **kwargs) -> None:
    """Read the stored inputs (one query by primary key) to tell afterwards whether the save changed any."""
    instance._rollup_before = None
    if not raw and not instance._state.adding and instance.pk is not None:
        instance._rollup_before = (
            WorkLog._base_manager.using(using).filter(pk=instance.pk).values(*_INPUTS).first()
        )


def _worklog_saved(sender, instance: WorkLog, raw=False, using="default", **kwargs) -> None:
    if raw:
        return
    before, after = getattr(instance, "_rollup_before", None), _values(instance)
    instance._rollup_before = None
    if before is not None and _inputs(before) == _inputs(after):
        return
    _mark(using, _place(before) if before else None, _place(after))


def _worklog_deleted(sender, instance: WorkLog, using="default", **kwargs) -> None:
    _mark(using, _place(_values(instance)))


def _types_changed(sender, instance, action: str, reverse: bool, pk_set, using="default", **kwargs) -> None:
    if reverse or action not in ("post_add", "post_remove", "post_clear"):
        return
    if action != "post_clear" and not pk_set:
        return  # set() to the same types adds and removes nothing
    _mark(using, _place(_values(instance)))


def _lecture_changed(sender, instance: Lecture, raw=False, using="default", created=True, **kwargs) -> None:
    """A lecture counts by existing: made or deleted, not edited (its topic, attendance, receipt)."""
    if raw or not created:
        return
    values = WorkLog._base_manager.using(using).filter(pk=instance.worklog_id).values(*_INPUTS).first()
    if values:
        _mark(using, _place(values))


def connect() -> None:
    pre_save.connect(_worklog_before_save, sender=WorkLog, dispatch_uid="rollup_worklog_before_save")
    post_save.connect(_worklog_saved, sender=WorkLog, dispatch_uid="rollup_worklog_saved")
    post_delete.connect(_worklog_deleted, sender=WorkLog, dispatch_uid="rollup_worklog_deleted")
    m2m_changed.connect(_types_changed, sender=WorkLog.service_types.through, dispatch_uid="rollup_types")
    post_save.connect(_lecture_changed, sender=Lecture, dispatch_uid="rollup_lecture_saved")
    post_delete.connect(_lecture_changed, sender=Lecture, dispatch_uid="rollup_lecture_deleted")
