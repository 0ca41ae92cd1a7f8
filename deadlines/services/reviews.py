"""The half-year and year-end reviews' opening: 1 July opens the first half, 1 January the year before (or the
day in the year the bureau sets)."""

from collections.abc import Collection
from datetime import date

from assessment.models import ReviewPeriod
from assessment.services.computation import review_due_to_open, review_period_open

from .common import (
    bureaus_due,
    is_review_opening_day,
)


def open_review(*, on: date, bureau_ids: Collection[int] | None = None) -> dict:
    """Open each due bureau's review period and compute every advisor's indicators and proposed tier."""
    bureaus = bureaus_due(on, is_review_opening_day, bureau_ids)
    if not bureaus:
        return {"summary": "今天不是考核开启日。", "review": None}
    periods = [
        review_period_open(bureau=bureau, kind=kind, year=year, today=on)
        for bureau in bureaus.values()
        for kind, year in [review_due_to_open(on, bureau)]
    ]
    label = "、".join(sorted({str(period.label) for period in periods}))
    kind, year = periods[0].kind, periods[0].year
    reviews = sum(period.reviews.count() for period in periods)
    return {
        "summary": f"{label}已开启：{len(periods)}个司法局，{reviews}名法律顾问的考核指标已计算。",
        "review": f"{year}-H1" if kind == ReviewPeriod.Kind.HALF_YEAR else str(year),
        "bureaus": sorted(bureaus),
        "reviews": reviews,
    }
