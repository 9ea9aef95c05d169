"""[510] 4.0.6 本籍入力補助 and [520] 4.0.7 方書入力補助: the candidates, and what they never offer.

A protected member's 本籍 is nobody's candidate; another municipality's 方書 and persons stay out.
"""

from __future__ import annotations

from typing import Any

import pytest

from jichitai.registry import address_book, documents, entry_aids, events
from jichitai.registry.address_models import AddressDictionary
from jichitai.registry.errors import RegistryError
from jichitai.tenancy.context import activate

from .conftest import D, apply, people, person_spec
from .test_search_support import _protect

pytestmark = pytest.mark.django_db
HONSEKI = "テスト県甲村本町一丁目1番地"


def _family(office: Any, *, wife_honseki: str = HONSEKI) -> list[Any]:
    def spec(ref: str, given: str, birth: str, rel: str, **kw: Any) -> dict[str, Any]:
        return person_spec(ref, "髙橋", given, birth, rel, hittousha="髙橋一郎", **kw)

    apply(
        office,
        "move_in",
        {
            "household": {
                "new": {
                    "address_id": office.address.pk,
                    "banchi": "1番地2",
                    "katagaki": "ハイツ本町",
                }
            },
            "persons": [
                spec("p1", "一郎", "1980-05-01", "世帯主", honseki=HONSEKI),
                spec("p2", "花子", "1982-07-07", "妻", sex="2", honseki=wife_honseki),
                spec("p3", "太郎", "2010-01-15", "子", honseki=HONSEKI),
            ],
            "previous_address": "東京都千代田区千代田1番1号",
        },
        D(2020, 4, 1),
    )
    return people(family_name="髙橋")


@pytest.mark.std("510#1")
def test_honseki_candidates_are_the_address_the_former_address_and_the_members_honseki(
    office: Any,
) -> None:
    with activate(office.ctx()):
        head, wife, child = _family(office, wife_honseki="大阪府大阪市北区中之島1丁目")
        found = entry_aids.honseki_candidates(
            staff=office.clerk,
            household_id=head.household_id,
            previous_address="東京都千代田区千代田1番1号",
        )
        assert [(c.label, c.value) for c in found] == [
            ("現住所", "テスト県甲村本町一丁目1番地2"),  # the 方書 is never part of a 本籍
            ("転入前住所", "東京都千代田区千代田1番1号"),
            ("世帯主の本籍", HONSEKI),
            ("世帯員の本籍（髙橋\u3000花子）", "大阪府大阪市北区中之島1丁目"),
        ]
        # a 転入 to a new household: the address entered is the 現住所
        entered = entry_aids.honseki_candidates(
            staff=office.clerk, address_id=office.address2.pk, banchi="5番地"
        )
        assert [(c.label, c.value) for c in entered] == [("現住所", "テスト県甲村栄町二丁目5番地")]


@pytest.mark.std("510#1")
def test_a_protected_members_honseki_is_no_candidate(office: Any, office_b: Any) -> None:
    with activate(office.ctx()):
        head, wife, child = _family(office, wife_honseki="大阪府大阪市北区中之島1丁目")
        _protect(office, wife.pk)
        values = [
            c.value
            for c in entry_aids.honseki_candidates(
                staff=office.clerk, household_id=head.household_id
            )
        ]
        assert "大阪府大阪市北区中之島1丁目" not in values
        # and the household's address is hidden from the clerk: no 現住所 candidate either
        assert values == [HONSEKI]
    with activate(office_b.ctx()):
        assert (
            entry_aids.honseki_candidates(staff=office_b.clerk, household_id=head.household_id)
            == []
        )


def _dictionary(office: Any) -> None:
    for code, city, kana, former in (
        ("99001000000", "甲村", "コウムラ", False),
        ("99002000000", "旧村", "キュウソン", True),
    ):
        AddressDictionary.objects.create(
            code=code,
            pref_name="テスト県",
            pref_kana="テストケン",
            city_name=city,
            city_kana=kana,
            former=former,
        )


@pytest.mark.std("510#4")
def test_a_returning_persons_former_honseki_leaves_out_municipalities_merged_away(
    office: Any,
) -> None:
    with activate(office.ctx()):
        _dictionary(office)
        apply(
            office,
            "move_in",
            {
                "household": {"new": {"address_id": office.address.pk, "banchi": "7番地"}},
                "persons": [
                    person_spec(
                        "p1", "鈴木", "一", "1970-01-01", "世帯主", honseki="テスト県旧村1番地"
                    )
                ],
                "previous_address": "札幌市",
            },
            D(2015, 4, 1),
        )
        (p,) = people(family_name="鈴木")
        apply(
            office,
            "ex_officio_correction",
            {"person_id": p.pk, "changes": {"honseki": "テスト県甲村2番地"}},
            D(2016, 4, 1),
        )
        apply(
            office,
            "ex_officio_correction",
            {"person_id": p.pk, "changes": {"honseki": "東京都千代田区3番地"}},
            D(2017, 4, 1),
        )
        apply(
            office, "move_out_abroad", {"person_ids": [p.pk], "destination": "米国"}, D(2018, 4, 1)
        )
        assert entry_aids.municipality_gone("テスト県旧村1番地")
        assert not entry_aids.municipality_gone("テスト県甲村2番地")
        assert not entry_aids.municipality_gone(
            "東京都千代田区3番地"
        )  # not in the dictionary: kept
        assert entry_aids.history_honseki(p.pk, staff=office.clerk) == [
            "東京都千代田区3番地",
            "テスト県甲村2番地",
        ]
        found = entry_aids.honseki_candidates(staff=office.clerk, returning_person_id=p.pk)
        assert [c.value for c in found if c.label == "履歴の本籍"] == [
            "東京都千代田区3番地",
            "テスト県甲村2番地",
        ]


@pytest.mark.std("510#3")
def test_the_same_honseki_of_a_household_is_corrected_at_once_from_the_first(office: Any) -> None:
    with activate(office.ctx()):
        head, wife, child = _family(office, wife_honseki="大阪府大阪市北区中之島1丁目")
        outcomes = entry_aids.correct_household_honseki(
            head.pk,
            changes={"honseki": "テスト県甲村新町5番地", "hittousha": "髙橋一郎"},
            effective_date=D(2024, 1, 1),
            entered_by=office.clerk,
        )
        assert len(outcomes) == 2 and not any(isinstance(o, RegistryError) for o in outcomes)
        for o in outcomes:
            events.approve_event(o.event.pk, approver=office.approver)
        by_name = {p.given_name: p.honseki for p in people(family_name="髙橋")}
        # the wife's 本籍 was another: left as it was
        assert by_name == {
            "一郎": "テスト県甲村新町5番地",
            "花子": "大阪府大阪市北区中之島1丁目",
            "太郎": "テスト県甲村新町5番地",
        }


@pytest.mark.std("510#3")
def test_the_bulk_correction_leaves_a_protected_member_to_those_who_may(office: Any) -> None:
    with activate(office.ctx()):
        head, wife, child = _family(office)
        _protect(office, wife.pk)
        outcomes = entry_aids.correct_household_honseki(
            head.pk,
            changes={"honseki": "テスト県甲村新町5番地", "hittousha": "髙橋一郎"},
            effective_date=D(2024, 1, 1),
            entered_by=office.clerk,
        )
        assert sorted(o.event.request["person_id"] for o in outcomes) == sorted([head.pk, child.pk])
        # only the 本籍 and the 筆頭者 are taken over at once
        with pytest.raises(RegistryError) as exc:
            entry_aids.correct_household_honseki(
                head.pk,
                changes={"honseki": "x", "family_name": "高橋"},
                effective_date=D(2024, 1, 1),
                entered_by=office.clerk,
            )
        assert [v.rule for v in exc.value.violations] == ["same_honseki_items"]


@pytest.mark.std("520#1")
def test_katagaki_candidates_are_those_of_the_address_and_banchi_entered(
    office: Any, office_b: Any
) -> None:
    with activate(office.ctx()):
        address_book.add_katagaki(office.address.pk, "1番地2", "ハイツ本町", "はいつほんまち")
        address_book.add_katagaki(office.address.pk, "1番地2", "本町コーポ")
        address_book.add_katagaki(office.address.pk, "9番地", "別館")
        assert entry_aids.katagaki_candidates(office.address.pk, "1番地2") == [
            "ハイツ本町",
            "本町コーポ",
        ]
        assert entry_aids.katagaki_candidates(str(office.address.pk), " 9番地 ") == ["別館"]
        assert entry_aids.katagaki_candidates(office.address.pk, "") == []  # the 番地 first
    with activate(office_b.ctx()):
        assert entry_aids.katagaki_candidates(office.address.pk, "1番地2") == []


@pytest.mark.std("520#2")
@pytest.mark.parametrize(
    "asked",
    [
        (None, "ハイツ本町"),
        ("", "ハイツ本町"),
        ("ハイツ本町", "1番地2"),
        ("ハイツ本町", ""),
        ("ﾊｲﾂ", ""),
    ],
)
def test_no_address_is_found_from_a_katagaki(office: Any, asked: tuple[Any, str]) -> None:
    """[520]#2 (must not): a 方書 never leads to its 住所・地番, whatever it is put in."""
    with activate(office.ctx()):
        address_book.add_katagaki(office.address.pk, "1番地2", "ハイツ本町", "はいつほんまち")
        assert entry_aids.katagaki_candidates(*asked) == []
        assert address_book.by_kana("ハイツ") == []  # the 住所カナ search reads the 住所辞書 only
        with pytest.raises(TypeError):
            address_book.katagaki_for(name="ハイツ本町")  # type: ignore[call-arg]


@pytest.mark.std("510#5")
def test_no_municipality_code_book_is_printed_from_a_terminal(office: Any) -> None:
    """[510]#5 (must not): no document prints a 市区町村コード便覧's names and locations, and none of
    the 本籍 aids looks one up (the 本籍 is written as given)."""
    documents.load_all()
    assert not [k for k in documents.KINDS.values() if "510" in k.functions or "便覧" in k.title]
    for kind in ("municipality_code_book", "municipality_codes", "honseki_municipality"):
        with pytest.raises(KeyError):
            documents.build(kind, staff=office.clerk)
    assert not any("code" in name and "book" in name for name in dir(entry_aids))
