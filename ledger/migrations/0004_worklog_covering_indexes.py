"""Covering indexes for the per-village and per-advisor aggregates, on PostgreSQL only.

The monthly check, the statistics, the dashboards and the reviews count and sum a village's or an advisor's logs
over a period by status, mode and hours. A log row is wide (its text is 100–500 characters), so with these columns
in the index those aggregates read the narrow index alone (index-only scans) instead of the table. SQLite has no
INCLUDE: there the plain (village, service_date) and (advisor, service_date) indexes of WorkLog.Meta serve.
"""

from django.db import migrations

from common.postgres_indexes import postgres_indexes

INDEXES = {
    "ledger_worklog_village_date_cover": "ledger_worklog (village_id, service_date) INCLUDE (status, mode, hours, advisor_id)",
    "ledger_worklog_advisor_date_cover": "ledger_worklog (advisor_id, service_date) INCLUDE (status, mode, hours, village_id)",
}


class Migration(migrations.Migration):
    dependencies = [("ledger", "0003_township_ledger")]

    operations = [postgres_indexes(INDEXES)]
