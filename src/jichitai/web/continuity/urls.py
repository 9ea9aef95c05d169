"""/continuity/: every route needs ``continuity.manage`` (団体管理者・協議会管理者; not under 代行)."""

from django.urls import path

from . import views

app_name = "continuity"
urlpatterns = [
    path("", views.index, name="index"),
    path("declare/", views.declare, name="declare"),
    path("<int:declaration_id>/", views.detail, name="detail"),
    path("<int:declaration_id>/report.csv", views.report_csv, name="report_csv"),
    path("<int:declaration_id>/extend/", views.extend, name="extend"),
    path("<int:declaration_id>/end/", views.end, name="end"),
    path("<int:declaration_id>/revoke/", views.revoke, name="revoke"),
    path("degraded/", views.degraded_mode, name="degraded"),
    path("replication/", views.replication, name="replication"),
]
