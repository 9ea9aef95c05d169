"""`jichitai layouts`: list the packaged definitions; `new` writes a skeleton that parses, with one
item per column and types guessed from the sample; bad input is exit 2 with a message, never a
traceback."""

from __future__ import annotations

import csv
import io
import tempfile
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jichitai.cli import COMMANDS
from jichitai.cli import main as jichitai
from jichitai.cli.layouts_new import header_key, known_items

SAMPLE = [
    [
        "宛名番号",
        "氏名",
        "生年月日",
        "性別",
        "続柄コード1",
        "Move In Date",
        "郵便番号",
        "最新フラグ",
        "操作時刻",
        "元号日付",
    ],
    [
        "000000000000001",
        "甲野\u3000一郎",
        "1980-01-02",
        "1",
        "02",
        "2020/04/01",
        "1000001",
        "1",
        "09:30:00",
        "03550102",
    ],
    [
        "000000000000002",
        "乙野\u3000花子",
        "1985-12-31",
        "2",
        "12",
        "",
        "0600001",
        "0",
        "17:05:59",
        "04010108",
    ],
]
TYPES = ["code", "text", "date", "code", "code", "date", "code", "flag", "time", "wareki_date"]


def _csv(rows: list[list[str]], encoding: str) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


def _new(sample: Path, out: Path, *extra: str) -> int:
    return jichitai(
        [
            "layouts",
            "new",
            "--from",
            str(sample),
            "--id",
            "vendor-a",
            "--standard",
            "ベンダーA",
            "--business",
            "jumin",
            "--out",
            str(out),
            *extra,
        ]
    )


def test_the_command_is_registered() -> None:
    assert COMMANDS["layouts"][0] == "jichitai.cli.layouts"


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "cp932", "euc-jp", "utf-16", "utf-16-le", "utf-16-be"]
)
def test_new_from_a_csv_sample(
    tmp_path: Path, encoding: str, capsys: pytest.CaptureFixture[str]
) -> None:
    sample = tmp_path / "sample.csv"
    sample.write_bytes(_csv(SAMPLE, encoding))
    assert _new(sample, tmp_path / "defs") == 0
    assert "10" in capsys.readouterr().out
    data = tomllib.loads((tmp_path / "defs" / "vendor-a.toml").read_text(encoding="utf-8"))
    items = data["items"]
    assert [i["name"] for i in items] == SAMPLE[0]
    assert [i["type"] for i in items] == TYPES
    assert [i["no"] for i in items] == list(range(1, 11))
    # headers a packaged layout knows get the register's keys, and their code tables
    assert [i["key"] for i in items[:5]] == [
        "atena_no",
        "full_name",
        "birth_date",
        "sex",
        "relationship_code1",
    ]
    assert items[3]["codes"] == "sex" and items[4]["codes"] == "relationship"
    assert items[5]["key"] == "move_in_date" and items[9]["key"] == "item_10"
    assert items[0]["length"] == 15 and items[1]["length"] == 5 and items[2]["length"] == 10
    head = data["layout"]
    assert head["id"] == "vendor-a" and head["format"] == "csv" and head["header"] is True
    assert head["encoding"] == {"utf-8-sig": "utf-8", "euc-jp": "euc-jp"}.get(encoding, encoding)
    assert head["record_key"] == ["atena_no"]


def test_a_known_header_keeps_its_type_when_the_sample_allows_it(tmp_path: Path) -> None:
    rows = [["個人履歴番号", "宛名番号", "性別", "異動事由", "通称"], ["1", "1", "1", "A1", ""]]
    (tmp_path / "s.csv").write_bytes(_csv(rows, "utf-8"))
    assert _new(tmp_path / "s.csv", tmp_path) == 0
    items = tomllib.loads((tmp_path / "vendor-a.toml").read_text(encoding="utf-8"))["items"]
    # 1 looks like a flag; the packaged 個人履歴番号 is a number, 宛名番号 and 性別 codes
    assert [i["type"] for i in items] == ["number", "code", "code", "text", "text"]
    assert items[2]["codes"] == "sex"
    assert "codes" not in items[3], "a vendor's letters are no codes of our table"


def test_new_fixed_width_from_the_item_list(tmp_path: Path) -> None:
    (tmp_path / "items.csv").write_text(
        "項目名,バイト数\n宛名番号,15\n氏名,20\n生年月日,8\n予備,３\n", encoding="utf-8"
    )
    records = [
        b"000000000000001" + "甲野一郎".encode("cp932").ljust(20) + b"03550102" + b"   ",
        b"000000000000002" + "乙野".encode("cp932").ljust(20) + b"04010108" + b"   ",
    ]
    (tmp_path / "data.txt").write_bytes(b"\r\n".join(records) + b"\r\n")
    assert (
        _new(tmp_path / "items.csv", tmp_path, "--fixed", "--data", str(tmp_path / "data.txt")) == 0
    )
    data = tomllib.loads((tmp_path / "vendor-a.toml").read_text(encoding="utf-8"))
    assert data["layout"]["format"] == "fixed" and data["layout"]["encoding"] == "cp932"
    assert data["layout"]["header"] is False
    assert [(i["name"], i["type"], i["length"]) for i in data["items"]] == [
        ("宛名番号", "code", 15),
        ("氏名", "text", 20),
        ("生年月日", "wareki_date", 8),
        ("予備", "text", 3),
    ]


def test_list_shows_the_packaged_definitions(capsys: pytest.CaptureFixture[str]) -> None:
    assert jichitai(["layouts", "list"]) == 0
    out = capsys.readouterr().out
    for layout_id in (
        "kihon-1.0-jumin",
        "kihon-1.0-inkan",
        "kihon-1.0-juminzei",
        "chukan-2.x-jumin-kojin",
    ):
        assert layout_id in out
    line = next(x for x in out.splitlines() if x.startswith("kihon-1.0-jumin "))
    assert int(line.split()[2]) >= 120


def test_list_includes_a_municipalitys_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sample = tmp_path / "s.csv"
    sample.write_bytes(_csv(SAMPLE, "utf-8"))
    assert _new(sample, tmp_path / "mine") == 0
    table = tmp_path / "mine" / "codes" / "vendor-a" / "sex.toml"
    table.parent.mkdir(parents=True)
    table.write_text('[table]\nname = "sex"\ntitle = "性別"\n', encoding="utf-8")
    capsys.readouterr()
    assert jichitai(["layouts", "list", str(tmp_path / "mine")]) == 0
    out = capsys.readouterr().out
    assert "vendor-a" in out and "sex" not in out


@pytest.mark.parametrize(
    ("setup", "args", "message"),
    [
        (None, [], "cannot read the file"),
        (b"\x81\x20\x81\x20", [], "cannot tell the encoding"),
        ("bad.csv", ["--encoding", "utf-8"], "not utf-8"),
        (b"", [], "no header"),
        ("ok", ["--encoding", "no-such-codec"], "unknown encoding"),
        ("ok", ["--data", "x"], "--data goes with --fixed"),
    ],
)
def test_bad_input_is_exit_2_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], setup: object, args: list[str], message: str
) -> None:
    sample = tmp_path / "sample.csv"
    if setup == "bad.csv":
        sample.write_bytes(_csv(SAMPLE, "cp932"))
    elif setup == "ok":
        sample.write_bytes(_csv(SAMPLE, "utf-8"))
    elif isinstance(setup, bytes):
        sample.write_bytes(setup)
    assert _new(sample, tmp_path, *args) == 2
    err = capsys.readouterr().err
    assert message in err and " / " in err  # both languages
    assert not (tmp_path / "vendor-a.toml").exists()


def test_list_of_a_missing_directory_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert jichitai(["layouts", "list", str(tmp_path / "nowhere")]) == 2
    assert "no such directory" in capsys.readouterr().err


def test_new_refuses_to_overwrite_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sample = tmp_path / "s.csv"
    sample.write_bytes(_csv(SAMPLE, "utf-8"))
    assert _new(sample, tmp_path) == 0
    assert _new(sample, tmp_path) == 2
    assert "--force" in capsys.readouterr().err
    assert _new(sample, tmp_path, "--force") == 0


def test_fixed_item_list_without_lengths_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "items.csv").write_text("項目名,バイト数\n宛名番号,15\n氏名,\n", encoding="utf-8")
    assert _new(tmp_path / "items.csv", tmp_path, "--fixed") == 2
    assert "line 3" in capsys.readouterr().err


# --- property: random headers and values round trip into the skeleton ---

_CHARS = st.characters(
    codec="cp932",
    categories=("L", "N", "P", "S", "Zs"),
    exclude_characters="\x7f\xa2\xa3\xac\u2016\u2212\u301c",
)  # these do not survive CP932
_KNOWN = set(known_items())  # a packaged header brings its own type (tested above)
_HEADER = (
    st.text(_CHARS, min_size=1, max_size=12)
    .map(str.strip)
    .filter(lambda h: h and header_key(h) not in _KNOWN)
)
_KINDS = {
    "date": st.dates().filter(lambda d: d.year >= 1800).map(lambda d: d.isoformat()),
    "flag": st.sampled_from(["0", "1"]),
    "code": st.text("0123456789", min_size=2, max_size=6),  # not 0/1, not a date
    "text": st.text(_CHARS, max_size=10).map(lambda s: "あ" + s),
}


@st.composite
def _samples(draw: st.DrawFn) -> tuple[list[str], list[str], list[list[str]]]:
    headers = draw(st.lists(_HEADER, min_size=1, max_size=8, unique_by=lambda h: h))
    kinds = [draw(st.sampled_from(sorted(_KINDS))) for _ in headers]
    count = draw(st.integers(1, 5))
    rows = [[draw(_KINDS[k]) for k in kinds] for _ in range(count)]
    return headers, kinds, rows


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sample=_samples(), encoding=st.sampled_from(["utf-8", "cp932"]))
def test_random_samples_round_trip_into_the_skeleton(sample: tuple, encoding: str) -> None:
    headers, kinds, rows = sample
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "s.csv"
        path.write_bytes(_csv([headers, *rows], encoding))
        assert _new(path, Path(tmp)) == 0
        data = tomllib.loads((Path(tmp) / "vendor-a.toml").read_text(encoding="utf-8"))
    items = data["items"]
    assert [i["name"] for i in items] == headers
    assert [i["type"] for i in items] == kinds
    assert len({i["key"] for i in items}) == len(items)
    for item, column in zip(items, zip(*rows, strict=True), strict=True):
        longest = max(len(v) for v in column)
        assert item["length"] == (max(10, longest) if item["type"] == "date" else max(1, longest))


def test_the_command_never_loads_django(tmp_path: Path) -> None:
    """Pure: it runs where no database or settings exist (a municipality's laptop)."""
    import subprocess
    import sys

    sample = tmp_path / "s.csv"
    sample.write_bytes(_csv(SAMPLE, "cp932"))
    code = (
        "import sys; from jichitai.cli import main; "
        f"assert main(['layouts', 'list']) == 0; "
        f"assert main(['layouts', 'new', '--from', {str(sample)!r}, '--id', 'x', '--standard', 's', "
        f"'--business', 'b', '--out', {str(tmp_path)!r}]) == 0; "
        "assert 'django' not in sys.modules, 'django was imported'"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sample=_samples())
def test_random_fixed_width_samples_round_trip_into_the_skeleton(sample: tuple) -> None:
    """The item list's byte lengths are kept; values cut from CP932 records give the types."""
    headers, kinds, rows = sample
    rows = [[v.strip(" \u3000") or "あ" for v in row] for row in rows]
    widths = [max(len(row[n].encode("cp932")) for row in rows) + 1 for n in range(len(headers))]
    items = "項目名,バイト数\r\n" + "".join(
        f'"{h.replace(chr(34), chr(34) * 2)}",{w}\r\n' for h, w in zip(headers, widths, strict=True)
    )
    records = b"".join(
        b"".join(v.encode("cp932").ljust(w) for v, w in zip(row, widths, strict=True)) + b"\r\n"
        for row in rows
    )
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "items.csv").write_text(items, encoding="utf-8")
        (Path(tmp) / "data.dat").write_bytes(records)
        args = ("--fixed", "--data", str(Path(tmp) / "data.dat"))
        assert _new(Path(tmp) / "items.csv", Path(tmp), *args) == 0
        data = tomllib.loads((Path(tmp) / "vendor-a.toml").read_text(encoding="utf-8"))
    assert data["layout"]["encoding"] == "cp932"
    assert [(i["name"], i["type"], i["length"]) for i in data["items"]] == list(
        zip(headers, kinds, widths, strict=True)
    )


def test_the_guides_worked_example_does_what_the_guide_says(tmp_path: Path) -> None:
    guide = (Path(__file__).resolve().parents[2] / "docs" / "migration.md").read_text(
        encoding="utf-8"
    )
    example = guide.split("A vendor exports `URE0001.CSV`", 1)[1]
    sample = example.split("```csv\n", 1)[1].split("```", 1)[0]
    (tmp_path / "URE0001.CSV").write_bytes(sample.replace("\n", "\r\n").encode("cp932"))
    assert _new(tmp_path / "URE0001.CSV", tmp_path) == 0
    data = tomllib.loads((tmp_path / "vendor-a.toml").read_text(encoding="utf-8"))
    items = {i["name"]: i for i in data["items"]}
    assert len(items) == 12 and data["layout"]["encoding"] == "cp932"
    said = {
        "宛名番号": "atena_no",
        "個人履歴番号": "history_no",
        "最新フラグ": "latest_flag",
        "世帯番号": "household_no",
        "氏名": "full_name",
        "生年月日": "birth_date",
        "性別": "sex",
        "異動事由": "reason",
        "住民票コード": "resident_code",
    }
    assert {name: items[name]["key"] for name in said} == said
    assert items["個人履歴番号"]["type"] == "number"
    assert items["異動事由"]["type"] == "text"
    assert items["性別"]["codes"] == "sex" and items["住民票コード"]["check"] == "resident_code"
