"""Who may receive a 転出証明書 / 転出証明書に準ずる証明書 ([660]): the kind's own rules, after the
common ones (支援措置, not found, another municipality) of :mod:`issuance.eligibility`.

- 転出証明書 (``tenshutsu``): a person whose 転出届 was entered (転出予定者, or 転出者 by the 転出予定日),
  not yet taken in by the other municipality's 転入通知, and not a 国外転出.
- 転出証明書に準ずる証明書 (``tenshutsu_junzuru``): a person whose 転出 was reported after 14 days and
  so was 職権消除 with a 転出先 ([640]#2, [660]#2).
- One certificate is about one 転出 (the persons of one 届出); a second issue of it is a 再交付
  ([660]#3), asked for as such (``params["reissue"] = "1"``).
- Requesters: 本人, 同一世帯 (the household they left) or 代理人 with a 委任状; never 第三者 or 公用.
"""

from __future__ import annotations

from typing import Any

from jichitai.registry.models import PersonStatus
from jichitai.registry.selectors.certificates import SubjectState, subject_states
from jichitai.registry.selectors.move_out_certificates import (
    LATE,
    PLANNED,
    MoveOutState,
    move_out_states,
)

from ..issuance.eligibility import IssuanceRefused, Refusal
from ..issuance.request import AGENT, HOUSEHOLD, SELF, CertificateRequest
from . import messages as msg
from .models import kept

TENSHUTSU, JUNZURU = "tenshutsu", "tenshutsu_junzuru"
YES = ("1", "on", "true")


def _refuse(code: str, message: str) -> IssuanceRefused:
    return IssuanceRefused(Refusal(code, message))


def reissue_asked(req: CertificateRequest) -> bool:
    return str(req.params.get("reissue", "")).lower() in YES


def _tenshutsu(s: MoveOutState) -> None:
    if s.event_kind == LATE and s.status == PersonStatus.DELETED:
        raise _refuse("use_junzuru", msg.USE_JUNZURU)
    if s.status == PersonStatus.MOVED_OUT and s.planned_on is None:
        raise _refuse("abroad", msg.ABROAD)
    if (
        s.event_kind != PLANNED
        or s.planned_on is None
        or s.status not in (PersonStatus.RESIDENT, PersonStatus.MOVED_OUT)
    ):
        raise _refuse("not_moving_out", msg.NOT_MOVING_OUT)
    if s.confirmed_on is not None:
        raise _refuse("moved_in", msg.MOVED_IN)


def _junzuru(s: MoveOutState) -> None:
    if s.event_kind == PLANNED and s.planned_on is not None and s.status != PersonStatus.DELETED:
        raise _refuse("use_tenshutsu", msg.USE_TENSHUTSU)
    if s.event_kind != LATE or s.status != PersonStatus.DELETED or not s.destination:
        raise _refuse("not_late", msg.NOT_LATE)
    if s.confirmed_on is not None:
        raise _refuse("moved_in", msg.MOVED_IN)


def _requester(req: CertificateRequest, states: dict[int, SubjectState]) -> None:
    r, ids = req.requester, set(states)
    if r.kind not in (SELF, HOUSEHOLD, AGENT):
        raise _refuse("requester", msg.REQUESTER)
    if r.kind == SELF and (r.person_id is None or ids != {r.person_id}):
        raise _refuse("self_only", msg.REQUESTER)
    if r.kind == AGENT and (
        not r.power_of_attorney or r.principal_id is None or not r.name.strip()
    ):
        raise _refuse("power_of_attorney", msg.REQUESTER)
    # the household they leave: a 転出者's row keeps it, so no "current" test as for 住民票の写し
    asker = r.person_id if r.kind == HOUSEHOLD else r.principal_id if r.kind == AGENT else None
    if asker is not None or r.kind == HOUSEHOLD:
        mine = subject_states([asker]).get(asker) if asker else None
        if mine is None or any(s.household_id != mine.household_id for s in states.values()):
            raise _refuse("not_same_household", msg.NOT_SAME_HOUSEHOLD)


def _reissue(req: CertificateRequest, event_id: int, ids: set[int]) -> None:
    first = set(kept(event_id, ids).values_list("person_id", flat=True))
    if reissue_asked(req):
        if not first:
            raise _refuse("no_first_issue", msg.NO_FIRST_ISSUE)
        if first != ids:
            raise _refuse("reissue_mixed", msg.REISSUE_MIXED)
    elif first:
        raise _refuse("already_issued", msg.ALREADY_ISSUED)


def check(
    kind_code: str, req: CertificateRequest, states: dict[int, SubjectState], *, staff: Any
) -> None:
    """The kind's rules; raises :class:`IssuanceRefused` with the Japanese message."""
    _requester(req, states)
    moves = move_out_states(states)
    for pid in states:
        (_tenshutsu if kind_code == TENSHUTSU else _junzuru)(moves[pid])
    events = {moves[pid].event_id for pid in states}
    if len(events) != 1:
        raise _refuse("one_move_out", msg.ONE_MOVE_OUT)
    (event_id,) = events
    assert event_id is not None  # each person passed with his 転出's event
    _reissue(req, event_id, set(states))
