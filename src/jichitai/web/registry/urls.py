"""/registry/: 住民記録 screens (search, detail, household, 異動 forms, 決裁, 支援措置)."""

from django.urls import path

from . import views

app_name = "registry"
urlpatterns = [
    path("", views.search_view, name="search"),
    path("persons/<int:person_id>/", views.person_view, name="person"),
    path("persons/<int:person_id>/my-number/", views.person_my_number_view, name="person_my_number"),
    path("households/<int:household_id>/", views.household_view, name="household"),
    path("events/new/", views.event_menu_view, name="event_menu"),
    path("events/new/<str:kind>/", views.event_form_view, name="event_form"),
    path("events/new/<str:kind>/row/", views.person_row_view, name="person_row"),
    path("approvals/", views.approvals_view, name="approvals"),
    path("approvals/approve/", views.approve_bulk_view, name="approve_bulk"),
    path("approvals/<int:event_id>/approve/", views.approve_view, name="approve"),
    path("approvals/<int:event_id>/reject/", views.reject_view, name="reject"),
    path("support/", views.support_view, name="support"),
    path("support/<int:measure_id>/extend/", views.support_extend_view, name="support_extend"),
    path("support/<int:measure_id>/end/", views.support_end_view, name="support_end"),
]
