"""/registry/: 住民記録 screens (search, detail, household, 異動 forms, 決裁, 支援措置)."""

from django.urls import path, register_converter

from jichitai.registry.events.requests import MAX_ID

from . import views


class IdConverter:
    """A database id: digits that fit a bigint. Anything else does not match (404), so no view
    ever sends the database a number it cannot hold."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 1 <= number <= MAX_ID:
            raise ValueError(value)
        return number

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")

app_name = "registry"
urlpatterns = [
    path("", views.search_view, name="search"),
    path("persons/<id:person_id>/", views.person_view, name="person"),
    path("persons/<id:person_id>/my-number/", views.person_my_number_view, name="person_my_number"),
    path("persons/<id:person_id>/moji/", views.person_moji_view, name="person_moji"),
    path("moji/", views.moji_view, name="moji"),
    path("moji/pick/", views.moji_pick_view, name="moji_pick"),
    path("persons/<id:person_id>/records/", views.person_records_view, name="person_records"),
    path("persons/<id:person_id>/records/post/", views.person_records_post, name="person_records_post"),
    path("workstation/", views.workstation_view, name="workstation"),
    path("addresses/", views.addresses_view, name="addresses"),
    path("addresses/pick/", views.address_pick_view, name="address_pick"),
    path("households/<id:household_id>/", views.household_view, name="household"),
    path("events/new/", views.event_menu_view, name="event_menu"),
    path("events/koseki/", views.koseki_intake_view, name="koseki_intake"),
    path("events/csv/", views.csv_intake_view, name="csv_intake"),
    path("events/new/<str:kind>/", views.event_form_view, name="event_form"),
    path("events/new/<str:kind>/row/", views.person_row_view, name="person_row"),
    path("events/katagaki/", views.katagaki_pick_view, name="katagaki_pick"),
    path("approvals/", views.approvals_view, name="approvals"),
    path("approvals/approve/", views.approve_bulk_view, name="approve_bulk"),
    path("approvals/approve-all/", views.approve_all_view, name="approve_all"),
    path("provisional/", views.provisional_list_view, name="provisional_list"),
    path("bulk/", views.bulk_entry_view, name="bulk_entry"),
    path("provisional/<id:event_id>/", views.entry_sheet_view, name="entry_sheet"),
    path("provisional/<id:event_id>/withdraw/", views.withdraw_view, name="withdraw"),
    path("events/<id:event_id>/receipt-notice/", views.receipt_notice_view, name="receipt_notice"),
    path("events/<id:event_id>/receipt-notice/pdf/", views.receipt_notice_pdf_view, name="receipt_notice_pdf"),
    path("provisional/<id:event_id>/pdf/", views.entry_sheet_pdf_view, name="entry_sheet_pdf"),
    path("events/<id:event_id>/resident-code-notices/pdf/", views.resident_code_notices_pdf_view,
         name="resident_code_notices_pdf"),
    path("support/ending/", views.support_ending_view, name="support_ending"),
    path("support/ending/pdf/", views.support_ending_pdf_view, name="support_ending_pdf"),
    path("support/<id:measure_id>/end-notice/", views.support_notice_pdf_view, name="support_notice_pdf"),
    path("support/<id:measure_id>/start-notice/", views.support_start_notice_pdf_view, name="support_start_notice_pdf"),
    path("approvals/<id:event_id>/approve/", views.approve_view, name="approve"),
    path("approvals/<id:event_id>/reject/", views.reject_view, name="reject"),
    path("support/", views.support_view, name="support"),
    path("support/<id:measure_id>/", views.support_detail_view, name="support_detail"),
    path("support/<id:measure_id>/update/", views.support_update_view, name="support_update"),
    path("euc/", views.euc_view, name="euc"),
    path("euc/run/", views.euc_run_view, name="euc_run"),
    path("euc/batch/", views.euc_batch_view, name="euc_batch"),
    path("euc/batches/", views.euc_batches_view, name="euc_batches"),
    path("euc/batches/<id:batch_id>/file/", views.euc_batch_file_view, name="euc_batch_file"),
    path("euc/logs/", views.euc_logs_view, name="euc_logs"),
    path("euc/logs/run/", views.euc_logs_run_view, name="euc_logs_run"),
    path("statistics/", views.statistics_view, name="statistics"),
    path("statistics.csv", views.statistics_export_view, {"fmt": "csv"}, name="statistics_csv"),
    path("statistics.xlsx", views.statistics_export_view, {"fmt": "xlsx"}, name="statistics_xlsx"),
    path("holds/", views.holds_view, name="holds"),
    path("move-outs/not-arrived/", views.not_arrived_view, name="not_arrived"),
    path("removed/", views.removed_search_view, name="removed_search"),
    path("batch/", views.batch_view, name="batch"),
    path("batch/jobs/<str:job>/", views.batch_job_view, name="batch_job"),
    path("batch/jobs/<str:job>/schedule/", views.batch_schedule_view, name="batch_schedule"),
    path("batch/schedules/<id:schedule_id>/stop/", views.batch_schedule_stop_view, name="batch_schedule_stop"),
    path("batch/runs/", views.batch_runs_view, name="batch_runs"),
    path("batch/runs/<id:run_id>/", views.batch_run_view, name="batch_run"),
    path("batch/runs/<id:run_id>/files/<id:file_id>/", views.batch_run_file_view, name="batch_run_file"),
    path("move-outs/not-arrived.csv", views.not_arrived_csv_view, name="not_arrived_csv"),
    path("move-outs/not-arrived/inquiries/pdf/", views.inquiries_pdf_view, name="inquiries_pdf"),
    path("move-outs/not-arrived/<id:person_id>/inquiry/pdf/", views.inquiry_pdf_view, name="inquiry_pdf"),
    path("holds/<id:hold_id>/release/", views.hold_release_view, name="hold_release"),
    path("holds/<id:hold_id>/release-temporarily/", views.hold_temporary_view, name="hold_temporary"),
    path("support/<id:measure_id>/extend/", views.support_extend_view, name="support_extend"),
    path("support/<id:measure_id>/end/", views.support_end_view, name="support_end"),
]
