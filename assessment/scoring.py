"""The scoring rule: from each village's indicators and the ratings to a score out of 100 and a proposed tier.

How a score is made (shown to everyone on the review page as its breakdown):

1. Each indicator of a village has a *share*: how far its requirement was met, from 0 to 1 (capped at 1). For
   example 5 of 6 months with an on-site visit is 0.83; 40 of 48 required hours is 0.83; the WeChat group is 1 or 0;
   return visits average 满意 = 1, 基本满意 = 0.6, 不满意 = 0; the village's rating 优良 = 1, 合格 = the rule's
   `pass_rating_share` (60%), 不合格 = 0.
2. An advisor's share of an indicator is the average over their villages (each village weighs the same).
3. Points earned = the indicator's points × the share. An indicator that does not apply yet (no return visit in the
   period, a rating not yet given) is left out and the score is scaled to what applies:
   score = 100 × earned ÷ the points of the indicators that apply — nobody loses points for a visit the bureau did
   not make.
4. Each inspection finding still open at the end of the period takes `deduction_per_open_finding` points off.
5. The proposed tier: 优秀 from `threshold_excellent` (90), 良好 from 80, 合格 from 60, otherwise 不合格.

The defaults follow the seeds: on-site service and hours weigh most (seed 001 二(二)6, seed 004), then lectures,
ledgers on time, the village's and the justice office's ratings and the return visits (seed 001 附件1 二).
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from .models import Rating, ScoringRule, Tier

ONE_PLACE = Decimal("0.1")

# (key, label, the rule's points field). The order is the order of the breakdown.
INDICATORS: tuple[tuple[str, str, str], ...] = (
    ("onsite_months", _("每月到村服务"), "points_onsite_months"),
    ("service_hours", _("服务时长"), "points_service_hours"),
    ("lectures", _("每季度法治讲座"), "points_lectures"),
    ("ledgers_on_time", _("台账按时报送"), "points_ledgers_on_time"),
    ("logs_confirmed", _("日志经村(居)确认"), "points_logs_confirmed"),
    ("logs_verified", _("日志经司法所核查"), "points_logs_verified"),
    ("wechat_group", _("建立法律服务微信群"), "points_wechat_group"),
    ("return_visits", _("回访满意度"), "points_return_visits"),
    ("village_rating", _("村(居)评价"), "points_village_rating"),
    ("office_rating", _("司法所评价"), "points_office_rating"),
)
LABELS = {key: label for key, label, _field in INDICATORS}


def rating_share(rating: str, rule: ScoringRule) -> Decimal | None:
    if rating == Rating.GOOD:
        return Decimal(1)
    if rating == Rating.PASS:
        return Decimal(rule.pass_rating_share) / 100
    if rating == Rating.FAIL:
        return Decimal(0)
    return None  # not rated yet


@dataclass
class Line:
    key: str
    label: str
    points: int
    share: Decimal | None  # None: does not apply (yet)

    @property
    def earned(self) -> Decimal | None:
        return None if self.share is None else (self.points * self.share).quantize(ONE_PLACE, ROUND_HALF_UP)

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "label": str(self.label),
            "points": self.points,
            "share": None
            if self.share is None
            else str(self.share.quantize(Decimal("0.001"), ROUND_HALF_UP)),
            "earned": None if self.earned is None else str(self.earned),
        }


@dataclass
class Score:
    lines: list[Line]
    open_findings: int
    deduction: Decimal
    score: Decimal
    tier: str
    rescaled: Decimal = Decimal(0)  # what scaling to the points that apply added to the points earned

    def breakdown(self) -> list[dict]:
        """The rows of the score, in an order that adds up to it: the indicators, the rescaling step when some
        indicator does not apply, then the findings' deduction (kept last: it carries the advisor's findings)."""
        rows = [line.as_dict() for line in self.lines]
        if self.rescaled:
            rows.append(
                {
                    "key": "rescaled",
                    "label": str(_("按适用项目折算为百分制")),
                    "points": None,
                    "share": None,
                    "earned": str(self.rescaled),
                }
            )
        rows.append(
            {
                "key": "open_findings",
                "label": str(_("检查发现问题未整改")),
                "points": None,
                "share": None,
                "earned": str(-self.deduction),
                "count": self.open_findings,
            }
        )
        return rows


def _average(shares: list[Decimal | None]) -> Decimal | None:
    applicable = [share for share in shares if share is not None]
    if not applicable:
        return None
    return sum(applicable, Decimal(0)) / len(applicable)


def score_review(*, rule: ScoringRule, villages: list[dict], office_rating: str, open_findings: int) -> Score:
    """`villages`: each village's indicators (the JSON of ReviewVillage.indicators) plus its "village_rating"."""
    lines = []
    for key, label, points_field in INDICATORS:
        if key == "office_rating":
            share = rating_share(office_rating, rule)
        elif key == "village_rating":
            share = _average([rating_share(v.get("village_rating", ""), rule) for v in villages])
        else:
            share = _average([_share_of(v.get(key)) for v in villages])
        lines.append(Line(key, label, getattr(rule, points_field), share))
    applicable_points = sum(line.points for line in lines if line.share is not None)
    earned = sum((line.earned for line in lines if line.share is not None), Decimal(0))
    raw = Decimal(100) * earned / applicable_points if applicable_points else Decimal(0)
    raw = raw.quantize(ONE_PLACE, ROUND_HALF_UP)
    # The deduction shown is the one taken: a score does not go below 0, so the rows still add up to it.
    deduction = min(raw, Decimal(rule.deduction_per_open_finding * open_findings))
    score = (raw - deduction).quantize(ONE_PLACE, ROUND_HALF_UP)
    return Score(lines, open_findings, deduction, score, rule.tier_for(score), rescaled=raw - earned)


def _share_of(indicator: dict | None) -> Decimal | None:
    if not indicator or indicator.get("share") is None:
        return None
    return Decimal(indicator["share"])


def payout_percent(bureau, tier: str) -> int:
    return {
        Tier.EXCELLENT: bureau.payout_percent_excellent,
        Tier.GOOD: bureau.payout_percent_good,
        Tier.PASS: bureau.payout_percent_pass,
        Tier.FAIL: bureau.payout_percent_fail,
    }[tier]
