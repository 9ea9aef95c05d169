"""``plan_event``: a typed request of a kind → its plan, through the kind's registered planner."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..errors import RegistryError
from ..inputs import dates
from .checks import Checks
from .kinds import spec
from .plan import Plan, Planner, Snapshot
from .requests import parse_request


def plan_event(
    kind: str, request: Any, effective: dt.date, *, checks: Checks, snapshot: Snapshot | None = None,
    reported: dt.date | None = None,
) -> Plan:
    """What ``kind`` with ``request`` would change now; raises RegistryError when refused.

    The rules that read other rows are collected in ``checks`` and answered for a whole batch
    by ``checks.run_checks``.
    """
    kind_ = spec(kind)
    req = parse_request(kind, request)
    p = Planner(effective, snapshot, reported)
    kind_.plan(p, req, kind, checks)
    p.check_households(p.touched)
    _dates_and_alerts(p, kind, effective, checks)
    checks.identity(p.persons, p.plan)
    if not kind_.compensating:
        checks.backdating(p.plan, effective)
    p.plan.footprint = p.footprint()
    p.plan.about = p.about()
    if not kind_.compensating:
        # The back-dating rule puts this event's facts after every fact of the rows it changes,
        # so replaying their log would give the loaded row with the planned changes applied.
        changed = {(f.entity, f.ref) for f in p.plan.facts if not isinstance(f.ref, str)}
        p.plan.after = {
            (e, int(r)): dict((p.persons if e == "person" else p.households)[r]) for e, r in changed
        }
    return p.plan


def _dates_and_alerts(p: Planner, kind: str, effective: dt.date, checks: Checks) -> None:
    """[1440]: a new person arriving before birth is an error; implausible families are alerts,
    asked at 仮登録 only (``checks.want_duplicates``; approval re-plans without asking again)."""
    found = dates.birth_order_violations(p.persons, p.plan.new_persons, effective, kind)
    if found:
        raise RegistryError(*found)
    if checks.want_duplicates:
        p.plan.warnings += dates.planner_alerts(p, kind)
