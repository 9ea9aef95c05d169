"""監査ログ検索フォーム: validates the query string of /audit/ (input only; no logic)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django import forms
from django.utils import timezone

from .models import Category


class SearchForm(forms.Form):
    subject_id = forms.CharField(label="対象者（宛名番号・個人ID）", max_length=64, required=False)
    subject_type = forms.CharField(
        label="対象種別", max_length=64, required=False, help_text="例: person（空欄はすべて）"
    )
    username = forms.CharField(label="職員（ユーザー名）", max_length=150, required=False)
    since = forms.DateField(label="開始日", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(
        label="終了日（この日を含む）", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    category = forms.ChoiceField(
        label="区分", required=False, choices=[("", "すべて"), *Category.choices]
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            raise forms.ValidationError("開始日は終了日以前の日付を指定してください。")
        return data

    def range(self) -> tuple[datetime | None, datetime | None]:
        """[since 00:00, until+1 00:00) in the installation's time zone (JST)."""
        tz = timezone.get_current_timezone()
        since, until = self.cleaned_data.get("since"), self.cleaned_data.get("until")
        start = datetime.combine(since, time.min, tzinfo=tz) if since else None
        end = None
        if until:
            end = datetime.combine(until, time.min, tzinfo=tz) + timedelta(days=1)
        return start, end
