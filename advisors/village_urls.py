from django.urls import path

from . import village_views as views

app_name = "villages"

urlpatterns = [
    path("", views.village_list, name="village_list"),
    path("<int:pk>/", views.village_detail, name="village_detail"),
    path("townships/", views.township_list, name="township_list"),
    path("townships/<int:pk>/", views.township_detail, name="township_detail"),
]
