from django.urls import path, re_path

from . import views

app_name = "publicity"

urlpatterns = [
    path("", views.home, name="home"),
    path("villages/<int:pk>/", views.village_detail, name="village_detail"),
    path("villages/<int:pk>/poster.pdf", views.village_poster, name="village_poster"),
    path("advisors/<int:pk>/", views.advisor_detail, name="advisor_detail"),
    path("care/", views.care_mode, name="care_mode"),
    # Staff: the posters of a whole township (scoped, login required).
    path("townships/<int:pk>/posters.pdf", views.township_posters, name="township_posters"),
    # Last: every other address under /public/ gets the public-styled 404.
    re_path(r"^(?P<path>.*)$", views.not_found, name="not_found"),
]
