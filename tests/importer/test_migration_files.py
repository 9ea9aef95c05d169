"""Migration through files (importer.migration_files, the CLI): a register exported in the
基本データリスト 住民 layout and imported into an empty municipality is the same register, and the
file written again is the same file; a CP932 file with a vendor 外字 goes in through a 外字対応表
and prints with the right MJ character; every kind of broken file is reported by line and item
and leaves the database as it was."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from jichitai.importer import export_records
from jichitai.importer.migration_files import export_file, import_files
from jichitai.importer.records import PersonRecord

from .registers import (
    RegisterBuilder,
    as_of_dates,
    comparable,
    database_state,
    registers,
    synthetic_specs,
)

pytestmark = pytest.mark.django_db
LAYOUT = "kihon-1.0-jumin"


def _register() -> list[PersonRecord]:
    b = RegisterBuilder()
    specs = synthetic_specs(11, 2)
    for s in specs:
        s[0]["relationship"] = "世帯主"
    first = b.move_in(specs[0], dt.date(2016, 1, 1), 0, "1番地")
    b.move_in(specs[1], dt.date(2016, 2, 1), 1, "5番地")
    b.move_within(first, dt.date(2018, 3, 3), 2, "9番地")
    head = b.members(first)[0]
    b.name_change(head, dt.date(2019, 1, 1), ("佐藤", "サトウ"))
    b.remove(b.members(first)[-1], dt.date(2020, 5, 5), "death")
    return b.records()


def as_filed(records: list[PersonRecord]) -> list[PersonRecord]:
    """``records`` as the layout can hold them: every item stated (a flag not given is 0), and one
    届出年月日 per history row, so the person's 届出日 is that row's 異動届出年月日 (docs/migration.md,
    normalizations)."""
    from dataclasses import replace

    from jichitai.importer.records import full_person

    return [
        replace(
            r,
            history=tuple(
                replace(e, person={**full_person(e.person), "reported_on": e.reported_on})
                for e in r.history
            ),
        )
        for r in records
    ]


def _file(records: list[PersonRecord], path: Path, code: str, encoding: str = "utf-8") -> Path:
    """The source system's file of ``records`` (written without the database)."""
    from jichitai.importer.layout_records import rows_from_records
    from jichitai.layouts import load_layout, write_rows

    layout = load_layout(LAYOUT)
    write_rows(
        path, layout, rows_from_records(records, layout, municipality_code=code), encoding=encoding
    )
    return path


def _text(path: Path) -> str:
    with path.open(encoding="utf-8", newline="") as f:  # the file's own CRLF
        return f.read()


def _rows(path: Path) -> list[list[str]]:
    import csv

    with path.open(encoding="utf-8", newline="") as f:
        return [
            row[1:] for row in csv.reader(f)
        ]  # without the 市区町村コード (the municipality's own)


def _exported(m: Any, admin: Any, as_of: dt.date | None = None) -> dict[str, Any]:
    return comparable(list(export_records(municipality=m, staff=admin, as_of=as_of)))


def _same(got: dict[str, Any], want: dict[str, Any]) -> None:
    """Equal, and when not, the first difference item by item (not two whole registers)."""
    assert sorted(got) == sorted(want)
    for atena, rows in want.items():
        assert len(got[atena]) == len(rows), atena
        for g, w in zip(got[atena], rows, strict=True):
            assert g[:4] == w[:4], atena
            assert {k: (v, w[4].get(k)) for k, v in g[4].items() if w[4].get(k) != v} == {}, atena
            assert g[5] == w[5], atena


def test_a_file_imported_into_an_empty_municipality_is_the_register_and_comes_back_the_same(
    office: Any, admin: Any, office_b: Any, tmp_path: Path
) -> None:
    records = as_filed(_register())
    source = _file(records, tmp_path / "source.csv", office.municipality.code)
    run = import_files([source], layout=LAYOUT, municipality=office.municipality, staff=admin)
    assert run.ok, run.problems[:5]
    assert run.result.persons == len(records) and run.rows == sum(len(r.history) for r in records)
    for day in (None, *as_of_dates(records)):
        _same(_exported(office.municipality, admin, day), comparable(records, day))
    out = export_file(
        tmp_path / "out.csv", layout=LAYOUT, municipality=office.municipality, staff=admin
    )
    assert out.persons == len(records)
    got, want = _rows(tmp_path / "out.csv"), _rows(source)
    header = want[0]
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):  # export(import(F)) == F, column by column
        assert [(h, a, b) for h, a, b in zip(header, g, w, strict=True) if a != b] == []
    again = import_files([source], layout=LAYOUT, municipality=office.municipality, staff=admin)
    assert again.ok and again.result.already_imported  # idempotent
    with pytest.raises(Exception):  # noqa: B017 - B's 団体管理者 cannot read A's register
        list(export_records(municipality=office.municipality, staff=_b_admin(office_b)))


def _b_admin(office_b: Any) -> Any:
    from .conftest import migration_admin

    return migration_admin(office_b, "other")


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(records=registers(max_households=3))
def test_random_registers_survive_the_file(
    office: Any, admin: Any, records: list[PersonRecord]
) -> None:
    import tempfile

    from django.db import transaction

    if not records:
        return
    records = as_filed(records)

    class Rollback(Exception):
        pass

    source = _file(records, Path(tempfile.mkdtemp()) / "f.csv", office.municipality.code)
    try:
        with transaction.atomic():
            run = import_files(
                [source], layout=LAYOUT, municipality=office.municipality, staff=admin
            )
            assert run.ok, run.problems[:5]
            for day in (None, *as_of_dates(records)):
                _same(_exported(office.municipality, admin, day), comparable(records, day))
            raise Rollback
    except Rollback:
        pass


def _mutations(text: str) -> dict[str, tuple[str, str, str]]:
    """name → (the file's text broken, the rule, the item it names)."""
    lines = text.split("\r\n")
    header = lines[0].split(",")
    second = lines[2].split(",")

    def with_field(name: str, value: str) -> str:
        row = list(second)
        row[header.index(name)] = value
        return "\r\n".join([*lines[:2], ",".join(row), *lines[3:]])

    return {
        "truncated row": (
            "\r\n".join([*lines[:2], ",".join(second[:20]), *lines[3:]]),
            "columns",
            "",
        ),
        "missing column": (
            "\r\n".join(
                ",".join(c for i, c in enumerate(line.split(",")) if i != header.index("宛名番号"))
                for line in lines
            ),
            "header",
            "宛名番号",
        ),
        "bad date": (with_field("生年月日", "1980-13-45"), "type.date", "生年月日"),
        "bad check digit": (
            with_field(
                "住民票コード",
                second[header.index("住民票コード")][:-1]
                + str((int(second[header.index("住民票コード")][-1]) + 1) % 10),
            ),
            "checkdigit",
            "住民票コード",
        ),
        "unknown code": (with_field("性別", "7"), "code.unknown", "性別"),
        "unknown 外字": (with_field("名_日本人", "\ue123郎"), "gaiji.unmapped", "名_日本人"),
        "duplicated person": (
            "\r\n".join([*lines[:3], lines[2], *lines[3:]]),
            "duplicate",
            "個人履歴番号",
        ),
    }


def test_every_broken_file_is_reported_by_line_and_item_and_nothing_changes(
    office: Any, admin: Any, tmp_path: Path
) -> None:
    text = _text(_file(_register(), tmp_path / "good.csv", office.municipality.code))
    before = database_state()
    for name, (broken, rule, item) in _mutations(text).items():
        path = tmp_path / f"{name}.csv"
        path.write_text(broken, encoding="utf-8", newline="")
        run = import_files([path], layout=LAYOUT, municipality=office.municipality, staff=admin)
        assert not run.ok, name
        found = [p for p in run.problems if p.rule == rule]
        assert found, (name, [(p.rule, p.item) for p in run.problems[:5]])
        if item:
            assert any(p.item == item for p in found), (name, found[:3])
        if rule not in {"header"}:
            assert all(p.line >= 2 for p in found), name
        assert database_state() == before, name
    wrong = tmp_path / "wrong-encoding.csv"
    wrong.write_bytes(text.encode("utf-8")[:-7] + "髙".encode("utf-16-le"))
    run = import_files(
        [wrong], layout=LAYOUT, municipality=office.municipality, staff=admin, encoding="utf-8"
    )
    assert not run.ok and database_state() == before


def _mj_with_selector() -> tuple[str, str]:
    """(MJ文字図形名, its text) of an MJ character written with a Moji_Joho IVS."""
    from jichitai.moji.chars import canonical, is_selector

    for n in range(1, 60000):
        name = f"MJ{n:06d}"
        try:
            text = canonical(name)
        except Exception:  # noqa: BLE001 - a number with no character: try the next
            continue
        if len(text) == 2 and is_selector(text[1]) and 0x4E00 <= ord(text[0]) <= 0x9FFF:
            return name, text
    raise AssertionError("no IVS character in MJ")


def test_a_cp932_file_with_a_vendor_gaiji_prints_the_mapped_mj_character(
    office: Any, admin: Any, tmp_path: Path, settings: Any
) -> None:
    settings.DATA_DIR = tmp_path / "data"  # this test's own 外字同定 worklist
    from jichitai.certificates.issuance import (
        CertificateRequest,
        Options,
        Requester,
        Station,
        issue,
    )
    from jichitai.certificates.output import renderer_for
    from jichitai.registry.models import Person
    from jichitai.tenancy.context import activate

    from ..certificates.glyphs import pdf_text

    lines = _text(_file(_register(), tmp_path / "u.csv", office.municipality.code)).split("\r\n")
    header = lines[0].split(",")
    last = [line for line in lines if line][-1]  # a member of the second household: never removed
    atena, col = last.split(",")[header.index("宛名番号")], header.index("名_日本人")
    for n, line in enumerate(lines[1:], 1):  # every history row of the person
        row = line.split(",")
        if len(row) > col and row[header.index("宛名番号")] == atena:
            row[col] = (
                "\ue000" + row[col][1:]
            )  # the vendor's 外字 0xF040 for the name's first character
            lines[n] = ",".join(row)
    (tmp_path / "v.csv").write_bytes("\r\n".join(lines).encode("cp932", errors="replace"))
    assert b"\xf0\x40" in (tmp_path / "v.csv").read_bytes()
    name, mj = _mj_with_selector()
    table = tmp_path / "gaiji.csv"
    table.write_text(
        "vendor,code,mj,decided_by,decided_at,evidence\n"
        f"vendor-a,0xF040,{name},移行担当,2026-11-30,字形照合\n",
        encoding="utf-8",
    )
    unmapped = import_files(
        [tmp_path / "v.csv"], layout=LAYOUT, municipality=office.municipality, staff=admin
    )
    assert not unmapped.ok and unmapped.result.gaiji_unmapped  # lands on the 外字同定 worklist
    from jichitai.importer import gaiji_worklist

    (entry,) = gaiji_worklist.load(office.municipality.code)
    assert entry["code"] == "U+E000" and entry["seen"][0]["atena_no"] == atena
    template = gaiji_worklist.as_table_csv([entry])
    assert template.startswith("vendor,code,mj,") and ",U+E000,," in template
    run = import_files(
        [tmp_path / "v.csv"],
        layout=LAYOUT,
        municipality=office.municipality,
        staff=admin,
        gaiji_table=table,
    )
    assert run.ok, run.problems[:5]
    assert gaiji_worklist.load(office.municipality.code) == []  # identified: off the list
    with activate(office.ctx(office.clerk)):
        person = Person.objects.for_read(screen="テスト").get(atena_no=atena)
        assert person.given_name.startswith(mj)
        pid = person.pk
        req = CertificateRequest(
            kind="juminhyo",
            subject_ids=(pid,),
            requester=Requester("self", person_id=pid),
            options=Options(),
            station=Station(terminal="T1", printer="P1", place="本庁"),
        )
        issued = issue(req, staff=office.clerk, renderer=renderer_for(office.municipality.code))
    assert mj in pdf_text(issued.copies[0].content)
