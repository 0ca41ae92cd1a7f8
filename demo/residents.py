"""Residents' requests and ratings for the demo: every state, mostly on the demo advisors' villages, so that
`advisor` has requests to answer, `office` an escalated one to chase, and the review reads residents' ratings."""

import random
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from advisors.models import Agreement
from consultations.models import REFERENCE_ALPHABET, REFERENCE_LENGTH, ResidentRating, ResidentRequest
from consultations.services import ERASED, due_at_for, month_of, phone_key
from villages.models import Bureau

SURNAMES = "王李张刘陈杨赵黄周吴"
QUESTIONS = [
    "宅基地和邻居边界有争议，想咨询怎么解决。",
    "在外地打工被拖欠工资三个月，怎么讨要？",
    "父亲去世后兄弟几个分房产，怎么分才合法？",
    "土地流转合同到期，对方不肯退地怎么办？",
    "想立一份遗嘱，需要注意什么？",
    "儿子不给赡养费，老人能起诉吗？",
]
ANSWERS = [
    "已电话解答，建议先由村调委会调解。",
    "已到村当面解答，并协助准备材料。",
    "已解答，告知可申请法律援助。",
]
COMMENTS = {
    "satisfied": "顾问很耐心，讲得清楚。",
    "mostly": "解答了，就是回电话慢了点。",
    "unsatisfied": "留言后很久没人联系。",
}


def _moment(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def seed_residents(bureau: Bureau, *, today: date, seed: int = 2026) -> dict:
    """Requests in every state and ratings of every kind; nothing if the bureau has some already."""
    if ResidentRequest.objects.filter(village__township__bureau=bureau).exists():
        return {"skipped": True}
    rng = random.Random(seed)
    in_force = (
        Agreement.objects.current()
        .filter(village__township__bureau=bureau)
        .select_related("advisor__user", "village__township__bureau")
        .order_by("village__code")
    )
    mine = Q(advisor__user__username="advisor")
    current = list(in_force.filter(mine)) + list(in_force.exclude(mine)[:6])
    if not current:
        return {"skipped": True}

    def reference() -> str:
        return "".join(rng.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))

    # (status, days ago, erased): the demo advisor's villages come first, so `advisor` sees open and closed ones.
    plan = [
        (ResidentRequest.Status.OPEN, 0, False),
        (ResidentRequest.Status.OPEN, 1, False),
        (ResidentRequest.Status.ESCALATED, 6, False),
        (ResidentRequest.Status.CLOSED, 10, False),
        (ResidentRequest.Status.CLOSED, 40, False),
        (ResidentRequest.Status.SPAM, 3, False),
        (ResidentRequest.Status.CLOSED, 220, True),
        (ResidentRequest.Status.OPEN, 2, False),
        (ResidentRequest.Status.ESCALATED, 8, False),
        (ResidentRequest.Status.CLOSED, 20, False),
    ]
    requests = []
    for n, (status, days_ago, erased) in enumerate(plan):
        agreement = current[n % len(current)]
        created = _moment(today - timedelta(days=days_ago), 9 + n % 8)
        closed = created + timedelta(days=1) if status == ResidentRequest.Status.CLOSED else None
        request = ResidentRequest.objects.create(
            reference=reference(),
            village=agreement.village,
            advisor=agreement.advisor,
            name=ERASED if erased else f"{SURNAMES[n % len(SURNAMES)]}{'大爷' if n % 2 else '阿姨'}",
            phone="" if erased else f"139{rng.randrange(10**8):08d}",
            question=ERASED if erased else QUESTIONS[n % len(QUESTIONS)],
            preferred_mode=rng.choice(ResidentRequest.Mode.values),
            preferred_time="工作日上午" if n % 2 else "",
            consented_at=created,
            due_at=due_at_for(bureau, created),
            status=status,
            spam_reason="link" if status == ResidentRequest.Status.SPAM else "",
            escalated_at=created + timedelta(days=3) if status == ResidentRequest.Status.ESCALATED else None,
            closed_at=closed,
            closed_by=agreement.advisor.user if closed else None,
            answered_mode="phone" if closed else "",
            answer=(ERASED if erased else ANSWERS[n % len(ANSWERS)]) if closed else "",
            erased_at=_moment(today, 1) if erased else None,
        )
        ResidentRequest.objects.filter(pk=request.pk).update(created_at=created)
        requests.append(request)

    ratings = 0
    kinds = ["satisfied", "satisfied", "mostly", "unsatisfied", "satisfied", "mostly"]
    closed_requests = [r for r in requests if r.status == ResidentRequest.Status.CLOSED and not r.erased_at]
    for n, request in enumerate(closed_requests[:2]):
        _rating(
            request.advisor, request.village, kinds[n], rng, request.closed_at + timedelta(hours=3), request
        )
        ratings += 1
    for n, agreement in enumerate(current):
        when = _moment(today - timedelta(days=5 + n * 9), 15)
        _rating(agreement.advisor, agreement.village, kinds[(n + 2) % len(kinds)], rng, when)
        ratings += 1
    return {"requests": len(requests), "ratings": ratings}


def _rating(advisor, village, satisfaction, rng, when, request=None) -> None:
    rating = ResidentRating.objects.create(
        advisor=advisor,
        village=village,
        request=request,
        satisfaction=satisfaction,
        comment=COMMENTS[satisfaction],
        phone_key=phone_key(f"138{rng.randrange(10**8):08d}"),
        month=month_of(when),
    )
    ResidentRating.objects.filter(pk=rating.pk).update(created_at=when)
