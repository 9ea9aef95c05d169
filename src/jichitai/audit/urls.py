"""監査ログの画面: the auditor search (only for the auditor role of the acting municipality)."""

from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.search_view, name="search"),
    path("reports/", views.reports_view, name="reports"),
    path("reports/<slug:report>.csv", views.report_csv_view, name="report_csv"),
]
