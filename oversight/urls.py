from django.urls import path

from . import views

app_name = "oversight"

urlpatterns = [
    path("", views.index, name="index"),
    path("coverage/", views.coverage, name="coverage"),
    path("ledgers/", views.ledgers, name="ledgers"),
    path("incidents/", views.incidents, name="incidents"),
    path("reviews/", views.reviews, name="reviews"),
    path("statistics/", views.statistics, name="statistics"),
    path("year-end/", views.year_end_page, name="year_end"),
    path("bureaus/<int:pk>/", views.bureau, name="bureau"),
]
