"""An index for the statistics page's advisors, on PostgreSQL only.

The page (`ledger.reports.statistics_page_table`) lists, 50 a page, the advisors who worked in the period, counted
and sorted from the rollup's totals rows. At province scale (14,000 advisors, 86,000 totals rows among the 355,000
rollup rows of a half-year) PostgreSQL found them through the service-type index and read every row from the table;
a partial index of the totals rows alone makes it an index-only scan (the count 45 → 25 ms, a page 60 → 40 ms). A
covering index for the period's totals was tried and left out: summing the rows costs the same either way. SQLite
(the small default) does without.
"""

from django.db import migrations

from common.postgres_indexes import postgres_indexes

INDEXES = {
    "ledger_wlm_advisors_in_period": (
        "ledger_worklogmonthly (bureau_id, year, month, advisor_id) WHERE service_type_id IS NULL"
    ),
}


class Migration(migrations.Migration):
    dependencies = [("ledger", "0007_dashboard_covering_indexes")]

    operations = [postgres_indexes(INDEXES)]
