"""Finding the persons a line names, and the address a line writes, through the register's read layer."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ..errors import RegistryError
from ..selectors import address_choices, search
from ..selectors.search import SearchQuery
from .reading import Refused

NOT_FOUND = (
    "氏名・生年月日が一致する住民が見つかりません（{name}）。氏名と生年月日を確認してください。"
)
AMBIGUOUS = "氏名・生年月日が一致する住民が{n}人います（{name}）。住民検索で本人を確認してから入力してください。"
SCREEN = "CSV取込（住民の照合）"


def find_person(family: str, given: str, birth: str, *, staff: Any, sex: str = "") -> Any:
    """The one current person (a summary) named so, or Refused. A protected person the staff member
    may not see is reported exactly as one not on the register: nothing tells them apart."""
    name = f"{family}{given}"
    try:
        page = search(
            SearchQuery(name=name, birth_date=dt.date.fromisoformat(birth), sex=sex, match="exact"),
            staff=staff,
            screen=SCREEN,
        )
    except RegistryError:
        raise Refused("person_not_found", NOT_FOUND.format(name=f"{family}　{given}")) from None
    found = [
        p for p in page.results if not p.masked and p.id is not None and p.status == "resident"
    ]
    if not found:
        raise Refused("person_not_found", NOT_FOUND.format(name=f"{family}　{given}"))
    if len(found) > 1:
        raise Refused("person_ambiguous", AMBIGUOUS.format(n=len(found), name=f"{family}　{given}"))
    return found[0]


def split_address(text: str) -> tuple[str, str]:
    """(address_id, 番地) of the 住所辞書's 町字 the text names (the longest that appears in it);
    ("", "") when none does: the clerk chooses it on the form."""
    best: tuple[int, str, str] | None = None
    for pk, label in address_choices():
        town = re.sub(r"（[^）]*）$", "", label)
        at = text.find(town) if town else -1
        if at >= 0 and (best is None or len(town) > len(best[1])):
            best = (pk, town, text[at + len(town) :].strip())
    if best is None:
        return "", ""
    return str(best[0]), best[2]
