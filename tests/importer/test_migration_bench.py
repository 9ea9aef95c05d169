"""bench/migration end to end at a tiny size (``--no-server``, the test database): the source file
is imported whole, exported again, and the result file has the issue's metrics and targets."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def test_the_migration_bench_runs_against_the_current_database(tmp_path: Any) -> None:
    root = Path(__file__).resolve().parents[2]
    spec = importlib.util.spec_from_file_location(
        "bench_migration_run", root / "bench/migration/run.py"
    )
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    out = tmp_path / "migration.json"
    assert bench.main(["--no-server", "--residents", "60", "--output", str(out)]) == 0
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["name"] == "migration"
    params = result["params"]
    assert (
        params["persons"] == 60 and params["rows"] == params["exported_rows"] > 60
    )  # with history
    metrics = {k.removesuffix("_nodurable"): v for k, v in result["metrics"].items()}
    assert metrics["import_to_raw_copy_ratio"]["target"] == 0.2
    assert metrics["export_rows_per_second"]["target"] == 100_000
    assert all(m["value"] > 0 for m in metrics.values())
