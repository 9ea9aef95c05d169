"""Benchmark of `jichitai.moji`: matching keys per second, artefact load time, memory of the tables.

Run from the repository root: ``.venv/bin/python bench/moji/run.py [--names 1000000]``. Writes
bench/results/moji.json and prints a summary. Measures one core; never touches ../shared or a database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

SURNAMES = [
    "高橋",
    "髙橋",
    "山崎",
    "山﨑",
    "渡辺",
    "渡邉",
    "渡邊",
    "斎藤",
    "齋藤",
    "齊藤",
    "斉藤",
    "吉田",
    "𠮷田",
    "葛\U000e0100城",
    "辻\U000e0102",
    "佐藤",
    "鈴木",
    "田中",
    "伊藤",
    "中村",
    "小林",
    "加藤",
    "山本",
    "濱田",
    "廣瀨",
    "櫻井",
    "國分",
    "嶋田",
    "冨永",
    "黑田",
]
GIVEN = [
    "太郎",
    "花子",
    "恵子",
    "惠子",
    "龍也",
    "健太",
    "京子",
    "眞一",
    "實",
    "穗乃香",
    "裕子",
    "陽子",
]
SEPS = ["", "　", " "]


def synthetic_names(n: int, seed: int = 3) -> list[str]:
    rnd = random.Random(seed)
    return [rnd.choice(SURNAMES) + rnd.choice(SEPS) + rnd.choice(GIVEN) for _ in range(n)]


def _load_time_fresh() -> float:
    """Artefact load in a fresh interpreter (what a new worker pays), best of 3."""
    code = (
        "import time; t=time.perf_counter(); from jichitai.moji import tables; tables.tables(); "
        "print(time.perf_counter()-t)"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    runs = [
        float(
            subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
            ).stdout
        )
        for _ in range(3)
    ]
    return min(runs)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--names", type=int, default=1_000_000)
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "moji.json")
    a = p.parse_args(argv)

    load_s = _load_time_fresh()

    tracemalloc.start()
    from jichitai.moji import tables

    t0 = time.perf_counter()
    tables.tables()
    in_process_load_s = time.perf_counter() - t0
    tables_bytes = tracemalloc.get_traced_memory()[0]
    from jichitai.moji import keys

    t0 = time.perf_counter()
    keys.key_table()
    key_table_s = time.perf_counter() - t0
    total_bytes = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()

    names = synthetic_names(a.names)
    key = keys.key
    key(names[0])
    t0 = time.perf_counter()
    for n in names:
        key(n)
    key_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    for n in names[: a.names // 10]:
        keys.kana_key(n)
    kana_s = (time.perf_counter() - t0) * 10

    def metric(value: float, unit: str, target: float | None, better: str) -> dict[str, object]:
        return {"value": round(value, 4), "unit": unit, "target": target, "better": better}

    result = {
        "name": "moji",
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "implementation": platform.python_implementation(),
            "processor": platform.processor() or platform.machine(),
            "cpu_count": os.cpu_count(),
        },
        "params": {"names": a.names, "seed": 3, "distinct_names": len(set(names))},
        "metrics": {
            "key_names_per_s": metric(a.names / key_s, "names/s", 500_000, "higher"),
            "kana_key_names_per_s": metric(a.names / kana_s, "names/s", None, "higher"),
            "artefact_load_s": metric(load_s, "s", 0.3, "lower"),
            "artefact_load_in_process_traced_s": metric(in_process_load_s, "s", None, "lower"),
            "key_table_build_s": metric(key_table_s, "s", None, "lower"),
            "tables_memory_mb": metric(tables_bytes / 1e6, "MB", None, "lower"),
            "tables_and_key_table_memory_mb": metric(total_bytes / 1e6, "MB", None, "lower"),
            "artefact_size_mb": metric(
                (tables.CORE.stat().st_size + tables.INDEX.stat().st_size) / 1e6, "MB", 3.0, "lower"
            ),
        },
    }
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for k, m in result["metrics"].items():  # type: ignore[attr-defined]
        target = f" (target {m['target']})" if m["target"] is not None else ""
        print(f"{k:<38} {m['value']:>14,} {m['unit']}{target}")
    print(f"written {a.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
