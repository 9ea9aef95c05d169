"""The register's records through the API: a person's history in the standard's full-row shape
([200] 1.2.1), read through the register's read layer (支援措置, read log, 個人番号 as elsewhere)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Schema

from jichitai.registry.selectors.snapshots import snapshots

from .errors import ApiError
from .permissions import require_capability
from .routing import COMMON_ERRORS, endpoint, missing_is_404, path_id
from .schemas import ErrorOut

SCREEN_SNAPSHOTS = "API 異動履歴"


class SnapshotOut(Schema):
    atena_no: str = Field(description="宛名番号 (key with 履歴番号)")
    history_no: int = Field(description="履歴番号: 1 からの連番")
    reason: str = Field(description="異動事由 (標準仕様書 1.2.2 の事由)")
    division: str = Field(description="記載 / 消除 / 修正")
    effective_date: dt.date = Field(description="異動日")
    processed_at: str = Field(description="処理日時 (Asia/Tokyo)")
    reported_date: dt.date | None = Field(None, description="届出日")
    offered_on: dt.date | None = Field(None, description="申出日")
    notified_on: dt.date | None = Field(None, description="通知日")
    requested_on: dt.date | None = Field(None, description="請求日")
    input_place: str = Field("", description="入力場所")
    input_terminal: str = Field("", description="入力端末")
    remarks: list[str] = Field(default_factory=list, description="留意事項")
    event_id: int | None = None
    reissued: bool = Field(False, description="改製前（改製原住民票）の行")
    row: dict[str, Any] = Field(description="住民票の全項目（世帯番号・住所・方書・世帯主を含む）")


class SnapshotsOut(Schema):
    person_id: int
    snapshots: list[SnapshotOut]


@endpoint("get", "/persons/{person_id}/snapshots", "get_person_snapshots",
          response={200: SnapshotsOut, 404: ErrorOut, **COMMON_ERRORS},
          summary="異動履歴（宛名番号・履歴番号ごとの全項目）", tags=["persons"])
def get_person_snapshots(request: HttpRequest, person_id: int = path_id(), show_my_number: bool = False) -> Any:
    """One row per 異動 touching the person, every item of the 住民票 in each row; the row with
    the highest 履歴番号 is the current record. 支援措置: refused (403) to staff without need-to-know;
    a hidden household address reads 「（非表示）」."""
    if show_my_number:
        require_capability(request, "show_my_number")
    with missing_is_404("person_id"):
        result = snapshots(person_id, staff=request.user, screen=SCREEN_SNAPSHOTS, show_my_number=show_my_number)
    if result.masked:
        raise ApiError(403, "support_measure", result.refusal, "person_id")
    return SnapshotsOut(person_id=person_id, snapshots=[
        SnapshotOut(**{f: getattr(s, f) for f in SnapshotOut.model_fields if f != "remarks"}, remarks=list(s.remarks))
        for s in result.rows
    ])
