"""其中重大疑难或信访积案: a mediation the advisor marks as a major or difficult dispute, or a long-standing petition,
is counted apart, right after 纠纷调解, in the statistics table (seed 004)."""

import pytest

from ledger import reports
from ledger.models import WorkLog
from tests.ledger.test_advisor_pages import NEW, log_data, type_pk

pytestmark = pytest.mark.django_db

MEDIATION = {
    "mediation_problem": "两村山林权属争议，已多次信访",
    "mediation_measures": "联合司法所现场调解",
    "mediation_result": "双方达成协议",
}


def file_log(client, village, **changes) -> WorkLog:
    response = client.post(NEW, {**log_data(village, **changes), "submit": "1"})
    assert response.status_code == 302
    return WorkLog.objects.latest("pk")


def test_the_statistics_count_major_disputes_after_mediations_seed_004(
    client, advisor_user, agreement, bureau, django_capture_on_commit_callbacks
):
    client.force_login(advisor_user)
    page = client.get(NEW).content.decode()
    assert 'name="mediation_major"' in page and "重大疑难纠纷或信访积案" in page
    village = agreement.village
    with django_capture_on_commit_callbacks(execute=True):
        major = file_log(
            client, village, service_types=[type_pk("mediation")], mediation_major="on", **MEDIATION
        )
        file_log(client, village, service_types=[type_pk("mediation")], **MEDIATION)
        # Ticked on a log that is no mediation: not counted, not kept.
        stray = file_log(client, village, mediation_major="on")

    assert major.mediation_major and not stray.mediation_major
    by_township, by_advisor = reports.work_statistics(bureau=bureau, year=2026, half=1).tables
    labels = [column.label for column in by_township.columns]
    mediation = labels.index("纠纷调解")
    assert labels[mediation + 1] == "其中重大疑难或信访积案"
    [row] = [row for row in by_township.rows if row[0] == village.township.name]
    assert row[mediation] == 2 and row[mediation + 1] == 1
    assert by_township.totals[mediation + 1] == 1
    assert by_township.totals[-1] == 3  # the logs column is still the last
    advisor_labels = [column.label for column in by_advisor.columns]
    [advisor_row] = by_advisor.rows
    assert advisor_row[advisor_labels.index("其中重大疑难或信访积案")] == 1


def test_the_statistics_page_and_download_show_the_column_seed_004(client, bureau_admin_user, today):
    client.force_login(bureau_admin_user)
    response = client.get("/logs/reports/statistics/", {"year": 2026, "half": 1})
    assert response.status_code == 200
    assert "其中重大疑难或信访积案" in response.content.decode()
