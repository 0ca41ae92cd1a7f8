"""The roster workbook the clerk downloads: the empty template (a note row and an example row per sheet) or the
bureau's data in the same layout, to correct offline and import again."""

import io

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from common.spreadsheets import escape_formula
from villages.models import Bureau

from .roster import SHEETS, TOWNSHIPS, Sheet
from .sheets import EXAMPLE_MARK, NO, NOTE_MARK, YES

HEADER_FONT = Font(name="宋体", size=11, bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
NOTE_FONT = Font(name="宋体", size=9, italic=True, color="666666")
EXAMPLE_FONT = Font(name="宋体", size=10, color="999999")
WRAP = Alignment(wrap_text=True, vertical="top")
LAST_ROW = 20000  # how far down the drop-down lists apply


def _list_validation(ws, letter: str, formula: str, message: str) -> None:
    validation = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True)
    validation.error = message
    validation.errorTitle = "输入有误"
    ws.add_data_validation(validation)
    validation.add(f"{letter}3:{letter}{LAST_ROW}")


def _write_sheet(wb: Workbook, sheet: Sheet, rows: list[list]) -> None:
    ws = wb.create_sheet(sheet.name)
    ws.freeze_panes = "A3"
    for index, col in enumerate(sheet.columns, start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = col.width
        header = ws.cell(row=1, column=index, value=col.title)
        header.font, header.fill = HEADER_FONT, HEADER_FILL
        if col.note:
            header.comment = Comment(col.note, "系统")
        parts = ["必填" if col.required else "选填"]
        if col.note and not col.note.startswith("必填"):
            parts.append(col.note)
        elif col.note:
            parts = [col.note]
        note = ws.cell(row=2, column=index, value=("；".join(parts)))
        note.font, note.alignment = NOTE_FONT, WRAP
        if col.choices is not None:
            labels = ",".join(str(label) for _value, label in col.choices.choices)
            _list_validation(ws, letter, f'"{labels}"', f"请从下拉列表中选择：{labels}")
        elif col.kind == "bool":
            _list_validation(ws, letter, f'"{YES},{NO}"', "请填写“是”或“否”。")
        elif col.header == "乡镇(街道)" and sheet.name != TOWNSHIPS:
            names = f"{quote_sheetname(TOWNSHIPS)}!$A$3:$A${LAST_ROW}"
            _list_validation(ws, letter, names, "请选择“乡镇(街道)”表中的乡镇名称。")
        elif col.kind == "date":
            for cell_row in range(3, 3 + max(len(rows), 1)):
                ws.cell(row=cell_row, column=index).number_format = "yyyy-mm-dd"
    # The note row is recognised by its mark in the first cell, whatever the clerk does to the others.
    ws.cell(row=2, column=1).value = f"{NOTE_MARK}{ws.cell(row=2, column=1).value}"
    ws.row_dimensions[2].height = 45
    for offset, values in enumerate(rows):
        for index, value in enumerate(values, start=1):
            cell = ws.cell(row=3 + offset, column=index, value=value if value != "" else None)
            escape_formula(cell)
            if sheet.columns[index - 1].kind == "date":
                cell.number_format = "yyyy-mm-dd"


def roster_workbook(bureau: Bureau | None, *, with_data: bool) -> bytes:
    """The six sheets; with the bureau's rows, or (the template) with one example row each, marked so it is never
    imported."""
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in SHEETS.values():
        if with_data and bureau is not None:
            rows = sheet.rows(bureau)
        else:
            example = list(sheet.example)
            example[0] = f"{EXAMPLE_MARK}{example[0]}"
            rows = [example]
        _write_sheet(wb, sheet, rows)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
