"""外字同定 worklist of a municipality's migration: every vendor 外字 a run met that nothing mapped.

A failed run writes nothing to the register, so the list is kept beside the uploads, in
DATA_DIR/migration/<団体コード>/gaiji-worklist.json: one entry per code, with where it was seen
(宛名番号, item, file and line; at most EXAMPLES of them). ``as_table_csv`` gives it as a
外字対応表 (``jichitai.moji.gaiji``) with the MJ文字図形名 left blank: a person fills it in (the
table refuses a blank), and the next run maps what they decided. Each run of a file replaces what
the list said about that file (by name): an entry goes when no file still holds it unmapped.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from jichitai.moji.gaiji import HEADER, normalise_code

EXAMPLES = 5
_CODE = re.compile(r"^U\+[0-9A-F]{4,6}$")


def _path(code: str) -> Path:
    return Path(settings.DATA_DIR) / "migration" / code / "gaiji-worklist.json"


def load(code: str) -> list[dict[str, Any]]:
    try:
        return list(json.loads(_path(code).read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return []


def _save(code: str, entries: list[dict[str, Any]]) -> None:
    path = _path(code)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(entries, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)  # never a half-written list


def _code_of(text: str) -> str:
    """The private-use code point a problem's value holds, as the 外字対応表 writes it."""
    for ch in text:
        o = ord(ch)
        if 0xE000 <= o <= 0xF8FF or o >= 0xF0000:
            return f"U+{o:04X}"
    return normalise_code(text[:16])


def record(code: str, unmapped: Iterable[Any], *, files: Iterable[str]) -> list[dict[str, Any]]:
    """Merge a run over ``files`` (names) and its unmapped 外字 (``importer.records.UnmappedGaiji``)
    into the list. Returns the list."""
    ran = {Path(f).name for f in files}
    entries: dict[str, dict[str, Any]] = {}
    for e in load(code):  # what earlier runs saw in other files stands
        e["seen"] = [s for s in e["seen"] if s["file"] not in ran]
        if e["seen"]:
            entries[e["code"]] = e
    now = timezone.now().isoformat(timespec="seconds")
    for u in unmapped:
        key = u.code if _CODE.match(u.code or "") else _code_of(u.text)
        entry = entries.setdefault(key, {"code": key, "first_seen": now, "seen": []})
        entry["last_seen"] = now
        where = {
            "atena_no": u.atena_no,
            "item": u.item,
            "file": Path(u.source.file).name,
            "line": u.source.line,
        }
        if where not in entry["seen"] and len(entry["seen"]) < EXAMPLES:
            entry["seen"].append(where)
    out = sorted(entries.values(), key=lambda e: e["code"])
    _save(code, out)
    return out


def as_table_csv(entries: Iterable[dict[str, Any]], vendor: str = "移行元") -> str:
    """The list as a 外字対応表 to fill in: the MJ文字図形名, who decided and when are blank."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for e in entries:
        seen = "; ".join(
            f"宛名番号{s['atena_no']} {s['item']} {s['file']}:{s['line']}" for s in e["seen"]
        )
        writer.writerow([vendor, e["code"], "", "", "", seen])
    return out.getvalue()
