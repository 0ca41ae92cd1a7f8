"""The residents' pages under /public/ (included before publicity's, whose last pattern catches every address)."""

from django.urls import path

from .views import public

app_name = "residents"

urlpatterns = [
    path("villages/<int:pk>/ask/", public.ask, name="ask"),
    path("villages/<int:pk>/rate/", public.rate, name="rate"),
    path("villages/<int:pk>/rated/", public.rated, name="rated"),
    path("requests/", public.lookup, name="lookup"),
    path("requests/<str:reference>/", public.status, name="status"),
]
