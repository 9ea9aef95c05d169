"""住民記録の画面: thin views over ``jichitai.registry`` (events to write, selectors to read), one
module per screen. Every view declares its capability (``requires_capability``); ids of another
municipality are simply not found by the tenant-scoped domain and answer 404, exactly like ids
that do not exist.
"""

from __future__ import annotations

from .addresses import address_pick_view, addresses_view
from .approvals import approvals_view, approve_bulk_view, approve_view, reject_view
from .batch import (
    batch_job_view,
    batch_run_file_view,
    batch_run_view,
    batch_runs_view,
    batch_schedule_stop_view,
    batch_schedule_view,
    batch_view,
)
from .csv_intake import csv_intake_view
from .entry import event_form_view, event_menu_view, person_row_view
from .entry_aids import katagaki_pick_view
from .euc import euc_logs_run_view, euc_logs_view, euc_run_view, euc_view
from .euc_batch import euc_batch_file_view, euc_batch_view, euc_batches_view
from .holds import hold_release_view, hold_temporary_view, holds_view
from .households import household_view
from .koseki import koseki_intake_view
from .moji import moji_view, person_moji_view
from .moji_pick import moji_pick_view
from .move_outs import not_arrived_csv_view, not_arrived_view
from .persons import person_my_number_view, person_view
from .records import person_records_post, person_records_view, workstation_view
from .removed import removed_search_view
from .search import search_view
from .statistics import statistics_export_view, statistics_view
from .support import (
    support_detail_view,
    support_end_view,
    support_extend_view,
    support_update_view,
    support_view,
)

__all__ = [
    "approvals_view", "approve_bulk_view", "euc_batch_file_view", "euc_batch_view", "euc_batches_view", "euc_logs_run_view",
    "euc_logs_view", "euc_run_view", "euc_view", "approve_view", "event_form_view", "event_menu_view",
    "household_view", "moji_pick_view", "moji_view", "person_moji_view", "person_my_number_view", "person_row_view", "person_view", "reject_view",
    "search_view", "support_end_view", "support_extend_view", "support_view",
    "address_pick_view", "addresses_view", "person_records_post", "person_records_view", "workstation_view",
    "hold_release_view", "hold_temporary_view", "holds_view", "support_detail_view", "support_update_view",
    "not_arrived_csv_view", "not_arrived_view", "katagaki_pick_view", "koseki_intake_view", "csv_intake_view",
    "statistics_export_view", "statistics_view",
    "batch_job_view", "batch_run_file_view", "batch_run_view", "batch_runs_view", "batch_schedule_stop_view",
    "batch_schedule_view", "batch_view", "removed_search_view",
]

from .bulk import bulk_entry_view  # noqa: E402 - [550] 一括入力
from .counter import (  # noqa: E402 - [530], [540], [580] (窓口の仮登録)
    approve_all_view,
    entry_sheet_view,
    provisional_list_view,
    receipt_notice_view,
    withdraw_view,
)

__all__ += ["bulk_entry_view", "approve_all_view", "entry_sheet_view", "provisional_list_view", "receipt_notice_view", "withdraw_view"]

from .notices import (  # noqa: E402 - 通知書の印刷 (issue 12)
    entry_sheet_pdf_view,
    inquiries_pdf_view,
    inquiry_pdf_view,
    receipt_notice_pdf_view,
    resident_code_notices_pdf_view,
    support_ending_pdf_view,
    support_ending_view,
    support_notice_pdf_view,
    support_start_notice_pdf_view,
)

__all__ += ["entry_sheet_pdf_view", "inquiries_pdf_view", "inquiry_pdf_view", "resident_code_notices_pdf_view", "receipt_notice_pdf_view", "support_ending_pdf_view", "support_ending_view",
            "support_notice_pdf_view", "support_start_notice_pdf_view"]
