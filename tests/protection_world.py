"""A register with 支援措置 cases, built through the event path ([440] 3.4, [160] 1.1.16).

- 髙橋 family moved in at 本町一丁目1番地2 (head 一郎, wife 花子, son 太郎).
- 花子 (protected) moved with 太郎 (no measure of his own) to a secret address 栄町二丁目7番地8
  秘密荘101: household ``some`` has some members protected, and 太郎 is the co-resident.
- 美咲 (protected) lives alone at 栄町二丁目9番地 秘密ハイツ: household ``all``.
- Pending in the queue: a 訂正 of the secret 転居 naming the protected household and a 取消 of that
  転居 (entered by staff with need-to-know), and a 訂正 of 佐藤 次郎's 個人番号 (nobody protected).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from jichitai.tenancy.context import activate
from tests.registry.conftest import Office, apply, move_in_family, people, person_spec

SECRET = ("7番地8", "秘密荘101", "9番地", "秘密ハイツ")
NEW_MY_NUMBER = "123456789018"  # check digit valid


@dataclass
class Protected:
    office: Office
    officer: Any  # clerk + approver + 支援措置担当 (need-to-know)
    head: int
    wife: int
    son: int
    misaki: int
    old_household: int
    some: int  # 花子 (protected) + 太郎
    all: int  # 美咲 (protected) alone
    move_event: int
    correction: int  # 訂正 of the 転居: changes the secret household's 番地
    cancellation: int  # 取消 of the 転居
    my_number_correction: int  # 訂正 of 佐藤 次郎's 個人番号 in his 転入 (nobody protected)
    atena: dict[int, str]  # 宛名番号 of the protected persons


def build(office: Office) -> Protected:
    from jichitai.accounts.models import RoleGrant, Staff
    from jichitai.registry import events, support

    officer = Staff.objects.create(username=f"officer-{office.municipality.pk}", display_name="支援 担当")
    for role in ("clerk", "approver", "support_measure"):
        RoleGrant.objects.create(staff=officer, municipality=office.municipality, role=role)
    day = dt.date(2024, 5, 1)
    with activate(office.ctx()):
        move_in_family(office)
        head, wife, son = (p.pk for p in people())
        old = people()[0].household_id
        # a resident with no measure and nobody protected in his household: 佐藤 次郎
        sato_event = apply(office, "move_in", {
            "household": {"new": {"address_id": office.address.pk, "banchi": "20番地"}},
            "persons": [person_spec("p1", "佐藤", "次郎", "1970-03-03", "世帯主", family_kana="サトウ",
                                    given_kana="ジロウ")],
            "previous_address": "大阪府大阪市北区1番",
        }, dt.date(2021, 1, 1))
        sato = people(given_name="次郎")[0].pk
        my_number = events.submit_event("correction", {"target_event_id": sato_event.pk, "changes": [
            {"entity": "person", "entity_id": sato, "field": "my_number", "value": NEW_MY_NUMBER}]},
            effective_date=dt.date(2021, 1, 1), reported_date=None, entered_by=office.clerk).event
        support.start_measure(wife, start=dt.date.today(), reason="DV（配偶者からの暴力）",
                              against=[{"person_id": head, "name": "髙橋 一郎"}], staff=officer)
        sub = events.submit_event("move_within", {
            "person_ids": [wife, son], "address": {"address_id": office.address2.pk, "banchi": "7番地8",
                                                   "katagaki": "秘密荘101"},
            "new_head_id": wife, "relationships": {str(son): "子"},
        }, effective_date=day, reported_date=day, entered_by=officer)
        move = events.approve_event(sub.event.pk, approver=_second(office, officer))
        some = people(pk=wife)[0].household_id
        apply(office, "move_in", {
            "household": {"new": {"address_id": office.address2.pk, "banchi": "9番地", "katagaki": "秘密ハイツ"}},
            "persons": [person_spec("p1", "山本", "美咲", "1990-02-02", "世帯主", sex="2", family_kana="ヤマモト",
                                    given_kana="ミサキ")],
            "previous_address": "大阪府大阪市北区1番",
        }, day)
        misaki = people(given_name="美咲")[0]
        support.start_measure(misaki.pk, start=dt.date.today(), reason="ストーカー行為等", against=[], staff=officer)
        correction = events.submit_event("correction", {"target_event_id": move.pk, "changes": [
            {"entity": "household", "entity_id": some, "field": "banchi", "value": "7番地9"}]},
            effective_date=day, reported_date=None, entered_by=officer).event
        cancellation = events.submit_event("cancellation", {"target_event_id": move.pk},
                                           effective_date=day, reported_date=None, entered_by=officer).event
        atena = {p.pk: p.atena_no for p in people(pk__in=[wife, misaki.pk])}
    return Protected(office, officer, head, wife, son, misaki.pk, old, some, misaki.household_id, move.pk,
                     correction.pk, cancellation.pk, my_number.pk, atena)


def _second(office: Office, officer: Any) -> Any:
    """A second person with need-to-know, who approves what the officer entered."""
    from jichitai.accounts.models import RoleGrant, Staff

    staff, created = Staff.objects.get_or_create(username=f"officer2-{office.municipality.pk}")
    if created:
        for role in ("approver", "support_measure"):
            RoleGrant.objects.create(staff=staff, municipality=office.municipality, role=role)
    return staff


def alerts(office: Office, person_id: int) -> int:
    from jichitai.audit.models import AuditEntry

    with activate(office.ctx()):
        return AuditEntry.objects.filter(category="alert", subject_id=str(person_id)).count()


def revealed(text: str, world: Protected) -> list[str]:
    """What of the secret a response shows: the address parts, the protected persons' 宛名番号
    and links or ids of them."""
    found = [s for s in SECRET if s in text]
    found += [f"宛名番号 {a}" for a in world.atena.values() if a in text]
    for i in (world.wife, world.misaki):
        for form in (f"/persons/{i}/", f'"id":{i},', f'"id": {i},', f'"person_id":{i},', f'"person_id": {i},'):
            if form in text:
                found.append(f"id {i} ({form})")
    return found
