"""`jichitai moji …` in-process through the project dispatcher."""

from __future__ import annotations

import json

import pytest

from jichitai.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    rc = main(["moji", *argv])
    out, err = capsys.readouterr()
    return rc, out, err


def test_key_prints_only_the_key(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "key", "髙橋　太郎") == (0, "高橋太郎\n", "")


def test_kana_key(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "kana-key", "ﾀｶﾊｼ ｷｮｳｺ") == (0, "タカハシキヨウコ\n", "")


def test_inspect_json(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(capsys, "inspect", "髙葛\U000e0100", "--json")
    data = json.loads(out)
    assert rc == 0 and len(data) == 2
    assert data[0]["char"] == "髙" and data[0]["codepoints"] == ["U+9AD9"]
    assert data[0]["mj"] == "MJ028902" and data[0]["jisx0208"] is False and data[0]["font"] is True
    assert data[1]["codepoints"] == ["U+845B", "U+E0100"] and data[1]["font"] is False
    assert data[1]["mj"] is None


def test_degrade_prints_result_and_reports_changes_on_stderr(
    capsys: pytest.CaptureFixture[str],
) -> None:
    rc, out, err = run(capsys, "degrade", "髙﨑", "--to", "jisx0208")
    assert (rc, out) == (0, "高崎\n")
    assert "髙 → 高" in err and "﨑 → 崎" in err
    rc, out, err = run(capsys, "degrade", "𪚲", "--to", "jisx0208")
    assert rc == 1 and out == "〓\n" and "縮退できません" in err and "cannot degrade" in err


def test_lookup(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(capsys, "lookup", "MJ000001")
    assert rc == 0 and "々" in out


def test_errors_are_bilingual_with_nonzero_exit(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, err = run(capsys, "lookup", "MJ999999")
    assert rc == 1 and out == "" and "ありません" in err and "not in the MJ table" in err
    rc, _out, err = run(capsys, "degrade", "x", "--to", "ascii")
    assert rc == 2 and "引数" in err
