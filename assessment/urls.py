from django.urls import path

from .views import periods, reviews, sheets, visits

app_name = "assessment"

urlpatterns = [
    # Review periods and each advisor's review, the four opinions, the objection round, the final tier
    # (views/periods.py, views/reviews.py).
    path("", periods.period_list, name="period_list"),
    path("periods/open/", periods.period_open, name="period_open"),
    path("periods/<int:pk>/", periods.period_detail, name="period_detail"),
    path("periods/<int:pk>/compute/", periods.period_compute, name="period_compute"),
    path("periods/<int:pk>/close/", periods.period_close, name="period_close"),
    path("<int:pk>/", reviews.review_detail, name="review_detail"),
    path("<int:pk>/self-assessment/", reviews.review_self_assess, name="review_self_assess"),
    path("<int:pk>/confirm/", reviews.review_confirm, name="review_confirm"),
    path("<int:pk>/object/", reviews.review_object, name="review_object"),
    path("<int:pk>/office-rating/", reviews.review_office_rate, name="review_office_rate"),
    path("<int:pk>/answer/", reviews.review_answer, name="review_answer"),
    path("<int:pk>/finalize/", reviews.review_finalize, name="review_finalize"),
    path("<int:pk>/change/", reviews.review_change_final, name="review_change_final"),
    path("villages/<int:pk>/", reviews.review_village_detail, name="review_village"),
    path("villages/<int:pk>/rate/", reviews.review_village_rate, name="review_village_rate"),
    # Payout sheet and year-end report (views/sheets.py).
    path("periods/<int:pk>/payout/", sheets.payout_sheet, name="payout_sheet"),
    path("periods/<int:pk>/payout/deduct/", sheets.payout_deduction_add, name="payout_deduction_add"),
    path("periods/<int:pk>/report/", sheets.year_report, name="year_report"),
    # Return visits and inspections (views/visits.py).
    path("visits/", visits.return_visit_list, name="return_visit_list"),
    path("visits/new/", visits.return_visit_create, name="return_visit_create"),
    path("visits/<int:pk>/", visits.return_visit_detail, name="return_visit_detail"),
    path("inspections/", visits.inspection_list, name="inspection_list"),
    path("inspections/new/", visits.inspection_create, name="inspection_create"),
    path("inspections/<int:pk>/", visits.inspection_detail, name="inspection_detail"),
    path("inspections/<int:pk>/resolve/", visits.inspection_resolve, name="inspection_resolve"),
]
