"""``make conformance``: the standard's items, the claims in map/ and the tests that name them."""

from __future__ import annotations

from pathlib import Path

import pytest

from jichitai.conformance import __main__ as report
from jichitai.conformance import claims, evidence, standard
from jichitai.conformance.claims import Claim


def test_the_standard_is_the_transcribed_one() -> None:
    found = standard.items()
    assert len(found) == 469
    levels = [i.level for i in found.values()]
    assert (levels.count("must"), levels.count("optional"), levels.count("must_not")) == (368, 31, 70)
    assert found["110#2"].level == "must_not" and found["110#2"].title == "続柄"


def test_an_altered_standard_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    altered = tmp_path / "jyuki_functions.csv"
    altered.write_bytes(standard.CSV.read_bytes().replace("続柄".encode(), "続き柄".encode(), 1))
    monkeypatch.setattr(standard, "CSV", altered)
    standard.items.cache_clear()
    try:
        with pytest.raises(ValueError, match="sha256"):
            standard.items()
    finally:
        standard.items.cache_clear()


def test_marks_are_read_from_decorators_and_pytestmark(tmp_path: Path) -> None:
    tests = tmp_path / "tests"
    tests.mkdir()
    (tests / "test_a.py").write_text(
        "import pytest\n"
        "pytestmark = [pytest.mark.django_db, pytest.mark.std('10#1')]\n"
        "@pytest.mark.std('110#1', '110#2')\n"
        "def test_x():\n    pass\n"
        "class TestY:\n    @pytest.mark.std('330#5')\n    def test_z(self):\n        pass\n",
        encoding="utf-8")
    found = evidence.tests_by_item(tests)
    assert found == {"10#1": ["tests/test_a.py"], "110#1": ["tests/test_a.py::test_x"],
                     "110#2": ["tests/test_a.py::test_x"], "330#5": ["tests/test_a.py::test_z"]}


def test_untrue_claims_are_problems() -> None:
    items = standard.items()
    found = claims.problems(items, {
        "110#1": Claim("implemented"),              # no test names it
        "110#2": Claim("implemented"),              # a must_not cannot be "implemented"
        "120#1": Claim("planned"),                  # no reason
        "9999#1": Claim("implemented"),             # no such item
    }, {"110#2": ["t"], "77#7": ["tests/test_b.py::test_c"]})
    text = "\n".join(found)
    assert "110#1" in text and "without a test" in text
    assert "status not allowed for a must_not item" in text
    assert "120#1" in text and "reason is required" in text
    assert "'9999#1'" in text and "'77#7'" in text
    assert len(found) == 5
    assert claims.problems(items, {"110#2": Claim("proven"), "120#1": Claim("planned", "issue 11")},
                           {"110#2": ["t"]}) == []


def test_the_projects_report_is_true(capsys: pytest.CaptureFixture[str]) -> None:
    """What make conformance runs: every claim in map/ has its test, every marked test names
    a real item."""
    assert report.main([]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert "管理項目" in out and "must_not" in out


def test_an_item_claimed_in_two_files_is_refused(tmp_path: Path) -> None:
    (tmp_path / "ch01.toml").write_text('[items."110#1"]\nstatus = "implemented"\n', encoding="utf-8")
    (tmp_path / "ch02.toml").write_text('[items."110#1"]\nstatus = "planned"\nreason = "x"\n', encoding="utf-8")
    with pytest.raises(claims.DuplicateClaim, match="ch01.toml"):
        claims.load(tmp_path)
    (tmp_path / "ch02.toml").unlink()
    assert claims.load(tmp_path)["110#1"].status == "implemented"
