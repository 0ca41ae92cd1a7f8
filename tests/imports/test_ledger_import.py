"""Past annual ledgers (seed 001 附件3) imported as work logs marked imported."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from imports.models import ImportBatch
from ledger import reports
from ledger.models import Lecture, ServiceType, WorkLog, WorkLogMonthly
from ledger.renderers import render_xlsx
from notifications.models import Notification
from tests.factories import WorkLogFactory

pytestmark = pytest.mark.django_db


def _types(*codes):
    return list(ServiceType.objects.filter(code__in=codes))


@pytest.fixture
def year_of_logs(agreement):
    """Logs of every shape the ledger shows: consultation, mediation, publicity, training, a lecture, several types."""
    make = WorkLogFactory
    make(agreement=agreement, service_date=date(2026, 1, 8), status="verified")
    make(
        agreement=agreement,
        service_date=date(2026, 2, 3),
        service_types=_types("mediation"),
        mediation_problem="宅基地边界纠纷",
        mediation_measures="现场勘查，释法说理",
        mediation_result="双方达成调解协议",
        remarks="已归档",
    )
    make(
        agreement=agreement,
        service_date=date(2026, 3, 9),
        mode="phone",
        service_types=_types("publicity"),
        content="电话讲解民法典婚姻家庭编",
    )
    make(
        agreement=agreement,
        service_date=date(2026, 3, 9),
        service_types=_types("mediator_training"),
        content="调解员培训：调解技巧",
        result="",
    )
    lecture = make(
        agreement=agreement,
        service_date=date(2026, 4, 2),
        service_types=_types("publicity"),
        content="法治讲座",
    )
    Lecture.objects.create(worklog=lecture, topic="反电信诈骗", outline="一、常见骗术")
    make(
        agreement=agreement,
        service_date=date(2026, 5, 20),
        service_types=_types("contract_review", "village_rules"),
        status="confirmed",
    )
    make(agreement=agreement, service_date=date(2026, 5, 21), status="draft")  # not in the ledger
    return agreement


def _ledger_xlsx(agreement) -> bytes:
    return render_xlsx(reports.annual_ledger(advisor=agreement.advisor, village=agreement.village, year=2026))


def _cells(content: bytes) -> list:
    wb = load_workbook(io.BytesIO(content))
    return [[list(row) for row in ws.iter_rows(values_only=True)] for ws in wb.worksheets]


def test_it_reads_an_exported_ledger_back_to_the_same_workbook_seed_001(clerk, year_of_logs):
    exported = _ledger_xlsx(year_of_logs)
    assert len(_cells(exported)[0]) > 8
    WorkLog.objects.filter(status__in=WorkLog.COUNTED_STATUSES).delete()
    batch = clerk.upload(exported, kind="ledger", name="台账.xlsx")
    assert batch.status == ImportBatch.Status.READY, clerk.errors(batch)
    assert batch.total("created") == 6
    assert not WorkLog.objects.filter(source=WorkLog.Source.IMPORTED).exists()  # the preview saves nothing

    assert clerk.confirm(batch).status == ImportBatch.Status.DONE
    assert _cells(_ledger_xlsx(year_of_logs)) == _cells(exported)


def test_it_imports_logs_counted_but_neither_verified_again_nor_notified(clerk, year_of_logs):
    exported = _ledger_xlsx(year_of_logs)
    WorkLog.objects.filter(status__in=WorkLog.COUNTED_STATUSES).delete()
    WorkLogMonthly.objects.all().delete()
    notifications = Notification.objects.count()
    clerk.confirm(clerk.upload(exported, kind="ledger", name="台账.xlsx"))
    imported = WorkLog.objects.filter(source=WorkLog.Source.IMPORTED)
    assert imported.count() == 6
    assert set(imported.values_list("status", flat=True)) == {WorkLog.Status.VERIFIED}
    assert Notification.objects.count() == notifications
    assert Lecture.objects.get(worklog__in=imported).topic == "反电信诈骗"
    # In the statistics' monthly rollup, so counted at once.
    totals = WorkLogMonthly.objects.filter(service_type__isnull=True)
    assert sum(totals.values_list("logs", flat=True)) == 6


def test_it_adds_nothing_when_the_ledger_is_imported_again(clerk, year_of_logs):
    exported = _ledger_xlsx(year_of_logs)
    batch = clerk.upload(exported, kind="ledger", name="台账.xlsx")
    # The logs are still there: every row is already in the village's ledger.
    assert (batch.total("created"), batch.total("unchanged")) == (0, 6)
    clerk.confirm(batch)
    assert not WorkLog.objects.filter(source=WorkLog.Source.IMPORTED).exists()


def test_it_reads_columns_by_their_header_names_not_positions(clerk, agreement):
    """A ledger with a 序号 column first and a 法律咨询 column: the columns are found by name."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "王庄村2026"
    ws.append(["河南省村(居)法律顾问工作台账"])
    ws.append(
        [f"（2026年度）　乡镇(街道)：{agreement.village.township.name}　村(居)：{agreement.village.name}"]
    )
    ws.append(["序号", "时间", "服务对象所属村(居)及姓名", "服务内容及结果", None, None, "备注"])
    ws.append([None, None, None, "法律咨询（问题及解答）", "纠纷调解（问题、解决措施及结果）", "其他", None])
    ws.append(
        [
            1,
            date(2026, 3, 1),
            f"{agreement.village.name} 张三",
            "问题：咨询继承问题；解答：按法定继承",
            "",
            "",
            "",
        ]
    )
    ws.append([2, date(2026, 3, 2), "李四", "", "问题：邻里噪音；结果：和解", "", "电话回访"])
    buffer = io.BytesIO()
    wb.save(buffer)
    batch = clerk.confirm(clerk.upload(buffer.getvalue(), kind="ledger", name="台账.xlsx"))
    assert batch.status == ImportBatch.Status.DONE, clerk.errors(batch)
    first, second = WorkLog.objects.filter(source=WorkLog.Source.IMPORTED).order_by("service_date")
    assert (first.object_name, first.content, first.result) == ("张三", "咨询继承问题", "按法定继承")
    assert list(first.service_types.values_list("code", flat=True)) == ["consultation"]
    assert (second.mediation_problem, second.mediation_result, second.remarks) == (
        "邻里噪音",
        "和解",
        "电话回访",
    )


def test_it_names_the_row_dated_outside_the_ledgers_year(clerk, agreement):
    exported = render_xlsx(
        reports.annual_ledger(advisor=agreement.advisor, village=agreement.village, year=2026)
    )
    wb = load_workbook(io.BytesIO(exported))
    ws = wb.active
    ws.insert_rows(5)
    ws["A5"] = 1  # 序号, then 时间, 服务对象 and 法律咨询
    ws["B5"] = date(2025, 12, 1)
    ws["C5"] = "王五"
    ws["D5"] = "问题：借款纠纷"
    buffer = io.BytesIO()
    wb.save(buffer)
    batch = clerk.upload(buffer.getvalue(), kind="ledger", name="台账.xlsx")
    assert batch.status == ImportBatch.Status.INVALID
    [(sheet, row, column, message)] = clerk.errors(batch)
    assert (row, column) == (5, "时间")
    assert "不在台账年度" in message


def test_it_refuses_a_sheet_that_is_not_a_ledger(clerk):
    from .books import roster_book

    batch = clerk.upload(roster_book({"村(社区)": []}), kind="ledger", name="台账.xlsx")
    [(_sheet, _row, column, message)] = clerk.errors(batch)
    assert "不是工作台账" in message


def test_it_names_the_row_of_a_village_without_an_advisor_that_day(clerk, agreement, vacant_village):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["河南省村(居)法律顾问工作台账"])
    ws.append([f"（2026年度）　乡镇(街道)：{vacant_village.township.name}　村(居)：{vacant_village.name}"])
    ws.append(["时间", "服务对象所属村(居)及姓名", "其他", "备注"])
    ws.append([date(2026, 3, 1), "张三", "法律咨询：继承", ""])
    buffer = io.BytesIO()
    wb.save(buffer)
    batch = clerk.upload(buffer.getvalue(), kind="ledger", name="台账.xlsx")
    [(_sheet, row, column, message)] = clerk.errors(batch)
    assert (row, column) == (4, "时间")
    assert "没有任一顾问的生效协议" in message


def test_it_reads_the_whole_bureau_workbook_one_village_a_sheet(clerk, bureau, year_of_logs, other_agreement):
    WorkLogFactory(agreement=other_agreement, service_date=date(2026, 2, 2))
    exported = render_xlsx(reports.county_ledgers(bureau=bureau, year=2026))
    WorkLog.objects.filter(status__in=WorkLog.COUNTED_STATUSES).delete()
    batch = clerk.confirm(clerk.upload(exported, kind="ledger", name="全辖区台账.xlsx"))
    assert batch.status == ImportBatch.Status.DONE, clerk.errors(batch)
    assert (
        WorkLog.objects.filter(source=WorkLog.Source.IMPORTED, village=other_agreement.village).count() == 1
    )
    assert _cells(render_xlsx(reports.county_ledgers(bureau=bureau, year=2026))) == _cells(exported)


def test_an_imported_log_says_so_on_its_page(clerk, client, year_of_logs):
    exported = _ledger_xlsx(year_of_logs)
    WorkLog.objects.filter(status__in=WorkLog.COUNTED_STATUSES).delete()
    clerk.confirm(clerk.upload(exported, kind="ledger", name="台账.xlsx"))
    log = WorkLog.objects.filter(source=WorkLog.Source.IMPORTED).first()
    assert "历史台账导入" in client.get(log.get_absolute_url()).content.decode()
