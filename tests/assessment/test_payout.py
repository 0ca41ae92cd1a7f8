"""The payout sheet (补贴发放表) of the 2026 half-year: each tier's amount, deductions, a prorated agreement, the
review not yet final; the same rows in the HTML preview, the workbook and the PDF; who may see it."""

import io
from datetime import date
from decimal import Decimal
from urllib.parse import unquote

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import load_workbook
from pypdf import PdfReader

from assessment.models import Review
from assessment.reports import payout_sheet
from assessment.services import computation, opinions, payout
from tests.factories import AdvisorFactory, AgreementFactory, VillageFactory

pytestmark = pytest.mark.django_db

JULY_1 = date(2026, 7, 1)
REASON = "综合群众评价和检查情况确定"


@pytest.fixture
def half_year(whole_map):
    """Advisors of `bureau`, one per outcome, each with a whole-year agreement of 12000 元 (6000 for the half),
    but 孙部分 whose agreement starts on 1 April (91 of 181 days); the period opened, not finalized yet."""
    w = whole_map
    # A bureau whose half-year tier pays the first half (the default is advisory: see the tests at the end).
    w.bureau.half_year_review_pays = True
    w.bureau.save()
    names = {}
    for name in ("赵优秀", "钱良好", "孙合格", "李不合格", "周违规", "吴未定", "孙部分"):
        advisor = AdvisorFactory(bureau=w.bureau, name=name, firm__name=f"{name}律师事务所")
        start = date(2026, 4, 1) if name == "孙部分" else date(2026, 1, 1)
        AgreementFactory(
            advisor=advisor,
            village=VillageFactory(township=w.township, name=f"{name}村"),
            start_date=start,
            end_date=date(2026, 12, 31),
            annual_subsidy=Decimal("12000.00"),
        )
        names[name] = advisor
    period = computation.review_period_open(bureau=w.bureau, kind="half", year=2026, today=JULY_1)
    w.period, w.advisors = period, names
    return w


def _review(w, name) -> Review:
    return Review.objects.get(period=w.period, advisor=w.advisors[name])


def _finalize(w, name, tier, **extra):
    opinions.review_finalize(
        review=_review(w, name), by=w.bureau_staff_user, tier=tier, reason=REASON, **extra
    )


@pytest.fixture
def decided(half_year, client):
    w = half_year
    client.force_login(w.bureau_staff_user)
    agreement = w.advisors["孙合格"].agreements.get()
    response = client.post(
        f"/reviews/periods/{w.period.pk}/payout/deduct/",
        {"line": f"{_review(w, '孙合格').pk}-{agreement.pk}", "amount": "500", "reason": "5月台账逾期报送"},
    )
    assert response.status_code == 302
    _finalize(w, "赵优秀", "excellent")
    _finalize(w, "钱良好", "good")
    _finalize(w, "孙合格", "pass")
    _finalize(w, "李不合格", "fail")
    _finalize(w, "周违规", "good", misconduct=True, misconduct_reason="向村民收取代理费用")
    _finalize(w, "孙部分", "good")
    return w


def _line(sheet, name):
    [line] = [line for line in sheet.lines if line.review.advisor.name == name]
    return line


@pytest.mark.parametrize(
    ("name", "tier", "percent", "payable"),
    [
        ("赵优秀", "excellent", 100, "6000.00"),
        ("钱良好", "good", 100, "6000.00"),
        ("孙合格", "pass", 70, "3700.00"),  # 6000 × 70% − 500 deducted
        ("李不合格", "fail", 50, "3000.00"),
        ("周违规", "good", 0, "0.00"),  # misconduct: nothing
        ("孙部分", "good", 100, "3016.57"),  # 6000 × 91 / 181 days
    ],
)
def test_each_tier_is_paid_its_share_of_the_agreed_subsidy(decided, name, tier, percent, payable):
    line = _line(payout_sheet(decided.period), name)

    assert (line.tier, line.percent, line.payable) == (tier, percent, Decimal(payable))
    assert isinstance(line.payable, Decimal)


def test_a_review_not_final_shows_no_amount_and_the_footnote_says_so(decided):
    sheet = payout_sheet(decided.period)
    line = _line(sheet, "吴未定")
    row = sheet.report.tables[0].display_rows[sheet.lines.index(line)]

    assert line.payable is None and line.subsidy == Decimal("6000.00")
    assert [cell["text"] for cell in row][6:] == ["未定等", "", "", "", ""]
    assert (
        "未定等" in sheet.report.tables[0].footnote and "暂不计算应发金额" in sheet.report.tables[0].footnote
    )


def test_the_totals_add_the_final_amounts(decided):
    sheet = payout_sheet(decided.period)

    # 6000 + 6000 + 3700 + 3000 + 0 + 3016.57, plus 张明's two and 李芳's agreements (not final: no amount)
    assert sheet.total_payable == Decimal("21716.57")
    assert sheet.total_deducted == Decimal("500.00")
    assert sheet.not_final == 4


def _sheet_rows(ws) -> dict[str, list]:
    return {row[1]: list(row) for row in ws.iter_rows(min_row=4, values_only=True) if row[1]}


def test_the_workbook_holds_the_same_rows_as_numbers_with_two_decimals(decided, client):
    client.force_login(decided.bureau_admin_user)

    response = client.get(f"/reviews/periods/{decided.period.pk}/payout/?format=xlsx")

    assert response.status_code == 200
    assert "补贴发放表" in unquote(response["Content-Disposition"])
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = _sheet_rows(ws)
    assert Decimal(str(rows["孙合格"][10])) == Decimal("3700.00")
    assert rows["孙合格"][8] == 500 and "5月台账逾期报送" in rows["孙合格"][9]
    assert rows["孙合格"][7] == 70 and rows["孙合格"][6] == "合格"
    assert Decimal(str(rows["孙部分"][5])).quantize(Decimal("0.01")) == Decimal("3016.57")
    assert rows["周违规"][6] == "良好（违规违纪）" and rows["周违规"][10] == 0
    assert rows["吴未定"][6] == "未定等" and rows["吴未定"][10] is None
    amount_cells = [row for row in ws.iter_rows(min_row=4) if row[1].value == "孙合格"][0]
    assert amount_cells[10].number_format == "0.00"
    totals = rows["合计"]
    assert Decimal(str(totals[10])).quantize(Decimal("0.01")) == Decimal("21716.57")


def test_the_pdf_holds_the_same_rows(decided, client):
    client.force_login(decided.bureau_staff_user)

    response = client.get(f"/reviews/periods/{decided.period.pk}/payout/?format=pdf")

    assert response.status_code == 200
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for expected in ("补贴发放表", "孙合格", "3700.00", "3016.57", "21716.57", "未定等", "5月台账逾期报送"):
        assert expected in text


def test_the_preview_shows_the_rows_and_the_deduction_form(decided, client):
    client.force_login(decided.bureau_staff_user)

    page = client.get(f"/reviews/periods/{decided.period.pk}/payout/").content.decode()

    assert "3700.00" in page and "21716.57" in page
    assert "登记补贴扣减" in page  # 张明, 李芳 and 吴未定 are not final yet


def test_a_deduction_without_a_reason_is_refused_and_keeps_what_was_typed(half_year, client):
    w = half_year
    client.force_login(w.bureau_staff_user)
    review = _review(w, "钱良好")
    agreement = w.advisors["钱良好"].agreements.get()

    response = client.post(
        f"/reviews/periods/{w.period.pk}/payout/deduct/",
        {"line": f"{review.pk}-{agreement.pk}", "amount": "123.45", "reason": ""},
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "123.45" in page and "errorlist" in page
    assert not review.deductions.exists()


def test_after_the_lock_only_a_bureau_admin_adds_a_deduction_and_it_is_recorded(decided):
    review = _review(decided, "赵优秀")
    agreement = decided.advisors["赵优秀"].agreements.get()

    with pytest.raises(PermissionDenied):
        payout.review_add_deduction(
            review=review,
            by=decided.bureau_staff_user,
            agreement=agreement,
            amount=Decimal("10"),
            reason="迟报",
        )
    payout.review_add_deduction(
        review=review, by=decided.bureau_admin_user, agreement=agreement, amount=Decimal("10"), reason="迟报"
    )
    event = review.events.order_by("pk").last()
    assert (event.action, event.note, event.changes["deduction"]) == ("changed", "迟报", "10.00")


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("bureau_admin_user", 200),
        ("bureau_staff_user", 200),
        ("office_user", 403),  # sees the period, not the money
        ("other_bureau_admin_user", 404),
        ("stranger", 404),
        ("liaison_user", 403),  # sees the period (their village's rating)
        ("advisor_user", 403),  # sees the period (their own review)
    ],
)
def test_only_the_bureau_sees_the_payout_sheet(half_year, client, persona, status):
    client.force_login(getattr(half_year, persona))

    assert client.get(f"/reviews/periods/{half_year.period.pk}/payout/").status_code == status
    assert client.get(f"/reviews/periods/{half_year.period.pk}/payout/?format=xlsx").status_code == status


def test_the_sheet_costs_the_same_queries_for_more_advisors(half_year, client, django_assert_max_num_queries):
    w = half_year
    client.force_login(w.bureau_staff_user)
    url = f"/reviews/periods/{w.period.pk}/payout/"
    from tests.web import queries_of

    few = queries_of(client, url)
    for n in range(15):
        AgreementFactory(
            advisor__bureau=w.bureau, village=VillageFactory(township=w.township, name=f"新村{n}")
        )
    computation.review_period_compute(period=w.period)

    with django_assert_max_num_queries(few):
        assert client.get(url).status_code == 200


def test_by_default_the_half_year_tier_is_advisory_and_the_year_end_pays_the_whole_year_seed_004(
    whole_map, client
):
    w = whole_map
    advisor = AdvisorFactory(bureau=w.bureau, name="郑全年")
    AgreementFactory(
        advisor=advisor,
        village=VillageFactory(township=w.township, name="全年村"),
        start_date=date(2026, 1, 1),
        end_date=date(2026, 12, 31),
        annual_subsidy=Decimal("12000.00"),
    )
    half = computation.review_period_open(bureau=w.bureau, kind="half", year=2026, today=JULY_1)
    opinions.review_finalize(
        review=Review.objects.get(period=half, advisor=advisor),
        by=w.bureau_staff_user,
        tier="pass",
        reason=REASON,
    )
    client.force_login(w.bureau_staff_user)
    page = client.get(f"/reviews/periods/{half.pk}/payout/").content.decode()
    assert "半年考核等次仅作参考，不发放补贴" in page and "郑全年" not in page

    year = computation.review_period_open(bureau=w.bureau, kind="year", year=2026, today=date(2027, 1, 2))
    opinions.review_finalize(
        review=Review.objects.get(period=year, advisor=advisor),
        by=w.bureau_staff_user,
        tier="good",
        reason=REASON,
    )
    [line] = [line for line in payout_sheet(year).lines if line.review.advisor == advisor]
    assert (line.window, line.subsidy, line.payable) == (
        (date(2026, 1, 1), date(2026, 12, 31)),
        Decimal("12000.00"),
        Decimal("12000.00"),
    )


def test_a_change_of_the_pay_setting_rejudges_an_open_half_year_never_a_closed_one_seed_004(half_year):
    w = half_year
    for review in Review.objects.filter(period=w.period):
        opinions.review_finalize(
            review=review, by=w.bureau_staff_user, tier=review.proposed_tier, reason=REASON
        )
    closed = computation.review_period_close(period=w.period, by=w.bureau_staff_user)
    w.bureau.half_year_review_pays = False
    w.bureau.save()
    computation.review_period_compute(period=closed)
    closed.refresh_from_db()
    assert payout_sheet(closed).lines  # closed while it paid: it still pays the first half

    closed.status = "open"
    closed.save()
    computation.review_period_compute(period=closed)
    closed.refresh_from_db()
    assert payout_sheet(closed).lines == []
