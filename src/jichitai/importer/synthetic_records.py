"""Synthetic registers as interchange records (``importer.records``): a migration file's content
without a source system, for rehearsals, the demo, the tests and ``make bench-migration``.

``RegisterBuilder`` applies 異動 in date order (転入, 職権記載, 30条46・47, 出生, 転居,
住所一括変更・軽微な修正, 世帯分離・合併・変更, 世帯主変更, 氏名変更, 通称の記載, 誤記修正・職権修正,
住民票コードの変更, 本籍の一括変更, 国籍喪失・帰化・国籍取得, 転出, 死亡, 失踪, 職権消除) to the
synthetic generator's households and gives every person it touches a history entry with their
full state afterwards, as a source system's history rows say it. No real person is in it.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Any

from jichitai.codes import resident_code_check_digit
from jichitai.registry import numbering
from jichitai.registry.conventions import HEAD
from jichitai.synthetic import generate_households

from .records import HistoryEntry, PersonRecord, Source
from .synthetic import person_spec

CODE = "470015"  # a generator code (prefecture 47); the register's municipality is the test's
CATEGORIES = {  # 法第30条の45 区分 → the items it may not leave blank
    "mid_long": {
        "residence_status": "技術・人文知識・国際業務",
        "residence_card_no": "AB12345678CD",
    },
    "special_permanent": {
        "special_permanent_cert_no": "CD87654321EF",
        "residence_status": "",
        "residence_card_no": "",
    },
    "temporary_refuge": {"landing_period": "6月", "residence_status": "", "residence_card_no": ""},
    "provisional_stay": {
        "provisional_stay_period": "2024年4月1日から6月",
        "residence_status": "",
        "residence_card_no": "",
    },
    "transit_birth": {"residence_status": "", "residence_card_no": ""},
    "transit_loss": {"residence_status": "", "residence_card_no": ""},
}
TOWNS = (
    ("0001001", "本町一丁目", "100-0001"),
    ("0002000", "栄町", "100-0002"),
    ("0003002", "緑町二丁目", "100-0003"),
)
_FOREIGN_ITEMS = (  # what a 帰化 leaves behind (the 30条45 items, 通称 and the alphabet name)
    "nationality", "foreign_category", "became_foreign_resident_on", "residence_period",
    "residence_end_date", "alphabet_name", "alias", "alias_kana", "alias_kana_confirmed",
    "alias_recorded_on", "alias_recorded_municipality", "alias_recorded_municipality_code", "name_priority",
)
_ACQUIRABLE = dt.date(2006, 1, 1)  # 国籍取得 (国籍法3条: by acknowledgement) for the young, else 帰化
RENAMES = (("佐藤", "サトウ"), ("鈴木", "スズキ"), ("田中", "タナカ"))


@dataclass
class _Person:
    atena: str
    state: dict[str, Any]
    household_no: str
    history: list[HistoryEntry] = field(default_factory=list)


@dataclass
class _Household:
    no: str
    town: tuple[str, str, str]
    banchi: str
    katagaki: str = ""


class RegisterBuilder:
    def __init__(self, first_atena: int = 1000, first_household: int = 500) -> None:
        self.persons: dict[str, _Person] = {}
        self.households: dict[str, _Household] = {}
        self._atena = itertools.count(first_atena)
        self._household = itertools.count(first_household)
        self._members: dict[str, list[str]] = {}  # household_no → atena_no, in order
        self.line = itertools.count(2)
        self._renewed = itertools.count(1)

    def _entry(self, p: _Person, reason: str, on: dt.date) -> None:
        hh = self.households[p.household_no]
        household = {
            "household_no": hh.no,
            "town_code": hh.town[0],
            "town_name": hh.town[1],
            "banchi": hh.banchi,
            "katagaki": hh.katagaki,
            "postal_code": hh.town[2],
        }
        p.history.append(
            HistoryEntry(
                seq=len(p.history) + 1,
                reason=reason,
                effective_on=on,
                reported_on=on,
                person=dict(p.state),
                household=household,
                source=Source("jumin.csv", next(self.line)),
            )
        )

    def full(self, atena: str) -> bool:
        return len(self.persons[atena].history) >= 4

    def resident(self, atena: str) -> bool:
        return self.persons[atena].state.get("status", "resident") == "resident"

    def members(self, household_no: str) -> list[str]:
        # by household (a register of hundreds of thousands: never a scan of every person)
        return [a for a in self._members.get(household_no, ()) if self.resident(a)]

    def move_in(
        self,
        specs: list[dict[str, Any]],
        on: dt.date,
        town: int,
        banchi: str,
        katagaki: str = "",
        *,
        abroad: bool = False,
        reason: str = "",
    ) -> str:
        """転入 (国外転入 when ``abroad``), or ``reason``: 職権記載 (``ex_officio_entry``), or for foreign
        residents 法第30条の46 (``move_in_30_46``) or 法第30条の47 (``entry_30_47``)."""
        no = numbering.household_no(next(self._household))
        self.households[no] = _Household(no, TOWNS[town], banchi, katagaki)
        for spec in specs:
            atena = numbering.atena_no(next(self._atena))
            state = {k: v for k, v in spec.items() if k != "ref"}
            for k in (
                "birth_date",
                "residence_end_date",
                "became_foreign_resident_on",
                "alias_recorded_on",
            ):
                if isinstance(state.get(k), str):
                    state[k] = dt.date.fromisoformat(state[k])
            state.update(
                status="resident",
                became_resident_on=on,
                address_set_on=on,
                reported_on=on,
                previous_address="アメリカ合衆国" if abroad else "東京都千代田区千代田1番1号",
            )
            p = self.persons[atena] = _Person(atena, state, no)
            self._members.setdefault(no, []).append(atena)
            self._entry(p, reason or ("move_in_abroad" if abroad else "move_in"), on)
        return no

    def birth(self, household_no: str, on: dt.date, spec: dict[str, Any]) -> str | None:
        """A child born into the household (出生): its first history row is its birth; born to a
        foreign household, a foreign resident 出生による経過滞在者 of the head's nationality."""
        members = self.members(household_no)
        if not members or spec.get("resident_type", "japanese") != "japanese":
            return None
        head = self.persons[members[0]].state
        atena = numbering.atena_no(next(self._atena))
        state = {k: v for k, v in spec.items() if k != "ref"}
        if head.get("resident_type") == "foreign":
            state = foreign(state, "transit_birth", on)
            state.update(nationality=head.get("nationality", ""), became_foreign_resident_on=on)
        state.update(
            family_name=head["family_name"],
            family_name_kana=head["family_name_kana"],
            honseki=head.get("honseki", "") if state.get("resident_type") != "foreign" else "",
            hittousha=head.get("hittousha", "") if state.get("resident_type") != "foreign" else "",
            birth_date=on,
            relationship="子",
            status="resident",
            became_resident_on=on,
            address_set_on=on,
            reported_on=on,
            previous_address="",
        )
        p = self.persons[atena] = _Person(atena, state, household_no)
        self._members.setdefault(household_no, []).append(atena)
        self._entry(p, "birth", on)
        return atena

    def move_within(self, household_no: str, on: dt.date, town: int, banchi: str) -> None:
        hh = self.households[household_no]
        hh.town, hh.banchi, hh.katagaki = TOWNS[town], banchi, ""
        for a in self.members(household_no):
            p = self.persons[a]
            p.state.update(address_set_on=on, reported_on=on)
            self._entry(p, "move_within", on)

    def name_change(self, atena: str, on: dt.date, family: tuple[str, str]) -> None:
        p = self.persons[atena]
        p.state.update(family_name=family[0], family_name_kana=family[1])
        self._entry(p, "name_change", on)

    def household_change(self, atena: str, on: dt.date) -> None:
        """The person leaves for a household of their own at the same address (世帯分離)."""
        p = self.persons[atena]
        old = self.households[p.household_no]
        no = numbering.household_no(next(self._household))
        # the same 住所・番地・方書: a second household in one dwelling (it may merge back, [720]#2)
        self.households[no] = _Household(no, old.town, old.banchi, old.katagaki)
        self._members[p.household_no].remove(atena)
        self._members.setdefault(no, []).append(atena)
        p.household_no = no
        p.state.update(relationship="世帯主", reported_on=on)
        self._entry(p, "household_split", on)

    def head_change(self, household_no: str, on: dt.date) -> bool:
        """世帯主変更: a child (else the spouse) becomes 世帯主; every member whose 続柄 changes with
        it has a row. False when the household has no one to take over."""
        members = self.members(household_no)
        rel = {a: self.persons[a].state.get("relationship", "") for a in members}
        old = next((a for a in members if rel[a] == HEAD), None)
        new = next((a for a in members if rel[a] == "子"), None) or next(
            (a for a in members if rel[a] in ("妻", "夫")), None
        )
        if old is None or new is None:
            return False
        changed = {a: _relative_to(self.persons, a, rel[a], old, new) for a in members}
        for a in sorted(members, key=lambda a: a != new):  # the new head's row first
            if changed[a] != rel[a]:
                self.persons[a].state.update(relationship=changed[a], reported_on=on)
                self._entry(self.persons[a], "head_change", on)
        self._members[household_no].sort(key=lambda a: a != new)
        return True

    def household_merge(self, atena: str, on: dt.date) -> bool:
        """世帯合併 (a person alone in their household) or 世帯変更 (a member other than the head)
        into another household at the same 住所・番地・方書 ([720]#2: the address never changes with
        it), as 同居人. False when there is none."""
        p = self.persons[atena]
        alone = self.members(p.household_no) == [atena]
        if not alone and p.state.get("relationship") == HEAD:
            return False
        here = self.households[p.household_no]
        into = next(
            (
                no for no, hh in sorted(self.households.items())
                if no != p.household_no and self.members(no)
                and (hh.town, hh.banchi, hh.katagaki) == (here.town, here.banchi, here.katagaki)
            ),
            None,
        )  # fmt: skip
        if into is None:
            return False
        self._members[p.household_no].remove(atena)
        self._members[into].append(atena)
        p.household_no = into
        p.state.update(relationship="同居人", reported_on=on)
        self._entry(p, "household_merge" if alone else "household_change", on)
        return True

    def renumber(self, household_no: str, on: dt.date, banchi: str, how: str) -> None:
        """住所一括変更 (``address_renumbering``) or 軽微な修正 (``minor_correction``) of the 番地: the
        household stays where it is and every member has a row."""
        self.households[household_no].banchi = banchi
        for a in self.members(household_no):
            self._entry(self.persons[a], how, on)

    def correction(self, atena: str, on: dt.date, how: str) -> None:
        """誤記修正 (``correction``) or 職権修正 (``ex_officio_correction``) of one item: 本籍 of a
        Japanese resident, 国籍・地域 of a foreign one."""
        p = self.persons[atena]
        if p.state.get("resident_type") == "foreign":
            p.state.update(nationality="フィリピン" if p.state.get("nationality") != "フィリピン" else "タイ")
        else:
            p.state.update(honseki=f"沖縄県那覇市泉崎{len(p.history) + 1}丁目1番")
        self._entry(p, how, on)

    def alias(self, atena: str, on: dt.date) -> bool:
        """通称の記載 for a foreign resident without one (法施行令30条の16). False otherwise."""
        p = self.persons[atena]
        if p.state.get("resident_type") != "foreign" or p.state.get("alias"):
            return False
        p.state.update(
            alias="山川", alias_kana="ヤマカワ", alias_recorded_on=on,
            alias_recorded_municipality="", alias_recorded_municipality_code="",
        )  # fmt: skip
        self._entry(p, "alias_change", on)
        return True

    def nationality_change(self, atena: str, on: dt.date) -> str:
        """国籍喪失 of a Japanese resident (a 中長期在留者 from then) or 帰化 of a foreign one: the
        record's history goes on under the same 宛名番号 with the other 住民種別 (the register keeps a
        new 住民票, [930]/[950]). Returns the 事由."""
        p = self.persons[atena]
        if p.state.get("resident_type") == "foreign":
            since = p.state.get("became_foreign_resident_on") or p.state.get("became_resident_on")
            for k in (*_FOREIGN_ITEMS, *CATEGORIES["mid_long"], *CATEGORIES["special_permanent"],
                      *CATEGORIES["temporary_refuge"], *CATEGORIES["provisional_stay"]):
                p.state.pop(k, None)
            if any(c.isascii() and c.isalpha() for c in p.state["family_name"] + p.state["given_name"]):
                # a Japanese resident's name is never in Latin letters (the register refuses it): the
                # name taken at 帰化
                given = ("一郎", "イチロウ") if p.state.get("sex") == "1" else ("花子", "ハナコ")
                p.state.update(family_name="川村", family_name_kana="カワムラ", given_name=given[0],
                               given_name_kana=given[1])
            p.state.update(resident_type="japanese", honseki="沖縄県那覇市泉崎1丁目1番",
                           hittousha=p.state["family_name"], became_resident_on=since)
            reason = "nationality_acquisition" if p.state["birth_date"] > _ACQUIRABLE else "naturalization"
        else:
            p.state = foreign(p.state, "mid_long", on)
            p.state["became_foreign_resident_on"] = on
            for k in ("former_surname", "former_surname_kana", "former_surname_kana_confirmed"):
                p.state.pop(k, None)
            reason = "nationality_loss"
        p.state.update(reported_on=on)
        self._entry(p, reason, on)
        return reason

    def renew(self, atena: str, on: dt.date, how: str) -> bool:
        """住民票コードの変更請求 (``resident_code_change``: a new code, never one the generator
        gives) or 本籍の一括変更 (``honseki_renumbering``, a Japanese resident's 本籍 renumbered).
        False when it does not apply to the person."""
        p = self.persons[atena]
        if how == "resident_code_change":
            first10 = f"98{next(self._renewed):08d}"
            p.state.update(resident_code=first10 + str(resident_code_check_digit(first10)))
        elif p.state.get("resident_type") == "foreign" or p.state.get("honseki") in ("", "なし", "不明"):
            return False
        else:
            p.state.update(honseki=f"{p.state['honseki']}の{len(p.history) + 1}")
        p.state.update(reported_on=on)
        self._entry(p, how, on)
        return True

    def remove(self, atena: str, on: dt.date, how: str) -> None:
        p = self.persons[atena]
        if how in ("move_out", "move_out_abroad"):
            abroad = how == "move_out_abroad"
            p.state.update(
                status="moved_out",
                removed_on=on,
                move_out_destination="アメリカ合衆国" if abroad else "大阪府大阪市北区梅田1丁目1番1号",
            )
            self._entry(p, "move_out_abroad" if abroad else "move_out_confirmed", on)
        elif how in ("disappearance", "ex_officio_deletion"):  # 失踪, 職権消除: the record is 消除
            p.state.update(status="deleted", removed_on=on)
            self._entry(p, how, on)
        else:
            p.state.update(status="dead", removed_on=on)
            self._entry(p, "death", on)

    def records(self) -> list[PersonRecord]:
        return [
            PersonRecord(a, tuple(p.history), p.history[0].source)
            for a, p in sorted(self.persons.items())
        ]


def synthetic_specs(seed: int, households: int, code: str = CODE) -> list[list[dict[str, Any]]]:
    """Person specs of synthetic households (identity numbers follow the generator ``code``)."""
    out = []
    for h in itertools.islice(generate_households(code, households * 4, seed), households):
        out.append([person_spec(m, f"p{n}") for n, m in enumerate(h.members)][:3])
    return out


def foreign(spec: dict[str, Any], category: str, since: dt.date) -> dict[str, Any]:
    """A synthetic person made a foreign resident of ``category``."""
    out = {
        **spec,
        "resident_type": "foreign",
        "nationality": spec.get("nationality") or "ベトナム",
        "honseki": "",
        "hittousha": "",
        "foreign_category": category,
        "became_foreign_resident_on": since.isoformat(),
    }
    out.update(CATEGORIES[category])
    return out


def synthetic_register(
    residents: int, seed: int = 0, *, moved_share: int = 3, code: str = CODE
) -> list[PersonRecord]:
    """About ``residents`` persons in households that moved in between 2014 and 2015; one
    household in ``moved_share`` later moved within the municipality (a second history row).
    ``code``: the generator's municipality (its class caps the residents: a 市 code for
    hundreds of thousands, see jichitai.synthetic.identifiers)."""
    b = RegisterBuilder()
    day = dt.date(2014, 4, 1)
    n = 0
    for household in generate_households(code, max(residents, 1) * 2, seed):
        if len(b.persons) >= residents:
            break
        members = [person_spec(m, f"p{i}") for i, m in enumerate(household.members)]
        members = [m for m in members if m["birth_date"] < "2014-04-01"][
            : residents - len(b.persons)
        ]
        if not members:
            continue
        members[0]["relationship"] = "世帯主"
        no = b.move_in(members, day + dt.timedelta(days=n % 300), n % 3, f"{n % 40 + 1}番地")
        if n % moved_share == 0:
            b.move_within(
                no, dt.date(2019, 1, 1) + dt.timedelta(days=n % 200), (n + 1) % 3, "7番地"
            )
        n += 1
    return b.records()


def _relative_to(persons: dict[str, _Person], a: str, rel: str, old: str, new: str) -> str:
    """``a``'s 続柄 to the new head ``new`` after a 世帯主変更 from ``old`` (the standard's terms
    only, [110]); a relation the register cannot derive is 同居人."""
    if a == new:
        return HEAD
    sex = persons[a].state.get("sex")
    new_rel = persons[new].state.get("relationship")
    if new_rel == "子":  # the old head and their spouse are the parents, the other children siblings
        if a == old or rel in ("妻", "夫"):
            return "父" if sex == "1" else "母"
        if rel == "子":
            older = str(persons[a].state.get("birth_date")) < str(persons[new].state.get("birth_date"))
            return ("兄" if older else "弟") if sex == "1" else ("姉" if older else "妹")
    elif a == old:  # the spouse took over
        return "夫" if sex == "1" else "妻"
    elif rel == "子":
        return "子"
    return "同居人"
