"""Helpers for the page tests: read the rows of the server-rendered lists, count queries, grow the map.

The lists are `<table class="list">` (templates/includes/*_rows.html); their `<tbody>` rows are what a page shows.
"""

from datetime import date
from html.parser import HTMLParser

from django.db import connection
from django.test.utils import CaptureQueriesContext

from .factories import AgreementFactory, TownshipFactory, VillageFactory


class _ListTables(HTMLParser):
    """Collects, per `<table class="list">`, its body rows: the text of each cell and of the row's first link."""

    def __init__(self):
        super().__init__()
        self.tables: list[list[dict]] = []
        self._in_table = self._in_body = False
        self._row: dict | None = None
        self._cell: list[str] | None = None
        self._link: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "list" in (attrs.get("class") or "").split():
            self._in_table = True
            self.tables.append([])
        elif self._in_table and tag == "tbody":
            self._in_body = True
        elif self._in_body and tag == "tr":
            self._row = {"cells": [], "link": None, "empty": False}
        elif self._row is not None and tag == "td":
            self._cell = []
            if attrs.get("colspan"):
                self._row["empty"] = True  # the "nothing to show" row
        elif self._row is not None and tag == "a" and self._row["link"] is None:
            self._link = []

    def handle_endtag(self, tag):
        if tag == "a" and self._link is not None:
            self._row["link"] = "".join(self._link).strip()
            self._link = None
        elif tag == "td" and self._cell is not None:
            self._row["cells"].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if not self._row["empty"]:
                self.tables[-1].append(self._row)
            self._row = None
        elif tag == "tbody":
            self._in_body = False
        elif tag == "table":
            self._in_table = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._link is not None:
            self._link.append(data)


def _tables(response) -> list[list[dict]]:
    parser = _ListTables()
    parser.feed(response.content.decode())
    return parser.tables


def rows(response, table: int = 0) -> list[list[str]]:
    """The cells' text of each row of the page's `table`-th list."""
    return [row["cells"] for row in _tables(response)[table]]


def names(response, table: int = 0) -> list[str]:
    """The text of each row's first link: the village, township or advisor the row is about."""
    return [row["link"] for row in _tables(response)[table]]


def agreement_pairs(response, table: int = 0) -> set[tuple[str, str]]:
    """(advisor name, village name) of each row of an agreement list."""
    return {(cells[0], cells[1].split()[0]) for cells in rows(response, table)}


def text(response) -> str:
    return response.content.decode()


def queries_of(client, url: str) -> int:
    """How many queries one GET of `url` runs (it must answer 200)."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(context.captured_queries)


def grow(w, n: int = 60) -> None:
    """Add `n` rows of everything every persona of the map (`whole_map`) sees:

    the bureau gets townships; `township` gets villages, each served by a new advisor (office staff see more
    villages, advisors and agreements); `advisor_user` gets more current villages; `village` (the liaison's) gets a
    history of past advisors. `other_bureau` grows too, so a page that leaks it would grow.
    """
    for i in range(n):
        VillageFactory(township=TownshipFactory(bureau=w.bureau))
        AgreementFactory(advisor__bureau=w.bureau, village__township=w.township)
        AgreementFactory(advisor=w.advisor, village__township=w.township)
        past = {"start_date": date(1950 + i, 1, 1), "end_date": date(1950 + i, 12, 31), "ended": True}
        AgreementFactory(advisor__bureau=w.bureau, village=w.village, **past)
        AgreementFactory(advisor__bureau=w.other_bureau, village__township=w.other_bureau_township)


def with_version(address: str, data: dict | None = None) -> dict:
    """The form of a review's self-assessment, office rating or village rating with the row's version as its page
    shows it now (common/versions.py): a form sent without one is refused as stale."""
    import re

    from assessment.forms import OfficeRatingForm, SelfAssessForm, VillageRatingForm
    from assessment.models import Review, ReviewVillage
    from common.versions import record_version

    data = dict(data or {})
    for pattern, model, form in (
        (r"/reviews/(\d+)/self-assessment/$", Review, SelfAssessForm),
        (r"/reviews/(\d+)/office-rating/$", Review, OfficeRatingForm),
        (r"/reviews/villages/(\d+)/rate/$", ReviewVillage, VillageRatingForm),
    ):
        match = re.search(pattern, address)
        if match:
            row = model.objects.filter(pk=match[1]).first()
            if row is not None:
                data.setdefault("version", record_version(row, form.base_fields))
    return data
