"""Chapter 9's lists as batch work: [1290] 抑止対象者一覧, [1310] 成年被後見人, [1320] 閲覧用写し,
[1330] 無作為抽出 with labels, [1350] (must not) 経過滞在者一覧.

閲覧 and 抽出 go to third parties: tried from the protected side, a protected person and her
household are in no file, whoever runs the batch (need-to-know included). Another municipality's
residents are never in a file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

import pytest

from jichitai.registry.batch import adult_ward, held_persons, inspection, sampling
from jichitai.registry.errors import RegistryError
from jichitai.tenancy.context import activate

from .conftest import apply, move_in_family, people, person_spec
from .test_snapshots import _protect

D = dt.date
pytestmark = pytest.mark.django_db


def _csv(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())  # a BOM: spreadsheets open it as UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def _single(
    office: Any,
    family: str,
    given: str,
    birth: str,
    *,
    sex: str = "1",
    banchi: str = "7番地",
    address: Any = None,
    katagaki: str = "",
    **kw: Any,
) -> Any:
    spec = person_spec(
        "p1", family, given, birth, "世帯主", sex=sex, family_kana=kw.pop("kana", "サトウ"), **kw
    )
    at = {"address_id": (address or office.address2).pk, "banchi": banchi, "katagaki": katagaki}
    apply(
        office,
        "move_in",
        {"household": {"new": at}, "persons": [spec], "previous_address": "大阪府大阪市北区1番"},
        D(2021, 4, 1),
    )
    return people(family_name=family, given_name=given)[0]


def _town(office: Any) -> tuple[Any, Any, Any, Any]:
    """髙橋 (3, 本町一丁目1番地2, the wife protected later) and 佐藤 (栄町二丁目7番地)."""
    move_in_family(office)
    head, wife, son = people()[:3]
    sato = _single(office, "佐藤", "次郎", "1990-03-03")
    return head, wife, son, sato


def _text(result: Any) -> str:
    return "\n".join(b.decode("utf-8-sig") for b in result.files.values())


@pytest.mark.std("1320#1")
def test_inspection_copy_never_holds_a_protected_person_or_her_household_for_anyone(office) -> None:
    with activate(office.ctx()):
        head, wife, son, sato = _town(office)
        before = _text(inspection.run({}))
        assert "髙橋" in before and "佐藤" in before
        officer = _protect(office, wife.pk)
    # need-to-know does not count: 閲覧 is for third parties
    for staff in (
        office.clerk,
        officer,
        office.approver,
    ):
        with activate(office.ctx(staff)):
            out = inspection.run({"order": "random"})
            text = _text(out)
            assert "佐藤　次郎" in text
            for secret in ("髙橋", "花子", "一郎", "太郎", "1番地2", wife.atena_no, head.atena_no):
                assert secret not in text
            # nothing says anyone was left out
            assert out.counts["rows"] == 1 and "除" not in out.message


@pytest.mark.std("1320#1")
def test_inspection_copy_by_conditions_in_address_kana_or_random_order(office) -> None:
    with activate(office.ctx()):
        _town(office)
        _single(office, "安藤", "梅", "1950-01-01", sex="2", kana="アンドウ", banchi="2番地")
        rows = _csv(inspection.run({"order": "kana"}).files[inspection.FILE])
        assert rows[0] == list(inspection.HEADER)
        assert [r[1] for r in rows[1:]][0] == "安藤　梅"  # アンドウ first in 五十音順
        by_address = [r[1] for r in _csv(inspection.run({}).files[inspection.FILE])[1:]]
        assert by_address[:3] == [
            "髙橋　一郎",
            "髙橋　花子",
            "髙橋　太郎",
        ]  # 町字コード 001 before 002
        women = _csv(inspection.run({"sex": "2", "towns": "002"}).files[inspection.FILE])
        assert [r[1] for r in women[1:]] == ["安藤　梅"] and women[1][3] == "女"
        born = _csv(
            inspection.run({"born_from": "1980-01-01", "born_to": "昭和60年12月31日"}).files[
                inspection.FILE
            ]
        )
        assert {r[1] for r in born[1:]} == {"髙橋　一郎", "髙橋　花子"}
        assert born[1][2] == "昭和55年5月1日"  # 和暦
        first = inspection.run({"order": "random", "seed": 7})
        again = inspection.run({"order": "random", "seed": "7"})
        assert first.files == again.files and first.counts["seed"] == 7
        with pytest.raises(RegistryError) as exc:
            inspection.run(
                {"sex": "x", "born_from": "昨日", "order": "bad", "protected": "include"}
            )
        rules = {v.field for v in exc.value.violations}
        assert {
            "sex",
            "born_from",
            "order",
            "protected",
        } <= rules  # 支援対象者を含める choice does not exist
        with pytest.raises(RegistryError):
            inspection.run({"towns": "999"})  # nobody there: an error, not an empty file


@pytest.mark.std("1320#2")
def test_inspection_copy_is_a_csv_text_file_of_the_four_items(office) -> None:
    with activate(office.ctx()):
        head, *_ = _town(office)
        rows = _csv(inspection.run({}).files["閲覧用写し.csv"])
        assert rows[0] == ["番号", "氏名", "生年月日", "性別", "住所"]
        assert rows[1] == ["1", "髙橋　一郎", "昭和55年5月1日", "男", "本町一丁目1番地2"]
        assert head.atena_no not in "".join(",".join(r) for r in rows)


def test_inspection_and_sampling_never_cross_municipalities(office, office_b) -> None:
    with activate(office.ctx()):
        _town(office)
    with activate(office_b.ctx()):
        _single(office_b, "北村", "三郎", "1970-02-02", address=office_b.address)
        for out in (inspection.run({}), sampling.run({"count": 50})):
            text = _text(out)
            assert "北村" in text and "髙橋" not in text and "佐藤" not in text
        with pytest.raises(RegistryError):
            inspection.run({"towns": "002"})  # A's 栄町 residents are not B's: nobody there
    with activate(office.ctx()):
        assert "北村" not in _text(inspection.run({}))


@pytest.mark.std("1330#1")
def test_random_extraction_by_sex_birth_town_count_and_resident_type(office) -> None:
    with activate(office.ctx()):
        head, wife, son, sato = _town(office)
        for n, given in enumerate(["一", "二", "三", "四", "五", "六"]):
            _single(
                office,
                "佐藤",
                f"和{given}",
                f"19{60 + n}-04-01",
                sex="2" if n % 2 else "1",
                banchi=f"{n + 10}番地",
            )
        _single(
            office,
            "スミス",
            "ジョン",
            "1975-05-05",
            kana="スミス",
            resident_type="foreign",
            nationality="アメリカ合衆国",
            banchi="30番地",
        )
        out = sampling.run(
            {"count": 3, "seed": 11, "towns": ["002"], "sex": "1", "resident_type": "japanese"}
        )
        rows = _csv(out.files[sampling.LIST_FILE])[1:]
        assert len(rows) == 3 and out.counts == {"rows": 3, "requested": 3, "seed": 11}
        assert all(r[3] == "男" and r[4].startswith("栄町二丁目") for r in rows)
        # the seed repeats the draw
        assert (
            out.files
            == sampling.run(
                {"count": "3", "seed": 11, "towns": "002", "sex": "1", "resident_type": "japanese"}
            ).files
        )
        draws = {
            tuple(
                r[1]
                for r in _csv(sampling.run({"count": 2, "towns": "002"}).files[sampling.LIST_FILE])[
                    1:
                ]
            )
            for _ in range(8)
        }
        assert len(draws) > 1  # without a seed each draw is its own
        foreign = _csv(
            sampling.run({"count": 5, "resident_type": "foreign"}).files[sampling.LIST_FILE]
        )[1:]
        assert [r[1] for r in foreign] == ["スミス　ジョン"] and foreign[0][
            2
        ] == "1975年5月5日"  # 西暦 ([90])
        born = _csv(
            sampling.run({"count": 99, "born_from": "1962-01-01", "born_to": "1963-12-31"}).files[
                sampling.LIST_FILE
            ]
        )[1:]
        assert {r[1] for r in born} == {"佐藤　和三", "佐藤　和四"}
        with pytest.raises(RegistryError) as exc:
            sampling.run({"count": 0})
        assert exc.value.violations[0].field == "count"


@pytest.mark.std("1330#1")
def test_a_protected_person_is_never_drawn_even_when_everyone_is(office) -> None:
    with activate(office.ctx()):
        head, wife, son, sato = _town(office)
        officer = _protect(office, wife.pk)
    for staff in (office.clerk, officer):
        with activate(office.ctx(staff)):
            out = sampling.run({"count": 1000})
            text = _text(out)
            assert out.counts["rows"] == 1 and "佐藤　次郎" in text
            assert "髙橋" not in text and "1番地2" not in text


@pytest.mark.std("1330#2")
def test_address_labels_for_the_persons_drawn(office) -> None:
    from jichitai.registry.models import AddressEntry

    with activate(office.ctx()):
        AddressEntry.objects.filter(pk=office.address2.pk).update(postal_code="1900001")
        _single(office, "佐藤", "次郎", "1990-03-03", katagaki="栄ハイツ101")
        out = sampling.run({"count": 1})
        labels = _csv(out.files[sampling.LABEL_FILE])
        assert labels == [
            ["番号", "郵便番号", "住所", "宛名"],
            ["1", "〒190-0001", "栄町二丁目7番地　栄ハイツ101", "佐藤　次郎　様"],
        ]


def _hold(office: Any, **subject: Any) -> Any:
    from jichitai.registry import holds

    return holds.set_hold(
        process="issuance",
        level="error",
        start=D(2024, 1, 1),
        reason="本人からの申出（窓口で確認）",
        staff=office.approver,
        **subject,
    )


@pytest.mark.std("1290#1")
def test_held_persons_list_masks_a_protected_subject_for_staff_without_need_to_know(office) -> None:
    with activate(office.ctx()):
        head, wife, son, sato = _town(office)
        _hold(office, person_id=sato.pk)
        _hold(office, household_id=head.household_id)
        officer = _protect(office, wife.pk)
        out = held_persons.run({})
        rows = _csv(out.files[held_persons.FILE])
        assert out.counts["rows"] == 2 and rows[0][0] == "番号"
        sato_row, family_row = rows[1], rows[2]
        assert (
            sato_row[4] == "佐藤　次郎"
            and sato_row[5] == sato.atena_no
            and "栄町二丁目" in sato_row[6]
        )
        assert (
            sato_row[1] == "証明書発行"
            and sato_row[9] == "本人からの申出（窓口で確認）"
            and sato_row[7] == "令和6年1月1日"
        )
        assert family_row[4] == "＊＊＊＊（支援措置対象）" and family_row[5:11] == [
            "",
            "（非表示）",
            "",
            "",
            "",
            "",
        ]
        assert "支援措置" not in "".join(r[1] for r in rows[1:])  # no measure is listed to them
    with activate(office.ctx(officer)):
        rows = _csv(held_persons.run({}).files[held_persons.FILE])
        assert len(rows) == 4 and rows[2][4] == "髙橋　一郎" and rows[3][4] == "髙橋　花子"
        assert rows[3][1] == "支援措置（証明書の交付等）" and rows[3][9] == "DV"
    with activate(office.ctx()), pytest.raises(RegistryError):
        held_persons.run({"ward": "北区"})  # [1290]#2 is for 指定都市: no such parameter here


def test_held_persons_list_of_another_municipality(office, office_b) -> None:
    with activate(office.ctx()):
        _town(office)
        _hold(office, person_id=people(family_name="佐藤")[0].pk)
    with activate(office_b.ctx()):
        out = held_persons.run({})
        assert out.counts["rows"] == 0 and "佐藤" not in _text(out)


def _ward(office: Any, pid: int) -> None:
    apply(
        office,
        "ex_officio_correction",
        {"person_id": pid, "changes": {"adult_ward": "yes"}},
        D(2024, 1, 10),
    )


@pytest.mark.std("1310#1")
def test_adult_ward_is_set_on_the_person(office) -> None:
    with activate(office.ctx()):
        head, wife, son, sato = _town(office)
        _ward(office, sato.pk)
        assert people(pk=sato.pk)[0].adult_ward == "yes"
        apply(
            office,
            "ex_officio_correction",
            {"person_id": sato.pk, "changes": {"adult_ward": "no"}},
            D(2024, 2, 1),
        )
        assert people(pk=sato.pk)[0].adult_ward == "no"


def _moves(office: Any, pid: int, planned: str = "2024-03-20") -> None:
    apply(
        office,
        "move_out_planned",
        {
            "person_ids": [pid],
            "destination": "大阪府大阪市北区梅田1丁目1番1号",
            "planned_date": planned,
        },
        D(2024, 3, 1),
    )


@pytest.mark.std("1310#2")
def test_a_notice_for_the_new_municipality_when_an_adult_ward_moves_out(office) -> None:
    with activate(office.ctx()):
        head, wife, son, sato = _town(office)
        _ward(office, sato.pk)
        _moves(office, sato.pk)
        _moves(office, son.pk)  # not a ward: no notice
        out = adult_ward.run({"since": "2024-03-01", "until": "令和6年3月31日"})
        assert out.counts == {"notices": 1} and list(out.files) == [
            "成年被後見人転出通知_0001.json"
        ]
        doc = json.loads(out.files["成年被後見人転出通知_0001.json"])
        assert doc["kind"] == "adult_ward_move_out_notice" and doc["person_ids"] == [sato.pk]
        assert doc["fields"]["氏名"] == "佐藤　次郎" and doc["fields"]["転出先の住所"].startswith(
            "大阪府大阪市北区"
        )
        assert (
            doc["fields"]["転出予定年月日"] == "令和6年3月20日"
            and doc["fields"]["記載事項"] == "成年被後見人である旨"
        )
        assert adult_ward.run({"since": "2024-04-01", "until": "2024-04-30"}).counts == {
            "notices": 0
        }
        with pytest.raises(RegistryError):
            adult_ward.run({"since": "2024-04-01"})


@pytest.mark.std("1310#2")
def test_no_notice_of_a_protected_ward_without_need_to_know_nor_of_another_municipality(
    office, office_b
) -> None:
    with activate(office.ctx()):
        head, wife, son, sato = _town(office)
        _ward(office, wife.pk)
        _moves(office, wife.pk)
        officer = _protect(office, wife.pk)
        assert adult_ward.run({"since": "2024-03-01", "until": "2024-03-31"}).counts == {
            "notices": 0
        }
    with activate(office.ctx(officer)):
        assert adult_ward.run({"since": "2024-03-01", "until": "2024-03-31"}).counts == {
            "notices": 1
        }
    with activate(office_b.ctx()):
        assert adult_ward.run({"since": "2024-03-01", "until": "2024-03-31"}).counts == {
            "notices": 0
        }


def _routes() -> list[str]:
    from .test_identity import _all_routes

    return [r.lower() for r in _all_routes()]


@pytest.mark.std("1310#3")
def test_no_list_of_adult_wards_can_be_made(office) -> None:
    """[1310]#3 (must not): no 成年被後見人の一覧表 — no batch file lists two, EUC has no such item
    (a condition naming it is refused), and no route offers one."""
    from jichitai.jobs.entries.registry_batch import JOBS
    from jichitai.registry.euc import catalogue
    from jichitai.registry.euc.run import EucError, parse_spec

    assert not [i for i in catalogue.ITEMS if i.key == "adult_ward" or "後見" in i.label]
    for cond in ("[成年被後見人の該当有無] = 「有」", "[adult_ward] = 「yes」"):
        with pytest.raises(EucError):
            parse_spec({"source": "persons", "items": ["氏名"], "where": cond})
    assert not [r for r in _routes() if "adult" in r or "ward" in r or "後見" in r]
    assert [j.name for j in JOBS if "1310" in j.functions] == ["registry.adult_ward_notices"]
    with activate(office.ctx()):
        head, wife, son, sato = _town(office)
        for p in (head, sato):
            _ward(office, p.pk)
        _moves(office, sato.pk)
        apply(
            office,
            "move_out_planned",
            {
                "person_ids": [head.pk, wife.pk, son.pk],
                "destination": "大阪府堺市",
                "planned_date": "2024-03-25",
            },
            D(2024, 3, 2),
        )
        out = adult_ward.run({"since": "2024-03-01", "until": "2024-03-31"})
        assert out.counts == {"notices": 2}
        assert all(
            len(json.loads(f)["person_ids"]) == 1 and not json.loads(f)["rows"]
            for f in out.files.values()
        )
        with pytest.raises(RegistryError):
            adult_ward.run({"since": "2024-03-01", "until": "2024-03-31", "format": "list"})


@pytest.mark.std("1350#1")
def test_no_list_of_transit_stayers_can_be_made(office) -> None:
    """[1350]#1 (must not): no 出生・国籍喪失による経過滞在者の一覧表 — no batch job, document or route
    offers one, and the batch lists refuse a condition on the 30条45 区分."""
    from jichitai.jobs.entries.registry_batch import JOBS
    from jichitai.registry.documents import KINDS

    assert not [j for j in JOBS if "1350" in j.functions or "transit" in j.name]
    assert not [k for k in KINDS.values() if "1350" in k.functions or "経過滞在" in k.title]
    assert not [r for r in _routes() if "transit" in r or "経過滞在" in r]
    with activate(office.ctx()):
        _single(
            office,
            "スミス",
            "ジョン",
            "2021-01-05",
            kana="スミス",
            resident_type="foreign",
            nationality="アメリカ合衆国",
            foreign_category="transit_birth",
            residence_status="",
            residence_card_no="",
        )
        for run, extra in ((inspection.run, {}), (sampling.run, {"count": 5})):
            with pytest.raises(RegistryError) as exc:
                run({**extra, "foreign_category": "transit_birth"})
            assert exc.value.violations[0].rule == "unknown_parameter"


def test_the_catalogue_entries_wrap_the_register_work_for_the_runner(office) -> None:
    """``jobs/entries/registry_batch.JOBS``: one entry per function, each returning a JobOutcome with
    the work's counts, message and files (the runner records them)."""
    from jichitai.jobs.contract import JobOutcome
    from jichitai.jobs.entries.registry_batch import JOBS

    by_name = {j.name: j for j in JOBS}
    assert sorted(f for j in JOBS for f in j.functions) == ["1290", "1310", "1320", "1330", "1340"]
    with activate(office.ctx()):
        _town(office)
        seen: list[tuple[int, int]] = []
        job = by_name["registry.inspection_copy"]
        out = job.run({**job.defaults}, lambda done, total: seen.append((done, total)))
        assert isinstance(out, JobOutcome) and out.counts == {"rows": 4} and seen == [(4, 4)]
        assert list(out.files) == ["閲覧用写し.csv"] and out.message.startswith(
            "閲覧用写しを作成しました"
        )
        with pytest.raises(RegistryError):  # the first time's defaults ask for the period first
            by_name["registry.adult_ward_notices"].run(
                dict(by_name["registry.adult_ward_notices"].defaults), lambda d, t: None
            )
