"""[340] 基本検索 (items in search_items.py): names, kana (あいまい), dates, addresses, numbers, blanks, history.

Results in 五十音順 (kana key, code-point order, which is the kana table's order). A protected
person is a masked row with no identifier for staff without need-to-know; an address search never
returns a protected person or anyone of their household to them. Provisional events are
invisible here because only approved events reach the projections.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from .. import abbreviations
from ..errors import violation
from ..lookups import CodePointOrder  # importing it also registers the __prefix lookup
from ..models import Person, PersonStatus
from . import access, move_outs, search_log
from . import search_items as items
from .persons import PersonSummary, summaries

PAGE_SIZE = 20
MAX_PAGE = 10**6


@dataclass(frozen=True)
class SearchQuery:
    name: str = ""
    kana: str = ""
    given_name: str = ""
    given_kana: str = ""
    match: str = "prefix"
    alias: str = ""
    former_surname: str = ""
    birth_date: dt.date | None = None
    birth_to: dt.date | None = None  # with birth_date: a range (a year or month typed, [340]#8)
    sex: str = ""
    relationship: str = ""
    address_id: int | None = None
    address_code: str = ""
    banchi: str = ""
    katagaki: str = ""
    atena_no: str = ""
    household_no: str = ""
    removal: str = ""
    my_number: str = ""
    resident_code: str = ""
    residence_card_no: str = ""
    alias_kana: str = ""
    former_surname_kana: str = ""
    alphabet_name: str = ""
    special_permanent_cert_no: str = ""
    blank: tuple[str, ...] = ()
    include_history: bool = False
    include_removed: bool = False
    page: int = 1
    page_size: int = PAGE_SIZE

    def is_empty(self) -> bool:
        texts = (self.name, self.kana, self.given_name, self.given_kana, self.alias, self.former_surname,
                 self.sex, self.relationship, self.address_code, self.katagaki, self.atena_no,
                 self.household_no, self.removal, self.my_number, self.resident_code, self.residence_card_no,
                 self.alias_kana, self.former_surname_kana, self.alphabet_name, self.special_permanent_cert_no)
        return not (any(t.strip() for t in texts) or self.birth_date or self.address_id or self.blank)


@dataclass(frozen=True)
class SearchPage:
    results: list[PersonSummary]
    total: int
    page: int
    pages: int
    query: SearchQuery = field(default_factory=SearchQuery)


def _names(qs: Any, query: SearchQuery) -> Any:
    from jichitai.moji import key

    m = query.match if query.match in items.MATCHES else "prefix"
    if query.name.strip():
        q = items.text_q("name_key", key(query.name), m)
        if query.include_history:
            q |= items.past_name_persons(query.name)
        qs = qs.filter(q)
    if query.kana.strip():
        qs = qs.filter(items.kana_q("kana_key", query.kana, m))
    if query.given_name.strip():
        qs = qs.filter(items.text_q("given_name_key", key(query.given_name), m))
    if query.given_kana.strip():
        qs = qs.filter(items.kana_q("given_kana_key", query.given_kana, m))
    for column in ("alias", "former_surname"):
        if getattr(query, column).strip():
            qs = qs.filter(items.raw_q(column, getattr(query, column), m))
    for column in ("alias_kana", "former_surname_kana"):
        if getattr(query, column).strip():
            qs = qs.filter(items.stored_kana_q(column, getattr(query, column), m))
    if query.alphabet_name.strip():
        qs = qs.filter(items.latin_q("alphabet_name", query.alphabet_name, m))
    return qs


def _address(qs: Any, query: SearchQuery) -> Any:
    m = query.match if query.match in items.MATCHES else "prefix"
    address_ids = [query.address_id] if query.address_id else []
    if query.address_code.strip():
        by_code = items.address_ids_by_code(query.address_code)
        address_ids = [a for a in address_ids if a in by_code] if address_ids else by_code
        if not address_ids:
            return qs.none()
    if address_ids:
        q = Q(household__address_id__in=address_ids)
        if query.include_history:
            q |= items.past_address_persons(address_ids)
        qs = qs.filter(q)
    if query.banchi.strip():
        qs = qs.filter(household__banchi__prefix=items.plain(query.banchi))
    if query.katagaki.strip():
        qs = qs.filter(items.raw_q("household__katagaki", query.katagaki, m))
    return qs


def _filtered(query: SearchQuery, staff: Any) -> Any:
    qs = Person.objects.exclude(status=PersonStatus.VOID)
    if query.removal:
        if query.removal not in items.REMOVALS:
            raise violation("removal", "消除事由は一覧から選んでください。", "removal")
        # [50]#1: a 転出予定日 that has come makes a 転出者 without a clerk (move_outs)
        qs = qs.filter(Q(status=query.removal) | move_outs.gone()) if query.removal == PersonStatus.MOVED_OUT \
            else qs.filter(status=query.removal)
    elif not query.include_removed:
        qs = qs.filter(move_outs.current())
    qs = _address(_names(qs, query), query)
    if query.birth_date:
        qs = qs.filter(birth_date__gte=query.birth_date, birth_date__lte=query.birth_to or query.birth_date)
    for column in ("sex", "relationship", "atena_no", "resident_code", "residence_card_no"):
        value = items.plain(getattr(query, column))
        if value:
            qs = qs.filter(**{column: value})
    if query.special_permanent_cert_no.strip():
        qs = qs.filter(special_permanent_cert_no=items.card_no(query.special_permanent_cert_no))
    if query.household_no.strip():
        qs = qs.filter(household__household_no=items.plain(query.household_no))
    if query.blank:
        unknown = [b for b in query.blank if b not in items.BLANKS]
        if unknown:
            raise violation("blank_item", "未入力で検索できる項目は一覧から選んでください。", "blank")
        qs = qs.filter(items.blank_q(query.blank))
    if query.my_number.strip():
        if not access.may_see_my_number(staff):
            raise violation("my_number_role", "個人番号で検索する権限がありません。", "my_number")
        qs = qs.filter(my_number=items.plain(query.my_number))
    if items.any_address_item(query) and not access.need_to_know(staff):
        qs = _shield_address_search(qs, query)
    return qs


def _shield_address_search(qs: Any, query: SearchQuery) -> Any:
    """The address is what is secret: nobody of a protected household (nor any protected person,
    whatever address history found them) is found by it. A search that would have found one is
    alerted all the same (probing an address is an access)."""
    shielded, protected = access.shielded()
    if not shielded and not protected:
        return qs
    hits = list(qs.filter(Q(household_id__in=sorted(shielded)) | Q(pk__in=sorted(protected)))
                .values_list("pk", "household_id").without_read_log("支援措置の確認（表示なし）"))
    concerned = access.protected_in([p for p, _ in hits if p in protected], [h for _, h in hits])
    for pid, hid in sorted(concerned.items()):
        access.alert_access(pid, screen="住民検索", function="search.address",
                            detail={"household": hid, "excluded": True, "address_id": query.address_id,
                                    "banchi": query.banchi.strip(), "katagaki": query.katagaki.strip()})
    return qs.exclude(household_id__in=sorted(shielded)).exclude(pk__in=sorted(protected))


def _refuse_abbreviations(query: SearchQuery) -> None:
    """[330] 2.1.2 #5: searching by （株）・（有）・㈱ must not be possible (the name key would fold
    the symbol away and find 「（株）山田」 and every 山田 with it), so the search is refused."""
    for item, label, value in (("name", "氏名", query.name), ("kana", "ふりがな", query.kana),
                               ("given_name", "名", query.given_name), ("given_kana", "名のふりがな", query.given_kana),
                               ("alias", "通称", query.alias), ("former_surname", "旧氏", query.former_surname),
                               ("alias_kana", "通称のフリガナ", query.alias_kana),
                               ("former_surname_kana", "旧氏のフリガナ", query.former_surname_kana)):
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
