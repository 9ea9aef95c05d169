"""Benchmark: synthetic residents generated per second (issue 2, "bench/ has a generator benchmark").

Run from the repository root:

    .venv/bin/python bench/generator/run.py [--residents 300000] [--seed 0] [--municipality 141003]

It consumes ``generate_households`` once, timing only generation (the loop just counts), then
reports peak RSS of the process, prints a summary, and writes ``bench/results/generator.json``
(``--output`` to write elsewhere, ``--output -`` for none). A short untimed second pass over the
first residents prints shape statistics so a speed-up that breaks realism is visible.
It never writes anything but the results file.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from benchlib import write_result  # noqa: E402

sys.path.insert(0, str(ROOT / "src"))  # works without an editable install as well

from jichitai.synthetic import DEFAULT_AS_OF, generate_households  # noqa: E402


def peak_rss_mb() -> float:
    # ru_maxrss is KiB on Linux, bytes on macOS.
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


def shape_stats(municipality: str, residents: int, seed: int) -> dict[str, float]:
    households = 0
    singles = 0
    people = 0
    foreign = 0
    male = 0
    over_100 = 0
    variant = 0
    ivs = 0
    sizes: Counter[int] = Counter()
    for h in generate_households(municipality, residents, seed):
        households += 1
        sizes[len(h.members)] += 1
        singles += len(h.members) == 1
        for p in h.members:
            people += 1
            foreign += p.nationality is not None
            male += p.sex == "1"
            b = p.birth_date
            age = (
                DEFAULT_AS_OF.year
                - b.year
                - ((DEFAULT_AS_OF.month, DEFAULT_AS_OF.day) < (b.month, b.day))
            )
            over_100 += age >= 100
            if any(0xE0100 <= ord(c) <= 0xE01EF for c in p.family_name):
                ivs += 1
            elif any(c in p.family_name for c in "髙﨑邉邊齋齊𠮷櫻濱濵澤瀧嶋德國廣"):
                variant += 1
    return {
        "residents": people,
        "households": households,
        "mean_household_size": people / households,
        "single_person_household_share": singles / households,
        "foreign_share": foreign / people,
        "male_share": male / people,
        "over_100": over_100,
        "mj_variant_surnames": variant,
        "ivs_surnames": ivs,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--residents", type=int, default=300_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--municipality", default="141003", help="地方公共団体コード (default 横浜市)"
    )
    parser.add_argument("--output", default=str(ROOT / "bench" / "results" / "generator.json"))
    parser.add_argument("--sample", type=int, default=100_000, help="residents for shape stats")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    cpu_start = time.process_time()
    households = 0
    residents = 0
    for h in generate_households(args.municipality, args.residents, args.seed):
        households += 1
        residents += len(h.members)
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    peak = peak_rss_mb()
    assert residents == args.residents, (residents, args.residents)

    result = {
        "name": "generator",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "implementation": platform.python_implementation(),
            "processor": platform.processor() or platform.machine(),
            "cpu_count": os.cpu_count(),
        },
        "params": {"residents": args.residents, "seed": args.seed},
        "metrics": {
            "residents_per_second": {
                "value": round(residents / elapsed, 1),
                "unit": "residents/s",
                "target": None,
                "better": "higher",
            },
            "households_per_second": {
                "value": round(households / elapsed, 1),
                "unit": "households/s",
                "target": None,
                "better": "higher",
            },
            # CPU time is less sensitive than wall time to other jobs on a shared machine.
            "residents_per_cpu_second": {
                "value": round(residents / cpu, 1),
                "unit": "residents/s",
                "target": None,
                "better": "higher",
            },
            "elapsed_seconds": {
                "value": round(elapsed, 3),
                "unit": "s",
                "target": None,
                "better": "lower",
            },
            "peak_memory_mb": {
                "value": round(peak, 1),
                "unit": "MB",
                "target": None,
                "better": "lower",
            },
        },
    }

    print(
        f"generator: {residents:,} residents in {households:,} households "
        f"(municipality {args.municipality}, seed {args.seed})"
    )
    print(
        f"  {residents / elapsed:,.0f} residents/s, {households / elapsed:,.0f} households/s, "
        f"{elapsed:.2f} s ({residents / cpu:,.0f} residents per CPU second), "
        f"peak RSS {peak:.1f} MB"
    )

    sample = min(args.sample, args.residents)
    if sample:
        stats = shape_stats(args.municipality, sample, args.seed)
        shown = ", ".join(
            f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v:,}" for k, v in stats.items()
        )
        print(f"  shape of the first {sample:,}: {shown}")

    write_result(result, args.output, ROOT)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
