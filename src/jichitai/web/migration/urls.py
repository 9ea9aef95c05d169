"""/migration/: データ移行 (issue 13). Every route needs ``migration.run`` (団体管理者)."""

from django.urls import path

from . import views

app_name = "migration"
urlpatterns = [
    path("", views.index, name="index"),
    path("reconciliation.pdf", views.reconciliation_pdf, name="reconciliation_pdf"),
    path("gaiji-worklist.csv", views.gaiji_worklist_csv, name="gaiji_worklist"),
    path("<str:token>/run/", views.run, name="run"),
    path("<str:token>/<int:file_no>/<int:line>/", views.line, name="line"),
]
