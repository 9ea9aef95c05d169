"""市町村通知 ([970]) as data: foreign residents' 異動 in 承認順 (the 異動's time order), classed
住基法・入管法 / 住基法; a 転出予定 only once its date has come; protected persons carry no identifier
for staff without need-to-know; another municipality's 異動 are not in it. The must-nots."""

from __future__ import annotations

import datetime as dt
import inspect

import pytest

from jichitai.registry import immigration
from jichitai.registry.documents import build, load_all
from jichitai.registry.documents.immigration_notice import build_municipal_notice
from jichitai.tenancy.context import activate

from .conftest import apply, move_in_family, people
from .test_immigration import family
from .test_snapshots import _protect

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.mark.std("970#1", "970#2")
def test_foreign_residents_events_in_order_with_their_class(office, office_b) -> None:
    with activate(office.ctx()):
        move_in_family(office)  # Japanese residents: not notified
        head, wife = family(office)[-2:]
        apply(
            office,
            "move_within",
            {
                "person_ids": [head.pk, wife.pk],
                "address": {"address_id": office.address2.pk, "banchi": "8番地"},
            },
            D(2024, 5, 1),
        )
        apply(
            office,
            "move_out_planned",
            {
                "person_ids": [wife.pk],
                "destination": "大阪府大阪市北区",
                "planned_date": "2024-08-01",
            },
            D(2024, 6, 1),
        )
        doc = build("municipal_notice", staff=office.clerk, on=D(2024, 7, 1))
        got = [(r["連番"], r["区分"], r["異動事由"], r["在留カード等番号"]) for r in doc.rows]
        assert got == [
            (1, "住基法・入管法", "法第30条の46転入", "AA00000001BB"),
            (2, "住基法・入管法", "法第30条の46転入", "AA00000002BB"),
            (3, "住基法・入管法", "転居", "AA00000001BB"),
            (4, "住基法・入管法", "転居", "AA00000002BB"),
        ]
        assert doc.rows[0]["生年月日"] == "1990年2月2日" and "本町一丁目" in doc.rows[0]["住所"]
        assert "栄町二丁目8番地" in doc.rows[2]["住所"]  # each line: the address of its 異動
        apply(office, "name_change", {"person_id": head.pk, "family_name": "チャン"}, D(2024, 6, 2))
        doc = build("municipal_notice", staff=office.clerk, on=D(2024, 7, 1))
        assert doc.rows[-1]["異動事由"] == "氏名変更" and "転出（予定）" not in str(
            doc.rows
        )  # held until its date
        last = doc.fields["最終承認番号"]
        later = build(
            "municipal_notice",
            staff=office.clerk,
            on=D(2024, 8, 1),
            since=last,
            since_on=D(2024, 7, 1),
        )
        assert [(r["区分"], r["異動事由"], r["異動日"]) for r in later.rows] == [
            ("住基法", "転出（予定）", "2024年8月1日")
        ]
        again = build(
            "municipal_notice",
            staff=office.clerk,
            on=D(2024, 9, 1),
            since=last,
            since_on=D(2024, 8, 1),
        )
        assert again.rows == ()  # sent once
        assert all(p.resident_type == "foreign" for p in people() if p.pk in later.person_ids)
    with activate(office_b.ctx()):
        assert build("municipal_notice", staff=office_b.clerk, on=D(2024, 8, 1)).rows == ()


def test_a_protected_person_is_a_mask_in_the_notice(office) -> None:
    with activate(office.ctx()):
        head, _ = family(office)
        officer = _protect(office, head.pk)
        rows = build("municipal_notice", staff=office.clerk, on=D(2024, 7, 1)).rows
        assert [set(r) for r in rows][0] == {
            "連番",
            "区分",
            "異動事由",
            "異動日",
            "受付番号",
            "氏名",
        }
        assert "AA00000001BB" not in str(rows) and "ヴァン" not in str(rows)
        assert "AA00000001BB" in str(
            build("municipal_notice", staff=officer, on=D(2024, 7, 1)).rows
        )


@pytest.mark.std("970#3")
def test_no_notice_selected_by_an_unfinished_card_endorsement(office) -> None:
    """No 在留カード裏書 state exists, and the notice takes no selection by one: asking fails."""
    assert set(inspect.signature(build_municipal_notice).parameters) == {
        "staff",
        "since",
        "on",
        "since_on",
    }
    with activate(office.ctx()), pytest.raises(TypeError):
        build("municipal_notice", staff=office.clerk, endorsement_pending=True)


@pytest.mark.std("970#4")
def test_no_consistency_check_against_immigration_data(office) -> None:
    """No 整合性確認: no document or command compares the register with an 入管 extract; a file in
    any other layout than the notice file is refused at its first line and changes nothing."""
    assert not [k for k in load_all().values() if "整合" in k.title or "照合" in k.title]
    assert not [n for n in dir(immigration) if "consisten" in n.lower() or "reconcil" in n.lower()]
    with activate(office.ctx()):
        family(office)
        extract = "在留カード番号,氏名,生年月日,住居地\nAA00000001BB,グエン,1990-02-02,本町\n"
        done = immigration.apply(extract, staff=office.clerk)
        assert [n for n, _ in done.review.problems] == [1] and done.events == {}
