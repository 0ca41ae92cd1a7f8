from django.urls import path

from .views import staff

app_name = "consultations"

urlpatterns = [
    path("", staff.request_list, name="request_list"),
    path("<int:pk>/", staff.request_detail, name="request_detail"),
    path("<int:pk>/close/", staff.request_close, name="request_close"),
    path("ratings/", staff.rating_list, name="rating_list"),
]
