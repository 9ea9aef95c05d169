"""``python -m jichitai.cli.continuity_check --on DATE``: the restore check, run by
``continuity restore`` in a process whose settings point at the restored database. Prints JSON;
exit 0 when the audit chains hold, 1 when not."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="jichitai continuity check")
    p.add_argument("--on", required=True, help="as-of date YYYY-MM-DD")
    args = p.parse_args(argv)
    from ._django import setup

    setup()
    from jichitai.continuity.check import check

    result = check(dt.date.fromisoformat(args.on))
    print(json.dumps(result, ensure_ascii=False))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
