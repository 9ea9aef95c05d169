"""/staff/: 職員管理 ([1380]). Every route needs ``accounts.manage_staff``; the per-staff restrictions ``accounts.set_rights``."""

from django.urls import path

from . import views

app_name = "staff"
urlpatterns = [
    path("", views.staff_list, name="list"),
    path("new/", views.staff_create, name="create"),
    path("bulk/", views.bulk_view, name="bulk"),
    path("bulk/grants.csv", views.grants_csv, name="grants_csv"),
    path("capabilities/", views.capability_table, name="capabilities"),
    path("<int:staff_id>/", views.staff_detail, name="detail"),
    path("<int:staff_id>/edit/", views.staff_edit, name="edit"),
    path("<int:staff_id>/active/", views.staff_active, name="active"),
    path("<int:staff_id>/grants/", views.grant_add, name="grant"),
    path("<int:staff_id>/grants/<int:grant_id>/revoke/", views.grant_revoke, name="revoke"),
    path("<int:staff_id>/display/", views.display_set, name="display"),
    path("<int:staff_id>/operations/", views.operations_set, name="operations"),
    path("<int:staff_id>/password-reset/", views.password_reset, name="password_reset"),
    path("<int:staff_id>/second-factor-reset/", views.factor_reset, name="factor_reset"),
]
