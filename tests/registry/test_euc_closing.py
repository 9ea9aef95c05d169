"""EUC, the items closing issue 10 ([1360]#1–#3, #5; [1370]#2): the データ項目一覧表 taken from the
layout definitions, coded items as the layout's codes, the access log as a source for auditors,
PDF files through the certificates' engine; 支援措置 from the protected side and another
municipality's rows for each new path."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from jichitai.accounts.capabilities import CapabilityMissing
from jichitai.accounts.models import Role, RoleGrant, Staff
from jichitai.audit.models import AuditEntry
from jichitai.certificates import euc_output
from jichitai.layouts import load_layout
from jichitai.registry.euc import catalogue, specs
from jichitai.registry.euc.run import parse_spec, run
from jichitai.registry.selectors import euc_source
from jichitai.tenancy.context import activate
from tests.certificates.glyphs import pdf_text
from tests.protection_world import SECRET, build

from .conftest import apply, move_in_family, people

D = dt.date
pytestmark = pytest.mark.django_db


def _staff(office: Any, name: str, *roles: str) -> Staff:
    staff = Staff.objects.create(username=f"{name}-{office.municipality.pk}", display_name=name)
    for role in roles:
        RoleGrant.objects.create(staff=staff, municipality=office.municipality, role=role)
    return staff


@pytest.mark.std("1360#3")
def test_the_item_list_takes_type_length_gaiji_and_codes_from_the_layout_definitions() -> None:
    kihon = load_layout("kihon-1.0-jumin")
    by_key = {i.key: i for i in kihon.items}
    checked = 0
    for item in catalogue.ITEMS:
        spec = item.spec
        if not spec.layout:
            assert spec.length is None and not spec.table  # our own item: no 桁数, no code table
            continue
        layout = next(lay for lay in specs.layouts() if lay.id == spec.layout)
        it = layout.item(specs.LAYOUT_KEYS.get(item.key, item.key))
        assert (spec.type, spec.length, spec.gaiji) == (
            it.type,
            it.length or None,
            it.type == "text",
        )
        assert spec.table == (layout.tables.get(it.codes) if it.codes else None)
        checked += 1
    assert checked >= 40
    atena, name, status = (catalogue.BY_KEY[k].spec for k in ("atena_no", "name", "status"))
    assert (atena.type_name, atena.length_text, atena.gaiji, atena.layout) == (
        "コード",
        "15文字",
        False,
        "kihon-1.0-jumin",
    )
    assert (name.type_name, name.length, name.gaiji) == ("文字列", by_key["full_name"].length, True)
    assert status.codes == (("1", "住民"), ("2", "転出者"), ("3", "死亡者"), ("9", "その他消除者"))
    assert catalogue.BY_KEY["status_label"].label == "住民状態_名称"
    assert catalogue.BY_KEY["residence_status"].label == "在留資格等コード"
    assert catalogue.BY_KEY["residence_status_label"].label == "在留資格等"


@pytest.mark.std("1360#3")
def test_a_changed_layout_definition_changes_the_item_list(monkeypatch) -> None:
    import dataclasses

    kihon, chukan = specs.layouts()
    longer = tuple(
        dataclasses.replace(i, length=99) if i.key == "atena_no" else i for i in kihon.items
    )
    monkeypatch.setattr(
        specs, "layouts", lambda: (dataclasses.replace(kihon, items=longer), chukan)
    )
    assert specs.spec_of("atena_no", "宛名番号", "code").length == 99
    without = tuple(
        i for i in kihon.items if i.key != "household_no"
    )  # then the 中間標準レイアウト's
    monkeypatch.setattr(
        specs, "layouts", lambda: (dataclasses.replace(kihon, items=without), chukan)
    )
    hh = specs.spec_of("household_no", "世帯番号", "code")
    assert (hh.layout, hh.length, hh.unit) == ("chukan-2.x-jumin-kojin", 15, "バイト")


@pytest.mark.std("1360#3", "1360#1")
def test_coded_items_hold_the_layouts_codes_with_their_names_beside(office) -> None:
    with activate(office.ctx(office.approver)):
        move_in_family(office)
        head, wife, son = people()
        apply(office, "death", {"person_id": son.pk}, D(2024, 6, 1))
        res = run(
            parse_spec(
                {
                    "source": "persons",
                    "include_removed": True,
                    "where": "住民状態 = 3",
                    "items": ["氏名", "住民状態", "住民状態_名称", "性別", "性別_名称"],
                }
            ),
            staff=office.approver,
        )
        assert res.rows == [
            {
                "name": "髙橋\u3000太郎",
                "status": "3",
                "status_label": "死亡者",
                "sex": "1",
                "sex_label": "男",
            }
        ]
        history = run(
            parse_spec(
                {
                    "source": "history",
                    "items": ["異動事由", "異動事由_名称"],
                    "where": "CONTAINS(氏名, '太郎')",
                }
            ),
            staff=office.approver,
        )
        table = catalogue.BY_KEY["reason"].spec.table
        assert [r["reason_label"] for r in history.rows] == ["国内転入", "死亡"]
        assert [table.label_of(r["reason"]) for r in history.rows] == ["国内転入", "死亡"]
        # every coded value any source gives is in its code table
        shield = euc_source.Shield.of(office.approver)
        for row in [
            *euc_source.person_rows(shield, include_removed=True),
            *euc_source.history_rows(shield),
        ]:
            for key, tab in catalogue.CODED.items():
                if row.get(key):
                    assert tab.label_of(row[key]), (key, row[key])


def _auditor(office: Any) -> Staff:
    return _staff(office, "auditor", Role.AUDITOR)


@pytest.mark.std("1370#2")
def test_auditors_analyse_the_access_log_with_euc(office) -> None:
    auditor = _auditor(office)
    with activate(office.ctx(office.approver)):
        move_in_family(office)
        run(parse_spec({"source": "persons", "items": ["氏名"]}), staff=office.approver)
    with activate(office.ctx(auditor)):
        spec = parse_spec(
            {
                "source": "access_log",
                "items": ["操作年月日", "操作者ID", "操作の名称", "画面名"],
                "where": "[ログの種類] = 'read' AND 操作種別 = 'euc'",
            }
        )
        res = run(spec, staff=auditor)
        assert [(r["log_username"], r["log_title"]) for r in res.rows] == [
            (office.approver.username, "データ抽出（EUC）")
        ]
        groups = run(
            parse_spec(
                {
                    "source": "access_log",
                    "analysis": "group",
                    "group_by": ["操作者ID"],
                    "where": "ログの種類 = 'read'",
                }
            ),
            staff=auditor,
        )
        assert dict((k[0], n) for k, n in groups.groups)[office.approver.username] >= 1
        csv = "".join(
            __import__("jichitai.registry.euc.output", fromlist=["csv_chunks"]).csv_chunks(
                res.columns, res.rows
            )
        )
        assert csv.startswith("\ufeff操作年月日,操作者ID,操作の名称,画面名")
        logged = json.loads(AuditEntry.objects.filter(action="euc").order_by("-seq")[0].detail_json)
        assert logged["source"] == "access_log"  # auditors are audited
    with activate(office.ctx(office.approver)), pytest.raises(CapabilityMissing):
        run(parse_spec({"source": "access_log", "items": ["操作者ID"]}), staff=office.approver)


@pytest.mark.std("1370#2")
def test_the_access_log_source_hides_protected_subjects_and_other_municipalities(
    office, office_b
) -> None:
    world = build(office)
    auditor = _auditor(office)
    with activate(office_b.ctx(office_b.approver)):
        move_in_family(office_b, family="鈴木")
        run(parse_spec({"source": "persons", "items": ["氏名"]}), staff=office_b.approver)
    with activate(office.ctx(world.officer)):
        from jichitai.registry.selectors import persons

        persons.person_detail(
            world.misaki, staff=world.officer
        )  # a logged read of a protected person
    with activate(office.ctx(auditor)):
        res = run(
            parse_spec({"source": "access_log", "items": ["対象の種別", "対象ID", "操作者ID"]}),
            staff=auditor,
        )
        ids = {
            r["log_subject_id"]
            for r in res.rows
            if r["log_subject_type"] in ("person", "archived_person")
        }
        assert str(world.misaki) not in ids and str(world.wife) not in ids and "（非表示）" in ids
        assert office_b.approver.username not in {r["log_username"] for r in res.rows}
        assert not [s for s in SECRET if s in str(res.rows)]
        others = AuditEntry.objects.count()
        assert res.count == others - 1 or res.count == others  # the chain of this municipality only


@pytest.mark.std("1360#5")
def test_a_list_and_labels_are_saved_as_pdf_files_with_a_print_log(office) -> None:
    with activate(office.ctx(office.approver)):
        move_in_family(office)
        listed = run(
            parse_spec(
                {"source": "persons", "items": ["宛名番号", "氏名", "住所"], "output": "pdf"}
            ),
            staff=office.approver,
        )
        pdf = euc_output.result_pdf(listed)
        text = pdf_text(pdf)
        assert (
            pdf.startswith(b"%PDF")
            and "髙橋" in text
            and "本町一丁目1番地2" in text
            and "宛名番号" in text
        )
        entry = AuditEntry.objects.filter(category="print", action="euc.pdf").get()
        detail = json.loads(entry.detail_json)
        assert detail["rows"] == 3 and detail["pages"] >= 1 and detail["output"] == "file"
        assert not entry.my_number_shown
        labels = run(
            parse_spec({"source": "persons", "output": "pdf_label"}), staff=office.approver
        )
        text = pdf_text(euc_output.result_pdf(labels))
        assert "一郎 様" in text and "本町一丁目1番地2" in text and "宛名番号" not in text


@pytest.mark.std("1360#5")
def test_pdf_files_leave_protected_persons_out_for_staff_without_need_to_know(office) -> None:
    world = build(office)
    viewer = _staff(office, "viewer", Role.APPROVER)
    with activate(office.ctx(viewer)):
        res = run(
            parse_spec(
                {
                    "source": "persons",
                    "items": ["宛名番号", "氏名", "住所", "住所_方書"],
                    "output": "pdf",
                    "include_removed": True,
                }
            ),
            staff=viewer,
        )
        text = pdf_text(euc_output.result_pdf(res))
        assert "美咲" not in text and "花子" not in text and not [s for s in SECRET if s in text]
        assert (
            not [a for a in world.atena.values() if a in text]
            and "支援措置の対象者は含まれていません" in text
        )
    with activate(office.ctx(world.officer)):
        res = run(
            parse_spec({"source": "persons", "items": ["氏名"], "output": "pdf"}),
            staff=world.officer,
        )
        assert "美咲" in pdf_text(euc_output.result_pdf(res))


@pytest.mark.std("1360#5")
def test_the_batch_writes_a_pdf_file_and_refuses_one_too_big(
    office, tmp_path, capsys, monkeypatch
) -> None:
    from jichitai.cli import main

    with activate(office.ctx(office.approver)):
        move_in_family(office)
    spec = tmp_path / "spec.json"
    spec.write_text(
        json.dumps({"source": "history", "items": ["氏名", "異動事由_名称"], "output": "pdf"}),
        encoding="utf-8",
    )
    out = tmp_path / "out.pdf"
    code = ["--municipality", office.municipality.code, "--staff", office.approver.username]
    assert main(["euc", "run", str(spec), *code, "--out", str(out)]) == 0
    assert "国内転入" in pdf_text(out.read_bytes())
    assert main(["euc", "run", str(spec), *code]) == 2 and "--out" in capsys.readouterr().err
    monkeypatch.setattr(euc_output, "MAX_ROWS", 2)
    assert main(["euc", "run", str(spec), *code, "--out", str(tmp_path / "big.pdf")]) == 2
    assert "csv か xml" in capsys.readouterr().err and not (tmp_path / "big.pdf").exists()


def test_other_municipalities_never_reach_a_pdf(office, office_b) -> None:
    with activate(office_b.ctx(office_b.approver)):
        move_in_family(office_b, family="鈴木")
    with activate(office.ctx(office.approver)):
        move_in_family(office)
        res = run(
            parse_spec({"source": "persons", "items": ["氏名"], "output": "pdf"}),
            staff=office.approver,
        )
        assert "鈴木" not in pdf_text(euc_output.result_pdf(res)) and res.count == 3
