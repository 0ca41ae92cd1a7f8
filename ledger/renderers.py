"""The two renderers of the forms: PDF with WeasyPrint from `templates/ledger/pdf/*.html`, xlsx with openpyxl.

Both take what a builder of `ledger.reports` returns; neither queries the database itself (a streamed report's
rows are read while the workbook is written).
"""

import io
from copy import copy
from datetime import date
from decimal import Decimal
from urllib.parse import quote

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.workbook.child import INVALID_TITLE_REGEX
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from audit.services import EXPORT, audit_event
from common.spreadsheets import escape_formula

from .reports import Report, Table

PDF_TYPE = "application/pdf"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def render_pdf(template: str, context: dict) -> bytes:
    from weasyprint import HTML  # imported here: loading Pango takes a moment, and only PDFs need it

    html = render_to_string(template, context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
FONT = Font(name="宋体", size=10)
BOLD = Font(name="宋体", size=10, bold=True)
TITLE = Font(name="黑体", size=16, bold=True)


WRITTEN_SHEET_PARTS = (
    "column_dimensions",
    "row_dimensions",
    "merged_cells",
    "page_setup",
    "print_options",
    "page_margins",
    "views",
    "protection",
    "data_validations",
    "conditional_formatting",
    "sheet_properties",
    "sheet_format",
    "row_breaks",
    "col_breaks",
    "scenarios",
    "HeaderFooter",
)


def _new_sheet(wb: Workbook, title: str):
    """`wb.create_sheet(title)` without openpyxl's comparison of the title with every sheet before it (quadratic:
    a third of a 3,000-sheet workbook's time). The workbook's titles are kept in a set; a title openpyxl would
    change or refuse (a duplicate, too long, a forbidden character) still goes through `create_sheet`."""
    titles = wb.__dict__.setdefault("_ledger_titles", set())
    if (
        not wb.write_only
        or not title
        or len(title) > 31
        or title.lower() in titles
        or INVALID_TITLE_REGEX.search(title)
    ):
        ws = wb.create_sheet(title=title)
    else:
        ws = WriteOnlyWorksheet(parent=None, title=None)  # without a parent, the title is not checked
        ws._parent = wb
        ws._WorkbookChild__title = title
        wb._add_sheet(ws)
    titles.add(ws.title.lower())
    return ws


def _cell(ws, value, *, font=FONT, alignment=WRAP, border=BORDER, number_format: str | None = None):
    cell = WriteOnlyCell(ws, value=value)
    # Setting a style looks it up in the workbook's style tables, hashing every attribute: done once per
    # combination and workbook, then its indexes are copied, which keeps a 40,000-row workbook fast.
    styles = ws.parent.__dict__.setdefault("_ledger_styles", {})
    key = (id(font), id(alignment), id(border), number_format)
    if key in styles:
        cell._style = StyleArray(styles[key])
        return escape_formula(cell)  # after the style, of which the quote prefix is part: = + - @ stay text
    cell.font = font
    cell.alignment = alignment
    if border is not None:
        cell.border = border
    if number_format:
        cell.number_format = number_format
    styles[key] = copy(cell._style)
    return escape_formula(cell)


def _value_cell(ws, value, kind: str, *, font=FONT):
    if isinstance(value, date):
        return _cell(ws, value, font=font, number_format="yyyy-mm-dd")
    if isinstance(value, Decimal):
        return _cell(ws, value, font=font, alignment=CENTER, number_format="0.00")
    if isinstance(value, int):
        return _cell(ws, value, font=font, alignment=CENTER, number_format="0")
    return _cell(ws, value if value not in (None, "") else None, font=font)


def write_table(wb: Workbook, table: Table) -> None:
    """One sheet in write-only mode: title, subtitle, the form's two header rows with merged cells, the rows as
    real dates and numbers, totals, the footnote; widths, frozen header, landscape fit to width, title rows
    repeated on every printed page."""
    ws = _new_sheet(wb, table.sheet_name)
    n = len(table.columns)
    last = get_column_letter(n)
    for index, column in enumerate(table.columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    grouped = any(c.group for c in table.columns)
    header_end = 4 if grouped else 3
    ws.freeze_panes = f"A{header_end + 1}"
    ws.print_title_rows = f"3:{header_end}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"

    ws.merged_cells.add(f"A1:{last}1")
    ws.merged_cells.add(f"A2:{last}2")
    ws.append([_cell(ws, table.title, font=TITLE, alignment=CENTER, border=None)])
    ws.append([_cell(ws, table.subtitle, alignment=CENTER, border=None)])
    top, bottom = [], []
    for index, column in enumerate(table.columns, start=1):
        letter = get_column_letter(index)
        if grouped and not column.group:
            ws.merged_cells.add(f"{letter}3:{letter}4")
            top.append(_cell(ws, column.label, font=BOLD, alignment=CENTER))
            bottom.append(_cell(ws, None, alignment=CENTER))
        elif column.group:
            first = index == 1 or table.columns[index - 2].group != column.group
            top.append(_cell(ws, column.group if first else None, font=BOLD, alignment=CENTER))
            bottom.append(_cell(ws, column.label, font=BOLD, alignment=CENTER))
            if first:
                span = 1
                while index - 1 + span < n and table.columns[index - 1 + span].group == column.group:
                    span += 1
                if span > 1:
                    ws.merged_cells.add(f"{letter}3:{get_column_letter(index + span - 1)}3")
        else:
            top.append(_cell(ws, column.label, font=BOLD, alignment=CENTER))
    ws.append(top)
    if grouped:
        ws.append(bottom)
    row_number = header_end
    for row in table.rows:
        ws.append(
            [_value_cell(ws, value, column.kind) for value, column in zip(row, table.columns, strict=True)]
        )
        row_number += 1
    if table.totals is not None:
        ws.append(
            [
                _value_cell(ws, value, column.kind, font=BOLD)
                for value, column in zip(table.totals, table.columns, strict=True)
            ]
        )
        row_number += 1
    if table.footnote:
        ws.append([])
        row_number += 2
        ws.merged_cells.add(f"A{row_number}:{last}{row_number}")
        ws.append([_cell(ws, f"注：{table.footnote}", border=None)])
    if wb.write_only:
        # Finished now rather than at save: its temporary file and XML writer are released, so a workbook of
        # thousands of sheets does not hold thousands of open files and writers until the end.
        ws.close()
        # What was written into the sheet's file is not needed again; saving reads only the title, state, print
        # titles and relationships. Dropped, a 3,000-sheet workbook holds a few MB until it is saved, not 60.
        for name in WRITTEN_SHEET_PARTS:
            ws.__dict__.pop(name, None)


def render_xlsx(report: Report) -> bytes:
    """The report's tables as sheets of one workbook, written in write-only (streaming) mode."""
    wb = Workbook(write_only=True)
    for table in report.tables:
        write_table(wb, table)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def attachment(content: bytes, filename: str, content_type: str) -> HttpResponse:
    """A download with its Chinese file name (RFC 5987 `filename*`, with an ASCII fallback for old clients).

    Every export is recorded in the audit trail (the user and address come from the request's audit context)."""
    response = HttpResponse(content, content_type=content_type)
    extension = filename.rsplit(".", 1)[-1]
    audit_event(EXPORT, detail=filename, data={"format": extension})
    response["Content-Disposition"] = (
        f"attachment; filename=\"report.{extension}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


# The formats every table report is offered in: the HTML preview, and the two downloads.
REPORT_FORMATS = ("html", "pdf", "xlsx")


def report_format(request: HttpRequest) -> str:
    """The `?format=` asked for (html by default); anything else is not a page."""
    value = request.GET.get("format", "html")
    if value not in REPORT_FORMATS:
        raise Http404("格式无效")
    return value


def report_download(report: Report, fmt: str) -> HttpResponse:
    """The report as an Excel workbook (`xlsx`) or a PDF of the form (`pdf`)."""
    if fmt == "xlsx":
        return attachment(render_xlsx(report), f"{report.filename}.xlsx", XLSX_TYPE)
    context = {"report": report, "tables": list(report.tables)}
    return attachment(render_pdf("ledger/pdf/table.html", context), f"{report.filename}.pdf", PDF_TYPE)
