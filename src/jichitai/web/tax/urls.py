"""/tax/: one person's 課税情報 per 年度 (view, enter, correct)."""

from django.urls import path

from ..registry import urls as _registry_urls  # noqa: F401  (registers the bounded "id" converter)
from . import views

app_name = "tax"
urlpatterns = [
    path("person/<id:person_id>/", views.person_view, name="person"),
    path("person/<id:person_id>/enter/", views.person_enter, name="person_enter"),
]
