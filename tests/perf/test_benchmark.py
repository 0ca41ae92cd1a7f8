"""The benchmark command at a tiny scale: it runs every operation next to its baseline and writes the JSON.

No timings are asserted: they depend on the machine.
"""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from demo import generator
from ledger.models import WorkLog

pytestmark = pytest.mark.django_db

OPERATIONS = {
    "advisor_home",
    "log_post",
    "office_log_list",
    "office_log_list_last",
    "monthly_check",
    "bureau_dashboard",
    "deadlines_dashboard",
    "public_search",
    "public_village",
    "public_search_after_change",
    "township_month_xlsx",
    "county_year_xlsx",
    "statistics_half",
    "worklog_pdf",
    "annual_ledger_pdf",
    "month_end_job",
    "half_year_review",
    "oversight_coverage",
    "oversight_ledgers",
    "oversight_incidents",
    "oversight_reviews",
    "oversight_statistics",
    "oversight_year_end",
    "oversight_statistics_xlsx",
}


@pytest.fixture
def tiny_demo(settings, monkeypatch, today):
    """A district of 60 villages and 16 advisors with two years of activity, under the district's name."""
    settings.DEBUG = True
    spec = generator.SCALES["district"]
    tiny = generator.ScaleSpec(
        spec.bureau_name, spec.bureau_code, spec.address, spec.counties, 60, 16, townships_per_county=4
    )
    monkeypatch.setitem(generator.SCALES, "district", tiny)
    call_command("seed_demo", "--years", "2", stdout=StringIO())
    return today


def test_it_measures_every_operation_next_to_its_baseline(tiny_demo, tmp_path, monkeypatch):
    # The PDFs' layout is tested in tests/ledger; here only that they are measured, so WeasyPrint is skipped.
    monkeypatch.setattr("weasyprint.HTML.write_pdf", lambda self, *args, **kwargs: b"%PDF-1.7")
    logs = WorkLog.objects.count()
    output = tmp_path / "bench" / "district.json"
    out = StringIO()

    call_command("benchmark", "--scale", "district", "--repeat", "1", "--output", str(output), stdout=out)

    results = json.loads(output.read_text(encoding="utf-8"))
    assert results["scale"] == "district"
    assert results["data"]["villages"] == 60
    by_name = {op["name"]: op for op in results["operations"]}
    assert set(by_name) == OPERATIONS
    for name, op in by_name.items():
        assert op["error"] == "", name
        for figures in (op["figures"], op["baseline"]):
            assert set(figures) == {"median_ms", "p95_ms", "queries", "peak_mib"}, name
    assert by_name["annual_ledger_pdf"]["notes"]["rows"] > 0
    assert "顾问首页" in out.getvalue()
    assert WorkLog.objects.count() == logs  # the log POSTs were rolled back


def test_only_runs_the_operations_asked_for(tiny_demo, tmp_path):
    output = tmp_path / "one.json"

    call_command(
        "benchmark", "--repeat", "1", "--only", "bureau_dashboard", "--output", str(output), stdout=StringIO()
    )

    assert [op["name"] for op in json.loads(output.read_text())["operations"]] == ["bureau_dashboard"]


def test_it_needs_the_demo_data(db):
    with pytest.raises(CommandError, match="seed_demo --scale city"):
        call_command("benchmark", "--scale", "city", stdout=StringIO())
