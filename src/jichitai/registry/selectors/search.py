"""[340] 基本検索: names (異体字-folded), kana, birth date, address, 住民票コード, 個人番号.

Results in 五十音順 (kana key, code-point order, which is the kana table's order). A protected
person is a masked row with no identifier for staff without need-to-know; an address search never
returns a protected person or anyone of their household to them. Provisional events are
invisible here because only approved events reach the projections.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .. import abbreviations
from ..errors import violation
from ..lookups import CodePointOrder  # importing it also registers the __prefix lookup
from ..models import Person, PersonStatus
from . import access, search_log
from .persons import PersonSummary, summaries

PAGE_SIZE = 20
MAX_PAGE = 10**6


@dataclass(frozen=True)
class SearchQuery:
    name: str = ""
    kana: str = ""
    birth_date: dt.date | None = None
    address_id: int | None = None
    banchi: str = ""
    my_number: str = ""
    resident_code: str = ""
    include_removed: bool = False
    page: int = 1
    page_size: int = PAGE_SIZE

    def is_empty(self) -> bool:
        return not any((self.name.strip(), self.kana.strip(), self.birth_date, self.address_id,
                        self.my_number.strip(), self.resident_code.strip()))


@dataclass(frozen=True)
class SearchPage:
    results: list[PersonSummary]
    total: int
    page: int
    pages: int
    query: SearchQuery = field(default_factory=SearchQuery)


def _filtered(query: SearchQuery, staff: Any) -> Any:
    from jichitai.moji import kana_key, key

    qs = Person.objects.exclude(status=PersonStatus.VOID)
    if not query.include_removed:
        qs = qs.filter(status=PersonStatus.RESIDENT)
    if query.name.strip():
        qs = qs.filter(name_key__prefix=key(query.name))
    if query.kana.strip():
        qs = qs.filter(kana_key__prefix=kana_key(query.kana))
    if query.birth_date:
        qs = qs.filter(birth_date=query.birth_date)
    if query.address_id:
        qs = qs.filter(household__address_id=query.address_id)
        if query.banchi.strip():
            qs = qs.filter(household__banchi__prefix=query.banchi.strip())
        if not access.need_to_know(staff):
            qs = _shield_address_search(qs, query)
    if query.my_number.strip():
        if not access.may_see_my_number(staff):
            raise violation("my_number_role", "個人番号で検索する権限がありません。", "my_number")
        qs = qs.filter(my_number=query.my_number.strip())
    if query.resident_code.strip():
        qs = qs.filter(resident_code=query.resident_code.strip())
    return qs


def _shield_address_search(qs: Any, query: SearchQuery) -> Any:
    """The address is what is secret: nobody of a protected household is found by it. A search
    that would have found one is alerted all the same (probing an address is an access)."""
    shielded, protected = access.shielded()
    if not shielded and not protected:
        return qs
    hits = set(qs.filter(household_id__in=sorted(shielded)).values_list("household_id", flat=True)
               .without_read_log("支援措置の確認（表示なし）"))
    for pid, hid in sorted(access.protected_in((), hits).items()):
        access.alert_access(pid, screen="住民検索", function="search.address",
                            detail={"household": hid, "excluded": True, "address_id": query.address_id,
                                    "banchi": query.banchi.strip()})
    return qs.exclude(household_id__in=sorted(shielded)).exclude(pk__in=sorted(protected))


def _refuse_abbreviations(query: SearchQuery) -> None:
    """[330] 2.1.2 #5: searching by （株）・（有）・㈱ must not be possible (the name key would fold
    the symbol away and find 「（株）山田」 and every 山田 with it), so the search is refused."""
    for item, label, value in (("name", "氏名", query.name), ("kana", "ふりがな", query.kana)):
        found = abbreviations.find(value)
        if found:
            raise violation("corporate_abbreviation",
                            f"検索する{label}に（株）・（有）・㈱などの法人の略称記号（{found}）は使えません。"
                            "記号を除いて検索してください。", item)


def search(query: SearchQuery, *, staff: Any, screen: str = "住民検索") -> SearchPage:
    """[340] 基本検索: results paginated; each person listed is logged as a read."""
    if query.is_empty():
        raise violation("empty_query", "検索条件を1つ以上入力してください。", "name")
    _refuse_abbreviations(query)
    qs = _filtered(query, staff)
    total = qs.count()
    search_log.log_search(query, total, screen)  # [1370]: the search itself, for the analyses
    size = max(1, min(query.page_size, 100))
    pages = max(1, -(-total // size))
    page = max(1, min(query.page, pages, MAX_PAGE))
    # 五十音順 by the kana key; then birth date and id: both prefix indexes carry these columns, so
    # the page comes from the index alone (a name key as second key cost the kana search 3x at p95)
    order = (CodePointOrder("kana_key").asc(), "birth_date", "pk")
    ids = list(qs.order_by(*order).values_list("pk", flat=True)[(page - 1) * size : page * size])
    rows = {
        p.pk: p
        for p in Person.objects.for_read(
            screen=screen, function="search", my_number_shown=bool(query.my_number.strip())
        ).filter(pk__in=ids).select_related("household", "household__address")
    }
    results = summaries([rows[pk] for pk in ids], staff=staff, screen=screen, function="search")
    return SearchPage(results, total, page, pages, query)
