"""A review is computed and written in chunks of advisors (bounded memory for a province): chunked or not, the
reviews, their villages and indicators, the events and the one audit entry are the same."""

from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessment import indicators
from assessment.models import (
    Inspection,
    Rating,
    ReturnVisit,
    Review,
    ReviewEvent,
    ReviewVillage,
    Satisfaction,
    Tier,
)
from assessment.services import computation, opinions
from audit.models import AuditEntry
from audit.services import BULK_CHANGE
from ledger.models import Incident, Lecture, LedgerSubmission, WorkLog
from tests.factories import AdvisorFactory, AgreementFactory, VillageFactory, WorkLogFactory

pytestmark = pytest.mark.django_db

JULY_1 = date(2026, 7, 1)
WHOLE = 10**6  # one chunk: the computation as it was before chunking


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10)))


@pytest.fixture
def county(bureau, township, bureau_admin_user):
    """Six advisors in a bureau, with every source of the indicators; one village changes advisor in April."""
    advisors = [AdvisorFactory(bureau=bureau) for _ in range(6)]
    shared = VillageFactory(township=township, wechat_group_set_up_on=date(2026, 2, 1))
    for n, advisor in enumerate(advisors):
        for k in range(n % 3 + 1):
            village = VillageFactory(
                township=township, wechat_group_set_up_on=date(2026, 3, 1) if k == 0 else None
            )
            agreement = AgreementFactory(advisor=advisor, village=village, start_date=date(2026, 1, 1))
            for month in range(1, 7 - k):
                log = WorkLogFactory(
                    agreement=agreement,
                    service_date=date(2026, month, 5 + n),
                    mode="onsite" if (month + n) % 3 else "phone",
                    hours=Decimal(month + k),
                    status=WorkLog.Status.VERIFIED if month % 2 else WorkLog.Status.SUBMITTED,
                    confirmed_at=_at(date(2026, month, 6 + n)) if month != 3 else None,
                )
                if month in (2, 5) and n % 2:
                    Lecture.objects.create(worklog=log, topic="民法典进农村", attendance=30)
                LedgerSubmission.objects.create(
                    advisor=advisor,
                    village=village,
                    year=2026,
                    month=month,
                    submitted_at=_at(date(2026, month, 25)),
                    is_late=(month + n) % 4 == 0,
                )
            if n % 2 == 0:
                ReturnVisit.objects.create(
                    village=village,
                    advisor=advisor,
                    visited_on=date(2026, 4, 20),
                    contact_kind=ReturnVisit.Contact.RESIDENT,
                    method=ReturnVisit.Method.PHONE,
                    satisfaction=[Satisfaction.SATISFIED, Satisfaction.MOSTLY, Satisfaction.UNSATISFIED][k],
                    recorded_by=bureau_admin_user,
                )
            if n == 4:
                Incident.objects.create(
                    village=village, advisor=advisor, summary="宅基地纠纷", reported_at=_at(date(2026, 2, 11))
                )
    before = AgreementFactory(
        advisor=advisors[1], village=shared, start_date=date(2026, 1, 1), end_date=date(2026, 3, 31)
    )
    after = AgreementFactory(advisor=advisors[5], village=shared, start_date=date(2026, 4, 1))
    WorkLogFactory(agreement=before, service_date=date(2026, 2, 3))
    WorkLogFactory(agreement=after, service_date=date(2026, 5, 3))
    inspection = {
        "kind": Inspection.Kind.BUREAU,
        "township": township,
        "inspectors": "王科长",
        "checked_items": "工作日志、台账",
        "recorded_by": bureau_admin_user,
    }
    Inspection.objects.create(
        **inspection, village=shared, inspected_on=date(2026, 4, 1), findings="台账不全"
    )
    Inspection.objects.create(
        **inspection, advisor=advisors[3], inspected_on=date(2026, 5, 1), findings="未驻点"
    )
    Inspection.objects.create(
        **inspection,
        advisor=advisors[2],
        inspected_on=date(2026, 3, 1),
        findings="迟到",
        resolved_on=date(2026, 6, 1),
    )
    computation.scoring_rule_for(bureau)
    return advisors


def _state(period) -> dict:
    """Everything the computation writes, keyed by what does not depend on the order rows were inserted in."""
    reviews = {
        r.advisor_id: (
            r.status,
            r.score,
            r.breakdown,
            r.proposed_tier,
            r.final_tier,
            r.computed_at is not None,
        )
        for r in Review.objects.filter(period=period)
    }
    villages = {
        (row.review.advisor_id, row.village_id): (row.agreement_id, row.indicators, row.village_rating)
        for row in ReviewVillage.objects.filter(review__period=period).select_related("review")
    }
    events = sorted(
        ReviewEvent.objects.filter(review__period=period).values_list("review__advisor_id", "action", "by_id")
    )
    audits = [
        {k: v for k, v in entry.additional_data.items()}
        for entry in AuditEntry.objects.filter(event=BULK_CHANGE, detail__contains="计算考核指标").order_by(
            "pk"
        )
    ]
    # The unchunked path: every source read once for the whole bureau.
    unchunked = indicators.compute_indicators(period)
    return {
        "reviews": reviews,
        "villages": villages,
        "events": events,
        "audits": audits,
        "unchunked": (unchunked.pairs, unchunked.advisor_findings),
    }


def _in_rolled_back(compute) -> dict:
    with transaction.atomic():
        period = compute()
        state = _state(period)
        transaction.set_rollback(True)
    return state


def _open(bureau, by=None):
    return computation.review_period_open(bureau=bureau, kind="half", year=2026, by=by, today=JULY_1)


def test_opening_in_chunks_gives_the_same_reviews(county, bureau, bureau_staff_user, monkeypatch):
    monkeypatch.setattr(indicators, "CHUNK_SIZE", WHOLE)
    whole = _in_rolled_back(lambda: _open(bureau, bureau_staff_user))
    assert len(whole["reviews"]) == 6 and len(whole["villages"]) == 14
    assert whole["audits"] == [
        {
            "model": "assessment.Review",
            "period": whole["audits"][0]["period"],
            "reviews_created": 6,
            "reviews_computed": 6,
            "villages_created": 14,
            "villages_updated": 0,
        }
    ]
    pairs, advisor_findings = whole["unchunked"]
    assert {key: value[1] for key, value in whole["villages"].items()} == pairs
    shared = Inspection.objects.get(findings="台账不全").village_id
    assert (
        pairs[(county[1].pk, shared)]["open_findings"] == pairs[(county[5].pk, shared)]["open_findings"] == 1
    )
    assert advisor_findings == {county[3].pk: 1}
    assert whole["reviews"][county[3].pk][2][-1]["advisor_findings"] == 1
    for size in (1, 2, 4):
        monkeypatch.setattr(indicators, "CHUNK_SIZE", size)
        chunked = _in_rolled_back(lambda: _open(bureau, bureau_staff_user))
        assert chunked["reviews"] == whole["reviews"]
        assert chunked["villages"] == whole["villages"]
        assert chunked["events"] == whole["events"]
        assert [{**a, "period": None} for a in chunked["audits"]] == [
            {**a, "period": None} for a in whole["audits"]
        ]


def test_recomputing_in_chunks_gives_the_same_reviews(
    county, bureau, liaison_user, office_user, bureau_staff_user, monkeypatch
):
    """Recomputing: a final review is kept, ratings given stay in the score, a new village joins, and an open
    review whose advisor no longer has an agreement in the period is scored with nothing."""
    monkeypatch.setattr(indicators, "CHUNK_SIZE", 2)
    period = _open(bureau, bureau_staff_user)
    advisors = county
    kept = Review.objects.get(period=period, advisor=advisors[0])
    opinions.review_finalize(review=kept, by=bureau_staff_user, tier=Tier.PASS, reason="综合考虑")
    rated = Review.objects.get(period=period, advisor=advisors[2])
    row = rated.villages.order_by("village__code").first()
    ReviewVillage.objects.filter(pk=row.pk).update(village_rating=Rating.GOOD)
    Review.objects.filter(pk=rated.pk).update(office_rating=Rating.PASS)
    AgreementFactory(
        advisor=advisors[3], village=VillageFactory(township=advisors[3].bureau.townships.first())
    )
    gone = Review.objects.get(period=period, advisor=advisors[4])
    advisors[4].agreements.update(status="draft")
    WorkLogFactory(agreement=advisors[1].agreements.first(), service_date=date(2026, 6, 20))

    def recompute():
        computation.review_period_compute(period=period)
        return period

    monkeypatch.setattr(indicators, "CHUNK_SIZE", WHOLE)
    whole = _in_rolled_back(recompute)
    assert whole["reviews"][advisors[0].pk][:5] == (
        Review.Status.FINAL,
        kept.score,
        kept.breakdown,
        kept.proposed_tier,
        Tier.PASS,
    )
    assert whole["reviews"][advisors[4].pk][1] == Decimal(0) and gone.score > 0
    assert whole["audits"][-1]["reviews_computed"] == 5
    assert whole["audits"][-1]["villages_created"] == 1
    # What the unchunked path computes, for every review not final; the gone advisor's rows stay as they were.
    not_final = {key: value for key, value in whole["unchunked"][0].items() if key[0] != advisors[0].pk}
    stored = whole["villages"].items()
    assert {
        key: value[1] for key, value in stored if key[0] not in (advisors[0].pk, advisors[4].pk)
    } == not_final
    for size in (1, 3):
        monkeypatch.setattr(indicators, "CHUNK_SIZE", size)
        assert _in_rolled_back(recompute) == whole


def test_queries_grow_with_the_chunks_not_the_advisors(county, bureau, monkeypatch):
    def open_and_count():
        with CaptureQueriesContext(connection) as queries:
            _in_rolled_back(lambda: _open(bureau))
        return len(queries)

    monkeypatch.setattr(indicators, "CHUNK_SIZE", 3)  # six advisors: two chunks
    two_chunks = open_and_count()
    monkeypatch.setattr(indicators, "CHUNK_SIZE", 6)  # one chunk
    one_chunk = open_and_count()
    AdvisorFactory.create_batch(2, bureau=bureau)  # no agreement: not reviewed, no chunk
    for advisor in county[:2]:
        AgreementFactory(advisor=advisor, village=VillageFactory(township=advisor.bureau.townships.first()))
    assert open_and_count() == one_chunk
    assert two_chunks > one_chunk
