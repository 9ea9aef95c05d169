"""Address text: the one way a household's address is written (町字 + 番地, then 方書)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..models import AddressEntry

HIDDEN = "（非表示）"


def address_line(town: str, banchi: str | None, katagaki: str | None) -> str:
    return f"{town}{banchi or ''}{('　' + katagaki) if katagaki else ''}"


def town_names(ids: Iterable[Any]) -> dict[int, str]:
    """町字 names by id, read once per unit of work for the ids asked."""
    from jichitai.tenancy.context import unit_cache

    cache = unit_cache().setdefault("registry.town_names", {})
    assert isinstance(cache, dict)
    wanted = {int(i) for i in ids if i} - set(cache)
    if wanted:
        cache.update(AddressEntry.objects.filter(pk__in=sorted(wanted)).values_list("pk", "name"))
    return cache


def household_address(row: Any) -> str:
    """The address of a Household object or of a household row folded from the log."""
    get = row.get if isinstance(row, Mapping) else lambda f: getattr(row, f, None)
    address_id = get("address_id")
    loaded = None if isinstance(row, Mapping) else getattr(row, "_state", None)
    if loaded is not None and "address" in loaded.fields_cache:  # select_related: no query
        town = row.address.name if row.address is not None else ""
    else:
        town = town_names([address_id]).get(address_id, "") if address_id else ""
    return address_line(town, get("banchi"), get("katagaki"))


def address_choices() -> list[tuple[int, str]]:
    # rows, not model objects: a city's 住所辞書 has hundreds of 町字 and every entry form lists them
    rows = AddressEntry.objects.order_by("town_code").values_list("pk", "name", "town_code")
    return [(pk, f"{name}（{code}）") for pk, name, code in rows]
