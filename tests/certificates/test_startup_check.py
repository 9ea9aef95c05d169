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
