"""The 異動 form's input aids: 本籍 candidates ([510]), 方書 candidates for the 住所・番地 entered
([520]; never the other way round), and the household a person joins shown while entering ([470]#1).
Thin: the candidates come from ``registry.entry_aids``, persons through the read layer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from jichitai.accounts.decorators import requires_capability
from jichitai.registry import entry_aids, rules, selectors
from jichitai.registry.errors import RegistryError, RuleViolation

from ..forms import KindForm
from .common import ENTER, parse_id

# the items that name the household a person joins (転入 to an existing household, 世帯合併)
DESTINATION_ITEMS = ("existing_household_id", "to_household_id")
# the 職権修正 form's checkbox: the same 本籍・筆頭者 of the household corrected at once ([510]#3)
SAME_HONSEKI = "same_honseki_members"


def submit_same_honseki(
    request: HttpRequest, typed: Any, built: Any, key: str
) -> tuple[HttpResponse | None, list[RuleViolation]]:
    """[510]#3: one 職権修正 of the 本籍・筆頭者 for the person and each member who had the same."""
    try:
        outcomes = entry_aids.correct_household_honseki(
            typed.person_id,
            changes=typed.normalized(),
            effective_date=built.effective_date,
            reported_date=built.reported_date,
            entered_by=request.user,
            idempotency_key=key,
        )
    except RegistryError as exc:
        return None, exc.violations
    done = [o.event.pk for o in outcomes if not isinstance(o, RegistryError)]
    refused = [v for o in outcomes if isinstance(o, RegistryError) for v in o.violations]
    if not done:
        return None, refused
    messages.success(
        request,
        f"職権修正（本籍・筆頭者）を{len(done)}人分仮登録しました（受付番号 "
        f"{'、'.join(map(str, done))}）。決裁者が決裁すると住民記録に反映されます。",
    )
    for v in refused:
        messages.warning(request, f"一括修正できなかった世帯員があります: {v.message}")
    return HttpResponseRedirect(reverse("registry:event_menu")), []


@require_GET
@requires_capability(ENTER)
def katagaki_pick_view(request: HttpRequest) -> HttpResponse:
    """htmx: the 方書 options of the 町字 and 番地 entered (a 方書 alone finds nothing: [520]#2)."""
    found = entry_aids.katagaki_candidates(
        parse_id(request.GET.get("address_id")), request.GET.get("banchi", "")[:100]
    )
    return render(request, "registry/_katagaki_options.html", {"katagaki_choices": found})


def _destination(values: Mapping[str, Any], staff: Any) -> selectors.HouseholdDetail | None:
    for name in DESTINATION_ITEMS:
        hid = parse_id(str(values.get(name) or ""))
        if hid is None:
            continue
        try:
            detail = selectors.household_detail(hid, staff=staff, screen="異動入力（異動先世帯）")
        except RegistryError:
            return None
        return detail if detail.active else None
    return None


def _returning(values: Mapping[str, Any]) -> int | None:
    for name, value in values.items():
        if name.endswith("returning_person_id") and parse_id(str(value or "")):
            return parse_id(str(value))
    return None


def form_aids(
    form: KindForm, values: Mapping[str, Any], household: Any, staff: Any
) -> dict[str, Any]:
    """What the form's aids need: 本籍 and 方書 candidates, and the destination household."""
    destination = _destination(values, staff)
    base = household or destination
    address_id = parse_id(str(values.get("address_id") or ""))
    banchi = str(values.get("banchi") or "")
    honseki: list[entry_aids.Candidate] = []
    if form.persons or "honseki" in {f.name for f in form.fields}:
        honseki = entry_aids.honseki_candidates(
            staff=staff,
            household_id=base.id if base is not None else None,
            address_id=address_id,
            banchi=banchi,
            previous_address=str(values.get("previous_address") or ""),
            returning_person_id=_returning(values),
        )
    return {
        "honseki_choices": honseki,
        "katagaki_choices": entry_aids.katagaki_candidates(address_id, banchi)
        if address_id
        else [],
        "destination": destination,
        "processing_date": rules.today(),
        "same_honseki": bool(
            values.get(SAME_HONSEKI)
        ),  # [480]#4: 処理日 is today, entered by the system
    }
