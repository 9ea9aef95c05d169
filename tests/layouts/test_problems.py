"""Each problem rule from a crafted bad file, with its exact line, column and item."""

from __future__ import annotations

from pathlib import Path

import pytest

from jichitai.codes import my_number_check_digit
from jichitai.layouts import Problem, RawRow, decode_row, load_layout, read_rows

DATA = Path(__file__).parent / "data"
EVERY = load_layout(DATA / "every.toml")
FIXED = load_layout(DATA / "fixed.toml")
HEADER = ",".join(it.name for it in EVERY.items)
MY_NUMBER = "12345678901" + str(my_number_check_digit("12345678901"))


def line(**kw: str) -> str:
    base = {"atena_no": "1", "name": "甲野　太郎", "sex": "1", "relation": "01"}
    base.update(kw)
    return ",".join(base.get(it.key, "") for it in EVERY.items)


def write(tmp_path: Path, lines: list[str], encoding: str = "utf-8", name: str = "f.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def everything(path: Path, layout=EVERY, **kw) -> tuple[list[RawRow], list[Problem]]:  # type: ignore[no-untyped-def]
    rows: list[RawRow] = []
    problems: list[Problem] = []
    for x in read_rows(path, layout, encoding=kw.pop("encoding", None)):
        if isinstance(x, Problem):
            problems.append(x)
            continue
        rows.append(x)
        problems.extend(decode_row(x, layout, **kw)[1])
    return rows, problems


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, problems
    p = problems[0]
    assert p.message_ja and p.message_en and p.file
    return p


def test_a_clean_file_has_no_problems(tmp_path: Path) -> None:
    rows, problems = everything(write(tmp_path, [HEADER, line(), line(atena_no="2")]))
    assert problems == [] and [r.line for r in rows] == [2, 3]


def test_truncated_row(tmp_path: Path) -> None:
    cut = line(atena_no="2").rsplit(",", 3)[0]
    rows, problems = everything(write(tmp_path, [HEADER, line(), cut, line(atena_no="3")]))
    p = only(problems)
    assert (p.rule, p.line, p.value) == ("columns", 3, str(len(EVERY.items) - 3))
    assert [r.line for r in rows] == [2, 4]


def test_missing_required_column(tmp_path: Path) -> None:
    header = HEADER.replace("宛名番号,", "")
    body = line().split(",", 1)[1]
    _, problems = everything(write(tmp_path, [header, body]))
    p = only(problems)
    assert (p.rule, p.line, p.key, p.item) == ("header", 1, "atena_no", "宛名番号")
    assert "宛名番号" in p.message_ja


def test_unknown_and_duplicated_columns(tmp_path: Path) -> None:
    _, problems = everything(write(tmp_path, [HEADER + ",備考,氏名", line() + ",x,y"]))
    assert [(p.rule, p.column, p.value) for p in problems] == [
        ("header", len(EVERY.items) + 1, "備考"),
        ("header", len(EVERY.items) + 2, "氏名"),
    ]


def test_header_spellings_are_matched(tmp_path: Path) -> None:
    names = [it.name for it in EVERY.items]
    names[2] = "氏名_漢字"  # an alias
    names[6] = "生年月日＿不詳 フラグ"  # full-width underscore and a space
    names[7] = "birth_unknown_text"  # the key
    rows, problems = everything(write(tmp_path, [",".join(names), line(birth_unknown="0")]))
    assert problems == []
    assert rows[0].values["name"] == "甲野　太郎" and rows[0].values["birth_unknown"] == "0"


def test_bad_date(tmp_path: Path) -> None:
    _, problems = everything(
        write(tmp_path, [HEADER, line(), line(became_resident_on="2024-02-30")])
    )
    p = only(problems)
    assert (p.rule, p.line, p.column, p.key, p.item, p.value) == (
        "type.date",
        3,
        10,
        "became_resident_on",
        "住民となった年月日",
        "2024-02-30",
    )


def test_heisei_31_may_is_reiwa(tmp_path: Path) -> None:
    _, problems = everything(write(tmp_path, [HEADER, line(reported_on="平成31年5月1日")]))
    p = only(problems)
    assert (p.rule, p.line, p.column, p.key) == ("era", 2, 11, "reported_on")
    assert "令和元年5月1日" in p.message_ja and "令和元年5月1日" in p.message_en


def test_era_beside_a_date_must_match(tmp_path: Path) -> None:
    ok = line(birth_date="1989-01-07", birth_unknown="0", birth_era="3")
    bad = line(birth_date="1989-01-08", birth_unknown="0", birth_era="3")
    _, problems = everything(write(tmp_path, [HEADER, ok, bad]))
    p = only(problems)
    assert (p.rule, p.line, p.key, p.value) == ("era", 3, "birth_era", "3")
    assert "平成" in p.message_ja


def test_bad_check_digits(tmp_path: Path) -> None:
    wrong = MY_NUMBER[:11] + str((int(MY_NUMBER[11]) + 1) % 10)
    _, problems = everything(
        write(
            tmp_path,
            [
                HEADER,
                line(my_number=MY_NUMBER),
                line(my_number=wrong),
                line(municipality_code="131017"),
            ],
        )
    )
    assert [(p.rule, p.line, p.key, p.column) for p in problems] == [
        ("checkdigit", 3, "my_number", 14),
        ("checkdigit", 4, "municipality_code", 2),
    ]


def test_unknown_code(tmp_path: Path) -> None:
    _, problems = everything(write(tmp_path, [HEADER, line(sex="9")]))
    p = only(problems)
    assert (p.rule, p.line, p.key, p.value) == ("code.unknown", 2, "sex", "9")
    assert "sex" in p.message_en and "性別" in p.message_ja


def test_required_length_flag_number_time(tmp_path: Path) -> None:
    lines = [
        HEADER,
        line(atena_no=""),
        line(name="あ" * 41),
        line(birth_unknown="2"),
        line(members="三"),
        line(operated_at="12:61:00"),
    ]
    _, problems = everything(write(tmp_path, lines))
    assert [(p.rule, p.line, p.key) for p in problems] == [
        ("required", 2, "atena_no"),
        ("length", 3, "name"),
        ("type.flag", 4, "birth_unknown"),
        ("type.number", 5, "members"),
        ("type.time", 6, "operated_at"),
    ]


def test_unmapped_private_use_gaiji_in_cp932(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    body = line(name="@@野　太郎").encode("cp932").replace(b"@@", b"\xf0\x40")
    path.write_bytes(HEADER.encode("cp932") + b"\r\n" + body + b"\r\n")
    rows, problems = everything(path)
    assert rows[0].encoding == "cp932" and rows[0].values["name"] == "\ue000野　太郎"
    p = only(problems)
    assert (p.rule, p.line, p.column, p.key, p.item) == ("gaiji.unmapped", 2, 3, "name", "氏名")
    assert "U+E000" in p.message_en and "0xF040" in p.message_en
    for table in ({"U+E000": "髙"}, {"u+e000": "髙"}, {"0xF040": "髙"}, {"0xf040": "髙"}):
        rows, problems = everything(path, gaiji=table)
        assert problems == []
        assert decode_row(rows[0], EVERY, gaiji=table)[0]["name"] == "髙野　太郎"


def test_gaiji_map_may_name_an_mj_glyph(tmp_path: Path) -> None:
    from jichitai.moji import canonical, identify

    mj = identify("髙")[0].mj
    assert mj is not None
    path = tmp_path / "f.csv"
    path.write_bytes((HEADER + "\r\n" + line(name="\ue001田")).encode("utf-8"))
    (row,), _ = everything(path)
    values, problems = decode_row(row, EVERY, gaiji={"U+E001": mj})
    assert problems == [] and values["name"] == canonical(mj) + "田"


def test_character_outside_mj_is_unknown_gaiji(tmp_path: Path) -> None:
    _, problems = everything(write(tmp_path, [HEADER, line(), line(banchi="1番地😀")]))
    p = only(problems)
    assert (p.rule, p.line, p.key) == ("gaiji.unknown", 3, "banchi")
    assert "U+1F600" in p.message_en


def test_undecodable_bytes_name_line_and_byte(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    good = line().encode("cp932")
    bad = line(atena_no="2").encode("cp932").replace(b",", b",\x81\x20", 1)
    path.write_bytes(
        HEADER.encode("cp932") + b"\r\n" + good + b"\r\n" + bad + b"\r\n" + good + b"\r\n"
    )
    rows, problems = everything(path, encoding="cp932")
    p = only(problems)
    assert (p.rule, p.line, p.column, p.value) == ("encoding", 3, 3, "81")
    assert [r.line for r in rows] == [2, 4]


def test_wrong_encoding_told(tmp_path: Path) -> None:
    path = write(tmp_path, [HEADER, line()], encoding="cp932")
    _, problems = everything(path, encoding="utf-8")
    assert problems and {p.rule for p in problems} == {"encoding"}
    assert problems[0].line == 1 and problems[0].column is not None


def test_embedded_newline_keeps_line_numbers(tmp_path: Path) -> None:
    two = line(banchi='"一丁目\r\n二番"')
    rows, problems = everything(write(tmp_path, [HEADER, two, line(atena_no="2")]))
    assert problems == []
    assert [r.line for r in rows] == [2, 4]
    assert rows[0].values["banchi"] == "一丁目\r\n二番"


def test_full_width_digits_normalised_in_codes_kept_in_text(tmp_path: Path) -> None:
    path = write(tmp_path, [HEADER, line(atena_no="１２３", banchi="１番地の２", members="１２")])
    (row,), problems = everything(path)
    values = decode_row(row, EVERY)[0]
    assert problems == []
    assert values["atena_no"] == "0000000123" and values["members"] == 12
    assert values["banchi"] == "１番地の２"


def test_fixed_width_problems(tmp_path: Path) -> None:
    good = (
        "0000000001"
        + "甲野　太郎".ljust(35)
        + "1"
        + "5060401"
        + "   "
        + "20240401"
        + " " * 11
        + "003"
    )
    assert len(good.encode("cp932")) == FIXED.record_bytes
    short = good[:-1]
    good_b = good.encode("cp932")
    cut_bytes = (
        b"0000000003" + ("あ" * 19).encode("cp932") + b" \x82" + good_b[50:]
    )  # a lead byte at 50
    path = tmp_path / "f.dat"
    path.write_bytes(
        b"\r\n".join([good.encode("cp932"), short.encode("cp932"), cut_bytes]) + b"\r\n"
    )
    rows, problems = everything(path, FIXED, encoding="cp932")
    assert [r.line for r in rows] == [1]
    assert [(p.rule, p.line, p.column) for p in problems] == [
        ("columns", 2, None),
        ("encoding", 3, 50),
    ]
    assert problems[1].key == "name"
    assert decode_row(rows[0], FIXED)[0]["name"] == "甲野　太郎"


@pytest.mark.parametrize("enc", ["utf-8", "utf-8-sig", "cp932", "euc-jp", "utf-16"])
def test_encoding_is_detected(tmp_path: Path, enc: str) -> None:
    path = write(tmp_path, [HEADER, line(name="渡辺　はなこ", banchi="北区一丁目")], encoding=enc)
    rows, problems = everything(path)
    assert problems == []
    expected = {"utf-16": "utf-16-le"}.get(enc, enc)
    assert rows[0].encoding == expected and rows[0].values["banchi"] == "北区一丁目"


def test_utf16_without_bom_is_detected(tmp_path: Path) -> None:
    path = write(tmp_path, [HEADER, line()], encoding="utf-16-be")
    rows, problems = everything(path)
    assert problems == [] and rows[0].encoding == "utf-16-be"


def test_a_gaiji_map_naming_an_unknown_mj_glyph_is_refused(tmp_path: Path) -> None:
    (row,), _ = everything(write(tmp_path, [HEADER, line()]))
    with pytest.raises(ValueError, match="MJ999999"):
        decode_row(row, EVERY, gaiji={"U+E000": "MJ999999"})
