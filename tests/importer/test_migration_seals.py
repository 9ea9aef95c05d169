"""印鑑登録 through migration files (importer.migration_seals, dispatched by import_files /
export_file on the layout's business): a kihon-1.0-inkan file and its impression images go into a
migrated register and come back out as the same rows and the same images, with the seals app's
history (SealEvent) at the file's dates; every broken row is reported with its line and item and
nothing is written; another municipality's persons are unknown; a dry run writes nothing; a
migrated seal gives a 印鑑登録証明書."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from pathlib import Path
from typing import Any

import pytest
from django.utils.timezone import localdate
from PIL import Image, ImageDraw

from jichitai.importer.migration_files import export_file, import_files
from jichitai.importer.records import PersonRecord
from jichitai.layouts import load_layout
from jichitai.registry.conventions import full_kana, full_name
from jichitai.seals.cards import card_number
from jichitai.tenancy.context import activate

from .registers import database_state
from .test_migration_files import LAYOUT as JUMIN
from .test_migration_files import _file, _register, as_filed

pytestmark = pytest.mark.django_db
LAYOUT = "kihon-1.0-inkan"
D = dt.date


def migrated(office: Any, admin: Any, tmp_path: Path) -> list[PersonRecord]:
    """A small register migrated into ``office`` (the persons the seal and tax files name)."""
    records = as_filed(_register())
    source = _file(records, tmp_path / "jumin.csv", office.municipality.code)
    run = import_files([source], layout=JUMIN, municipality=office.municipality, staff=admin)
    assert run.ok, run.problems[:5]
    return records


def people(records: list[PersonRecord]) -> dict[str, dict[str, Any]]:
    """The register's persons by role: two adult residents (a, b), a child and a dead person,
    with their current items and 宛名番号."""
    out: dict[str, dict[str, Any]] = {}
    for r in records:
        now = {**dict(r.history[-1].person), "atena_no": r.atena_no}
        if now.get("status", "resident") != "resident":
            out.setdefault("dead", now)
        elif str(now["birth_date"]) > "2005-01-01":
            out.setdefault("child", now)
        else:
            out.setdefault("a" if "a" not in out else "b", now)
    assert sorted(out) == ["a", "b", "child", "dead"]
    return out


def impression(seed: int, fmt: str = "PNG") -> bytes:
    """A synthetic round seal (no real impression), different for every ``seed``."""
    img = Image.new("RGB", (240, 240), (255, 255, 255))
    draw = ImageDraw.Draw(img)
    draw.ellipse((10, 10, 230, 230), outline=(200, 0, 0), width=14)
    draw.rectangle((100, 40 + seed % 100, 140, 200), fill=(200, 0, 0))
    out = io.BytesIO()
    img.save(out, format=fmt)
    return out.getvalue()


def seal_row(person: dict[str, Any], no: str, code: str, **kw: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "municipality_code": code,
        "atena_no": person["atena_no"],
        "registration_no": no,
        "registered_name": full_name(person),
        "registered_kana": full_kana(person),
        "state": "active",
        "registered_at": D(2020, 4, 1),
        "ended_at": None,
        "end_reason": "",
        "card_number": "",
        "card_state": "",
        "card_issued_at": None,
        "card_ended_at": None,
        "image_file": f"{no}.png",
        "image_sha256": "",
        "impression_width_mm": "15.0",
        "impression_height_mm": "15.0",
        "registration_method": "",
    }
    row.update(kw)
    return row


def raw_csv(path: Path, layout_id: str, rows: list[dict[str, Any]]) -> Path:
    """A layout's CSV of ``rows`` (written without the database); a row's ``_raw`` items are
    written as given (values no codec would write: broken files)."""
    from jichitai.layouts import encode_row

    layout = load_layout(layout_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, lineterminator="\r\n")
        out.writerow([it.name for it in layout.items])
        for row in rows:
            raw = encode_row({k: v for k, v in row.items() if k != "_raw"}, layout)
            raw.update(row.get("_raw", {}))
            out.writerow([raw[it.key] for it in layout.items])
    return path


def seal_file(rows: list[dict[str, Any]], directory: Path, images: dict[str, bytes]) -> Path:
    """The source system's 印鑑登録 file and its images."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, data in images.items():
        (directory / name).write_bytes(data)
    return raw_csv(directory / "inkan.csv", LAYOUT, rows)


def good_rows(records: list[PersonRecord], code: str) -> tuple[list[dict[str, Any]], dict]:
    """Four registrations of two residents: for each, one ended and one in force (an abolished one
    whose card had been lost; an abolished one with its card, then one whose card was re-issued),
    every image stated with its SHA-256."""
    who = people(records)
    a, b = who["a"], who["b"]
    pics = {f"{n}.png": impression(n) for n in (100, 101, 102, 103)}
    sha = {name: hashlib.sha256(data).hexdigest() for name, data in pics.items()}
    rows = [
        seal_row(a, "100", code, state="abolished", registered_at=D(2016, 7, 7),
                 ended_at=D(2018, 1, 1), end_reason="廃止申請", card_number=card_number(8),
                 card_state="lost", card_issued_at=D(2016, 7, 7), card_ended_at=D(2017, 6, 1)),
        seal_row(a, "101", code, card_number=card_number(5), card_state="active",
                 card_issued_at=D(2020, 4, 1), registration_method="1"),
        seal_row(b, "102", code, state="abolished", registered_at=D(2019, 5, 1),
                 ended_at=D(2021, 1, 10), end_reason="廃止申請", card_number=card_number(6),
                 card_state="abolished", card_issued_at=D(2019, 5, 1),
                 card_ended_at=D(2021, 1, 10), impression_width_mm="12.5"),
        seal_row(b, "103", code, registered_at=D(2021, 2, 1), card_number=card_number(7),
                 card_state="active", card_issued_at=D(2022, 3, 1), registration_method="2"),
    ]  # fmt: skip
    for r in rows:
        r["image_sha256"] = sha[r["image_file"]]
    return rows, pics


def csv_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def test_a_seal_file_goes_in_with_its_history_and_comes_back_the_same(
    office: Any, admin: Any, tmp_path: Path
) -> None:
    from jichitai.registry.models import Counter
    from jichitai.seals.models import SealCard, SealEvent, SealRegistration

    records = migrated(office, admin, tmp_path)
    rows, pics = good_rows(records, office.municipality.code)
    source = seal_file(rows, tmp_path / "in", pics)
    run = import_files([source], layout=LAYOUT, municipality=office.municipality, staff=admin)
    assert run.ok, run.problems
    assert (run.rows, run.result.stored, run.result.persons) == (4, 4, 2)
    assert "印鑑登録4件" in run.result.message
    with activate(office.ctx()):
        regs = {localdate(r.registered_at): r for r in SealRegistration.objects.all()}
        assert sorted(r.state for r in regs.values()) == [
            "abolished",
            "abolished",
            "active",
            "active",
        ]
        kinds = {
            d: [
                (e.kind, localdate(e.at), e.card_number)
                for e in SealEvent.objects.filter(registration=r)
            ]
            for d, r in regs.items()
        }
        assert kinds[D(2019, 5, 1)] == [
            ("register", D(2019, 5, 1), card_number(6)),
            ("abolish", D(2021, 1, 10), card_number(6)),
        ]
        assert kinds[D(2021, 2, 1)] == [
            ("register", D(2021, 2, 1), ""),
            ("reissue", D(2022, 3, 1), card_number(7)),
        ]
        assert kinds[D(2016, 7, 7)] == [
            ("register", D(2016, 7, 7), card_number(8)),
            ("lost", D(2017, 6, 1), card_number(8)),
            ("abolish", D(2018, 1, 1), ""),
        ]
        assert SealCard.objects.filter(state="active").count() == 2
        assert Counter.objects.get(name="seal_card").value == 8  # the next card is number 9
        assert bytes(regs[D(2020, 4, 1)].image) == pics["101.png"]
    out = tmp_path / "out" / "inkan.csv"
    done = export_file(out, layout=LAYOUT, municipality=office.municipality, staff=admin)
    assert (done.rows, done.persons) == (4, 2)
    got, want = csv_rows(out), csv_rows(source)
    assert got[0] == want[0]
    assert sorted(got[1:]) == sorted(want[1:])  # export(import(F)) == F, column by column
    for name, data in pics.items():
        assert (tmp_path / "out" / name).read_bytes() == data
    again = import_files([source], layout=LAYOUT, municipality=office.municipality, staff=admin)
    assert again.ok and again.result.already_imported  # idempotent


def test_the_export_as_of_a_date_shows_the_registrations_as_they_then_stood(
    office: Any, admin: Any, tmp_path: Path
) -> None:
    records = migrated(office, admin, tmp_path)
    rows, pics = good_rows(records, office.municipality.code)
    source = seal_file(rows, tmp_path / "in", pics)
    assert import_files([source], layout=LAYOUT, municipality=office.municipality, staff=admin).ok
    out = tmp_path / "then" / "inkan.csv"
    export_file(
        out, layout=LAYOUT, municipality=office.municipality, staff=admin, as_of=D(2020, 12, 31)
    )
    got = {r[2]: r for r in csv_rows(out)[1:]}  # by 印鑑登録番号
    assert sorted(got) == ["100", "101", "102"]  # 103 was registered in 2021
    assert (got["102"][5], got["102"][7], got["102"][10]) == ("1", "", "1")  # not yet 廃止
    assert (got["100"][5], got["100"][10]) == ("2", "2")  # 廃止, its card lost before
    export_file(
        out, layout=LAYOUT, municipality=office.municipality, staff=admin, as_of=D(2017, 1, 1)
    )
    got = {r[2]: r for r in csv_rows(out)[1:]}
    assert list(got) == ["100"] and (got["100"][5], got["100"][10], got["100"][12]) == (
        "1",
        "1",
        "",
    )


def _broken(records: list[PersonRecord], code: str, tmp: Path) -> tuple[Path, dict[int, tuple]]:
    """A file with one broken row of every kind: line → (item key, rule) it must report."""
    who = people(records)
    a, b, child, dead = who["a"], who["b"], who["child"], who["dead"]
    pics = {f"{n}.png": impression(n) for n in range(1, 16)}
    pics["13.png"] = b"not an image at all"
    unknown = {**a, "atena_no": "999999999999999"}
    cases = [
        (seal_row(unknown, "1", code), "atena_no", "person.unknown"),
        (seal_row(a, "2", code, _raw={"state": "9"}), "state", "code.unknown"),
        (seal_row(a, "3", code, _raw={"registered_at": "2020-02-30"}), "registered_at", "type.date"),
        (seal_row(a, "4", code, card_state="active", _raw={"card_number": "00000018"}),
         "card_number", "checkdigit"),
        (seal_row(a, "5", code, image_file="missing.png"), "image_file", "seal.image_not_found"),
        (seal_row(a, "6", code, image_sha256="0" * 64), "image_sha256", "seal.image_sha256"),
        (seal_row(a, "7", code, impression_width_mm="5.0", impression_height_mm="5.0"),
         "impression_height_mm", "seal.size"),
        (seal_row(a, "8", code, state="abolished"), "ended_at", "seal.ended_required"),
        (seal_row(b, "9", code, state="abolished", ended_at=D(2021, 1, 1),
                  card_number=card_number(3), card_state="active", card_issued_at=D(2020, 4, 1)),
         "card_state", "seal.card_state"),
        (seal_row(child, "10", code), "registered_at", "seal.age"),
        (seal_row(dead, "11", code), "state", "seal.not_resident"),
        (seal_row(a, "12", code, card_number=card_number(3), card_state="active",
                  card_issued_at=D(2020, 4, 1)), "card_number", "seal.card_duplicate"),
        (seal_row(b, "13", code), "image_file", "seal.image"),
        (seal_row(b, "14", code), "atena_no", "seal.active_duplicate"),
        (seal_row(b, "14", code, state="abolished", ended_at=D(2021, 1, 1)),
         "registration_no", "seal.duplicate"),
        (seal_row(b, "15", code, card_number=card_number(4), card_state="lost",
                  card_issued_at=D(2020, 4, 1)), "card_ended_at", "seal.card_ended"),
    ]  # fmt: skip
    path = seal_file([row for row, _, _ in cases], tmp, pics)
    return path, {n: (key, rule) for n, (_, key, rule) in enumerate(cases, start=2)}


def test_every_broken_row_is_reported_with_line_and_item_and_nothing_is_written(
    office: Any, admin: Any, tmp_path: Path
) -> None:
    records = migrated(office, admin, tmp_path)
    path, expected = _broken(records, office.municipality.code, tmp_path / "bad")
    before = database_state()
    run = import_files([path], layout=LAYOUT, municipality=office.municipality, staff=admin)
    assert not run.ok and run.result.stored == 0
    got = {(p.line, p.key, p.rule) for p in run.problems}
    for line, (key, rule) in expected.items():
        assert (line, key, rule) in got, (line, key, rule, sorted(got))
    assert all(p.file == str(path) and p.item for p in run.problems)
    by_key = {p.key: p.item for p in run.problems}
    assert by_key["atena_no"] == "宛名番号" and by_key["image_file"] == "印影ファイル名"
    assert all("行目" in p.message_ja and p.message_en for p in run.problems)
    assert database_state() == before  # nothing written, not even a run or an audit entry


def test_another_municipalitys_persons_are_unknown(
    office: Any, admin: Any, office_b: Any, admin_b: Any, tmp_path: Path
) -> None:
    records = migrated(office, admin, tmp_path)
    rows, pics = good_rows(records, office_b.municipality.code)
    source = seal_file(rows, tmp_path / "in", pics)
    before = database_state()
    run = import_files([source], layout=LAYOUT, municipality=office_b.municipality, staff=admin_b)
    assert {(p.line, p.rule) for p in run.problems} == {(n, "person.unknown") for n in (2, 3, 4, 5)}
    assert database_state() == before


def test_a_dry_run_checks_everything_and_writes_nothing(
    office: Any, admin: Any, tmp_path: Path
) -> None:
    records = migrated(office, admin, tmp_path)
    rows, pics = good_rows(records, office.municipality.code)
    (tmp_path / "images").mkdir()
    for name, data in pics.items():  # the images in their own folder (--images)
        (tmp_path / "images" / name).write_bytes(data)
    source = seal_file(rows, tmp_path / "in", {})
    before = database_state()
    run = import_files(
        [source],
        layout=LAYOUT,
        municipality=office.municipality,
        staff=admin,
        dry_run=True,
        images_dir=tmp_path / "images",
    )
    assert run.ok and run.result.dry_run and run.result.stored == 4
    assert "検証しました" in run.result.message
    assert database_state() == before
    blind = import_files([source], layout=LAYOUT, municipality=office.municipality, staff=admin)
    assert {p.rule for p in blind.problems} == {"seal.image_not_found"}


def test_a_migrated_seal_gives_a_seal_certificate(office: Any, admin: Any, tmp_path: Path) -> None:
    from jichitai.certificates.issuance import finalize, issue
    from jichitai.certificates.render import render_certificate
    from jichitai.registry.models import Person
    from tests.certificates.glyphs import pdf_text
    from tests.certificates.test_seal_certificate import seal_request

    records = migrated(office, admin, tmp_path)
    rows, pics = good_rows(records, office.municipality.code)
    source = seal_file(rows, tmp_path / "in", pics)
    assert import_files([source], layout=LAYOUT, municipality=office.municipality, staff=admin).ok
    with activate(office.ctx()):
        person = Person.objects.for_read(screen="テスト").get(atena_no=rows[0]["atena_no"])
        issued = issue(
            seal_request([person.pk], card_number(5)),
            staff=office.clerk,
            renderer=render_certificate,
        )
        finalize(issued, [person.pk])
        (copy,) = issued.copies
        assert copy.data.title == "印鑑登録証明書"
        assert person.given_name in pdf_text(copy.content).replace(" ", "")


def test_the_commands_take_a_seal_file_with_its_images_folder(
    office: Any, admin: Any, tmp_path: Path, capsys: Any
) -> None:
    from jichitai.cli import main

    records = migrated(office, admin, tmp_path)
    rows, pics = good_rows(records, office.municipality.code)
    source = seal_file(rows, tmp_path / "in", {})
    seal_file([], tmp_path / "images", pics)
    args = ["--layout", LAYOUT, "--municipality", office.municipality.code]
    args += ["--staff", admin.username]
    assert main(["import", *args, str(source)]) == 1  # the images are not beside the file
    out, err = capsys.readouterr()
    assert f"{source}:2: 印影ファイル名 [seal.image_not_found]" in out and " / " in out
    report = tmp_path / "report"
    images = ["--images", str(tmp_path / "images"), "--report", str(report)]
    assert main(["import", *args, *images, str(source)]) == 0
    out, _ = capsys.readouterr()
    assert "印鑑登録4件（2人）を取り込みました" in out
    assert (report / "reconciliation.pdf").read_bytes().startswith(b"%PDF")
    assert main(["export", *args, str(tmp_path / "out")]) == 0
    written = tmp_path / "out" / f"{LAYOUT}-{office.municipality.code}.csv"
    assert sorted(csv_rows(written)[1:]) == sorted(csv_rows(source)[1:])
    assert {p.name for p in (tmp_path / "out").iterdir()} == {written.name, *pics}
