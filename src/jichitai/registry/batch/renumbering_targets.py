"""What [1340] 住所一括変更 changes: the households' 現住所 (by 世帯番号) or the persons' 本籍 (by 宛名番号).

A target reads what its rows name once, marks the lines it cannot take (unknown 町字コード, a number
not found), says which lines are about a protected person for the staff member running the batch,
whether a line is already done, the typed request of a line, and how the result list shows it.
"""

from __future__ import annotations

from typing import Any

from ..models import AddressEntry, Household
from ..selectors.addresses import address_line
from ..selectors.rosters import persons_by_atena, shielded_households, shielded_persons
from . import renumbering_input as rin


class AddressTarget:
    """現住所 by 世帯番号: one 「住居表示の実施等」 per household."""

    kind = "address_renumbering"
    header = ("行", "世帯番号", "変更前住所", "変更後住所", "結果", "理由")
    done_text = "既に変更後の住所です。"

    def __init__(self, rows: list[rin.Row], *, staff: Any, screen: str) -> None:
        codes = sorted({r.from_town for r in rows} | {r.to_town for r in rows})
        self.towns = {
            code: (pk, name)
            for pk, code, name in AddressEntry.objects.filter(town_code__in=codes).values_list(
                "pk", "town_code", "name"
            )
        }
        numbers = sorted({r.household_no for r in rows})
        self.households = {
            h.household_no: h for h in Household.objects.filter(household_no__in=numbers)
        }
        self.shielded = shielded_households(
            [h.pk for h in self.households.values()], staff=staff, screen=screen
        )
        for r in rows:
            unknown = [c for c in (r.from_town, r.to_town) if c not in self.towns]
            h = self.households.get(r.household_no)
            if not r.problem and unknown:
                r.problem = f"町字コード {'、'.join(unknown)} が住所辞書にありません。"
            elif not r.problem and (h is None or not h.active):
                r.problem = "世帯番号の世帯が見つかりません（消除された世帯を含む）。"

    def masked(self, row: rin.Row) -> bool:
        h = self.households.get(row.household_no)
        return h is not None and h.pk in self.shielded

    def request(self, row: rin.Row) -> dict[str, Any]:
        h = self.households[row.household_no]
        return {
            "household_id": h.pk,
            "from_address": {
                "address_id": self.towns[row.from_town][0],
                "banchi": row.from_banchi,
                "katagaki": h.katagaki,
            },
            "address": {
                "address_id": self.towns[row.to_town][0],
                "banchi": row.to_banchi,
                "katagaki": h.katagaki if row.to_katagaki is None else row.to_katagaki,
            },
        }

    def done(self, row: rin.Row) -> bool:
        h = self.households[row.household_no]
        new = self.request(row)["address"]
        return (h.address_id, h.banchi, h.katagaki) == (
            new["address_id"],
            new["banchi"],
            new["katagaki"],
        )

    def _address(self, town: str, banchi: str, katagaki: str | None) -> str:
        return address_line(self.towns.get(town, (0, f"町字コード{town}"))[1], banchi, katagaki)

    def shown(self, row: rin.Row) -> tuple[str, str, str]:
        h = self.households.get(row.household_no)
        now = h.katagaki if h is not None and h.active else ""
        after = now if row.to_katagaki is None else row.to_katagaki
        return (
            row.household_no,
            self._address(row.from_town, row.from_banchi, now),
            self._address(row.to_town, row.to_banchi, after),
        )


class HonsekiTarget:
    """本籍 by 宛名番号: one 「本籍の表示の変更」 per person."""

    kind = "honseki_renumbering"
    header = ("行", "宛名番号", "変更前本籍", "変更後本籍", "結果", "理由")
    done_text = "既に変更後の本籍です。"

    def __init__(self, rows: list[rin.HonsekiRow], *, staff: Any, screen: str) -> None:
        self.persons = persons_by_atena({r.atena_no for r in rows})
        self.shielded = shielded_persons(
            [p["id"] for p in self.persons.values()], staff=staff, screen=screen
        )
        for r in rows:
            if not r.problem and r.atena_no not in self.persons:
                r.problem = "宛名番号の住民が見つかりません（住民のみ）。"

    def masked(self, row: rin.HonsekiRow) -> bool:
        p = self.persons.get(row.atena_no)
        return p is not None and p["id"] in self.shielded

    def request(self, row: rin.HonsekiRow) -> dict[str, Any]:
        return {
            "person_id": self.persons[row.atena_no]["id"],
            "from_honseki": row.from_honseki,
            "honseki": row.to_honseki,
        }

    def done(self, row: rin.HonsekiRow) -> bool:
        return self.persons[row.atena_no]["honseki"] == row.to_honseki

    def shown(self, row: rin.HonsekiRow) -> tuple[str, str, str]:
        return row.atena_no, row.from_honseki, row.to_honseki
