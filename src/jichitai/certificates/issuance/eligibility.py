"""Who may receive what: every rule a certificate request meets before a number is taken.

Order matters for 支援措置: a protected person is checked first, and to staff without need-to-know
(or a requester the measure does not admit) the refusal reads exactly as for a person who does not
exist — no hold, status or household rule is ever answered about them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jichitai.registry import holds, support
from jichitai.registry.selectors import access
from jichitai.registry.selectors.certificates import SubjectState, current_members, subject_states

from .. import kinds
from . import duties
from . import messages as msg
from .request import (
    AGENT,
    HOUSEHOLD,
    OFFICIAL,
    REQUESTER_KINDS,
    SELF,
    THIRD_PARTY,
    CertificateRequest,
)

MAX_COPIES = 10
MAX_SUBJECTS = 50  # [1420]#8 (must not): no mass printing, as the API's subject_ids


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str


class IssuanceRefused(Exception):
    def __init__(self, *refusals: Refusal) -> None:
        super().__init__(" ".join(r.message for r in refusals))
        self.refusals = list(refusals)

    @property
    def messages(self) -> list[str]:
        return [r.message for r in self.refusals]

    @property
    def codes(self) -> list[str]:
        return [r.code for r in self.refusals]


@dataclass(frozen=True)
class Cleared:
    subject_ids: tuple[int, ...]  # the persons to print (世帯全員 expanded), in request order
    households: tuple[int, ...]
    warnings: tuple[str, ...] = ()


def _refuse(code: str, message: str) -> IssuanceRefused:
    return IssuanceRefused(Refusal(code, message))


def _form(req: CertificateRequest) -> None:
    errors: list[Refusal] = []
    if kinds.get(req.kind) is None:
        errors.append(Refusal("kind", msg.KIND))
    if req.requester.kind not in REQUESTER_KINDS:
        errors.append(Refusal("requester_kind", msg.REQUESTER_KIND))
    if not req.subject_ids:
        errors.append(Refusal("no_subject", msg.NO_SUBJECT))
    if len(req.subject_ids) > MAX_SUBJECTS:
        errors.append(Refusal("subjects", msg.SUBJECTS.format(n=MAX_SUBJECTS)))
    if not 1 <= req.options.copies <= MAX_COPIES:
        errors.append(Refusal("copies", msg.COPIES.format(n=MAX_COPIES)))
    if errors:
        raise IssuanceRefused(*errors)


def _support(req: CertificateRequest, ids: set[int], staff: Any) -> None:
    """支援措置: refused as "not found" unless staff may know and the measure admits the requester."""
    protected = access.protected_ids(ids)
    if not protected:
        return
    if not access.need_to_know(staff):
        for pid in sorted(protected):
            access.alert_access(
                pid,
                screen="証明書交付",
                function="certificates.eligibility",
                detail={"refused": True, "need_to_know": False},
            )
        raise _refuse("not_found", msg.NOT_FOUND)
    kind = {SELF: "self", HOUSEHOLD: "household", AGENT: "agent"}.get(
        req.requester.kind, "third_party"
    )
    for pid in sorted(protected):
        decision = support.may_receive(
            pid, requester_kind=kind, requester_person_id=req.requester.person_id
        )
        if not decision.allowed:
            raise _refuse("support_measure", decision.reason)


def _requester(req: CertificateRequest, states: dict[int, SubjectState]) -> None:
    """本人 / 同一世帯 / 代理人 (委任状) / 第三者 (事由) / 公用 (機関と根拠)."""
    r, ids = req.requester, set(states)
    if r.kind == SELF and (r.person_id is None or ids != {r.person_id}):
        raise _refuse("self_only", msg.SELF_ONLY)
    if r.kind == HOUSEHOLD:
        mine = subject_states([r.person_id]).get(r.person_id) if r.person_id else None
        if (
            mine is None
            or not mine.current
            or any(s.household_id != mine.household_id for s in states.values())
        ):
            raise _refuse("not_same_household", msg.NOT_SAME_HOUSEHOLD)
    if r.kind == AGENT:
        if not r.power_of_attorney or r.principal_id is None or not r.name.strip():
            raise _refuse("power_of_attorney", msg.POWER_OF_ATTORNEY)
        principal = subject_states([r.principal_id]).get(r.principal_id)
        if principal is None or any(
            s.household_id != principal.household_id for s in states.values()
        ):
            raise _refuse("principal", msg.PRINCIPAL)
    if r.kind == THIRD_PARTY and (not r.purpose.strip() or not r.name.strip()):
        raise _refuse("purpose", msg.PURPOSE)
    if r.kind == OFFICIAL and (not r.purpose.strip() or not r.name.strip()):
        raise _refuse("official", msg.OFFICIAL)


def _visible(req: CertificateRequest) -> None:
    """What each requester may see: 個人番号 and 住民票コード only for 本人 and the same household;
    a 第三者 gets neither 本籍・筆頭者 nor 世帯主・続柄."""
    o, kind = req.options, req.requester.kind
    if o.my_number and kind not in (SELF, HOUSEHOLD):
        raise _refuse("my_number", msg.MY_NUMBER)
    if o.resident_code and kind not in (SELF, HOUSEHOLD):
        raise _refuse("resident_code", msg.RESIDENT_CODE)
    if kind == THIRD_PARTY and (o.honseki or o.head_and_relationship):
        raise _refuse("third_party_items", msg.THIRD_PARTY_ITEMS)


def _status(kind: kinds.CertificateKind, states: dict[int, SubjectState]) -> None:
    """住民票の写し: current residents only; 除票の写し: removed persons only ([1000]#7: a 世帯連記式
    never mixes the two). Each kind says which it needs."""
    for s in states.values():
        if kind.subjects == kinds.CURRENT and not s.current:
            raise _refuse("not_resident", msg.NOT_RESIDENT)
        if kind.subjects == kinds.REMOVED and s.current:
            raise _refuse("not_removed", msg.NOT_REMOVED)


def _holds(req: CertificateRequest, ids: set[int]) -> tuple[str, ...]:
    """抑止 on 証明書発行 ([410]): error refuses; alert needs the clerk's confirmation."""
    warnings: list[str] = []
    for pid in sorted(ids):
        decision = holds.issuance_hold(pid)
        if decision.refused:
            raise IssuanceRefused(
                *(Refusal("hold_error", msg.HOLD_ERROR.format(m=m)) for m in decision.messages)
            )
        if decision.level and not req.hold_confirmed:
            raise IssuanceRefused(
                *(Refusal("hold_alert", msg.HOLD_ALERT.format(m=m)) for m in decision.messages)
            )
        warnings.extend(msg.HOLD_CONFIRMED.format(m=m) for m in decision.messages if decision.level)
    return tuple(warnings)


def check(req: CertificateRequest, *, staff: Any) -> Cleared:
    """Every rule, in order; raises :class:`IssuanceRefused` with Japanese messages."""
    _form(req)
    kind = kinds.get(req.kind)
    assert kind is not None  # _form refused an unknown kind
    asked = subject_states(req.subject_ids)
    if len(asked) != len(set(req.subject_ids)) or any(s.status == "void" for s in asked.values()):
        raise _refuse("not_found", msg.NOT_FOUND)
    ids = list(dict.fromkeys(int(p) for p in req.subject_ids))
    if req.options.whole_household and kind.expands_household:
        for hid in dict.fromkeys(s.household_id for s in asked.values() if s.household_id):
            ids.extend(p for p in current_members(hid) if p not in ids)
    _support(req, set(ids), staff)
    duties.check(req, kind, staff)
    # the same transaction: the subjects read above stand unless the household added members
    states = asked if set(ids) == set(asked) else subject_states(ids)
    _status(kind, states)
    if kind.requester_rules:
        _requester(req, states)
    if kind.register_options:
        _visible(req)
    if kind.check is not None:
        kind.check(req, states, staff=staff)
    warnings = _holds(req, set(ids))
    households = tuple(dict.fromkeys(s.household_id for s in states.values() if s.household_id))
    return Cleared(tuple(ids), households, warnings)
