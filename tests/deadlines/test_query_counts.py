"""The jobs read and write in bulk: their number of queries does not grow with the number of villages."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deadlines import services
from tests.factories import (
    AgreementFactory,
    TownshipFactory,
    VillageFactory,
    make_advisor_user,
    make_user_with_role,
)

from .conftest import END, START, lecture, log

pytestmark = pytest.mark.django_db


def queries(job, on: date) -> int:
    with CaptureQueriesContext(connection) as context:
        result = job(on=on)
    assert result.get("notified", 1) > 0  # every measured run writes flags and notifications
    return len(context.captured_queries)


def grow(d, n: int = 15) -> None:
    """n more villages in new townships with their office, each with an advisor (with a login) and some work."""
    from accounts.models import Role

    for i in range(n):
        township = TownshipFactory(bureau=d.bureau)
        make_user_with_role(Role.OFFICE_STAFF, bureau=d.bureau, township=township)
        advisor = make_advisor_user(bureau=d.bureau).advisor
        agreement = AgreementFactory(
            advisor=advisor, village=VillageFactory(township=township), start_date=START, end_date=END
        )
        log(agreement, date(2026, 4, 10 + i % 10), hours="1.00")
        lecture(agreement, date(2026, 1, 10))


@pytest.mark.parametrize(
    "job, first, second",
    [
        (services.remind_ledgers_due, date(2026, 3, 20), date(2026, 4, 20)),
        (services.mark_ledgers_overdue, date(2026, 3, 25), date(2026, 4, 25)),
        (services.remind_township_ledgers, date(2026, 2, 28), date(2026, 4, 30)),
        (services.month_end, date(2026, 2, 28), date(2026, 4, 30)),
        (services.quarter_end_lectures, date(2026, 6, 30), date(2026, 9, 30)),
    ],
)
def test_a_jobs_queries_do_not_grow_with_the_villages(district, job, first, second):
    small = queries(job, first)
    grow(district)

    assert queries(job, second) == small


def test_the_month_end_at_a_quarters_end_adds_no_query_per_village(district):
    district.bureau.service_hours_period = "quarter"
    district.bureau.save()
    small = queries(services.month_end, date(2026, 3, 31))
    grow(district)

    assert queries(services.month_end, date(2026, 6, 30)) == small
