"""The bureau's year in one workbook, one sheet per village (`reports.county_ledgers` written by
`renderers.render_xlsx`): read back with openpyxl, every sheet is the village's annual ledger as the single-village
workbook is, in township and village code order, with a fixed number of queries."""

import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from ledger import reports
from ledger.models import ServiceType
from ledger.renderers import render_xlsx
from tests.factories import WorkLogFactory

pytestmark = pytest.mark.django_db


def make_log(agreement, day: date, *, status="submitted", **fields):
    return WorkLogFactory(
        agreement=agreement,
        service_date=day,
        status=status,
        service_types=list(ServiceType.objects.filter(code="consultation")),
        **fields,
    )


def values(ws, row: int) -> list:
    return [cell.value for cell in ws[row]]


@pytest.fixture
def county_logs(today, agreement, second_agreement, other_agreement, other_bureau_agreement):
    make_log(agreement, date(2026, 6, 10), object_name="李二")
    make_log(agreement, date(2026, 3, 2), object_name="王大山", remarks='=HYPERLINK("http://x.example")')
    make_log(agreement, date(2026, 6, 5), status="draft", object_name="草稿对象")  # never counted
    make_log(agreement, date(2025, 6, 5), object_name="去年")  # another year
    make_log(second_agreement, date(2026, 4, 1), object_name="李家村委会")
    make_log(other_agreement, date(2026, 5, 1), object_name="桃园居民")
    make_log(other_bureau_agreement, date(2026, 5, 1), object_name="石桥村民")  # another bureau
    villages = [agreement.village, second_agreement.village, other_agreement.village]
    return sorted(villages, key=lambda v: (v.township.code, v.code))


def test_one_sheet_per_village_with_logs_in_code_order_each_an_annual_ledger(bureau, county_logs):
    wb = load_workbook(io.BytesIO(render_xlsx(reports.county_ledgers(bureau=bureau, year=2026))))

    assert wb.sheetnames == [f"{v.name}-{v.code}"[:31] for v in county_logs]
    ws = wb[next(name for name in wb.sheetnames if name.startswith("王庄村"))]
    assert ws["A1"].value == "河南省村(居)法律顾问工作台账"
    assert ws["A2"].value == "（2026年度）　乡镇(街道)：柳林镇　村(居)：王庄村"
    assert [values(ws, row)[:3] for row in (5, 6)] == [
        [1, datetime(2026, 3, 2), "王庄村 王大山"],
        [2, datetime(2026, 6, 10), "王庄村 李二"],
    ]
    remarks = ws.cell(5, 9)
    assert remarks.value.startswith("=HYPERLINK") and remarks.data_type == "s" and remarks.quotePrefix
    assert ws.cell(8, 1).value.startswith("注：本工作台账")
    assert ws.max_row == 8
    assert {"A1:I1", "A2:I2", "A3:A4", "D3:H3", "A8:I8"} <= {str(r) for r in ws.merged_cells.ranges}
    assert ws.freeze_panes == "A5" and ws.print_title_rows == "$3:$4"
    assert ws.page_setup.orientation == "landscape"
    assert ws.column_dimensions["E"].width > ws.column_dimensions["B"].width
    others = [wb[name] for name in wb.sheetnames if not name.startswith("王庄村")]
    assert [ws.cell(5, 1).value for ws in others] == [1, 1]  # each village's ledger numbers its own rows
    assert sorted(ws.cell(5, 3).value for ws in others) == ["李家村 李家村委会", "桃园社区 桃园居民"]
    assert "桃园街道" in next(ws for ws in others if ws.title.startswith("桃园社区"))["A2"].value


def test_the_queries_do_not_grow_with_the_villages(bureau, county_logs, django_assert_max_num_queries):
    # The logs, the townships' names, the service types; per chunk of logs their types and their villages.
    with django_assert_max_num_queries(5):
        render_xlsx(reports.county_ledgers(bureau=bureau, year=2026))


def test_sheets_of_the_same_name_are_told_apart(bureau, county_logs):
    table = next(iter(reports.county_ledgers(bureau=bureau, year=2026).tables))
    table.rows = [[1, "2026-06-01", "甲", "", "", "", "", "", ""]]
    twin = reports.Table(table.title, table.subtitle, table.columns, [], sheet_name=table.sheet_name)
    report = reports.Report(title="", filename="", tables=[table, twin])

    wb = load_workbook(io.BytesIO(render_xlsx(report)))

    assert wb.sheetnames == [table.sheet_name, f"{table.sheet_name}1"]
