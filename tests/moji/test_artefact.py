"""The packaged artefact: rebuilt from ../shared it is byte-identical; it loads whole; it credits IPA."""

from __future__ import annotations

from pathlib import Path

from jichitai.moji import build, tables

from ._shared import need_shared


def test_rebuilding_from_shared_gives_the_committed_bytes(tmp_path: Path) -> None:
    src = need_shared()
    core, index = build.build(src)
    assert build.encode(core) == tables.CORE.read_bytes(), "run python -m jichitai.moji.build"
    assert build.encode(index) == tables.INDEX.read_bytes(), "run python -m jichitai.moji.build"


def test_artefact_is_small() -> None:
    assert tables.CORE.stat().st_size + tables.INDEX.stat().st_size < 3_000_000


def test_artefact_loads_every_character() -> None:
    # Load time is a benchmark (make bench-moji, artefact_load_s, target 0.3 s), not a timed test.
    t = tables.Tables(tables._load(tables.CORE))
    assert len(t) == 58_862


def test_notice_credits_ipa_and_licences() -> None:
    notice = (tables.DATA_DIR / "NOTICE.md").read_text(encoding="utf-8")
    for needle in (
        "独立行政法人情報処理推進機構(IPA)の著作物",
        "https://creativecommons.org/licenses/by-sa/2.1/jp/",
        "Unicode",
        "国税庁の著作物",
    ):
        assert needle in notice


def test_library_never_imports_django() -> None:
    import subprocess
    import sys

    code = (
        "import sys; import jichitai.moji as m; m.key('髙'); m.identify('辻'); "
        "m.degrade('﨑'); assert 'django' not in sys.modules, 'django imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
