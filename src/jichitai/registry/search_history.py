"""[320] 検索履歴: the last N search conditions of each staff member, saved automatically.

One row per search, per staff member and municipality (a TenantModel: another municipality's
history is never read, on PostgreSQL RLS says so a second time). Only the conditions are kept,
never a result. 個人番号 is never stored, not even masked: a condition that needs it cannot be
re-run from the history (the entry says 「個人番号（保存しません）」 instead).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from jichitai.tenancy.models import TenantModel

DEFAULT_SIZE = 20
NEVER_KEPT = frozenset({"my_number"})


def size() -> int:
    """How many searches are kept per staff member (setting JICHITAI_SEARCH_HISTORY_SIZE, 1–100)."""
    return max(1, min(int(getattr(settings, "JICHITAI_SEARCH_HISTORY_SIZE", DEFAULT_SIZE)), 100))


class SearchHistory(TenantModel):
    """One search's conditions as the search form's parameters (個人番号 left out)."""

    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    searched_at = models.DateTimeField("検索日時", default=timezone.now)
    params = models.JSONField("検索条件", default=dict)
    summary = models.CharField("検索条件（表示用）", max_length=500)

    class Meta(TenantModel.Meta):
        verbose_name = "検索履歴"
        indexes = [models.Index(fields=["municipality", "staff", "-searched_at"], name="search_history_staff")]


def record(staff: Any, params: Mapping[str, Any], summary: str) -> SearchHistory | None:
    """Keep this search's conditions and drop the staff member's oldest beyond ``size()``."""
    kept = {k: v for k, v in params.items() if k not in NEVER_KEPT and v not in ("", None, [], ())}
    if "my_number" in params and params["my_number"]:
        summary = f"{summary}　個人番号（保存しません）".strip()
    if not kept and "my_number" not in params:
        return None
    entry = SearchHistory.objects.create(staff_id=staff.pk, params=kept, summary=summary[:500])
    old = list(SearchHistory.objects.filter(staff_id=staff.pk).order_by("-searched_at", "-pk")
               .values_list("pk", flat=True)[size():])
    if old:
        SearchHistory.objects.filter(pk__in=old).delete()
    return entry


def recent(staff: Any) -> list[SearchHistory]:
    """The staff member's kept searches, newest first (this municipality's only)."""
    return list(SearchHistory.objects.filter(staff_id=staff.pk).order_by("-searched_at", "-pk")[: size()])


def entry(staff: Any, entry_id: int) -> SearchHistory | None:
    return SearchHistory.objects.filter(staff_id=staff.pk, pk=entry_id).first()
