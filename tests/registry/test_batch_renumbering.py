"""[1340] 住所一括変更 (住居表示の実施等): 抽出, 仮処理 (a clerk enters), 本処理 (a second person
approves), all or nothing per address, the 処理結果確認一覧, and the four must-nots.

Each household's change is a 異動 「住居表示の実施等」 (事由 軽微な修正) through the normal planner, so
``as_of`` equals replay; a protected household is handled only by staff with need-to-know, and its
line names nothing; another municipality's households are never found.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest

from jichitai.registry import events, selectors
from jichitai.registry.batch import renumbering
from jichitai.registry.errors import RegistryError
from jichitai.registry.models import Household, RegistryEvent
from jichitai.registry.reasons import classify
from jichitai.tenancy.context import activate

from .conftest import apply, move_in_family, people, person_spec
from .test_snapshots import _protect

D = dt.date
pytestmark = pytest.mark.django_db
ON = D(2024, 6, 1)  # 実施日
HEADER = "世帯番号,変更前町字コード,変更前番地,変更後町字コード,変更後番地\n"


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def _single(office: Any, family: str, banchi: str, *, katagaki: str = "") -> Any:
    spec = person_spec("p1", family, "次郎", "1990-03-03", "世帯主", family_kana="サトウ")
    apply(
        office,
        "move_in",
        {
            "household": {
                "new": {"address_id": office.address.pk, "banchi": banchi, "katagaki": katagaki}
            },
            "persons": [spec],
            "previous_address": "大阪府大阪市北区1番",
        },
        D(2021, 4, 1),
    )
    return people(family_name=family)[0]


def _street(office: Any) -> tuple[Household, Household, Household]:
    """At 本町一丁目 (001): 髙橋 (3) and 佐藤 at 1番地2, 鈴木 at 5番地."""
    move_in_family(office)
    takahashi = people(family_name="髙橋")[0].household
    sato = _single(office, "佐藤", "1番地2", katagaki="本町ハイツ2号").household
    suzuki = _single(office, "鈴木", "5番地").household
    return takahashi, sato, suzuki


def _csv(*lines: tuple[Household, str, str]) -> str:
    return HEADER + "".join(f"{h.household_no},001,{old},001,{new}\n" for h, old, new in lines)


def _plan(t: Household, s: Household, z: Household) -> str:
    return _csv((t, "1番地2", "3番12号"), (s, "１番地２", "3番12号"), (z, "5番地", "4番1号"))


def _run(
    office: Any, staff: Any, mode: str, text: str, more: dict[str, Any] | None = None, **extra: Any
) -> Any:
    with activate(office.ctx(staff)):
        return renumbering.run(
            {"mode": mode, "csv": text, "effective_date": ON.isoformat()} | (more or {}) | extra
        )


def _fresh(h: Household) -> Household:
    return Household.objects.get(pk=h.pk)


@pytest.mark.std("1340#1")
def test_extract_then_trial_then_final_renumbers_every_household_where_it_stands(office) -> None:
    with activate(office.ctx()):
        t, s, z = _street(office)
        before = {p.pk: p.address_set_on for p in people()}
        template = renumbering.run({"mode": "extract", "towns": "001", "banchi_prefix": "1番"})
    rows = _rows(template.files["住所一括変更_対象世帯.csv"])
    assert rows[0] == list(renumbering.TEMPLATE_HEADER)
    assert [r[:4] for r in rows[1:]] == [
        [t.household_no, "001", "1番地2", ""],
        [s.household_no, "001", "1番地2", "本町ハイツ2号"],
    ]
    trial = _run(office, office.clerk, "trial", _plan(t, s, z))
    assert trial.counts == {"rows": 3, "done": 3, "excluded": 0, "already": 0}
    with activate(office.ctx()):
        assert _fresh(t).banchi == "1番地2"  # 仮登録: nothing changed yet
        assert (
            RegistryEvent.objects.filter(kind="address_renumbering", status="provisional").count()
            == 3
        )
    final = _run(office, office.approver, "final", _plan(t, s, z))
    assert final.counts == {"rows": 3, "done": 3, "excluded": 0, "already": 0}
    assert "処理番号" in final.message
    with activate(office.ctx()):
        assert (_fresh(t).banchi, _fresh(s).banchi, _fresh(s).katagaki, _fresh(z).banchi) == (
            "3番12号",
            "3番12号",
            "本町ハイツ2号",
            "4番1号",
        )
        assert {p.pk: p.address_set_on for p in people()} == before  # nobody moved
        e = RegistryEvent.objects.filter(kind="address_renumbering").first()
        assert (
            classify(e.kind).label == "軽微な修正"
            and e.reported_date is None
            and e.effective_date == ON
        )
        for h in (t, s, z):  # as_of equals replay for the new kind, before and from the 実施日
            for day in (ON - dt.timedelta(days=1), ON):
                replayed = selectors.replay_all(until=day)[("household", h.pk)]
                shown = selectors.household_as_of(h.pk, day)
                assert {f: shown[f] for f in ("address_id", "banchi", "katagaki")} == {
                    f: replayed[f] for f in ("address_id", "banchi", "katagaki")
                }
            assert shown["banchi"] == _fresh(h).banchi
            assert selectors.household_as_of(h.pk, ON - dt.timedelta(days=1))["banchi"] in (
                "1番地2",
                "5番地",
            )
    # run twice: nothing more happens
    again = _run(office, office.approver, "final", _plan(t, s, z))
    assert again.counts == {"rows": 3, "done": 0, "excluded": 0, "already": 3}


@pytest.mark.std("1340#2")
def test_trial_and_final_are_two_people_and_the_result_list_says_what_happened(office) -> None:
    with activate(office.ctx()):
        t, s, z = _street(office)
    text = _plan(t, s, z)
    _run(office, office.clerk, "trial", text)
    with pytest.raises(RegistryError) as exc:
        # the clerk may not approve (not an approver, nor twice)
        _run(office, office.clerk, "final", text)
    assert exc.value.violations[0].rule in ("not_approver", "same_person")
    rows = _rows(_run(office, office.approver, "final", text).files["住所一括変更_本処理結果.csv"])
    assert rows[0] == list(renumbering.RESULT_HEADER)
    assert rows[1] == [
        "2",
        t.household_no,
        "本町一丁目1番地2",
        "本町一丁目3番12号",
        "変更しました",
        "",
    ]
    assert rows[2][3] == "本町一丁目3番12号　本町ハイツ2号"  # the 方書 stays when none is given


@pytest.mark.std("1340#2")
def test_one_household_that_cannot_change_keeps_its_whole_address_back(office) -> None:
    """All or nothing per address: a 転出予定者 at 1番地2 holds back 1番地2; 5番地 goes on."""
    with activate(office.ctx()):
        t, s, z = _street(office)
        son = people(family_name="髙橋")[2]
        apply(
            office,
            "move_out_planned",
            {"person_ids": [son.pk], "destination": "大阪府堺市", "planned_date": "2024-12-01"},
            D(2024, 5, 1),
        )
    trial = _run(office, office.clerk, "trial", _plan(t, s, z))
    assert trial.counts == {"rows": 3, "done": 1, "excluded": 2, "already": 0}
    rows = {r[1]: r for r in _rows(trial.files["住所一括変更_仮処理結果.csv"])[1:]}
    assert (
        "転出予定者" in rows[t.household_no][5]
        and rows[s.household_no][5] == renumbering.WITH_OTHERS
    )
    assert rows[z.household_no][4] == "仮登録"
    with activate(office.ctx()):
        # nothing stored for 1番地2
        assert RegistryEvent.objects.filter(kind="address_renumbering").count() == 1
    final = _run(office, office.approver, "final", _plan(t, s, z))
    assert final.counts["done"] == 1 and final.counts["excluded"] == 2
    with activate(office.ctx()):
        assert (_fresh(t).banchi, _fresh(s).banchi, _fresh(z).banchi) == (
            "1番地2",
            "1番地2",
            "4番1号",
        )


@pytest.mark.std("1340#2")
def test_a_household_changed_after_the_trial_is_left_out_with_its_address(office) -> None:
    with activate(office.ctx()):
        t, s, z = _street(office)
    text = _plan(t, s, z)
    _run(office, office.clerk, "trial", text)
    # the clerk who holds the 仮登録 records a 氏名変更 of 佐藤 meanwhile
    with activate(office.ctx()):
        apply(
            office,
            "name_change",
            {"person_id": people(family_name="佐藤")[0].pk, "family_name": "伊藤"},
            D(2024, 6, 1),
        )
    final = _run(office, office.approver, "final", text)
    assert final.counts == {"rows": 3, "done": 1, "excluded": 2, "already": 0}
    rows = {r[1]: r for r in _rows(final.files["住所一括変更_本処理結果.csv"])[1:]}
    assert rows[s.household_no][4] == "除外" and "他の職員が先に" in rows[s.household_no][5]
    with activate(office.ctx()):
        assert (_fresh(t).banchi, _fresh(s).banchi, _fresh(z).banchi) == (
            "1番地2",
            "1番地2",
            "4番1号",
        )
        assert set(
            RegistryEvent.objects.filter(kind="address_renumbering").values_list(
                "status", flat=True
            )
        ) == {
            "approved",
            "rejected",
        }  # the left-out address's 異動 no longer wait (nor lock the counter)
    retry = _run(office, office.clerk, "trial", text, round=2)  # a new 回次 for what was left out
    assert retry.counts == {"rows": 3, "done": 2, "excluded": 0, "already": 1}


def test_bad_input_is_named_line_by_line_and_never_a_crash(office) -> None:
    with activate(office.ctx()):
        t, s, z = _street(office)
    text = (
        HEADER + f"{t.household_no},001,1番地2,999,3番12号\n{s.household_no},001,1番地2,001,三番\n"
        f"{z.household_no},001,5番地,001,\n0000000000,001,7番地,001,8番地\n{z.household_no},001,5番地,001,6番地\n"
    )
    out = _run(office, office.clerk, "trial", text)
    reasons = [r[5] for r in _rows(out.files["住所一括変更_仮処理結果.csv"])[1:]]
    assert (
        "町字コード 999" in reasons[0]
        and "算用数字" in reasons[1]
        and "変更後番地を入力" in reasons[2]
    )
    assert "見つかりません" in reasons[3] and "2回以上" in reasons[4]
    for bad in (
        {"csv": "a,b\n1,2\n"},
        {"csv": ""},
        {"effective_date": "2999-01-01"},
        {"mode": "now"},
    ):
        with pytest.raises(RegistryError):
            _run(office, office.clerk, "trial", _plan(t, s, z), bad)


@pytest.mark.std("1340#2")
def test_a_protected_household_is_handled_only_with_need_to_know_and_named_nowhere(office) -> None:
    from jichitai.accounts.models import RoleGrant

    with activate(office.ctx()):
        t, s, z = _street(office)
        officer = _protect(office, people(family_name="髙橋")[1].pk)
        RoleGrant.objects.create(staff=officer, municipality=office.municipality, role="clerk")
        template = renumbering.run({"mode": "extract", "towns": "001"})
        assert [r[0] for r in _rows(template.files["住所一括変更_対象世帯.csv"])[1:]] == [
            s.household_no,
            z.household_no,
        ]
        assert "支援措置担当" in template.message
    trial = _run(office, office.clerk, "trial", _plan(t, s, z))
    line = _rows(trial.files["住所一括変更_仮処理結果.csv"])[1]
    assert line == ["2", "", "", "", "除外", renumbering.PROTECTED]  # no 世帯番号, no address
    text = trial.files["住所一括変更_仮処理結果.csv"].decode("utf-8-sig")
    assert t.household_no not in text and "髙橋" not in text
    assert trial.counts["done"] == 1  # 5番地 only: 1番地2 waits for the support staff
    by_officer = _run(
        office, officer, "trial", _csv((t, "1番地2", "3番12号"), (s, "1番地2", "3番12号")), round=2
    )
    assert by_officer.counts["done"] == 2
    with activate(office.ctx()):
        ids = list(
            RegistryEvent.objects.filter(
                kind="address_renumbering", status="provisional", entered_by=officer
            ).values_list("pk", flat=True)
        )
        # the approver without need-to-know may not approve it either
        with pytest.raises(RegistryError):
            events.approve_event(ids[0], approver=office.approver)


def test_another_municipalitys_households_are_never_found(office, office_b) -> None:
    with activate(office.ctx()):
        t, s, z = _street(office)
        head = people(family_name="髙橋")[0]
    with activate(office_b.ctx()):
        out = renumbering.run(
            {"mode": "trial", "csv": _plan(t, s, z), "effective_date": ON.isoformat()}
        )
        assert out.counts["excluded"] == 3 and out.counts["done"] == 0
        assert renumbering.run({"mode": "extract", "towns": "001"}).counts == {"households": 0}
        text = _honseki_csv((head, head.honseki, "テスト県甲村2番地"))
        out = renumbering.run({"mode": "trial", "csv": text, "effective_date": ON.isoformat()})
        assert out.counts["excluded"] == 1 and "見つかりません" in out.files[
            "住所一括変更_仮処理結果.csv"
        ].decode("utf-8-sig")
    with activate(office.ctx()):
        assert (
            _fresh(t).banchi == "1番地2"
            and not RegistryEvent.objects.filter(kind__endswith="_renumbering").exists()
        )


@pytest.mark.std("1340#3")
def test_no_list_of_names_birth_dates_honseki_or_heads_of_the_area(office) -> None:
    """[1340]#3 (must not): no list of 氏名・住所・生年月日・本籍・筆頭者・世帯主か否か of the area: the
    template and the result lists hold 世帯番号 and addresses only."""
    with activate(office.ctx()):
        t, s, z = _street(office)
        template = renumbering.run({"mode": "extract", "towns": "001"})
        with pytest.raises(RegistryError):
            renumbering.run({"mode": "extract", "towns": "001", "items": "氏名,生年月日,本籍"})
    outs = [
        template,
        _run(office, office.clerk, "trial", _plan(t, s, z)),
        _run(office, office.approver, "final", _plan(t, s, z)),
    ]
    for out in outs:
        text = "".join(f.decode("utf-8-sig") for f in out.files.values())
        for secret in (
            "髙橋",
            "佐藤",
            "鈴木",
            "一郎",
            "昭和",
            "1980",
            "テスト県甲村",
            "世帯主",
            "氏名",
            "生年月日",
            "本籍",
            "筆頭者",
        ):
            assert secret not in text, secret


@pytest.mark.std("1340#4")
def test_no_list_of_the_events_in_the_area_between_base_and_execution_date(office) -> None:
    """[1340]#4 (must not): no 確認用の一覧 of the 異動 (氏名・住所・方書・異動事由 before and after) in
    the area between 基準日 and 実施日: no mode or parameter asks for one, and no output carries one."""
    with activate(office.ctx()):
        t, s, z = _street(office)
        apply(
            office,
            "name_change",
            {"person_id": people(family_name="鈴木")[0].pk, "family_name": "鈴川"},
            D(2024, 5, 1),
        )
    for extra in (
        {"mode": "events"},
        {"mode": "trial", "since": "2024-01-01"},
        {"base_date": "2024-01-01"},
    ):
        with pytest.raises(RegistryError):
            _run(office, office.clerk, "trial", _plan(t, s, z), extra)
    out = _run(office, office.clerk, "trial", _plan(t, s, z))
    assert list(out.files) == ["住所一括変更_仮処理結果.csv"]
    text = out.files["住所一括変更_仮処理結果.csv"].decode("utf-8-sig")
    assert (
        "鈴川" not in text
        and "鈴木" not in text
        and "異動事由" not in text
        and "氏名変更" not in text
    )


@pytest.mark.std("1340#5")
def test_no_notice_to_the_family_register_annex_is_made_or_sent(office) -> None:
    """[1340]#5 (must not): no 戸籍附票記載事項通知 built and sent in bulk: the outputs are the result
    list only, and a parameter asking for the notice is refused."""
    with activate(office.ctx()):
        t, s, z = _street(office)
    with pytest.raises(RegistryError):
        _run(office, office.clerk, "trial", _plan(t, s, z), fuhyo_notice=True)
    _run(office, office.clerk, "trial", _plan(t, s, z))
    out = _run(office, office.approver, "final", _plan(t, s, z))
    assert list(out.files) == ["住所一括変更_本処理結果.csv"]
    assert not [k for k in out.files if "附票" in k or "通知" in k]


@pytest.mark.std("1340#6")
def test_no_data_is_provided_to_post_offices_or_banks(office) -> None:
    """[1340]#6 (must not): no data for 郵便局・金融機関 and other bodies: no parameter names a recipient
    and the batch writes nothing but its own lists."""
    with activate(office.ctx()):
        t, s, z = _street(office)
    for extra in ({"provide_to": "郵便局"}, {"recipients": "金融機関"}, {"mode": "export"}):
        with pytest.raises(RegistryError):
            _run(office, office.clerk, "trial", _plan(t, s, z), extra)
    for mode, staff in (("trial", office.clerk), ("final", office.approver)):
        out = _run(office, staff, mode, _plan(t, s, z))
        assert list(out.files) == [f"住所一括変更_{renumbering.MODES[mode]}結果.csv"]


def _honseki_csv(*lines: tuple[Any, str, str]) -> str:
    return "宛名番号,変更前本籍,変更後本籍\n" + "".join(
        f"{p.atena_no},{old},{new}\n" for p, old, new in lines
    )


@pytest.mark.std("1340#2")
def test_honseki_by_atena_number_from_a_csv_in_trial_and_final(office) -> None:
    """本籍 from a CSV of 宛名番号 and 変更前後: 「本籍の表示の変更」 per person (事由 軽微な修正), all or
    nothing per 本籍 before; 筆頭者 and everything else stay."""
    with activate(office.ctx()):
        _street(office)
        head, wife, son = people(family_name="髙橋")
        sato = people(family_name="佐藤")[0]
        suzuki = people(family_name="鈴木")[0]
        apply(
            office,
            "ex_officio_correction",
            {"person_id": suzuki.pk, "changes": {"honseki": "テスト県乙村5番地"}},
            D(2024, 1, 5),
        )
    old, new = "テスト県甲村1番地", "テスト県甲村一丁目1番"
    text = _honseki_csv(
        (head, old, new),
        (wife, old, new),
        (son, old, new),
        (sato, old, new),
        (suzuki, "テスト県乙村9番地", "テスト県乙村2番"),
    )  # 鈴木's 変更前 is wrong
    trial = _run(office, office.clerk, "trial", text)
    assert trial.counts == {"rows": 5, "done": 4, "excluded": 1, "already": 0}, trial.files[
        "住所一括変更_仮処理結果.csv"
    ].decode("utf-8-sig")
    rows = _rows(trial.files["住所一括変更_仮処理結果.csv"])
    assert rows[0] == ["行", "宛名番号", "変更前本籍", "変更後本籍", "結果", "理由"]
    assert rows[5][4] == "除外" and "一致しません" in rows[5][5]
    final = _run(office, office.approver, "final", text)
    assert final.counts == {"rows": 5, "done": 4, "excluded": 1, "already": 0}
    with activate(office.ctx()):
        assert {p.honseki for p in people(family_name__in=["髙橋", "佐藤"])} == {new}
        assert people(pk=head.pk)[0].hittousha == head.hittousha
        assert people(pk=suzuki.pk)[0].honseki == "テスト県乙村5番地"
        e = RegistryEvent.objects.filter(kind="honseki_renumbering", status="approved").first()
        assert classify(e.kind).label == "軽微な修正"
        assert selectors.as_of(head.pk, ON)["honseki"] == new
        assert selectors.as_of(head.pk, ON - dt.timedelta(days=1))["honseki"] == old


@pytest.mark.std("1340#2")
def test_honseki_of_a_protected_person_is_named_nowhere_and_her_group_waits(office) -> None:
    with activate(office.ctx()):
        _street(office)
        head, wife, son = people(family_name="髙橋")
        sato = people(family_name="佐藤")[0]
        _protect(office, wife.pk)
    old, new = "テスト県甲村1番地", "テスト県甲村一丁目1番"
    trial = _run(office, office.clerk, "trial", _honseki_csv((wife, old, new), (sato, old, new)))
    rows = _rows(trial.files["住所一括変更_仮処理結果.csv"])
    assert rows[1] == ["2", "", "", "", "除外", renumbering.PROTECTED]
    assert rows[2][4] == "除外" and rows[2][5] == renumbering.WITH_OTHERS
    assert wife.atena_no not in trial.files["住所一括変更_仮処理結果.csv"].decode("utf-8-sig")
    with activate(office.ctx()):
        assert not RegistryEvent.objects.filter(kind="honseki_renumbering").exists()


@pytest.mark.std("1340#1")
def test_notices_before_and_after_one_per_household_addressed_to_its_head(office) -> None:
    """[1340]#1 事前・事後の通知: one document per household (never a list), to its 世帯主; a protected
    household gets none from staff without need-to-know."""
    import json

    with activate(office.ctx()):
        t, s, z = _street(office)
        officer = _protect(office, people(family_name="鈴木")[0].pk)
    text = _plan(t, s, z)
    with activate(office.ctx()):  # 事前: a 実施日 to come is fine for a notice
        before = renumbering.run(
            {"mode": "notice", "timing": "before", "csv": text, "effective_date": "2999-04-01"}
        )
    assert before.counts == {"notices": 2} and "支援措置担当" in before.message
    docs = [json.loads(f) for f in before.files.values()]
    assert [d["fields"]["宛先"] for d in docs] == ["髙橋　一郎　様", "佐藤　次郎　様"]
    assert (
        docs[0]["fields"]["区分"] == "事前通知"
        and docs[0]["fields"]["変更後の住所"] == "本町一丁目3番12号"
    )
    assert all(len(d["person_ids"]) == 1 and not d["rows"] for d in docs)
    assert "鈴木" not in "".join(f.decode() for f in before.files.values())
    _run(office, office.clerk, "trial", text)
    _run(office, office.approver, "final", text)
    after = _run(office, office.clerk, "notice", text, timing="after")
    assert after.counts == {"notices": 2}
    assert json.loads(next(iter(after.files.values())))["fields"]["区分"] == "事後通知"
    with activate(office.ctx(officer)):
        mine = renumbering.run(
            {"mode": "notice", "timing": "before", "csv": text, "effective_date": ON.isoformat()}
        )
        assert mine.counts == {"notices": 1}  # 鈴木, still at 5番地: the support staff's to handle
    with pytest.raises(RegistryError):
        _run(
            office,
            office.clerk,
            "notice",
            "宛名番号,変更前本籍,変更後本籍\n1,a,b\n",  # notices are for the 現住所 change only
            timing="after",
        )
