"""監査ログの画面: the auditor search (only for the auditor role of the acting municipality)."""

from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.search_view, name="search"),
]
