"""統合記載欄 ([140]), メモ ([150]), 改製 ([40]) and the 除票's 留意事項 ([50]#3): writing, history,
what certificates read, 支援措置 from the protected side, another municipality's rows."""

from __future__ import annotations

import datetime as dt

import pytest

from jichitai.registry import notes
from jichitai.registry.errors import RegistryError
from jichitai.registry.records_models import NoteRevision, Reissue
from jichitai.registry.selectors.snapshots import snapshots
from jichitai.tenancy.context import activate

from .conftest import apply, numbered
from .test_snapshots import _protect, aoki

D = dt.date
pytestmark = pytest.mark.django_db


def _rule(exc: pytest.ExceptionInfo[RegistryError]) -> str:
    return exc.value.violations[0].rule


@pytest.mark.std("140#1", "140#2", "140#4", "140#6")
def test_the_integrated_column_a_b_c(office) -> None:
    from jichitai.registry.models import RegistryEvent

    with activate(office.ctx()):
        taro, _ = aoki(office)
        move = RegistryEvent.objects.get(kind="move_within")
        notes.add_remark(move.pk, taro.pk, "転居先の番地を確認済み", staff=office.clerk)
        notes.add_note(taro.pk, "biko", "住民票の写しの交付に注意", staff=office.clerk)
        col = notes.certificate_column(taro.pk)
        # A: generated from the log, one line per 異動, nobody typed it
        assert col["history"] == ["2024-04-01 国内転入", "2024-05-01 転居"]
        assert col["remarks"] == ["転居先の番地を確認済み"]  # B: tied to the 異動 (below)
        assert col["notes"] == ["住民票の写しの交付に注意"]  # C: apart from the history
        assert snapshots(taro.pk, staff=office.clerk).rows[1].remarks == ("転居先の番地を確認済み",)
        first = RegistryEvent.objects.get(kind="move_in", request__persons__0__given_name="花子")
        with pytest.raises(RegistryError) as err:  # a 留意事項 belongs to one of the person's own 異動
            notes.add_remark(first.pk, taro.pk, "x", staff=office.clerk)
        assert _rule(err) == "event"
        with pytest.raises(RegistryError) as err:
            notes.add_remark(move.pk, taro.pk, "  ", staff=office.clerk)
        assert _rule(err) == "required"


@pytest.mark.std("140#7")
def test_special_adoption_wording(office) -> None:
    with activate(office.ctx()):
        taro, _ = aoki(office)
        with pytest.raises(RegistryError) as err:
            notes.add_note(taro.pk, "biko", "養子縁組（特別）", staff=office.clerk, topic="special_adoption")
        assert _rule(err) == "special_adoption_wording" and "「特別養子縁組」" in err.value.violations[0].message
        with pytest.raises(RegistryError):
            notes.add_note(taro.pk, "biko", "特別養子縁組", staff=office.clerk, topic="special_adoption_dissolved")
        n = notes.add_note(taro.pk, "biko", "特別養子縁組", staff=office.clerk, topic="special_adoption")
        with pytest.raises(RegistryError):  # an edit keeps the rule
            notes.edit_note(n.pk, "縁組解消", staff=office.clerk, topic="special_adoption_dissolved")
        notes.edit_note(n.pk, "特別養子縁組解消", staff=office.clerk, topic="special_adoption_dissolved")
        assert notes.certificate_column(taro.pk)["notes"] == ["特別養子縁組解消"]


@pytest.mark.std("150#1", "150#2", "150#3")
def test_memo_records_author_time_and_every_edit_and_delete(office) -> None:
    with activate(office.ctx()):
        taro, _ = aoki(office)
        m = notes.add_note(taro.pk, "memo", "窓口で英語の通訳が必要", staff=office.clerk)
        notes.edit_note(m.pk, "窓口で英語・中国語の通訳が必要", staff=office.approver)
        notes.delete_note(m.pk, staff=office.clerk)
        (memo,) = notes.memos(taro.pk, staff=office.clerk)
        assert memo.deleted and memo.text == ""
        assert [(r.action, r.text, r.staff) for r in memo.revisions] == [
            ("create", "窓口で英語の通訳が必要", "clerk-a"),
            ("edit", "窓口で英語・中国語の通訳が必要", "approver-a"),
            ("delete", "", "clerk-a"),
        ]
        assert all(r.at is not None for r in memo.revisions)
        with pytest.raises(RegistryError) as err:
            notes.edit_note(m.pk, "再入力", staff=office.clerk)
        assert _rule(err) == "deleted"
        assert NoteRevision.objects.count() == 3  # nothing was overwritten


@pytest.mark.std("150#4")
def test_memo_is_never_certificate_data(office) -> None:
    with activate(office.ctx()):
        taro, _ = aoki(office)
        notes.add_note(taro.pk, "memo", "秘密のメモ", staff=office.clerk)
        notes.add_note(taro.pk, "biko", "備考です", staff=office.clerk)
        col = notes.certificate_column(taro.pk)
        assert "秘密のメモ" not in repr(col) and col["notes"] == ["備考です"]
        assert all("秘密のメモ" not in repr(s) for s in snapshots(taro.pk, staff=office.clerk).rows)


@pytest.mark.std("50#3")
def test_a_removed_record_takes_a_remark_on_its_removal(office) -> None:
    from jichitai.registry.models import RegistryEvent

    with activate(office.ctx()):
        taro, hanako = aoki(office)
        apply(office, "move_out_abroad", {"person_ids": [hanako.pk], "destination": "アメリカ合衆国"}, D(2024, 7, 1))
        out = RegistryEvent.objects.get(kind="move_out_abroad")
        notes.add_remark(out.pk, hanako.pk, "転出先の記載に誤記あり。正しくは「アメリカ合衆国ハワイ州」", staff=office.clerk)
        col = notes.certificate_column(hanako.pk)
        assert col["history"][-1] == "2024-07-01 国外転出"
        assert col["remarks"] == ["転出先の記載に誤記あり。正しくは「アメリカ合衆国ハワイ州」"]


@pytest.mark.std("40#1", "40#2", "40#3")
def test_manual_reissue_with_its_date_and_no_automatic_one(office) -> None:
    with activate(office.ctx()):
        taro, _ = aoki(office)
        for i in range(30):  # far more rows than a paper 欄 holds: no automatic 改製
            apply(office, "ex_officio_correction", {"person_id": taro.pk, "changes": {"hittousha": f"青木太郎{numbered(i)}"}},
                  D(2024, 6, 1) + dt.timedelta(days=i))
        rows = snapshots(taro.pk, staff=office.clerk).rows
        assert len(rows) == 32 and not any(r.reason == "改製" for r in rows) and not Reissue.objects.exists()
        with pytest.raises(RegistryError) as err:
            notes.reissue(taro.pk, D(2024, 5, 1), staff=office.clerk)
        assert _rule(err) == "order"
        r = notes.reissue(taro.pk, D(2024, 8, 1), staff=office.clerk, reason="記載欄の整理")
        assert r.reissued_on == D(2024, 8, 1)
        rows = snapshots(taro.pk, staff=office.clerk).rows
        assert len(rows) == 33 and all(x.reissued for x in rows[:32])
        assert (rows[-1].reason, rows[-1].division, rows[-1].effective_date, rows[-1].reissued) == (
            "改製", "記載", "2024-08-01", False)
        assert rows[-1].row == rows[-2].row  # the new 原票 carries the record over
        apply(office, "ex_officio_correction", {"person_id": taro.pk, "changes": {"hittousha": "青木太郎"}},
              D(2024, 9, 1))
        assert [x.history_no for x in snapshots(taro.pk, staff=office.clerk).rows][-2:] == [33, 34]


def test_protected_person_notes_from_the_protected_side(office) -> None:
    from jichitai.registry.models import RegistryEvent

    with activate(office.ctx()):
        taro, hanako = aoki(office)
        officer = _protect(office, hanako.pk)
        ev = RegistryEvent.objects.filter(kind="move_in").last()
        for call in (lambda: notes.add_note(hanako.pk, "memo", "x", staff=office.clerk),
                     lambda: notes.add_remark(ev.pk, hanako.pk, "x", staff=office.clerk),
                     lambda: notes.memos(hanako.pk, staff=office.clerk),
                     lambda: notes.remarks_and_notes(hanako.pk, staff=office.clerk),
                     lambda: notes.reissue(hanako.pk, D(2024, 8, 1), staff=office.clerk)):
            with pytest.raises(RegistryError) as err:
                call()
            assert _rule(err) == "support_measure"
        m = notes.add_note(hanako.pk, "memo", "支援措置担当のメモ", staff=officer)
        with pytest.raises(RegistryError):
            notes.edit_note(m.pk, "書き換え", staff=office.clerk)
        assert notes.memos(hanako.pk, staff=officer)[0].text == "支援措置担当のメモ"


def test_another_municipalitys_person_and_notes_are_not_found(office, office_b) -> None:
    with activate(office.ctx()):
        taro, _ = aoki(office)
        m = notes.add_note(taro.pk, "memo", "A町のメモ", staff=office.clerk)
    with activate(office_b.ctx()):
        for call in (lambda: notes.add_note(taro.pk, "memo", "x", staff=office_b.clerk),
                     lambda: notes.edit_note(m.pk, "x", staff=office_b.clerk),
                     lambda: notes.memos(taro.pk, staff=office_b.clerk)):
            with pytest.raises(RegistryError) as err:
                call()
            assert _rule(err) == "not_found"


