"""Where in a certificate's data the characters IPAmj明朝 cannot draw are: which person, which item.

The 外字 list ([1070]#2 未登録外字) needs the person and the code point; the renderer only knows the
text. A character in the address belongs to every person printed at it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .fonts import code_points


def locate(
    characters: list[str], data: Mapping[str, Any]
) -> list[tuple[int | None, str, str, str]]:
    """(person id or None, item, character, "U+…") for each character, wherever it occurs."""
    ids = list(data.get("person_ids") or ())
    members = list(data.get("members") or ())
    found: list[tuple[int | None, str, str, str]] = []
    for ch in characters:
        code = code_points(ch)
        hits = [
            (ids[i] if i < len(ids) else None, str(label))
            for i, m in enumerate(members)
            for label, value in m.items()
            if ch in str(value)
        ]
        if ch in str(data.get("address") or ""):
            hits += [(pid, "住所") for pid in ids] or [(None, "住所")]
        for pid, label in hits or [(None, "")]:
            found.append((pid, label, ch, code))
    return found
