from django.urls import path

from . import views

app_name = "publicity"

urlpatterns = [
    path("", views.home, name="home"),
    path("villages/<int:pk>/", views.village_detail, name="village_detail"),
    path("villages/<int:pk>/poster.pdf", views.village_poster, name="village_poster"),
    path("advisors/<int:pk>/", views.advisor_detail, name="advisor_detail"),
    path("care/", views.care_mode, name="care_mode"),
]
