from django.urls import path

from .views import advisor, exports, ledgers, review, summaries
from .views import reports as report_views

app_name = "ledger"

urlpatterns = [
    # The advisor's phone pages (views/advisor.py).
    path("new/", advisor.worklog_create, name="worklog_create"),
    path("<int:pk>/", advisor.worklog_detail, name="worklog_detail"),
    path("<int:pk>/edit/", advisor.worklog_edit, name="worklog_edit"),
    path("<int:pk>/submit/", advisor.worklog_submit, name="worklog_submit"),
    path("<int:pk>/photos/", advisor.worklog_add_photos, name="worklog_add_photos"),
    path("lectures/new/", advisor.lecture_create, name="lecture_create"),
    path("incidents/new/", advisor.incident_create, name="incident_create"),
    # The village's and the justice office's pages (views/review.py).
    path("", review.worklog_list, name="worklog_list"),
    path("<int:pk>/confirm/", review.worklog_confirm, name="worklog_confirm"),
    path("<int:pk>/dispute/", review.worklog_dispute, name="worklog_dispute"),
    path("<int:pk>/verify/", review.worklog_verify, name="worklog_verify"),
    path("<int:pk>/return/", review.worklog_return, name="worklog_return"),
    path("verify/", review.worklogs_verify, name="worklogs_verify"),
    path("check/", review.monthly_check, name="monthly_check"),
    path("lectures/", review.lecture_list, name="lecture_list"),
    path("lectures/<int:pk>/receive/", review.lecture_receive, name="lecture_receive"),
    path("incidents/", review.incident_list, name="incident_list"),
    path("incidents/<int:pk>/", review.incident_detail, name="incident_detail"),
    path("incidents/<int:pk>/acknowledge/", review.incident_acknowledge, name="incident_acknowledge"),
    path("incidents/<int:pk>/handling/", review.incident_record_handling, name="incident_record_handling"),
    # Monthly ledgers: the advisor's submission, the office's forwarding, the bureau's overview (views/ledgers.py).
    path("ledgers/", ledgers.ledger_overview, name="ledger_overview"),
    path("ledgers/village/<int:pk>/", ledgers.ledger_month, name="ledger_month"),
    path("ledgers/village/<int:pk>/submit/", ledgers.ledger_submit, name="ledger_submit"),
    path("ledgers/township/<int:pk>/", ledgers.ledger_township, name="ledger_township"),
    path(
        "ledgers/township/<int:pk>/forward/", ledgers.ledger_township_forward, name="ledger_township_forward"
    ),
    path("ledgers/township/<int:pk>/recall/", ledgers.ledger_township_recall, name="ledger_township_recall"),
    path("ledgers/township/<int:pk>/accept/", ledgers.ledger_township_accept, name="ledger_township_accept"),
    # The justice office's year-end work summary (views/summaries.py).
    path("work-summaries/", summaries.work_summary_list, name="work_summary_list"),
    path("work-summaries/<int:township>/<int:year>/", summaries.work_summary, name="work_summary"),
    # The provincial forms: HTML preview, ?format=pdf or ?format=xlsx (views/reports.py).
    path("reports/", report_views.reports_index, name="reports_index"),
    path("reports/worklog/<int:pk>/", report_views.report_worklog, name="report_worklog"),
    path("reports/worklogs/", report_views.report_worklogs, name="report_worklogs"),
    path("reports/ledger/", report_views.report_ledger, name="report_ledger"),
    path("reports/township-month/", report_views.report_township_month, name="report_township_month"),
    path("reports/statistics/", report_views.report_statistics, name="report_statistics"),
    # The whole bureau's annual ledger workbook, built in the background (views/exports.py).
    path("exports/", exports.export_list, name="export_list"),
    path("exports/<int:pk>/download/", exports.export_download, name="export_download"),
]
