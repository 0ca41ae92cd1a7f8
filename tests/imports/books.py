"""Small workbooks made in the tests: the roster sheets with their headers (taken from the template's columns, as a
clerk's copy of the template would have them) and the rows given."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from imports.roster import SHEETS


def roster_book(sheets: dict[str, list[list]], *, headers: dict[str, list[str]] | None = None) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        ws.append((headers or {}).get(name) or [c.title for c in SHEETS[name].columns])
        for row in rows:
            ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "名册.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


TOWNSHIP = ["东风镇", "镇", "410102001", "东风镇司法所", "人民路1号", "0375-1234567"]
FIRM = ["河南正义律师事务所", "律师事务所", "31410000MD0000000X", "人民路8号", "0375-7654321"]


def village_row(n: int, township: str = "东风镇", name: str | None = None) -> list:
    return [township, name or f"东风{n}村", "村", f"410102001{n:03d}", "", "每月第一个周三"]


def advisor_row(n: int, **changes) -> list:
    row = {
        "name": f"顾问{n}",
        "licence": f"1410120091{n:07d}",
        "kind": "律师",
        "firm": FIRM[0],
        "mobile": f"1380000{n:04d}",
        "work": "",
        "active": "是",
        "login": "",
    }
    row.update(changes)
    return list(row.values())


def agreement_row(n: int, village: str, **changes) -> list:
    row = {
        "licence": f"1410120091{n:07d}",
        "township": "",
        "village": village,
        "start": "2026-01-01",
        "end": "2026-12-31",
        "subsidy": 6000,
        "signed": "2026-01-05",
        "filed": "",
    }
    row.update(changes)
    return list(row.values())
