"""The provincial forms: each is produced from known data and opened again — text extracted from the PDF with pypdf,
cells read back from the workbook with openpyxl — and checked for its rows, columns, totals and Chinese text.
PDF renders are few (about a second each): five in this module."""

import io
from datetime import date, datetime, time
from decimal import Decimal
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from ledger import reports
from ledger.models import Lecture, LedgerSubmission, ServiceType, WorkLog
from tests.factories import WorkLogFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def types(*codes: str) -> list[ServiceType]:
    return list(ServiceType.objects.filter(code__in=codes))


def make_log(agreement, day: date, *, codes=("consultation",), status="submitted", **fields) -> WorkLog:
    return WorkLogFactory(
        agreement=agreement, service_date=day, status=status, service_types=types(*codes), **fields
    )


@pytest.fixture
def known(
    today,
    agreement,
    second_agreement,
    other_agreement,
    other_bureau_agreement,
    liaison_user,
    office_user,
    django_capture_on_commit_callbacks,
):
    """Known logs: in `village` a consultation for 5 people (confirmed by the liaison), a mediation by phone
    (confirmed by the office on the village's behalf, verified), a lecture in May; a draft and a returned log
    (never counted); one log in each of `second_village`, the other township and the other bureau."""
    # Committed, as a request commits: the statistics' monthly rollup is refreshed (ledger/rollups.py).
    with django_capture_on_commit_callbacks(execute=True):
        consultation = make_log(
            agreement,
            date(2026, 6, 3),
            object_name="王大山",
            people_served=5,
            status="confirmed",
            confirmed_by=liaison_user,
            confirmed_at=datetime(2026, 6, 4, 9, 30, tzinfo=SHANGHAI),
        )
        mediation = make_log(
            agreement,
            date(2026, 6, 10),
            codes=("mediation",),
            mode="phone",
            object_name="李二与赵三",
            start_time=time(14, 0),
            end_time=time(15, 0),
            hours=Decimal("1.00"),
            mediation_problem="宅基地边界争议",
            mediation_measures="实地查看并释法说理",
            mediation_result="双方达成调解协议",
            status="verified",
            confirmed_by=office_user,
            confirmed_at=datetime(2026, 6, 11, 10, 0, tzinfo=SHANGHAI),
            confirmed_on_behalf=True,
        )
        lecture_log = make_log(agreement, date(2026, 5, 20), codes=("publicity",), object_name="全体村民")
        Lecture.objects.create(
            worklog=lecture_log, topic="民法典进农村", attendance=60, outline="一、婚姻家庭"
        )
        make_log(agreement, date(2026, 6, 5), status="draft", object_name="草稿对象")
        make_log(agreement, date(2026, 6, 6), status="returned", object_name="退回对象", return_reason="补充")
        make_log(second_agreement, date(2026, 6, 8), codes=("contract_review",), object_name="李家村委会")
        make_log(other_agreement, date(2026, 6, 4), people_served=3, object_name="桃园居民")
        make_log(other_bureau_agreement, date(2026, 6, 4), people_served=7, object_name="石桥村民")
    return {"consultation": consultation, "mediation": mediation, "lecture": lecture_log}


def pdf_pages(response) -> list[str]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return [page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages]


def workbook(response):
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def values(ws, row: int) -> list:
    return [cell.value for cell in ws[row]]


def squeeze(text: str) -> str:
    return "".join(text.split())


def filename_of(response) -> str:
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    return disposition.split("filename*=UTF-8''", 1)[1]


# --- 1. 工作日志 ---


def test_it_prints_one_log_on_one_a4_page_with_the_signature_block(client, known, advisor_user):
    client.force_login(advisor_user)

    response = client.get(f"/logs/reports/worklog/{known['consultation'].pk}/", {"format": "pdf"})

    (page,) = pdf_pages(response)
    text = squeeze(page)
    for expected in (
        "河南省村(居)法律顾问工作日志",
        "张明",
        "河南正义律师事务所",
        "王庄村",
        "2026年6月3日09:00—11:30",
        "到村现场",
        "王大山",
        "联系电话：13800000000",
        "咨询土地承包经营权流转合同",
        "法律顾问签名：张明",
        "孙丽",  # the liaison who confirmed
        "2026年6月4日",
    ):
        assert expected in text, expected
    assert "代为确认" not in text
    reader = PdfReader(io.BytesIO(response.content))
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(float(width)), round(float(height))) == (595, 842)  # A4 portrait, in points
    assert filename_of(response) == quote("工作日志-王庄村-张明-20260603.pdf")


def test_it_prints_a_village_month_one_counted_log_per_page(client, known, office_user):
    client.force_login(office_user)

    response = client.get(
        "/logs/reports/worklogs/", {"village": known["consultation"].village_id, "year": 2026, "month": 6}
    )
    assert [s.object_name for s in response.context["sheets"]] == ["王大山", "李二与赵三"]
    pages = pdf_pages(
        client.get(response.request["PATH_INFO"] + "?" + response.request["QUERY_STRING"] + "&format=pdf")
    )

    assert len(pages) == 2
    assert "王大山" in pages[0] and "李二与赵三" in pages[1]
    second = squeeze(pages[1])
    assert "赵敏（司法所代为确认）" in second
    assert "宅基地边界争议" in second and "电话" in second
    assert not any("草稿对象" in p or "退回对象" in p or "李家村委会" in p for p in pages)


def test_it_batches_a_village_year_and_a_township_month(client, known, office_user, other_office_user):
    client.force_login(office_user)
    village_id = known["consultation"].village_id
    township_id = known["consultation"].village.township_id

    year = client.get("/logs/reports/worklogs/", {"village": village_id, "year": 2026, "month": 0})
    township = client.get("/logs/reports/worklogs/", {"township": township_id, "year": 2026, "month": 6})

    assert {s.object_name for s in year.context["sheets"]} == {"王大山", "李二与赵三", "全体村民"}
    assert {s.object_name for s in township.context["sheets"]} == {"王大山", "李二与赵三", "李家村委会"}
    assert "2026年工作日志" in year.content.decode()
    # SECURITY: another township's office cannot print this township's logs
    client.force_login(other_office_user)
    assert client.get("/logs/reports/worklogs/", {"township": township_id, "year": 2026}).status_code == 404


# --- 2. 工作台账 (年度) ---


def test_the_annual_ledger_has_one_row_per_counted_service_in_date_order(known, advisor, village):
    report = reports.annual_ledger(advisor=advisor, village=village, year=2026)

    (table,) = report.tables
    assert report.filename == "工作台账-王庄村-张明-2026"
    assert [c.label for c in table.columns] == [
        "时间",
        "服务对象所属村(居)及姓名",
        "纠纷调解（问题、解决措施及结果）",
        "法治宣传（形式、内容）",
        "培训（内容、形式）",
        "其他",
        "备注",
    ]
    assert [c.group for c in table.columns][2:6] == ["服务内容及结果"] * 4
    rows = table.rows
    assert [r[0] for r in rows] == [date(2026, 5, 20), date(2026, 6, 3), date(2026, 6, 10)]
    assert [r[1] for r in rows] == ["王庄村 全体村民", "王庄村 王大山", "王庄村 李二与赵三"]
    lecture, consultation, mediation = rows
    assert lecture[3] == "形式：法治讲座；内容：民法典进农村" and lecture[2] == lecture[5] == ""
    assert consultation[5].startswith("法律咨询：咨询土地承包经营权") and consultation[2] == ""
    assert mediation[2] == "问题：宅基地边界争议；措施：实地查看并释法说理；结果：双方达成调解协议"
    assert "25日前" in table.footnote


def test_the_annual_ledger_workbook_is_typed_merged_frozen_and_set_up_for_printing(
    client, known, advisor_user
):
    client.force_login(advisor_user)
    log = known["consultation"]

    response = client.get(
        "/logs/reports/ledger/",
        {"advisor": log.advisor_id, "village": log.village_id, "year": 2026, "format": "xlsx"},
    )

    assert filename_of(response) == quote("工作台账-王庄村-张明-2026.xlsx")
    ws = workbook(response).active
    assert ws["A1"].value == "河南省村(居)法律顾问工作台账"
    assert "（2026年度）" in ws["A2"].value and "张明" in ws["A2"].value
    assert values(ws, 3)[:3] == ["时间", "服务对象所属村(居)及姓名", "服务内容及结果"]
    assert values(ws, 4)[2:6] == [
        "纠纷调解（问题、解决措施及结果）",
        "法治宣传（形式、内容）",
        "培训（内容、形式）",
        "其他",
    ]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:G1", "A3:A4", "B3:B4", "C3:F3", "G3:G4"} <= merged
    assert [ws.cell(row, 1).value for row in (5, 6, 7)] == [
        datetime(2026, 5, 20),
        datetime(2026, 6, 3),
        datetime(2026, 6, 10),
    ]
    assert ws["A5"].is_date
    assert ws["C7"].value.startswith("问题：宅基地边界争议")
    assert ws.cell(9, 1).value.startswith("注：本工作台账由村(居)法律顾问填写，每月25日前")
    assert ws.max_row == 9  # 2 title rows, 2 header rows, 3 services, a blank row and the footnote
    assert ws.freeze_panes == "A5"
    assert ws.print_title_rows == "$3:$4"
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.column_dimensions["C"].width > ws.column_dimensions["A"].width


def test_the_annual_ledger_pdf_is_landscape_repeats_its_header_and_numbers_its_pages(
    client, known, agreement, advisor_user
):
    for day in range(1, 29):  # enough services in April to fill more than one page
        make_log(agreement, date(2026, 4, day), object_name=f"四月村民{day}")
    client.force_login(advisor_user)

    response = client.get(
        "/logs/reports/ledger/",
        {"advisor": agreement.advisor_id, "village": agreement.village_id, "year": 2026, "format": "pdf"},
    )

    pages = [squeeze(p) for p in pdf_pages(response)]
    assert len(pages) >= 2
    reader = PdfReader(io.BytesIO(response.content))
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height  # landscape
    for number, page in enumerate(pages, start=1):
        assert "服务对象所属村(居)及姓名" in page and "纠纷调解（问题、解决措施及结果）" in page
        assert f"第{number}页共{len(pages)}页" in page
    assert "河南省村(居)法律顾问工作台账" in pages[0] and "（2026年度）" in pages[0]
    assert "4月1日" in pages[0] and "四月村民1" in pages[0]
    everything = "".join(pages)
    assert (
        everything.index("四月村民28") < everything.index("民法典进农村") < everything.index("宅基地边界争议")
    )
    assert "每月25日前报服务地司法所" in pages[-1]


# --- 3. 乡镇(街道)月度台账汇总 ---


def test_the_township_month_summary_counts_each_village_and_totals(
    known, township, advisor, village, second_village, vacant_village
):
    LedgerSubmission.objects.create(
        advisor=advisor,
        village=village,
        year=2026,
        month=6,
        submitted_at=datetime(2026, 6, 20, tzinfo=SHANGHAI),
    )
    LedgerSubmission.objects.create(
        advisor=advisor,
        village=second_village,
        year=2026,
        month=6,
        submitted_at=datetime(2026, 6, 27, tzinfo=SHANGHAI),
        is_late=True,
    )

    (table,) = reports.township_month_summary(township=township, year=2026, month=6).tables

    labels = [c.label for c in table.columns]
    type_names = list(ServiceType.objects.values_list("name", flat=True))
    assert labels[:5] == ["村(社区)", "法律顾问", "工作日志（条）", "服务时长（小时）", "到村服务（次）"]
    assert labels[5] == "法律咨询（人次）" and labels[6 : 5 + len(type_names)] == type_names[1:]
    assert labels[-2:] == ["法治讲座（场）", "台账报送"]
    by_village = {row[0]: dict(zip(labels, row, strict=True)) for row in table.rows}
    assert list(by_village) == ["王庄村", "李家村", "张湾村"]
    wang = by_village["王庄村"]
    assert (wang["法律顾问"], wang["工作日志（条）"], wang["服务时长（小时）"], wang["到村服务（次）"]) == (
        "张明",
        2,
        Decimal("3.50"),
        1,
    )
    assert (wang["法律咨询（人次）"], wang["纠纷调解"], wang["法治讲座（场）"]) == (5, 1, 0)
    assert wang["台账报送"] == "按时报送"
    assert by_village["李家村"]["合同审查及法律意见"] == 1 and by_village["李家村"]["台账报送"] == "逾期报送"
    assert by_village["张湾村"]["工作日志（条）"] == 0 and by_village["张湾村"]["台账报送"] == "未报送"
    assert by_village["张湾村"]["法律顾问"] == "—"
    totals = dict(zip(labels, table.totals, strict=True))
    assert totals["村(社区)"] == "合计" and totals["工作日志（条）"] == 3
    assert totals["服务时长（小时）"] == Decimal("6.00") and totals["法律咨询（人次）"] == 5
    assert totals["台账报送"] == "按时 1/3"


def test_the_same_builder_feeds_the_preview_the_pdf_and_the_workbook(
    client, known, township, vacant_village, office_user, monkeypatch
):
    built = []
    original = reports.township_month_summary

    def spy(**kwargs):
        report = original(**kwargs)
        built.append(report)
        return report

    monkeypatch.setattr(reports, "township_month_summary", spy)
    client.force_login(office_user)
    query = {"township": township.pk, "year": 2026, "month": 6}

    preview = client.get("/logs/reports/township-month/", query)
    sheet = workbook(client.get("/logs/reports/township-month/", {**query, "format": "xlsx"})).active
    pages = pdf_pages(client.get("/logs/reports/township-month/", {**query, "format": "pdf"}))

    assert len(built) == 3
    expected = built[0].tables[0].rows
    assert [t.rows for r in built for t in r.tables] == [expected] * 3
    assert preview.context["tables"][0].rows == expected
    html = preview.content.decode()
    assert all(f"<td>{row[0]}</td>" in html for row in expected)
    first_data_row = 5  # title, subtitle, two header rows
    read_back = [values(sheet, first_data_row + i) for i in range(len(expected))]
    assert read_back == [[float(v) if isinstance(v, Decimal) else v for v in row] for row in expected]
    assert values(sheet, 3)[5] == "服务类型（次）" and values(sheet, 4)[5] == "法律咨询（人次）"
    assert values(sheet, first_data_row + len(expected))[:3] == ["合计", "1 人", 3]
    text = squeeze("".join(pages))
    assert "柳林镇村(居)法律顾问月度台账汇总" in text and "2026年6月" in text
    assert all(row[0] in text for row in expected) and "合计" in text and "未报送" in text


# --- 4. 工作情况统计表 ---


def test_the_statistics_count_by_township_and_by_advisor_in_person_times(client, known, bureau_admin_user):
    client.force_login(bureau_admin_user)

    response = client.get("/logs/reports/statistics/", {"year": 2026, "half": 1, "format": "xlsx"})

    assert filename_of(response) == quote("工作情况统计表-城关区司法局-2026年上半年.xlsx")
    wb = workbook(response)
    assert wb.sheetnames == ["按乡镇(街道)", "按法律顾问"]
    towns, people = wb["按乡镇(街道)"], wb["按法律顾问"]
    assert "2026年上半年" in towns["A2"].value
    header = values(towns, 4)
    consultation = header.index("法律咨询（人次）")
    mediation = header.index("纠纷调解")
    logs_column = len(header) - 1
    assert values(towns, 3)[-1] == "工作日志（条）"
    rows = {values(towns, r)[0]: values(towns, r) for r in (5, 6, 7)}
    assert list(rows) == ["柳林镇", "桃园街道", "合计"]
    assert rows["柳林镇"][consultation] == 5 and rows["柳林镇"][mediation] == 1
    assert (
        rows["柳林镇"][logs_column] == 4
    )  # the lecture in May counts, the draft and the returned log do not
    assert rows["桃园街道"][consultation] == 3
    assert rows["合计"][consultation] == 8 and rows["合计"][logs_column] == 5  # not the other bureau's 7
    by_advisor = {values(people, r)[0]: values(people, r) for r in (5, 6, 7)}
    assert list(by_advisor) == ["张明", "李芳", "合计"]
    assert by_advisor["张明"][1] == "河南正义律师事务所"
    assert by_advisor["合计"][values(people, 4).index("法律咨询（人次）")] == 8

    pages = pdf_pages(client.get("/logs/reports/statistics/", {"year": 2026, "half": 1, "format": "pdf"}))
    text = squeeze("".join(pages))
    assert "城关区司法局村(居)法律顾问工作情况统计表（按乡镇(街道)）" in text
    assert "城关区司法局村(居)法律顾问工作情况统计表（按法律顾问）" in text
    assert "柳林镇" in text and "李芳" in text and "合计" in text and "石桥" not in text


def test_the_second_half_leaves_out_the_first(known, bureau):
    by_township, _ = reports.work_statistics(bureau=bureau, year=2026, half=2).tables

    assert all(v in (0, Decimal("0"), "") for row in by_township.rows for v in row[1:])


# --- scope ---


@pytest.mark.parametrize(
    ("persona", "url", "query"),
    [
        ("other_advisor_user", "/logs/reports/worklog/{log}/", {"format": "pdf"}),
        ("other_office_user", "/logs/reports/worklogs/", {"village": "{village}", "format": "pdf"}),
        (
            "advisor_user",
            "/logs/reports/ledger/",
            {"advisor": "{other_advisor}", "village": "{other_village}"},
        ),
        ("other_office_user", "/logs/reports/ledger/", {"advisor": "{advisor}", "village": "{village}"}),
        ("advisor_user", "/logs/reports/ledger/", {"advisor": "{other_advisor}", "village": "{village}"}),
        ("office_user", "/logs/reports/township-month/", {"township": "{other_township}", "format": "xlsx"}),
        ("advisor_user", "/logs/reports/township-month/", {"format": "xlsx"}),
        ("office_user", "/logs/reports/statistics/", {"format": "xlsx"}),
        ("advisor_user", "/logs/reports/statistics/", {"format": "xlsx"}),
        ("liaison_user", "/logs/reports/", {}),
        ("bureau_admin_user", "/logs/reports/township-month/", {"township": "{other_bureau_township}"}),
    ],
)
def test_it_answers_404_outside_the_scope(client, whole_map, known, persona, url, query):  # SECURITY
    w = whole_map
    ids = {
        "log": known["consultation"].pk,
        "village": w.village.pk,
        "other_village": w.other_township_village.pk,
        "advisor": w.advisor.pk,
        "other_advisor": w.other_advisor.pk,
        "other_township": w.other_township.pk,
        "other_bureau_township": w.other_bureau_township.pk,
    }
    client.force_login(getattr(w, persona))

    response = client.get(url.format(**ids), {k: v.format(**ids) for k, v in query.items()})

    assert response.status_code == 404


def test_the_index_offers_each_role_only_its_scope(client, whole_map):
    w = whole_map
    client.force_login(w.advisor_user)
    advisor_page = client.get("/logs/reports/").content.decode()
    client.force_login(w.office_user)
    office_page = client.get("/logs/reports/").content.decode()

    assert "王庄村 · 张明" in advisor_page and "张湾村 · 张明" in advisor_page  # last year's village too
    assert "桃园社区" not in advisor_page and "乡镇(街道)月度台账汇总" not in advisor_page
    assert "工作情况统计表" not in advisor_page
    assert "柳林镇" in office_page and "桃园街道" not in office_page and "工作情况统计表" not in office_page
