"""/certificates/: 証明書交付 (counter), 見本 (preview), 交付履歴照会 and 処分, 交付日計表, 手数料,
認証者・公印の設定, 文字超過リスト."""

from django.urls import path

from ..registry import urls as _registry_urls  # noqa: F401  (registers the bounded "id" converter)
from . import authority, fees, intake, overflow, search, views

app_name = "certificates"
urlpatterns = [
    path("", views.counter_view, name="counter"),
    path("issue/", views.issue_view, name="issue"),
    path("preview/", views.preview_view, name="preview"),
    path("person/<id:person_id>/history/", views.history_view, name="history"),
    path("issuance/<id:history_id>/dispose/", views.dispose_view, name="dispose"),
    path("history/", search.history_search_view, name="history_search"),
    path("ledger/", fees.ledger_view, name="ledger"),
    path("ledger/csv/", fees.ledger_csv_view, name="ledger_csv"),
    path("fees/", fees.fees_view, name="fees"),
    # 認証者・公印の設定 (団体管理者)
    path("authority/", authority.authority_view, name="authority"),
    path("authority/add/", authority.authority_add_view, name="authority_add"),
    path("authority/end/", authority.authority_end_view, name="authority_end"),
    path("authority/seal/", authority.seal_upload_view, name="seal_upload"),
    path("authority/choice/", authority.issuer_choice_view, name="issuer_choice"),
    path("overflow/", overflow.overflow_view, name="overflow"),
    path("intake/", intake.certificate_intake_view, name="intake"),
    path("overflow/<id:entry_id>/check/", overflow.overflow_check_view, name="overflow_check"),
]
