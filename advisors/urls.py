from django.urls import path

from . import views

app_name = "advisors"

urlpatterns = [
    path("", views.advisor_list, name="advisor_list"),
    path("<int:pk>/", views.advisor_detail, name="advisor_detail"),
    path("agreements/", views.agreement_list, name="agreement_list"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement_detail"),
]
