"""Loading layout definitions: every mistake reported with the file and the item."""

from __future__ import annotations

from pathlib import Path

import pytest

from jichitai.layouts import LayoutError, available_layouts, load_layout, model

DATA = Path(__file__).parent / "data"

HEAD = """
[layout]
id = "t"
format = "{fmt}"
codes = "src"
"""


def item(no: int, key: str, type_: str = "text", **kw: object) -> str:
    extra = "".join(f"{k} = {v!r}\n".replace("'", '"') for k, v in kw.items())
    return f'[[items]]\nno = {no}\nname = "項目{no}"\nkey = "{key}"\ntype = "{type_}"\n{extra}'


def layout(tmp_path: Path, *items: str, fmt: str = "csv") -> Path:
    path = tmp_path / "l.toml"
    path.write_text(HEAD.format(fmt=fmt) + "\n".join(items), encoding="utf-8")
    return path


def errors(path: Path) -> str:
    with pytest.raises(LayoutError) as exc:
        load_layout(path)
    text = "\n".join(exc.value.errors)
    assert str(path.parent) in text
    return text


def test_the_test_layouts_load() -> None:
    every = load_layout(DATA / "every.toml")
    assert every.id == "test-every" and every.format == "csv" and every.header
    assert {it.type for it in every.items} == set(model.TYPES)
    assert every.item("sex").codes == "sex" and every.codes("sex").value_of("2") == "F"
    fixed = load_layout(DATA / "fixed.toml")
    assert [it.start for it in fixed.items] == [1, 11, 51, 52, 62, 70, 81]
    assert fixed.record_bytes == 83


def test_duplicate_key_and_number(tmp_path: Path) -> None:
    text = errors(layout(tmp_path, item(1, "a"), item(1, "a")))
    assert "duplicate key 'a'" in text and "duplicate item no 1" in text and "項目1" in text


def test_unknown_type_and_setting(tmp_path: Path) -> None:
    text = errors(layout(tmp_path, item(1, "a", "string"), item(2, "b", colour="red")))
    assert "unknown type 'string'" in text and "項目1" in text
    assert "unknown settings ['colour']" in text and "項目2" in text


def test_missing_code_table(tmp_path: Path) -> None:
    text = errors(layout(tmp_path, item(1, "a", "code", codes="nothing")))
    assert "code table 'nothing' not found" in text and "コード表" in text


def test_partial_date_needs_its_flag_and_text(tmp_path: Path) -> None:
    text = errors(layout(tmp_path, item(1, "d", "partial_date", unknown_flag="f")))
    assert "unknown_flag names no item 'f'" in text and "unknown_text is missing" in text
    text = errors(
        layout(
            tmp_path,
            item(1, "d", "partial_date", unknown_flag="f", unknown_text="t"),
            item(2, "f", "text"),
            item(3, "t"),
        )
    )
    assert "f is not a flag item" in text


def test_era_must_name_an_era_item(tmp_path: Path) -> None:
    text = errors(layout(tmp_path, item(1, "d", "date", era="e"), item(2, "e", "code")))
    assert "era 'e' is no era item" in text


def test_fixed_width_overlap_and_length(tmp_path: Path) -> None:
    path = layout(
        tmp_path,
        item(1, "a", length=10),
        item(2, "b", length=5, start=8),
        item(3, "c"),
        fmt="fixed",
    )
    text = errors(path)
    assert "starts at byte 8 and overlaps a" in text and "項目2" in text
    assert "fixed width needs a length" in text and "項目3" in text


def test_bad_toml_and_missing_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[layout\n", encoding="utf-8")
    assert "invalid TOML" in errors(bad)
    with pytest.raises(LayoutError, match="no such file"):
        load_layout(tmp_path / "none.toml")


def test_code_table_next_to_a_layout_wins(tmp_path: Path) -> None:
    (tmp_path / "codes").mkdir()
    (tmp_path / "codes" / "sex.toml").write_text(
        '[table]\nname = "sex"\n[[codes]]\ncode = "M"\nvalue = "M"\n', encoding="utf-8"
    )
    got = load_layout(layout(tmp_path, item(1, "s", "code", codes="sex")))
    assert got.codes("sex").value_of("M") == "M" and got.codes("sex").source.startswith(
        str(tmp_path)
    )


def test_duplicate_code_in_a_table(tmp_path: Path) -> None:
    (tmp_path / "codes").mkdir()
    (tmp_path / "codes" / "x.toml").write_text(
        '[table]\nname = "x"\n[[codes]]\ncode = "1"\nvalue = "a"\n[[codes]]\ncode = "1"\nvalue = "b"\n',
        encoding="utf-8",
    )
    text = errors(layout(tmp_path, item(1, "s", "code", codes="x")))
    assert "duplicate code '1'" in text and "x.toml" in text


def test_layouts_by_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    defs = tmp_path / "defs" / "std" / "1.0" / "jumin"
    defs.mkdir(parents=True)
    (defs / "every.toml").write_text(
        (DATA / "every.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (defs / "codes").mkdir()
    for f in (DATA / "codes").glob("*.toml"):
        (defs / "codes" / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(model, "DEFS", tmp_path / "defs")
    assert available_layouts() == ["test-every"]
    assert len(load_layout("test-every").items) == 15
    with pytest.raises(LayoutError, match="no layout 'nope'.*test-every"):
        load_layout("nope")


def test_shipped_layouts_all_load() -> None:
    for layout_id in available_layouts():
        assert load_layout(layout_id).id == layout_id
