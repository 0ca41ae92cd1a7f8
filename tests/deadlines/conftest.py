"""A small district for the deadline jobs, on agreements that run 2026–2028 so any test date has its advisor.

    township (office_user) ─┬─ village ──────── zhang (with a login), agreement `zhang_village`
                            ├─ second_village ─ zhang, agreement `zhang_second`
                            └─ vacant_village ─ nobody
    other_township (other_office_user) ── other_township_village ── li (with a login)
    other_bureau_township ── other_bureau_village ── an advisor of `other_bureau` (due day 15, filing by 15 April)

Tests pass the job's date (`on`) and, for the dispatcher, the time (`now`) explicitly, so none depends on today.
"""

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from ledger.models import Lecture
from tests.factories import AgreementFactory, WorkLogFactory, make_advisor_user, make_user_with_role

SHANGHAI = ZoneInfo("Asia/Shanghai")
START, END = date(2026, 1, 1), date(2028, 12, 31)


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """An aware datetime in Asia/Shanghai."""
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


def log(
    agreement, day: date, *, hours: str = "2.50", mode: str = "onsite", status: str = "submitted", **fields
):
    """A work log on the agreement's village, submitted the same day unless said otherwise."""
    fields.setdefault("submitted_at", at(day, 18))
    return WorkLogFactory(
        agreement=agreement, service_date=day, hours=Decimal(hours), mode=mode, status=status, **fields
    )


def lecture(agreement, day: date, **fields):
    worklog = log(agreement, day, **fields)
    return Lecture.objects.create(
        worklog=worklog, topic="民法典与村民生活", outline="一、…二、…", attendance=40
    )


@pytest.fixture
def zhang(bureau, village, second_village):
    user = make_advisor_user(bureau=bureau, username="zhang", name="张明")
    AgreementFactory(advisor=user.advisor, village=village, start_date=START, end_date=END)
    AgreementFactory(advisor=user.advisor, village=second_village, start_date=START, end_date=END)
    return user.advisor


@pytest.fixture
def zhang_village(zhang, village):
    return zhang.agreements.get(village=village)


@pytest.fixture
def zhang_second(zhang, second_village):
    return zhang.agreements.get(village=second_village)


@pytest.fixture
def li(bureau, other_township_village):
    user = make_advisor_user(bureau=bureau, username="li", name="李芳")
    AgreementFactory(advisor=user.advisor, village=other_township_village, start_date=START, end_date=END)
    return user.advisor


@pytest.fixture
def li_agreement(li, other_township_village):
    return li.agreements.get(village=other_township_village)


@pytest.fixture
def other_bureau_advisor(other_bureau, other_bureau_village):
    other_bureau.ledger_due_day = 15
    other_bureau.agreement_filing_month, other_bureau.agreement_filing_day = 4, 15
    other_bureau.save()
    user = make_advisor_user(bureau=other_bureau, username="wang", name="王强")
    AgreementFactory(advisor=user.advisor, village=other_bureau_village, start_date=START, end_date=END)
    return user.advisor


@pytest.fixture
def other_bureau_office(other_bureau_township):
    from accounts.models import Role

    return make_user_with_role(
        Role.OFFICE_STAFF,
        bureau=other_bureau_township.bureau,
        township=other_bureau_township,
        username="shiqiao",
    )


@pytest.fixture
def district(
    bureau,
    township,
    other_township,
    village,
    second_village,
    vacant_village,
    other_township_village,
    zhang,
    zhang_village,
    zhang_second,
    li,
    li_agreement,
    office_user,
    other_office_user,
    bureau_admin_user,
    bureau_staff_user,
    other_bureau_advisor,
    other_bureau_office,
):
    """Everything above as attributes of one namespace; every person has an e-mail address."""
    from types import SimpleNamespace

    from django.contrib.auth import get_user_model
    from django.db.models import Value
    from django.db.models.functions import Concat

    get_user_model().objects.update(email=Concat("username", Value("@example.cn")))
    for advisor in (zhang, li, other_bureau_advisor):
        advisor.user.refresh_from_db()
    for user in (office_user, other_office_user, bureau_admin_user, bureau_staff_user, other_bureau_office):
        user.refresh_from_db()
    return SimpleNamespace(**locals())


@pytest.fixture(autouse=True)
def _programme_jobs_only(monkeypatch):
    """These tests are about the programme's dated jobs (DESIGN.md's table): the residents' daily jobs, due every
    day, are left out here and tested with the dispatcher in tests/consultations/test_resident_jobs.py."""
    from deadlines import dispatch

    daily = {"escalate_resident_requests", "erase_resident_data", "escalate_incidents"}
    jobs = tuple(job for job in dispatch.JOBS if job.name not in daily)
    monkeypatch.setattr(dispatch, "JOBS", jobs)
    monkeypatch.setattr(dispatch, "JOBS_BY_NAME", {job.name: job for job in jobs})
