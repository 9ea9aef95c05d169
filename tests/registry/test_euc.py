"""EUC ([1360]): the data source over the whole register, conditions, analyses and outputs;
支援措置 from the protected side, 表示権限, the audit entry, another municipality's rows."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from jichitai.accounts.capabilities import CapabilityMissing
from jichitai.accounts.models import DisplayRestriction, Role, RoleGrant, Staff
from jichitai.audit.models import AuditEntry
from jichitai.registry.euc import output
from jichitai.registry.euc.run import EucError, parse_spec, run, stream
from jichitai.tenancy.context import activate
from tests.protection_world import SECRET, build

from .conftest import apply, move_in_family, people

D = dt.date
pytestmark = pytest.mark.django_db


def _spec(**kw: Any) -> Any:
    return parse_spec({"source": "persons", "items": ["宛名番号", "氏名"], **kw})


def _register(office: Any) -> None:
    """髙橋 family (3), the wife renamed 渡邊 in 2023, the son moved out in 2024 (除票)."""
    move_in_family(office)
    head, wife, son = people()
    apply(office, "name_change", {"person_id": wife.pk, "family_name": "渡邊"}, D(2023, 7, 1))
    apply(office, "move_out_planned", {"person_ids": [son.pk], "destination": "大阪府大阪市北区梅田1丁目",
                                       "planned_date": "2024-03-20"}, D(2024, 3, 1))
    apply(office, "move_out_confirmed", {"person_ids": [son.pk], "destination": "大阪府大阪市北区梅田1丁目1番1号"},
          D(2024, 3, 18))


def _entry() -> dict[str, Any]:
    (entry,) = AuditEntry.objects.filter(category="read", action="euc").order_by("-pk")[:1]
    return json.loads(entry.detail_json)


@pytest.mark.std("1360#1")
def test_the_source_holds_current_persons_removed_records_history_and_households(office) -> None:
    with activate(office.ctx(office.approver)):
        _register(office)
        current = run(_spec(), staff=office.approver)
        assert [r["name"] for r in current.rows] == ["髙橋\u3000一郎", "渡邊\u3000花子"]
        removed = run(_spec(include_removed=True, where="[住民状態_名称] = '転出者' AND 住民状態 = 2"), staff=office.approver)
        assert [r["name"] for r in removed.rows] == ["髙橋\u3000太郎"]
        history = run(parse_spec({"source": "history", "items": ["氏名", "異動事由", "最新フラグ", "個人履歴番号"],
                                  "where": "CONTAINS(氏名, '花子')"}), staff=office.approver)
        assert [(r["name"], r["latest"]) for r in history.rows] == [("髙橋\u3000花子", "0"), ("渡邊\u3000花子", "1")]
        assert [r["history_no"] for r in history.rows] == [1, 2]
        households = run(parse_spec({"source": "households", "items": ["世帯番号", "世帯員数", "住所"]}),
                         staff=office.approver)
        assert [(r["member_count"], r["address"]) for r in households.rows] == [(2, "本町一丁目1番地2")]


@pytest.mark.std("1360#3")
def test_items_are_named_by_the_layout_and_withheld_items_are_not_offered(office) -> None:
    with activate(office.ctx(office.approver)):
        _register(office)
        res = run(parse_spec({"source": "persons", "items": ["住民票コード", "本籍", "住所_町字", "性別"],
                              "where": "[氏_日本人] = '髙橋' AND 住所_番地号表記 = '1番地2'"}), staff=office.approver)
        assert res.columns == [("resident_code", "住民票コード"), ("honseki", "本籍"), ("town", "住所_町字"),
                               ("sex", "性別")]
        assert res.rows[0]["honseki"] == "テスト県甲村1番地" and res.rows[0]["town"] == "本町一丁目"
    DisplayRestriction.objects.create(staff=office.approver, municipality=office.municipality,
                                      capability="registry.show_honseki")
    with activate(office.ctx(office.approver)):
        from jichitai.registry.selectors.visibility import withheld_fields

        withheld = withheld_fields(office.approver)
        with pytest.raises(EucError) as exc:
            parse_spec({"source": "persons", "items": ["本籍"], "where": "本籍 contains '甲村'"}, withheld=withheld)
        assert "表示権限がない" in str(exc.value)
        res = run(parse_spec({"source": "persons", "items": ["氏名"]}, withheld=withheld), staff=office.approver)
        assert res.count == 2
    with pytest.raises(EucError, match="個人番号」はこのデータソースにありません"):
        parse_spec({"source": "persons", "items": ["個人番号"]})  # never in EUC (番号法)


@pytest.mark.std("1360#2", "1360#4")
def test_conditions_operators_functions_and_analyses(office) -> None:
    with activate(office.ctx(office.approver)):
        _register(office)
        base = {"base_date": "2025-04-01", "include_removed": True}
        adults = run(_spec(where="AGE(生年月日) >= 18 AND NOT ISBLANK([住所])", **base), staff=office.approver)
        assert adults.count == 2
        wizard = run(_spec(conditions=[{"item": "sex", "op": "=", "value": "2"},
                                       {"item": "birth_date", "op": "<", "value": "1981-01-01"}],
                           combine="or", **base), staff=office.approver)
        assert wizard.count == 2 and wizard.spec.criteria == "[性別] = 「2」 OR [生年月日] < 「1981-01-01」"
        blank = run(_spec(conditions=[{"item": "move_out_destination", "op": "not_blank"}], **base),
                    staff=office.approver)
        assert [r["name"] for r in blank.rows] == ["髙橋\u3000太郎"]
        count = run(_spec(analysis="count", where="氏名 contains '髙橋' OR 氏名 = '渡邊\u3000花子'", **base),
                    staff=office.approver)
        assert count.count == 3 and count.rows == []
        groups = run(_spec(analysis="group", group_by=["性別", "住民状態_名称"], **base), staff=office.approver)
        assert groups.groups == [(("1", "住民"), 1), (("1", "転出者"), 1), (("2", "住民"), 1)]
        total = run(_spec(analysis="sum", total="AGE(生年月日, '2025-04-01')", **base), staff=office.approver)
        assert total.total == 44 + 42 + 15
        date_math = run(_spec(where="YEAR(生年月日) & '' = '2010' AND 生年月日 + 1 = DATE('2010-01-16')", **base),
                        staff=office.approver)
        assert date_math.count == 1


@pytest.mark.std("1360#4")
def test_bad_specs_are_clear_errors_naming_the_field(office) -> None:
    cases = [
        ({"source": "x"}, "source", "データソース"),
        ({"items": ["存在しない項目"]}, "items", "ありません"),
        ({"where": "氏名 = "}, "where", "式の終わり"),
        ({"where": "NOSUCH(氏名)"}, "where", "関数「NOSUCH」"),
        ({"conditions": [{"item": "sex", "op": "~"}]}, "conditions.1.op", "演算子"),
        ({"analysis": "group"}, "group_by", "集計する項目"),
        ({"base_date": "令和"}, "base_date", "YYYY-MM-DD"),
    ]
    for data, fld, words in cases:
        with pytest.raises(EucError) as exc:
            parse_spec({"source": "persons", "items": ["氏名"], **data})
        assert any(f == fld and words in m for f, m in exc.value.errors), exc.value.errors


@pytest.mark.std("1360#4")
def test_online_runs_stop_at_their_limits_and_only_the_euc_role_may_run(office) -> None:
    with activate(office.ctx(office.approver)):
        _register(office)
        capped = run(_spec(include_removed=True), staff=office.approver, limit=2)
        assert capped.truncated and capped.scanned == 2 and capped.count == 2
        few = run(_spec(include_removed=True), staff=office.approver, max_rows=1)
        assert few.truncated and len(few.rows) == 1 and few.count == 3
        assert _entry()["truncated"] is True
    with activate(office.ctx(office.clerk)), pytest.raises(CapabilityMissing):
        run(_spec(), staff=office.clerk)


@pytest.mark.std("1360#5")
def test_csv_and_xml_output(office) -> None:
    with activate(office.ctx(office.approver)):
        _register(office)
        spec = _spec(items=["宛名番号", "氏名", "生年月日"], where="氏名 contains '<'  OR 生年月日 > '2000-01-01'",
                     include_removed=True)
        res = run(spec, staff=office.approver)
        csv_text = "".join(output.csv_chunks(res.columns, res.rows))
        assert csv_text.startswith("\ufeff宛名番号,氏名,生年月日\r\n") and "髙橋\u3000太郎,2010-01-15" in csv_text
        xml_text = "".join(output.xml_chunks(spec, res.columns, res.rows))
        assert '<項目 名称="生年月日">2010-01-15</項目>' in xml_text and "&lt;" in xml_text
        from xml.etree import ElementTree

        root = ElementTree.fromstring(xml_text.encode())
        assert root.tag == "EUC抽出" and len(root.findall("行")) == 1
        groups = run(_spec(analysis="group", group_by=["性別"]), staff=office.approver)
        cols, rows = output.summary(groups)
        assert "".join(output.csv_chunks(cols, rows)) == "\ufeff性別,件数\r\n1,1\r\n2,1\r\n"


@pytest.mark.std("1360#1", "1360#4")
def test_every_extraction_is_logged_with_its_criteria_and_row_count(office) -> None:
    with activate(office.ctx(office.approver)):
        _register(office)
        rows = list(stream(_spec(where="性別 = '1'"), staff=office.approver, screen="EUC（バッチ）"))
        assert len(rows) == 1
        detail = _entry()
        assert detail["criteria"] == "性別 = '1'" and detail["rows"] == 1 and detail["source"] == "persons"
        assert detail["items"] == ["atena_no", "name"]


def test_another_municipalitys_rows_never_appear(office, office_b) -> None:
    with activate(office_b.ctx(office_b.approver)):
        move_in_family(office_b, family="鈴木")
    with activate(office.ctx(office.approver)):
        _register(office)
        for source in ("persons", "history", "households"):
            res = run(parse_spec({"source": source, "items": ["世帯番号", "住所", "世帯主氏名"]}), staff=office.approver)
            assert res.count and not any("鈴木" in str(r) for r in res.rows)
        assert run(_spec(where="氏名 contains '鈴木'", include_removed=True), staff=office.approver).count == 0


def _viewer(office: Any) -> Staff:
    staff = Staff.objects.create(username="euc-viewer", display_name="抽出 担当")
    RoleGrant.objects.create(staff=staff, municipality=office.municipality, role=Role.APPROVER)
    return staff


@pytest.mark.std("1360#1", "1360#4")
def test_protected_persons_are_neither_rows_nor_counted_without_need_to_know(office) -> None:
    world = build(office)
    staff = _viewer(office)
    with activate(office.ctx(staff)):
        for source in ("persons", "history"):
            res = run(parse_spec({"source": source, "items": ["宛名番号", "氏名", "住所", "世帯主氏名"],
                                  "include_removed": True}), staff=staff)
            text = str(res.rows)
            assert not [s for s in SECRET if s in text] and not [a for a in world.atena.values() if a in text]
            assert "花子" not in text and "美咲" not in text
        by_name = run(_spec(analysis="count", where="氏名 contains '美咲' OR 氏名 contains '花子'"), staff=staff)
        assert by_name.count == 0
        by_address = run(_spec(analysis="count", where="住所 contains '秘密' OR 住所_方書 contains '秘密'"), staff=staff)
        assert by_address.count == 0
        son = run(_spec(items=["氏名", "住所", "世帯主氏名"], where="氏名 contains '太郎'"), staff=staff)
        assert son.rows == [{"name": "髙橋\u3000太郎", "address": "（非表示）", "head_name": "（非表示）"}]
        households = run(parse_spec({"source": "households", "items": ["住所", "世帯員数"]}), staff=staff)
        assert not [s for s in SECRET if s in str(households.rows)]
        assert _entry()["protected_excluded"] == 0 and by_name.count == 0
    with activate(office.ctx(world.officer)):
        seen = run(_spec(analysis="count", where="氏名 contains '美咲' OR 氏名 contains '花子'"), staff=world.officer)
        assert seen.count == 2 and _entry()["protected_included"] == 2
        alerts = AuditEntry.objects.filter(category="alert", subject_id=str(world.misaki), screen="EUC").count()
        assert alerts == 1


def test_protected_excluded_count_is_logged_for_the_auditor(office) -> None:
    build(office)
    staff = _viewer(office)
    with activate(office.ctx(staff)):
        run(_spec(analysis="count"), staff=staff)
        assert _entry()["protected_excluded"] == 2


@pytest.mark.std("1360#4", "1360#5")
def test_cli_runs_a_spec_in_batch_to_a_file(office, tmp_path, capsys) -> None:
    from jichitai.cli import main

    with activate(office.ctx(office.approver)):
        _register(office)
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({"source": "persons", "items": ["宛名番号", "氏名", "住所"], "include_removed": True,
                                "conditions": [{"item": "family_name", "op": "=", "value": "髙橋"}],
                                "output": "csv"}), encoding="utf-8")
    out = tmp_path / "out.csv"
    code = ["--municipality", office.municipality.code]
    assert main(["euc", "run", str(spec), *code, "--staff", office.approver.username, "--out", str(out)]) == 0
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "宛名番号,氏名,住所" and len(lines) == 3
    spec.write_text(json.dumps({"source": "persons", "analysis": "group", "group_by": ["性別"], "output": "xml"}),
                    encoding="utf-8")
    assert main(["euc", "run", str(spec), *code, "--staff", office.approver.username, "--out", str(out)]) == 0
    assert '<項目 名称="件数">1</項目>' in out.read_text(encoding="utf-8")
    assert main(["euc", "run", str(spec), *code, "--staff", office.clerk.username]) == 2
    spec.write_text(json.dumps({"source": "persons", "items": ["氏名"], "where": "氏名 ="}), encoding="utf-8")
    assert main(["euc", "run", str(spec), *code, "--staff", office.approver.username]) == 2
    assert "where: " in capsys.readouterr().err
    with activate(office.ctx(office.approver)):
        assert AuditEntry.objects.filter(action="euc", screen="EUC（バッチ）").count() == 2


@pytest.mark.std("1360#4")
def test_wizard_rows_hold_items_and_values_never_expressions(office) -> None:
    with pytest.raises(EucError) as exc:
        _spec(conditions=[{"item": "氏名 = 'x' OR 性別", "op": "=", "value": "1"}])
    assert exc.value.errors[0][0] == "conditions.1.item"
    with pytest.raises(EucError) as exc:
        _spec(conditions=[{"item": "name", "op": "=", "value": "」' OR 1 = 1 OR \""}])
    assert exc.value.errors[0][0] == "conditions.1.value"
    with activate(office.ctx(office.approver)):
        _register(office)
        res = run(_spec(conditions=[{"item": "name", "op": "=", "value": "x」 OR 1 = 1 OR 「"}]), staff=office.approver)
        assert res.count == 0  # the whole value is one text, not a condition


def test_a_screen_run_of_the_history_source_stops_sooner(office, monkeypatch) -> None:
    from jichitai.registry.euc import run as run_module

    monkeypatch.setattr(run_module, "ONLINE_HISTORY", 2)
    with activate(office.ctx(office.approver)):
        _register(office)
        res = run(parse_spec({"source": "history", "items": ["氏名"]}), staff=office.approver)
        assert res.truncated and res.scanned == 2


@pytest.mark.std("1360#3")
def test_every_offered_item_is_produced_by_its_source(office) -> None:
    from jichitai.registry.euc import catalogue
    from jichitai.registry.selectors import euc_source

    with activate(office.ctx(office.approver)):
        _register(office)
        shield = euc_source.Shield.of(office.approver)
        produced = {
            "persons": next(euc_source.person_rows(shield, include_removed=True)),
            "history": next(euc_source.history_rows(shield)),
            "households": next(euc_source.household_rows(shield)),
        }
        for source, row in produced.items():
            assert {i.key for i in catalogue.offered(source)} == set(row), source
        assert len({i.label for i in catalogue.ITEMS}) == len(catalogue.ITEMS)  # names are unambiguous


@pytest.mark.std("1360#1")
def test_the_batch_leaves_protected_persons_out_for_staff_without_need_to_know(office, tmp_path) -> None:
    from jichitai.cli import main

    world = build(office)
    staff = _viewer(office)
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({"source": "history", "items": ["宛名番号", "氏名", "住所", "住所_方書", "世帯主氏名"],
                                "output": "xml"}), encoding="utf-8")
    out = tmp_path / "out.xml"
    code = ["--municipality", office.municipality.code, "--out", str(out)]
    assert main(["euc", "run", str(spec), *code, "--staff", staff.username]) == 0
    text = out.read_text(encoding="utf-8")
    assert "髙橋\u3000太郎" in text and "美咲" not in text and not [s for s in SECRET if s in text]
    assert not [a for a in world.atena.values() if a in text]
    assert main(["euc", "run", str(spec), *code, "--staff", world.officer.username]) == 0
    assert "美咲" in out.read_text(encoding="utf-8")
