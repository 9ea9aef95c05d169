"""/certificates/: 証明書交付 (counter), 見本 (preview), 交付履歴照会 and 処分, 文字超過リスト."""

from django.urls import path

from ..registry import urls as _registry_urls  # noqa: F401  (registers the bounded "id" converter)
from . import overflow, views

app_name = "certificates"
urlpatterns = [
    path("", views.counter_view, name="counter"),
    path("issue/", views.issue_view, name="issue"),
    path("preview/", views.preview_view, name="preview"),
    path("person/<id:person_id>/history/", views.history_view, name="history"),
    path("issuance/<id:history_id>/dispose/", views.dispose_view, name="dispose"),
    path("overflow/", overflow.overflow_view, name="overflow"),
    path("overflow/<id:entry_id>/check/", overflow.overflow_check_view, name="overflow_check"),
]
