"""The monthly rollup of the counted logs (`WorkLogMonthly`, issue 8), and how it is kept current.

One totals row per (township, advisor, month) and one row per service type: the whole-bureau statistics
(`ledger.reports.work_statistics`) sum these few rows instead of joining every log of the half-year with its
service types. Kept current three ways:

- every write of a log, its service types or its lecture refreshes that township's month (the signal receivers
  below, connected in `LedgerConfig.ready`), whatever wrote it: the services, the admin, a factory. A draft is
  never counted, so saving one costs nothing; the refresh is a delete and two grouped queries over the township's
  month (tens of logs);
- the month-end job rebuilds the month that ends (`deadlines.services.month_end`);
- `python manage.py rebuild_rollups [--year Y [--month M]]` rebuilds any period, e.g. after a bulk load (seed_demo
  calls it) or a change made around the ORM.
"""

from datetime import date

from django.db import connection, transaction
from django.db.models import Count, F, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.db.models.signals import m2m_changed, post_delete, post_save

from programme.measures import onsite_of_bureaus
from villages.models import Bureau, Township

from .models import Lecture, WorkLog, WorkLogMonthly

# Statuses whose logs are in the rollup, or were before a change that must take them out (returned).
_TOUCHING = {*WorkLog.COUNTED_STATUSES, WorkLog.Status.RETURNED}


def _month_range(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year + month // 12, month % 12 + 1, 1)


_COLUMNS = (
    "bureau_id, township_id, advisor_id, year, month, service_type_id, logs, people, hours, onsite, lectures"
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
            (totals, "b, t, a, %s, %s, NULL, n, p, h, o, lc"),
            (by_type, "b, t, a, %s, %s, s, n, p, 0, 0, 0"),
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


def _refresh_for(worklog_id: int | None = None, worklog: WorkLog | None = None) -> None:
    if worklog is None:
        worklog = WorkLog.objects.filter(pk=worklog_id).only("status", "village", "service_date").first()
    if worklog is None or worklog.status not in _TOUCHING or worklog.service_date is None:
        return
    if WorkLog.village.is_cached(worklog):  # as the services leave it: no query
        township_id = worklog.village.township_id
    else:
        township = Township.objects.filter(villages__pk=worklog.village_id)
        township_id = township.values_list("pk", flat=True).first()
    if township_id is not None:
        refresh_township_month(township_id, worklog.service_date.year, worklog.service_date.month)


def _worklog_saved(sender, instance: WorkLog, raw=False, **kwargs) -> None:
    if not raw:
        _refresh_for(worklog=instance)


def _worklog_deleted(sender, instance: WorkLog, **kwargs) -> None:
    _refresh_for(worklog=instance)


def _types_changed(sender, instance, action: str, reverse: bool, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear") and not reverse:
        _refresh_for(worklog=instance)


def _lecture_changed(sender, instance: Lecture, raw=False, **kwargs) -> None:
    if not raw:
        _refresh_for(worklog_id=instance.worklog_id)


def connect() -> None:
    post_save.connect(_worklog_saved, sender=WorkLog, dispatch_uid="rollup_worklog_saved")
    post_delete.connect(_worklog_deleted, sender=WorkLog, dispatch_uid="rollup_worklog_deleted")
    m2m_changed.connect(_types_changed, sender=WorkLog.service_types.through, dispatch_uid="rollup_types")
    post_save.connect(_lecture_changed, sender=Lecture, dispatch_uid="rollup_lecture_saved")
    post_delete.connect(_lecture_changed, sender=Lecture, dispatch_uid="rollup_lecture_deleted")
