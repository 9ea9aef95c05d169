"""[1410]: the register extracted in the 中間標準レイアウト with its 表形式 (移行ファイル構成表, 移行ファイル
関連図, データ項目一覧表, コード構成表, コード一覧), read back as the layout says; at the end of the contract
every file in the newest version plus the data outside it and a 引継ぎ目録. Refused without
``migration.run``; another municipality's residents are never in A's files; a 支援措置 person goes
only into the administrator's whole-register transfer, with the 支援措置 access alert."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

import pytest

from jichitai.cli import main
from jichitai.layouts import load_layout
from jichitai.layouts.decode import decode_row
from jichitai.layouts.read import read_rows
from jichitai.layouts.spec import FILES
from jichitai.registry import support
from jichitai.tenancy.context import activate
from tests.registry.conftest import move_in_family, people

pytestmark = pytest.mark.django_db
CHUKAN = "chukan-2.x-jumin-kojin"


def _args(office: Any, staff: Any, *more: str) -> list[str]:
    return [
        "export",
        "--layout",
        CHUKAN,
        "--municipality",
        office.municipality.code,
        "--staff",
        staff.username,
        *more,
    ]


def _table(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _decoded(path: Path) -> list[dict[str, Any]]:
    lay = load_layout(CHUKAN)
    out = []
    for raw in read_rows(path, lay):
        assert not hasattr(raw, "rule"), raw  # no Problem reading our own file
        values, problems = decode_row(raw, lay)[:2]
        # the test register's 住民票コード carry no check digit (tests/registry/conftest.resident_code)
        assert not [p for p in problems if p.key != "resident_code"], problems
        out.append(values)
    return out


@pytest.mark.std("1410#1")
def test_the_chukan_file_comes_with_its_tables_and_reads_back(
    office: Any, office_b: Any, admin: Any, tmp_path: Path
) -> None:
    with activate(office.ctx()):
        move_in_family(office)
    with activate(office_b.ctx()):
        move_in_family(office_b, family="佐藤")
    out = tmp_path / "out"
    assert main(_args(office, admin, "--spec", str(out))) == 0
    data = out / f"{CHUKAN}-{office.municipality.code}.dat"
    assert {p.name for p in out.iterdir()} == {data.name, *FILES.values()}
    rows = _decoded(data)
    names = {(r.get("family_name"), r.get("given_name")) for r in rows}
    assert ("髙橋", "一郎") in names and not any(f == "佐藤" for f, _ in names)  # A's only
    lay = load_layout(CHUKAN)
    items = _table(out / FILES["items"])
    assert [i["データ項目名称"] for i in items] == [it.name for it in lay.items]
    assert all(i["データ型"] and i["桁数"] for i in items)
    (structure,) = _table(out / FILES["structure"])
    assert structure["ファイル名"] == data.name and structure["形式"] == "固定長"
    assert structure["文字コード"] == "cp932" and int(structure["件数"]) == len(rows)
    assert int(structure["レコード長（バイト）"]) == lay.record_bytes
    codes = _table(out / FILES["codes"])
    assert {"コード表": "chukan/sex", "コード": "2", "名称": "女"} in codes
    tables = {t["コード表"] for t in _table(out / FILES["tables"])}
    assert tables == {c["コード表"] for c in codes}
    assert any(r["関連"] == "1対多（履歴）" for r in _table(out / FILES["relations"]))


@pytest.mark.std("1410#2", "1410#1")
def test_the_end_of_contract_handover_holds_every_file_and_a_manifest(
    office: Any, admin: Any, tmp_path: Path, capsys: Any
) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        wife = people()[1]
        from tests.registry.test_support_period import _officers

        manager, _ = _officers(office)
        support.start_measure(
            wife.pk, start=dt.date(2026, 4, 1), reason="DV", against=[], staff=manager
        )
    out = tmp_path / "handover"
    assert main(_args(office, admin, "--handover", str(out))) == 0
    code = office.municipality.code
    names = {p.name for p in out.iterdir()}
    for lay_id, ext in (
        (CHUKAN, "dat"),
        ("kihon-1.0-jumin", "csv"),
        ("kihon-1.0-inkan", "csv"),
        ("kihon-1.0-juminzei", "csv"),
    ):
        assert f"{lay_id}-{code}.{ext}" in names, names
    assert set(FILES.values()) <= names and "引継ぎ目録.csv" in names
    manifest = {r["ファイル名"]: r for r in _table(out / "引継ぎ目録.csv") if r["SHA-256"]}
    assert set(manifest) == names - {"引継ぎ目録.csv"}
    for name, row in manifest.items():  # every file as delivered
        assert row["SHA-256"] == hashlib.sha256((out / name).read_bytes()).hexdigest()
    structure = {r["ファイルID"] for r in _table(out / FILES["structure"])}
    assert structure == {CHUKAN, "kihon-1.0-jumin", "kihon-1.0-inkan", "kihon-1.0-juminzei"}
    related = _table(out / FILES["relations"])
    assert {"親ファイルID": CHUKAN, "子ファイルID": "kihon-1.0-inkan"}.items() <= next(
        r for r in related if r["子ファイルID"] == "kihon-1.0-inkan" and r["親ファイルID"] == CHUKAN
    ).items()
    # the whole register: the protected person goes to the administrator's transfer, alerted
    assert any(r.get("given_name") == "花子" for r in _decoded(out / f"{CHUKAN}-{code}.dat"))
    from jichitai.audit.models import AuditEntry

    with activate(office.ctx()):
        assert (
            AuditEntry.objects.filter(
                action="support_measure.access", subject_id=str(wife.pk)
            ).count()
            >= 1
        )


def test_a_clerk_is_refused_and_no_file_is_written(
    office: Any, tmp_path: Path, capsys: Any
) -> None:
    with activate(office.ctx()):
        move_in_family(office)
    out = tmp_path / "out"
    assert main(_args(office, office.clerk, "--handover", str(out))) == 2
    assert "データ移行の権限がありません" in capsys.readouterr().err
    assert not out.exists() or not [p for p in out.iterdir() if p.stat().st_size]


@pytest.mark.std("1410#2")
def test_the_handover_refuses_an_older_chukan_version(
    monkeypatch: Any, tmp_path: Path, office: Any, admin: Any, capsys: Any
) -> None:
    from jichitai.cli import handover
    from jichitai.layouts import model

    layouts, problem = handover.handover_layouts(CHUKAN)
    assert not problem and layouts[0].id == CHUKAN  # today's newest
    real = model._layout_files()
    source = next(p for p in real if model._id_of(p) == CHUKAN)
    newer = tmp_path / "kojin-2.9.toml"
    newer.write_text(
        source.read_text(encoding="utf-8")
        .replace(f'id = "{CHUKAN}"', 'id = "chukan-2.9-jumin-kojin"')
        .replace('version = "2.x"', 'version = "2.9"'),
        encoding="utf-8",
    )
    monkeypatch.setattr(model, "_layout_files", lambda: [*real, newer])
    assert handover.handover_layouts(CHUKAN)[1].startswith(
        "最新版ではありません（最新: chukan-2.9-jumin-kojin）"
    )
    out = tmp_path / "old"
    assert main(_args(office, admin, "--handover", str(out))) == 2
    assert "not the newest version" in capsys.readouterr().err and not out.exists()
