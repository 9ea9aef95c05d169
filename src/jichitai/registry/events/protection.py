"""支援措置 on the write path: an event about a protected person is entered, approved and rejected
only by staff with need-to-know, and every such step is alerted.

What an event is about is its footprint (the rows it read or changes, stored at entry as
``touches``; for 取消・訂正 every row of the target event and every row it names), plus the
persons and households its request names, plus the current members of those households.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import RegistryError, violation
from ..models import RegistryEvent
from ..selectors.access import alert_access, need_to_know, protected_in
from .plan import Plan

_ENTRY = "支援措置対象者を含む異動は、支援措置担当の権限を持つ職員が入力してください。"
_DECISION = {
    "approve": "支援措置対象者を含む異動は、支援措置担当の権限を持つ決裁者が決裁してください。",
    "reject": "支援措置対象者を含む異動は、支援措置担当の権限を持つ決裁者が却下してください。",
}


def _split(touches: Mapping[str, Sequence[int]]) -> tuple[set[int], set[int]]:
    return set(touches.get("person") or ()), set(touches.get("household") or ())


def refuse_entry(plans: Mapping[Any, Plan], staff: Any) -> dict[Any, RegistryError]:
    """Entry of events about protected persons: alerted; refused without need-to-know."""
    per_plan = {k: _split(plan.touches()) for k, plan in plans.items()}
    protected = protected_in({p for ps, _ in per_plan.values() for p in ps},
                             {h for _, hs in per_plan.values() for h in hs})
    if not protected:
        return {}
    allowed = need_to_know(staff)
    refused: dict[Any, RegistryError] = {}
    for k, (pids, hids) in per_plan.items():
        mine = sorted(p for p, h in protected.items() if p in pids or h in hids)
        for pid in mine:
            alert_access(pid, screen="異動入力", function="submit", detail={"allowed": allowed})
        if mine and not allowed:
            refused[k] = violation("support_measure_entry", _ENTRY, "")
    return refused


def refuse_decision(events: list[RegistryEvent], approver: Any, refused: dict[int, RegistryError], *,
                    decision: str) -> list[RegistryEvent]:
    """An approver must see what they approve or reject: 支援措置 cases need the need-to-know
    role. Returns the events that may go on; adds the refusals to ``refused``."""
    from ..selectors.queue import protected_per_event  # the read layer imports the requests

    protected = protected_per_event(events)
    if not any(protected.values()):
        return events
    allowed = need_to_know(approver)
    keep = []
    for event in events:
        mine = protected[event.pk]
        for pid in mine:
            alert_access(pid, screen="決裁", function=decision, detail={"event": event.pk, "allowed": allowed})
        if mine and not allowed:
            refused[event.pk] = violation("support_measure_approver", _DECISION[decision], "approver")
        else:
            keep.append(event)
    return keep


def screen_holds(touches: Mapping[Any, Mapping[str, Any]], refused: dict[Any, RegistryError],
                 warnings: dict[Any, list[Any]]) -> None:
    """抑止 on 異動入力 ([410]): error holds refuse, alert holds warn (registry.holds)."""
    from .. import holds

    holds.screen_entry(touches, refused, warnings)


def refuse_held(events: list[RegistryEvent], refused: dict[int, RegistryError]) -> list[RegistryEvent]:
    from .. import holds

    return holds.refuse_approval(events, refused)


def after_approval(approved: list[RegistryEvent]) -> None:
    """[440]#8: a protected person approved as moved out keeps the protection (registry.support)."""
    from .. import support

    support.carry_over(approved)
