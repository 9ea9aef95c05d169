"""[210] 異動事由: every event kind maps onto the standard's 区分; no 「転居取消」 区分 exists."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jichitai.registry import reasons
from jichitai.registry.models import EventKind

D = dt.date
CSV = Path(__file__).parents[2] / "src/jichitai/conformance/data/jyuki_functions.csv"


def _standard_list() -> dict[str, list[str]]:
    text = next(r["text"] for r in csv.DictReader(CSV.open(encoding="utf-8"))
                if r["function_id"] == "210" and r["item_no"] == "1")
    out: dict[str, list[str]] = {}
    current = ""
    for line in text.splitlines():
        if line.startswith("○"):
            current = line[1:3]
            out[current] = []
        elif line.startswith("・") and current:
            out[current].append(line[1:].split("（※")[0])
    return out


@pytest.mark.std("210#1")
def test_the_list_is_the_standards_word_for_word() -> None:
    assert {k: list(v) for k, v in reasons.STANDARD_REASONS.items()} == _standard_list()


@pytest.mark.std("210#1")
def test_every_event_kind_maps_to_a_standard_reason() -> None:
    for kind in EventKind.values:
        r = reasons.classify(kind)
        assert r.label in reasons.STANDARD_REASONS[r.division], kind
    assert set(reasons.KIND_REASONS) == set(EventKind.values)
    assert reasons.classify("move_in").label == "国内転入"
    assert reasons.classify("ex_officio_entry", sub_reason="naturalization", resident_type="japanese").label \
        == "職権記載（帰化等）"
    # ※日本人住民のみ: a foreign resident's 職権記載 is never 「帰化等」
    assert reasons.classify("ex_officio_entry", sub_reason="naturalization", resident_type="foreign").label == "職権記載"
    assert reasons.classify("ex_officio_deletion", sub_reason="naturalization", resident_type="foreign").label \
        == "職権消除（帰化等）"
    assert reasons.classify("ex_officio_correction", changed={"my_number": ("", "123")}).label == "個人番号の職権記載"
    assert reasons.classify("ex_officio_correction", changed={"former_surname": ("佐藤", "")}).label == "旧氏の削除"
    assert reasons.classify("ex_officio_correction", changed={"alias": ("", "山田")}).label == "通称の記載"
    assert reasons.classify("cancellation", target_kind="move_in").label == "異動の取消し（減）"
    assert reasons.classify("cancellation", target_kind="death").label == "異動の取消し（増）"
    assert {r.code for r in reasons.KIND_REASONS.values()} >= {"E01", "R03", "C01"}


@pytest.mark.std("210#2")
@given(kind=st.sampled_from(EventKind.values), target=st.sampled_from(["", *EventKind.values]),
       sub=st.sampled_from(["", "naturalization", "loss_of_nationality", "x"]),
       rtype=st.sampled_from(["", "japanese", "foreign"]),
       item=st.sampled_from(["", "my_number", "resident_code", "former_surname", "alias", "family_name"]))
def test_no_kind_or_sub_reason_gives_a_move_cancellation_division(kind, target, sub, rtype, item) -> None:
    changed = {item: ("a", "")} if item else None
    r = reasons.classify(kind, target_kind=target if target != "cancellation" else "", sub_reason=sub,
                         resident_type=rtype, changed=changed)
    assert r.label in reasons.all_labels()
    assert "転居取消" not in r.label and "転居取消" not in r.division
    # a 取消 of a 転居 is the standard's 「異動の取消し（修正）」
    assert reasons.classify("cancellation", target_kind="move_within").label == "異動の取消し（修正）"


@pytest.mark.std("210#2")
@pytest.mark.django_db
def test_a_cancelled_move_reads_as_the_standards_reason_in_the_history(office) -> None:
    from jichitai.registry.labels import REQUEST_LABELS
    from jichitai.registry.models import RegistryEvent
    from jichitai.registry.selectors.snapshots import snapshots
    from jichitai.tenancy.context import activate

    from .conftest import apply
    from .test_snapshots import aoki

    assert "転居取消" not in repr(reasons.STANDARD_REASONS) + repr(reasons.KIND_REASONS) + repr(REQUEST_LABELS)
    assert all("転居取消" not in label for label in EventKind.labels)
    with activate(office.ctx()):
        taro, _ = aoki(office)
        move = RegistryEvent.objects.get(kind="move_within")
        apply(office, "cancellation", {"target_event_id": move.pk}, move.effective_date)
        rows = snapshots(taro.pk, staff=office.clerk).rows
        assert [(s.reason, s.row["address"]) for s in rows][-1] == ("異動の取消し（修正）", "松町1番地")
        assert "転居取消" not in repr(rows)
