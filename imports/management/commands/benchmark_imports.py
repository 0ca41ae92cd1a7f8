"""Time the preview and the confirmation of a generated roster workbook (a city: 120 townships, 3,000 villages,
700 advisors, 3,000 agreements and liaisons) for a throw-away bureau, in a transaction rolled back at the end."""

import io
import time

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from openpyxl import Workbook

from accounts.models import Role
from accounts.services import user_create_with_role
from imports.models import ImportBatch
from imports.roster import SHEETS
from imports.services import import_run
from villages.models import Bureau


def generated_roster(*, villages: int, per_township: int = 25, per_advisor: int = 5) -> bytes:
    townships = -(-villages // per_township)
    advisors = -(-villages // per_advisor)
    sheets = {
        "乡镇(街道)": [
            [f"测试{t}镇", "镇", f"99{t:07d}", f"测试{t}镇司法所", "", "0375-1234567"]
            for t in range(townships)
        ],
        "村(社区)": [
            [f"测试{v // per_township}镇", f"测试{v}村", "村", f"99{v:010d}", "", ""] for v in range(villages)
        ],
        "律师事务所": [[f"测试{f}律师事务所", "律师事务所", "", "", ""] for f in range(50)],
        "法律顾问": [
            [f"顾问{a}", f"99{a:015d}", "律师", f"测试{a % 50}律师事务所", f"137{a:08d}", "", "是", ""]
            for a in range(advisors)
        ],
        "顾问协议": [
            [
                f"99{v // per_advisor:015d}",
                "",
                f"99{v:010d}",
                "2026-01-01",
                "2026-12-31",
                6000,
                "2026-01-05",
                "",
            ]
            for v in range(villages)
        ],
        "村联络员": [["", f"99{v:010d}", f"联络员{v}", f"139{v:08d}", ""] for v in range(villages)],
    }
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        ws.append([c.title for c in SHEETS[name].columns])
        for row in rows:
            ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time the preview and confirmation of a generated roster import (nothing is kept)."

    def add_arguments(self, parser):
        parser.add_argument("--villages", type=int, default=3000)

    def handle(self, *args, villages: int, **options):
        content = generated_roster(villages=villages)
        self.stdout.write(f"workbook: {len(content) / 1024:.0f} KiB, {villages} villages")
        try:
            with transaction.atomic():
                bureau = Bureau.objects.create(name="导入测速司法局", code="999999999999")
                admin = user_create_with_role(
                    username="import-benchmark", password=None, role=Role.BUREAU_ADMIN, bureau=bureau
                )
                batch = ImportBatch(
                    bureau=bureau, kind="roster", filename="bench.xlsx", sha256="-", created_by=admin
                )
                batch.file.save("bench.xlsx", ContentFile(content), save=False)
                batch.save()
                for step, status in (("preview", None), ("confirm", ImportBatch.Status.CONFIRMING)):
                    if status:
                        ImportBatch.objects.filter(pk=batch.pk).update(status=status, confirmed_by=admin)
                    started = time.perf_counter()
                    batch = import_run(batch_id=batch.pk)
                    elapsed = time.perf_counter() - started
                    self.stdout.write(
                        f"{step}: {elapsed:.1f} s, status {batch.status}, created {batch.total('created')}, "
                        f"errors {batch.error_count}"
                    )
                batch.file.delete(save=False)
                raise Rollback
        except Rollback:
            pass
