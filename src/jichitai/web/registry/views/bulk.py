"""一括入力（転入） ([550]): several households that move in on the same day entered on one sheet.

One line per person, grouped by the 世帯 number the clerk gives; the first line of a 世帯 holds its
address and 転入前住所. 「〃」 in a cell takes the same item of the line above (the previous input),
「＝氏名」「＝筆頭者」「＝本籍」「＝転入前住所」 another item of it; a blank 氏 is the 世帯主's. The sheet
calls ``events.bulk_entry.submit_bulk``: every 世帯 is stored as its own 仮登録, or none is.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from jichitai.accounts.decorators import requires_capability
from jichitai.registry import selectors
from jichitai.registry.errors import AlertsRaised, RegistryError
from jichitai.registry.events.bulk_entry import DITTO, submit_bulk
from jichitai.wareki import DateInputError, parse_date

from ..amend import default_reported
from ..forms import SEX_CHOICES
from .common import ENTER, parse_id, render_page

ROWS = 12
PERSON_COLS = (("household", "世帯"), ("relationship", "続柄"), ("family_name", "氏"), ("given_name", "名"),
               ("family_name_kana", "氏（フリガナ）"), ("given_name_kana", "名（フリガナ）"), ("birth_date", "生年月日"),
               ("sex", "性別"), ("honseki", "本籍"), ("hittousha", "筆頭者"), ("resident_code", "住民票コード"))
HOUSEHOLD_COLS = (("same_address", "直前の世帯と同じ住所"), ("address_id", "町字"), ("banchi", "番地"),
                  ("katagaki", "方書"), ("previous_address", "転入前住所"))
# 「＝項目」: another item of the previous input ([550]#5, #6)
ACROSS = {"＝氏名": "name", "＝筆頭者": "hittousha", "＝本籍": "honseki", "＝転入前住所": "previous_address"}
KINDS = {"move_in": "転入", "move_in_abroad": "国外転入"}


def _cell(value: str) -> Any:
    value = value.strip()
    if value in ("〃", "″", "”"):
        return DITTO
    return {"same_as": ACROSS[value]} if value in ACROSS else value


def _entries(post: Any, errors: list[str]) -> list[dict[str, Any]]:
    """The sheet's lines as entries (one per 世帯, in the order first met)."""
    groups: dict[str, dict[str, Any]] = {}
    for i in range(1, ROWS + 1):
        row = {name: (post.get(f"r-{i}-{name}") or "").strip() for name, _ in (*PERSON_COLS, *HOUSEHOLD_COLS)}
        if not any(row[n] for n, _ in PERSON_COLS if n not in ("household", "sex")):
            continue
        key = row["household"] or "1"
        spec: dict[str, Any] = {"ref": f"p{i}", "resident_type": "japanese"}
        for name, _label in PERSON_COLS[1:]:
            if row[name]:
                spec[name] = _cell(row[name])
        if isinstance(spec.get("birth_date"), str):
            try:
                day = parse_date(spec["birth_date"])
                spec["birth_date"] = day.isoformat() if day else None
            except DateInputError:
                errors.append(f"{i}行目: 生年月日の形式が正しくありません。")
        if key not in groups:
            groups[key] = {"persons": [], **_household(row, i, errors)}
        groups[key]["persons"].append(spec)
        if spec.get("relationship") == "世帯主":
            groups[key]["head_ref"] = spec["ref"]
    return list(groups.values())


def _household(row: dict[str, str], line: int, errors: list[str]) -> dict[str, Any]:
    """The address and 転入前住所 of a 世帯, from its first line."""
    out: dict[str, Any] = {}
    if row["previous_address"]:
        out["previous_address"] = _cell(row["previous_address"])
    if row["same_address"]:
        out["household"] = DITTO
        return out
    address: Any = _cell(row["address_id"]) if row["address_id"] == "〃" else parse_id(row["address_id"])
    if address is None:
        errors.append(f"{line}行目: 町字を選んでください（直前の世帯と同じ住所なら、その欄に印を付けます）。")
    out["household"] = {"new": {"address_id": address, "banchi": _cell(row["banchi"]),
                                "katagaki": _cell(row["katagaki"])}}
    return out


@require_http_methods(["GET", "POST"])
@requires_capability(ENTER)
def bulk_entry_view(request: HttpRequest) -> HttpResponse:
    post = request.POST
    kind = post.get("kind", "move_in") if request.method == "POST" else request.GET.get("kind", "move_in")
    kind = kind if kind in KINDS else "move_in"
    errors: list[str] = []
    warnings: list[str] = []
    if request.method == "POST":
        done = _submit(request, kind, errors, warnings)
        if done is not None:
            return done
    values = post if request.method == "POST" else {"reported_date": default_reported(kind)}
    return render_page(request, "registry/bulk_entry.html", {
        "kinds": KINDS, "kind": kind, "values": values, "errors": errors, "warnings": warnings,
        "rows": [{"n": i, "cells": [(n, label, values.get(f"r-{i}-{n}", "")) for n, label in PERSON_COLS],
                  "household": [(n, label, values.get(f"r-{i}-{n}", "")) for n, label in HOUSEHOLD_COLS]}
                 for i in range(1, ROWS + 1)],
        "addresses": selectors.address_choices(), "sex_choices": SEX_CHOICES, "across": list(ACROSS),
    }, status=400 if errors else 200)


def _submit(request: HttpRequest, kind: str, errors: list[str], warnings: list[str]) -> HttpResponse | None:
    post = request.POST
    dates = {}
    for name, label in (("effective_date", "異動日"), ("reported_date", "届出日")):
        try:
            dates[name] = parse_date(post.get(name, ""))
        except DateInputError:
            errors.append(f"{label}の形式が正しくありません。")
    if dates.get("effective_date") is None and not errors:
        errors.append("異動日を入力してください。")
    entries = _entries(post, errors)
    if errors:
        return None
    try:
        subs = submit_bulk(kind, {}, entries, effective_date=dates["effective_date"],
                           reported_date=dates.get("reported_date"), entered_by=request.user,
                           confirm_alerts=bool(post.get("confirm_alerts")))
    except AlertsRaised as exc:
        warnings.extend(exc.messages)
        return None
    except RegistryError as exc:
        errors.extend(exc.messages)
        return None
    numbers = "、".join(str(s.event.pk) for s in subs)
    messages.success(request, f"{len(subs)}世帯の{KINDS[kind]}を一括で仮登録しました（受付番号 {numbers}）。"
                              "決裁者が決裁すると住民記録に反映されます。")
    return HttpResponseRedirect(reverse("registry:provisional_list"))
