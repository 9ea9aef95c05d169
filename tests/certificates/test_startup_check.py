"""`jichitai serve` refuses to start when certificates cannot be rendered (no HarfBuzz subsetting
or no IPAmj明朝), instead of failing at the counter."""

from __future__ import annotations

from typing import Any

import pytest

from jichitai.certificates import render
from jichitai.cli import serve


def test_serve_refuses_to_start_without_subsetting(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    def missing() -> None:
        raise render.SubsettingUnavailableError("libharfbuzz-subset0 がありません")

    monkeypatch.setattr(render, "warm_up", missing)
    assert serve._renderer_ready() is False
    err = capsys.readouterr().err
    assert "起動しません" in err and "libharfbuzz-subset0" in err


def test_serve_starts_when_the_engine_is_ready() -> None:
    assert serve._renderer_ready() is True  # this machine has the font and the library (system_deps)


def test_a_gunicorn_worker_sets_the_engine_up_before_its_first_request(tmp_path: Any) -> None:
    """Loading the WSGI application (what each gunicorn worker does) warms the engine up, swaps in
    the preprocessed font for subsetting and freezes start-up's objects out of the collector."""
    import os
    import subprocess
    import sys

    probe = (
        "import gc, jichitai.wsgi\n"
        "from weasyprint.pdf import fonts\n"
        "from jichitai.certificates.render.subset import _PreprocessedSubset\n"
        "print(gc.get_freeze_count() > 10000, isinstance(fonts.harfbuzz_subset, _PreprocessedSubset))\n"
    )
    env = {**os.environ, "JICHITAI_DATA_DIR": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=120)
    assert out.stdout.split() == ["True", "True"], out.stderr[-2000:]
