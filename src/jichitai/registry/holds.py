"""抑止 ([410]–[430] 3.1–3.3): set, release and temporarily release holds, and the questions the
processes ask ("is this person held for 異動入力 / 証明書発行 / 照会?").

A hold is in force from its start date until a person releases it; its end date only informs
([410]#6). A 一時解除 lifts it until ``relock_at`` (now + the municipality's minutes, [410]#3/#4):
whether it is in force is computed at read time, so it locks again without any job. A temporary
release is never sent to other systems ([410]#2): set and release are written to the link feed
(``hold_feed``), a temporary release never.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from jichitai.accounts.capabilities import has_capability
from jichitai.audit.recording import record_alert

from . import hold_feed
from .errors import RegistryError, RuleViolation, violation
from .holds_models import Hold, HoldLevel, HoldProcess
from .models import Household, Person

SET, RELEASE, TEMPORARY = "registry.hold_set", "registry.hold_release", "registry.hold_temporary_release"
RELOCK_SETTING = "registry.hold_relock_minutes"  # 団体別設定 (tenancy.MunicipalSetting)
MAX_RELOCK_MINUTES = 24 * 60
REASON_MAX = 200


def relock_minutes() -> int:
    """[410]#4: minutes until a temporarily released hold locks again: the municipality's own
    setting, else JICHITAI_HOLD_RELOCK_MINUTES (default 30)."""
    from jichitai.tenancy.models import MunicipalSetting

    row = MunicipalSetting.objects.filter(key=RELOCK_SETTING).first()
    value = row.value if row is not None else getattr(settings, "JICHITAI_HOLD_RELOCK_MINUTES", 30)
    try:
        minutes = int(value)
    except (TypeError, ValueError):
        return 30
    return min(max(minutes, 1), MAX_RELOCK_MINUTES)


def in_force(on: dt.date | None = None, now: dt.datetime | None = None) -> Q:
    """Holds that count now: started, not released, not inside a temporary release."""
    on = on or timezone.localdate()
    now = now or timezone.now()
    return Q(released_at__isnull=True, start_date__lte=on) & (Q(relock_at__isnull=True) | Q(relock_at__lte=now))


def _require(staff: Any, capability: str, what: str) -> None:
    if not has_capability(staff, capability):
        raise violation("hold_capability", f"抑止を{what}する権限がありません。", "staff")


def _alert(hold: Hold, function: str, **detail: Any) -> None:
    subject = ("person", hold.person_id) if hold.person_id else ("household", hold.household_id)
    record_alert("hold.change", subject_type=subject[0], subject_id=subject[1], screen="抑止管理",
                 function=function, detail={"hold": hold.pk, **detail})


def set_hold(*, process: str, level: str, start: dt.date, reason: str, staff: Any, person_id: int | None = None,
             household_id: int | None = None, end: dt.date | None = None) -> Hold:
    """[410]#2/#8 抑止の設定: one process, one level, a person or a household; several may stand."""
    _require(staff, SET, "設定")
    errors: list[RuleViolation] = []
    if process not in HoldProcess.values:
        errors.append(RuleViolation("hold_process", "抑止する処理（異動入力・証明書発行・照会）を選んでください。", "process"))
    if level not in HoldLevel.values:
        errors.append(RuleViolation("hold_level", "抑止レベル（エラー・アラート）を選んでください。", "level"))
    if (person_id is None) == (household_id is None):
        errors.append(RuleViolation("hold_subject", "抑止の対象（住民IDか世帯IDのどちらか一方）を入力してください。", "person_id"))
    elif person_id is not None and not Person.objects.filter(pk=person_id).exists():
        errors.append(RuleViolation("not_found", "住民が見つかりません。", "person_id"))
    elif household_id is not None and not Household.objects.filter(pk=household_id).exists():
        errors.append(RuleViolation("not_found", "世帯が見つかりません。", "household_id"))
    if not reason.strip() or len(reason.strip()) > REASON_MAX:
        errors.append(RuleViolation("hold_reason", f"抑止理由を{REASON_MAX}文字以内で入力してください。", "reason"))
    if "不受理" in reason:
        # [450]#1 (must not): 住民異動 has no 不受理申出 (that is a 戸籍 institution); no hold is set for one
        errors.append(RuleViolation("no_fujuri", "住民異動の不受理申出による抑止は設定できません（住民異動には不受理申出の制度がありません）。", "reason"))
    if end is not None and end < start:
        errors.append(RuleViolation("end_before_start", "終了日は開始日以後の日付にしてください。", "end_date"))
    if errors:
        raise RegistryError(*errors)
    with transaction.atomic():
        hold = Hold.objects.create(process=process, level=level, person_id=person_id, household_id=household_id,
                                   start_date=start, end_date=end, reason=reason.strip(), created_by=staff)
        _alert(hold, "hold.set", process=process, level=level)
        hold_feed.record_hold(hold, "set")  # [420]#1, [410]#9: the change other systems read
    return hold


def _open(hold_id: int) -> Hold:
    hold = Hold.objects.select_for_update().filter(pk=hold_id).first()
    if hold is None:
        raise violation("not_found", "抑止が見つかりません。", "hold")
    if hold.released_at is not None:
        raise violation("released", "この抑止は既に解除されています。", "hold")
    return hold


def release_hold(hold_id: int, *, staff: Any, reason: str) -> Hold:
    """抑止の解除 (本解除): by a person with the release right, with a reason."""
    _require(staff, RELEASE, "解除")
    if not reason.strip() or len(reason.strip()) > REASON_MAX:
        raise violation("release_reason", f"解除理由を{REASON_MAX}文字以内で入力してください。", "release_reason")
    with transaction.atomic():
        hold = _open(hold_id)
        hold.released_at, hold.released_by, hold.release_reason = timezone.now(), staff, reason.strip()
        hold.save(update_fields=["released_at", "released_by", "release_reason"])
        _alert(hold, "hold.release", reason=hold.release_reason)
        hold_feed.record_hold(hold, "release")
    return hold


def release_temporarily(hold_id: int, *, staff: Any, minutes: int | None = None) -> Hold:
    """[410]#2/#3 一時解除: the hold stops counting until now + minutes, then counts again."""
    _require(staff, TEMPORARY, "一時解除")
    limit = relock_minutes()
    minutes = limit if minutes is None else minutes
    if not 1 <= minutes <= limit:
        raise violation("relock_minutes", f"一時解除の時間は1〜{limit}分で指定してください。", "minutes")
    with transaction.atomic():
        hold = _open(hold_id)
        hold.relock_at, hold.temporarily_released_by = timezone.now() + dt.timedelta(minutes=minutes), staff
        hold.save(update_fields=["relock_at", "temporarily_released_by"])
        _alert(hold, "hold.release_temporarily", relock_at=hold.relock_at.isoformat())
    return hold


def _subject_q(person_ids: Iterable[int], household_ids: Iterable[int]) -> Q:
    return Q(person_id__in=sorted(set(person_ids))) | Q(household_id__in=sorted(set(household_ids)))


def _households_of(person_ids: Iterable[int]) -> dict[int, int]:
    """person → current household (the ids only: no person data is loaded or shown)."""
    ids = sorted(set(person_ids))
    if not ids:
        return {}
    return dict(Person.objects.without_read_log("抑止の確認（表示なし）").filter(pk__in=ids)
                .values_list("pk", "household_id"))


def held(person_ids: Iterable[int], *, process: str | None = None, household_ids: Iterable[int] = ()) -> list[Hold]:
    """Holds in force on the persons (or their households) and on ``household_ids``."""
    pids = set(person_ids)
    hids = set(household_ids) | set(_households_of(pids).values())
    if not pids and not hids:
        return []
    qs = Hold.objects.filter(in_force(), _subject_q(pids, hids))
    if process is not None:
        qs = qs.filter(process=process)
    return list(qs.order_by("pk"))


def marks(person_ids: Iterable[int]) -> set[int]:
    """[410]#7: of ``person_ids``, those under a hold in force (theirs or their household's)."""
    pids = {p for p in person_ids if p}
    households = _households_of(pids)
    out = set()
    for h in held(pids):
        out |= {h.person_id} if h.person_id else {p for p, hid in households.items() if hid == h.household_id}
    return out & pids


def standing(*, person_id: int | None = None, household_id: int | None = None) -> list[Hold]:
    """Every unreleased hold of a person or household for its screen (in force or temporarily
    released), oldest first."""
    q = Q(person_id=person_id) if person_id is not None else Q(household_id=household_id)
    return list(Hold.objects.filter(q, released_at__isnull=True).order_by("start_date", "pk"))


def status_of(hold: Hold, now: dt.datetime | None = None) -> str:
    now = now or timezone.now()
    if hold.released_at is not None:
        return "解除"
    if hold.relock_at is not None and hold.relock_at > now:
        return "一時解除中"
    today = timezone.localdate()
    if hold.start_date > today:
        return "開始前"
    if hold.end_date is not None and hold.end_date < today:
        return "抑止中（終了日経過・解除の処理をしてください）"  # [410]#6: the date only informs
    return "抑止中"


@dataclass(frozen=True)
class HoldDecision:
    """What a process must do: ``level`` "error" (refuse), "alert" (confirm first) or "" (go on)."""

    level: str
    messages: list[str] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return self.level == HoldLevel.ERROR


def _decision(found: list[Hold]) -> HoldDecision:
    if not found:
        return HoldDecision("")
    level = HoldLevel.ERROR if any(h.level == HoldLevel.ERROR for h in found) else HoldLevel.ALERT
    label = dict(HoldProcess.choices)
    return HoldDecision(str(level), [f"{label[h.process]}の抑止（{h.get_level_display()}）：{h.reason}" for h in found])


def decide(person_id: int, process: str) -> HoldDecision:
    """The holds in force on one person (or their household) for one process."""
    return _decision(held([person_id], process=process))


def issuance_hold(person_id: int) -> HoldDecision:
    """証明書発行: what issue 12's certificates must ask before issuing (error: refuse; alert:
    confirm). Separate from 支援措置 (``support.may_receive``), which certificates ask as well."""
    return decide(person_id, HoldProcess.ISSUANCE)


def inquiry_hold(person_id: int) -> HoldDecision:
    """照会: the person detail screen and API refuse (error) or ask to confirm (alert)."""
    return decide(person_id, HoldProcess.INQUIRY)


def screen_entry(touches: Mapping[Any, Mapping[str, Any]], refused: dict[Any, RegistryError],
                 warnings: dict[Any, list[RuleViolation]]) -> None:
    """異動入力 holds on the events' persons and households: an error hold refuses the event; an
    alert hold adds a warning the clerk must confirm (as a suspected duplicate is confirmed)."""
    pids = {int(p) for t in touches.values() for p in t.get("person") or ()}
    hids = {int(h) for t in touches.values() for h in t.get("household") or ()}
    found = held(pids, process=HoldProcess.ENTRY, household_ids=hids)
    if not found:
        return
    households = _households_of(pids)
    for key, t in touches.items():
        mine_p = {int(p) for p in t.get("person") or ()}
        mine_h = {int(h) for h in t.get("household") or ()} | {households.get(p) for p in mine_p}
        hit = [h for h in found if h.person_id in mine_p or h.household_id in mine_h]
        decision = _decision(hit)
        if decision.refused:
            refused.setdefault(key, RegistryError(*(RuleViolation("hold_entry", f"異動入力が抑止されています。{m}")
                                                     for m in decision.messages)))
        elif decision.level:
            warnings.setdefault(key, []).extend(
                RuleViolation("hold_alert", f"抑止（アラート）があります。確認のうえ処理してください。{m}")
                for m in decision.messages)


def refuse_approval(events: list[Any], refused: dict[int, RegistryError]) -> list[Any]:
    """決裁 of events under an error hold on 異動入力 is refused (the hold may have been set after
    entry); alert holds were confirmed at entry. Returns the events that may go on."""
    found: dict[int, RegistryError] = {}
    screen_entry({e.pk: e.touches or {} for e in events}, found, {})
    refused.update(found)
    return [e for e in events if e.pk not in found]


def inquiry_stop(person_id: int, *, staff: Any, confirmed: bool, screen: str) -> HoldDecision | None:
    """照会 of one person: the hold decision that stops the screen or API (an error hold, or an
    alert hold not yet confirmed), or None to go on. A person this staff member sees masked is
    left to the mask: no hold reason is ever shown about a protected person to them."""
    from .selectors.access import screen_persons

    decision = inquiry_hold(person_id)
    if not decision.level or (not decision.refused and confirmed):
        return None
    if screen_persons([person_id], staff=staff, screen=screen, function="hold"):
        return None
    return decision
