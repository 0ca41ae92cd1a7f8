"""Demo reviews: return visits, inspections, WeChat groups, and the last ended review period opened with a mix of
opinions — so the 考核, 回访, 检查 and 补贴发放表 pages show something real on the first run (DESIGN.md "The demo").

Run after the activity (logs, ledgers) so the indicators have data. The opinions go through the services with the
people who give them (the advisor, the village's liaison, the township's justice office, the bureau), so the trail
of each review is the real one. Deterministic for a seed; does nothing when the bureau already has a period.
Opinions are given on a bounded sample (the demo township in full, a few dozen reviews elsewhere), so a province
seeds in the same time as a district.
"""

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from accounts.models import Profile, Role
from advisors.models import Agreement
from assessment.models import Inspection, Rating, ReturnVisit, ReviewPeriod, Satisfaction, Tier
from assessment.services import computation, opinions, payout
from villages.models import Bureau, Village

SAMPLE_ELSEWHERE = 40  # reviews given opinions outside the demo township
VISIT_SHARE = 0.35  # of the villages get a return visit in the period
WECHAT_SHARE = 0.7

VISIT_COMMENTS = {
    Satisfaction.SATISFIED: ["顾问每月按时到村，解答问题耐心细致", "帮村里审查了土地流转合同，群众很满意"],
    Satisfaction.MOSTLY: ["顾问能按时来，但驻点时间偶尔变动未提前告知", "希望讲座多讲些婚姻家庭方面的内容"],
    Satisfaction.UNSATISFIED: ["群众反映找不到顾问，电话多次未接", "本季度未见顾问到村"],
}
FINDINGS = [
    "公示栏未更新顾问驻点时间",
    "工作日志服务对象信息填写不全",
    "法治讲座缺少提纲和签到表",
    "台账未按月装订",
]
SELF_ASSESSMENTS = [
    "上半年按要求每月到村服务，办理法律咨询和矛盾纠纷调解，按季度开展法治讲座，台账按时报送。",
    "能够履行法律顾问职责，但个别月份到村时间不足，下半年将加强驻点服务。",
]
OFFICE_COMMENTS = {
    Rating.GOOD: "经走访村干部和群众，顾问服务认真，群众满意度高。",
    Rating.PASS: "基本履行职责，日志填写需更规范。",
    Rating.FAIL: "多次未按约定到村服务，群众意见较大。",
}


def period_to_open(today: date) -> tuple[str, int]:
    """The last period that has ended by `today`: the first half of this year from July, else last year."""
    if today >= date(today.year, 7, 1):
        return ReviewPeriod.Kind.HALF_YEAR, today.year
    return ReviewPeriod.Kind.YEAR, today.year - 1


@transaction.atomic
def seed_reviews(bureau: Bureau, *, today: date, seed: int = 2026) -> dict:
    """Return visits, inspections, WeChat groups, then the period opened and a mix of opinions. Returns counts."""
    if ReviewPeriod.objects.filter(bureau=bureau).exists():
        return {"skipped": True}
    rng = random.Random(seed)
    kind, year = period_to_open(today)
    start, end = computation.period_bounds(kind, year)
    staff = dict(
        Profile.objects.filter(bureau=bureau, role__in=(Role.BUREAU_STAFF, Role.BUREAU_ADMIN))
        .order_by("role", "pk")
        .values_list("role", "user")
    )
    clerk = staff.get(Role.BUREAU_STAFF) or staff.get(Role.BUREAU_ADMIN)
    if clerk is None:
        return {"skipped": True}
    clerk = get_user_model().objects.get(pk=clerk)
    agreements = defaultdict(list)
    for agreement in Agreement.objects.overlapping(start, today).filter(village__township__bureau=bureau):
        agreements[agreement.village_id].append(agreement)
    villages = list(
        Village.objects.filter(township__bureau=bureau).select_related("township").order_by("code")
    )

    _wechat_groups(rng, villages, start)
    visits = _return_visits(rng, villages, agreements, start, min(today, end + timedelta(days=120)), clerk)
    inspections = _inspections(rng, bureau, villages, agreements, start, end, today, clerk)

    period = computation.review_period_open(bureau=bureau, kind=kind, year=year, by=clerk, today=today)
    opinions = _opinions(rng, period, clerk)
    return {"period": period.label, "visits": visits, "inspections": inspections, **opinions}


def _wechat_groups(rng: random.Random, villages: list[Village], start: date) -> None:
    changed = []
    for village in villages:
        if village.wechat_group_set_up_on is None and rng.random() < WECHAT_SHARE:
            village.wechat_group_set_up_on = start - timedelta(days=rng.randint(-90, 400))
            changed.append(village)
    Village.objects.bulk_update(changed, ["wechat_group_set_up_on"], batch_size=1000)


def _serving(agreements: list[Agreement], day: date) -> Agreement | None:
    for agreement in agreements:
        if agreement.status != Agreement.Status.DRAFT and agreement.start_date <= day <= agreement.end_date:
            return agreement
    return None


def _return_visits(rng, villages, agreements, start, last, clerk) -> int:
    rows = []
    for village in villages:
        if rng.random() >= VISIT_SHARE:
            continue
        for _i in range(rng.choice((1, 1, 2))):
            day = start + timedelta(days=rng.randint(20, max(20, (last - start).days)))
            agreement = _serving(agreements.get(village.pk, []), day)
            if agreement is None:
                continue
            satisfaction = rng.choices(Satisfaction.values, weights=(70, 22, 8))[0]
            rows.append(
                ReturnVisit(
                    village=village,
                    advisor_id=agreement.advisor_id,
                    visited_on=day,
                    contact_kind=rng.choice(ReturnVisit.Contact.values),
                    contact_name=rng.choice(["王", "李", "张", "刘", "陈"])
                    + rng.choice(["支书", "主任", "大爷", "女士"]),
                    method=rng.choice(ReturnVisit.Method.values),
                    satisfaction=satisfaction,
                    comments=rng.choice(VISIT_COMMENTS[satisfaction]),
                    recorded_by=clerk,
                )
            )
    ReturnVisit.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _inspections(rng, bureau, villages, agreements, start, end, today, clerk) -> int:
    """The bureau's two inspections of each township a year (one village each), and the demo township's office's
    monthly checks; about a third find something, some put right, some still open, some overdue."""
    offices = dict(
        Profile.objects.filter(bureau=bureau, role=Role.OFFICE_STAFF)
        .order_by("pk")
        .values_list("township_id", "user_id")
    )
    by_township = defaultdict(list)
    for village in villages:
        by_township[village.township_id].append(village)
    first_township = (
        min(by_township, key=lambda pk: by_township[pk][0].township.code) if by_township else None
    )
    rows = []

    def add(kind, village, day, by_id, inspectors):
        found = rng.random() < 0.35
        due = day + timedelta(days=rng.choice((10, 15, 30))) if found else None
        resolved = due and rng.random() < 0.5 and due < today
        agreement = _serving(agreements.get(village.pk, []), day)
        rows.append(
            Inspection(
                kind=kind,
                township_id=village.township_id,
                village=village,
                advisor_id=agreement.advisor_id if agreement else None,
                inspected_on=day,
                inspectors=inspectors,
                checked_items="工作日志、工作台账、公示栏、法治讲座提纲及签到表",
                findings=rng.choice(FINDINGS) if found else "",
                follow_up_due=due,
                resolution="已按要求整改" if resolved else "",
                resolved_on=(due - timedelta(days=rng.randint(0, 5))) if resolved else None,
                recorded_by_id=by_id,
            )
        )

    for in_township in by_township.values():
        for day in (date(start.year, 4, 20), date(start.year, 10, 20)):
            if day <= today:
                add(Inspection.Kind.BUREAU, rng.choice(in_township), day, clerk.pk, "司法局律师工作股")
    if first_township in offices:
        month = start
        while month <= min(today, end + timedelta(days=150)):
            for village in rng.sample(by_township[first_township], min(2, len(by_township[first_township]))):
                add(
                    Inspection.Kind.OFFICE,
                    village,
                    month + timedelta(days=rng.randint(5, 20)),
                    offices[first_township],
                    "司法所",
                )
            month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    rows = [row for row in rows if row.inspected_on <= today]
    Inspection.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _opinions(rng: random.Random, period: ReviewPeriod, clerk) -> dict:
    """Self-assessments, village and office ratings, one objection waiting for its answer, some reviews final (one
    with a tier other than the proposed one, with its reason) and a deduction."""
    reviews = list(
        period.reviews.select_related("advisor__user", "period__bureau")
        .prefetch_related("villages__village__township")
        .order_by("advisor__name", "pk")
    )
    if not reviews:
        return {"reviews": 0}
    offices = dict(
        Profile.objects.filter(bureau=period.bureau, role=Role.OFFICE_STAFF)
        .order_by("pk")
        .values_list("township_id", "user")
    )
    users = get_user_model().objects.in_bulk(
        [
            *offices.values(),
            *(row.village.liaison_id for r in reviews for row in r.villages.all() if row.village.liaison_id),
        ]
    )
    demo_township = min(
        (row.village.township for r in reviews for row in r.villages.all()), key=lambda t: t.code
    ).pk
    demo_logins = {"advisor", "advisor2"}
    in_demo = [
        r for r in reviews if any(row.village.township_id == demo_township for row in r.villages.all())
    ]
    elsewhere = [r for r in reviews if r not in in_demo]
    chosen = in_demo + rng.sample(elsewhere, min(SAMPLE_ELSEWHERE, len(elsewhere)))
    counts = defaultdict(int)
    objection_given = False
    for review in chosen:
        login = review.advisor.user.username if review.advisor.user else ""
        advisor_user = review.advisor.user
        rows = list(review.villages.all())
        township_id = rows[0].village.township_id
        office = users.get(offices.get(township_id))
        if advisor_user is not None and (login in demo_logins or rng.random() < 0.7):
            opinions.review_self_assess(
                review=review,
                by=advisor_user,
                text=rng.choice(SELF_ASSESSMENTS),
                rating=rng.choice((Tier.GOOD, Tier.EXCELLENT, Tier.PASS)),
            )
            counts["self_assessed"] += 1
        for row in rows:
            liaison = users.get(row.village.liaison_id)
            if liaison is None or liaison.username == "liaison" or rng.random() < 0.25:
                continue  # the demo liaison's village waits for their rating
            rating = rng.choices(Rating.values, weights=(60, 32, 8))[0]
            opinions.review_village_rate(
                row=row,
                by=liaison,
                rating=rating,
                comment="群众普遍反映较好" if rating != Rating.FAIL else "长期不到村",
            )
            counts["village_rated"] += 1
        if office is not None and (login == "advisor2" or (login != "advisor" and rng.random() < 0.6)):
            rating = rng.choices(Rating.values, weights=(55, 38, 7))[0]
            opinions.review_office_rate(
                review=review, by=office, rating=rating, comment=OFFICE_COMMENTS[rating]
            )
            counts["office_rated"] += 1
        if advisor_user is None:
            continue
        if login == "advisor" and not objection_given:
            opinions.review_object(
                review=review, by=advisor_user, text="5月台账系按时报送（5月24日），指标显示逾期，请核实。"
            )
            objection_given = True
            counts["objections"] += 1
        elif login == "advisor2" or rng.random() < 0.5:
            opinions.review_confirm(review=review, by=advisor_user)
            counts["confirmed"] += 1

    # The bureau decides part of the reviews outside the demo township, so the payout sheet shows amounts and
    # 未定等 side by side; the first with a deduction.
    to_decide = [r for r in chosen if r not in in_demo][: max(1, len(chosen) // 3)]
    for review in to_decide:
        review.refresh_from_db()
    # The best of them is set apart from its proposed tier (to 优秀: the honour list has a name), with the reason.
    best = max(to_decide, key=lambda r: (r.score or 0, -r.pk), default=None)
    overridden = False
    for index, review in enumerate(to_decide):
        if review.has_open_objection:
            continue
        if index == 0:
            agreement = review.villages.all()[0].agreement
            payout.review_add_deduction(
                review=review,
                by=clerk,
                agreement=agreement,
                amount=Decimal("300.00"),
                reason="3月工作台账逾期报送",
            )
            counts["deductions"] += 1
        tier, reason = review.proposed_tier, ""
        if review is best:
            tier = Tier.EXCELLENT if review.proposed_tier != Tier.EXCELLENT else Tier.GOOD
            reason = "综合群众回访和督导检查情况（成功调解一起长期信访积案），经局务会研究调整等次。"
            overridden = True
        opinions.review_finalize(review=review, by=clerk, tier=tier, reason=reason)
        counts["finalized"] += 1
    counts["overridden"] = int(overridden)
    return {"reviews": len(reviews), **counts}
