"""Known work in two county bureaus (`bureau` and `other_bureau` of tests/conftest.py), on `today` (2026-06-15).

In `bureau`: four villages in two townships; `agreement` (village) filed on time, `second_agreement` filed late,
`other_agreement` never filed (past 31 March); May's ledgers: village on time, second_village late,
other_township_village missing; `township` forwarded May on time; two logs in May (a consultation of 3 people and
a major mediation), one in June; incidents: May's acknowledged and handled, June's open, one of 2025 still open; the
half-year review open with one advisor 优秀 (final) and one awaiting the tier.
In `other_bureau`: one village, its agreement unfiled, one consultation of 2 people in May, nothing else.
"""

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from advisors.models import Agreement
from assessment.models import Review
from ledger.models import Incident, LedgerSubmission, ServiceType, TownshipLedger
from tests.factories import ReviewFactory, ReviewPeriodFactory, WorkLogFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


def types(*codes: str):
    return list(ServiceType.objects.filter(code__in=codes))


@pytest.fixture
def work(
    today,
    bureau,
    other_bureau,
    township,
    other_township,
    agreement,
    second_agreement,
    other_agreement,
    vacant_village,
    other_bureau_agreement,
    django_capture_on_commit_callbacks,
):
    Agreement.objects.filter(pk=agreement.pk).update(
        status=Agreement.Status.FILED, filed_on=date(2026, 3, 1), filed_late=False
    )
    Agreement.objects.filter(pk=second_agreement.pk).update(
        status=Agreement.Status.FILED, filed_on=date(2026, 4, 10), filed_late=True
    )
    LedgerSubmission.objects.create(
        advisor=agreement.advisor,
        village=agreement.village,
        year=2026,
        month=5,
        submitted_at=at(date(2026, 5, 20)),
    )
    LedgerSubmission.objects.create(
        advisor=second_agreement.advisor,
        village=second_agreement.village,
        year=2026,
        month=5,
        submitted_at=at(date(2026, 5, 27)),
        is_late=True,
    )
    TownshipLedger.objects.create(township=township, year=2026, month=5, forwarded_at=at(date(2026, 5, 30)))
    with django_capture_on_commit_callbacks(execute=True):
        WorkLogFactory(
            agreement=agreement,
            service_date=date(2026, 5, 10),
            people_served=3,
            service_types=types("consultation"),
        )
        WorkLogFactory(
            agreement=agreement,
            service_date=date(2026, 5, 12),
            mediation_major=True,
            service_types=types("mediation"),
        )
        WorkLogFactory(
            agreement=other_agreement, service_date=date(2026, 6, 2), service_types=types("consultation")
        )
        WorkLogFactory(
            agreement=other_bureau_agreement,
            service_date=date(2026, 5, 11),
            people_served=2,
            service_types=types("consultation"),
        )
    Incident.objects.create(
        village=agreement.village,
        advisor=agreement.advisor,
        summary="土地纠纷可能引发群体上访",
        reported_at=at(date(2026, 5, 5)),
        acknowledged_at=at(date(2026, 5, 5), 15),
        handled_at=at(date(2026, 5, 6)),
        handling="已联合村委会调处",
    )
    Incident.objects.create(
        village=agreement.village,
        advisor=agreement.advisor,
        summary="拆迁补偿争议",
        reported_at=at(date(2026, 6, 10)),
    )
    Incident.objects.create(
        village=other_agreement.village,
        advisor=other_agreement.advisor,
        summary="宅基地纠纷",
        reported_at=at(date(2025, 11, 3)),
        escalated_at=at(date(2025, 11, 4)),
    )
    period = ReviewPeriodFactory(bureau=bureau, kind="half", year=2026)
    ReviewFactory(
        period=period, advisor=agreement.advisor, status=Review.Status.FINAL, final_tier="excellent"
    )
    ReviewFactory(period=period, advisor=other_agreement.advisor)
    return {"bureau": bureau, "other_bureau": other_bureau, "hours": Decimal("2.50")}
