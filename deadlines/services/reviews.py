"""The half-year and year-end reviews' opening."""

from collections.abc import Collection
from datetime import date

from .common import (
    bureaus_due,
    is_review_opening_day,
)


def open_review(*, on: date, bureau_ids: Collection[int] | None = None) -> dict:
    """1 July / 1 January: the half-year / year-end review opens.

    The assessment issue (reviews, ratings, tiers) fills in what a review holds; until then the opening is recorded
    in this job's `JobRun.result` ("review": "2026-H1" or "2026") for it to pick up.
    """
    bureaus = bureaus_due(on, is_review_opening_day, bureau_ids)
    if not bureaus:
        return {"summary": "今天不是考核开启日。", "review": None}
    if on.month == 7:
        review, label = f"{on.year}-H1", f"{on.year}年上半年"
    else:
        review, label = str(on.year - 1), f"{on.year - 1}年年终"
    return {
        "summary": f"{label}考核期已开启（考核内容待考核模块填写）。",
        "review": review,
        "bureaus": sorted(bureaus),
    }
