"""Each kind of bad row: named by sheet, row, column and rule, with nothing saved."""

import pytest

from advisors.models import Advisor, Agreement
from imports.models import ImportBatch
from tests.factories import AdvisorFactory, AgreementFactory, TownshipFactory, VillageFactory
from villages.models import Village

from .books import FIRM, TOWNSHIP, advisor_row, agreement_row, roster_book, village_row

pytestmark = pytest.mark.django_db


def _book(**sheets) -> bytes:
    base = {"乡镇(街道)": [TOWNSHIP], "律师事务所": [FIRM], "法律顾问": [advisor_row(1)]}
    names = {"villages": "村(社区)", "agreements": "顾问协议", "liaisons": "村联络员", "advisors": "法律顾问"}
    return roster_book({**base, **{names[k]: v for k, v in sheets.items()}})


def test_it_refuses_a_seventh_village_for_one_advisor_seed_001(clerk, client):
    villages = [village_row(n) for n in range(1, 8)]
    agreements = [agreement_row(1, f"东风{n}村") for n in range(1, 8)]
    batch = clerk.upload(_book(villages=villages, agreements=agreements))
    assert batch.status == ImportBatch.Status.INVALID
    [(sheet, row, column, message)] = clerk.errors(batch)
    assert (sheet, row, column) == ("顾问协议", 8, "村(社区)")
    assert "最多服务 6 个村(居)" in message
    page = client.get(batch.get_absolute_url()).content.decode()
    assert "发现 1 处错误，没有保存任何数据" in page and "第 8 行" in page and "最多服务 6 个村(居)" in page
    assert not Village.objects.filter(code__startswith="410102001").exists()


def test_it_refuses_a_second_advisor_for_a_village_seed_001(clerk):
    book = _book(
        villages=[village_row(1)],
        advisors=[advisor_row(1), advisor_row(2)],
        agreements=[agreement_row(1, "东风1村"), agreement_row(2, "东风1村")],
    )
    [(sheet, row, column, message)] = clerk.errors(clerk.upload(book))
    assert (sheet, row, column) == ("顾问协议", 3, "村(社区)")
    assert "同一村(居)同一时间只能有一名法律顾问" in message


def test_it_refuses_a_second_advisor_for_a_village_already_served(clerk, bureau, village):
    AgreementFactory(advisor=AdvisorFactory(bureau=bureau), village=village)
    book = _book(agreements=[agreement_row(1, village.code)])
    [(_sheet, _row, column, message)] = clerk.errors(clerk.upload(book))
    assert column == "村(社区)" and "只能有一名法律顾问" in message
    assert not Advisor.objects.filter(licence_number=advisor_row(1)[1]).exists()


def test_it_refuses_two_villages_of_one_name_in_a_township(clerk):
    book = _book(villages=[village_row(1, name="东风村"), village_row(2, name="东风村")])
    [(sheet, row, column, message)] = clerk.errors(clerk.upload(book))
    assert (sheet, row) == ("村(社区)", 3)
    assert column == "行政区划代码" or column == "名称"
    assert message


def test_it_names_the_bad_mobile_number(clerk):
    book = _book(advisors=[advisor_row(1, mobile="1380000")])
    [(sheet, row, column, message)] = clerk.errors(clerk.upload(book))
    assert (sheet, row, column) == ("法律顾问", 2, "手机号")
    assert "不是有效的手机号码" in message


def test_it_names_the_bad_landline(clerk):
    firm = list(FIRM)
    firm[4] = "电话：见墙上"
    batch = clerk.upload(roster_book({"律师事务所": [firm]}))
    [(sheet, row, column, message)] = clerk.errors(batch)
    assert (sheet, row, column) == ("律师事务所", 2, "电话")
    assert "有效的电话号码" in message


def test_it_asks_for_the_township_when_a_village_name_matches_two_villages(clerk, bureau):
    for name in ("北镇", "南镇"):
        VillageFactory(township=TownshipFactory(bureau=bureau, name=name), name="新村")
    batch = clerk.upload(_book(agreements=[agreement_row(1, "新村")]))
    [(sheet, row, column, message)] = clerk.errors(batch)
    assert (sheet, row, column) == ("顾问协议", 2, "村(社区)")
    assert "对应多个村(社区)" in message and "北镇" in message and "南镇" in message
    # With the township named, the same row goes through.
    batch = clerk.upload(_book(agreements=[agreement_row(1, "新村", township="南镇")]))
    assert batch.status == ImportBatch.Status.READY


def test_it_names_a_missing_required_cell_and_a_bad_date(clerk):
    book = _book(villages=[village_row(1)], agreements=[agreement_row(1, "东风1村", start="2026-02-30")])
    rows = roster_book({"村(社区)": [["东风镇", "", "村", "410102001009", "", ""]]})
    [(_s, row, column, message)] = clerk.errors(clerk.upload(rows))
    assert (row, column, message) == (2, "名称", "必填，不能为空。")
    errors = clerk.errors(clerk.upload(book))
    assert errors == [("顾问协议", 2, "开始日期", "“2026-02-30”不是有效日期，请填写如 2026-01-01 的日期。")]


def test_it_names_a_missing_required_column(clerk):
    headers = {"村(社区)": ["乡镇(街道)", "名称", "类型"]}
    batch = clerk.upload(roster_book({"村(社区)": [["东风镇", "东风村", "村"]]}, headers=headers))
    errors = clerk.errors(batch)
    assert ("村(社区)", 1, "行政区划代码", "缺少必填列“行政区划代码”。") in errors


def test_it_refuses_an_unknown_choice_and_a_taken_login_name(clerk, bureau_admin_user):
    book = _book(advisors=[advisor_row(1, kind="大律师"), advisor_row(2, login=bureau_admin_user.username)])
    errors = clerk.errors(clerk.upload(book))
    assert errors[0][:3] == ("法律顾问", 2, "类别") and "不是可选值" in errors[0][3]
    assert errors[1][:3] == ("法律顾问", 3, "登录名") and "已被使用" in errors[1][3]


def test_it_refuses_a_file_that_is_not_a_workbook(clerk, client):
    from django.urls import reverse

    from .books import upload

    response = client.post(
        reverse("imports:index"), {"kind": "roster", "file": upload(b"not excel", "名册.xlsx")}
    )
    assert response.status_code == 200
    assert "Excel" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_it_refuses_a_workbook_without_the_template_sheets(clerk):
    import io

    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["随便", "什么"])
    buffer = io.BytesIO()
    wb.save(buffer)
    batch = clerk.upload(buffer.getvalue())
    assert batch.status == ImportBatch.Status.INVALID
    assert "没有可导入的工作表" in clerk.errors(batch)[0][3]


def test_it_keeps_agreements_untouched_when_an_agreement_row_fails(clerk, bureau, village):
    before = Agreement.objects.count()
    clerk.confirm(clerk.upload(_book(agreements=[agreement_row(1, "不存在村")])))
    assert Agreement.objects.count() == before


def test_it_refuses_a_login_name_with_spaces(clerk):
    errors = clerk.errors(clerk.upload(_book(advisors=[advisor_row(1, login="zhang wei")])))
    assert errors[0][:3] == ("法律顾问", 2, "登录名")
