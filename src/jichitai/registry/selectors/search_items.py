"""[340] 基本検索: one filter per search item, and the history ([340]#5/#9) and blank ([340]#6) rules.

Text items match 前方一致 (default), 完全一致 or 部分一致 ([330]#2, [340]#4). 氏名 and 名 compare
異体字-folded keys, カナ the あいまい key (moji.search_kana_key); 通称, 旧氏, 方書 and the numbers
compare the text as typed (NFKC-trimmed). Past 氏名 and addresses come from the approved events'
facts (the 異動 log): a 氏 or 名 that a person had before (完全一致), an 町字 where their household was.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.db.models import Q

from ..models import AddressEntry, EventFact, PersonStatus

MATCHES = {"prefix": "前方一致", "exact": "完全一致", "partial": "部分一致"}
REMOVALS = {
    PersonStatus.MOVED_OUT.value: "転出",
    PersonStatus.DEAD.value: "死亡",
    PersonStatus.DELETED.value: "職権消除等",
}
# [340]#6: items that may be searched as 未入力 (blank); (column, label, is an address item)
BLANKS: dict[str, tuple[str, str, bool]] = {
    "kana": ("family_name_kana", "フリガナ", False),
    "given_name": ("given_name", "名", False),
    "alias": ("alias", "通称", False),
    "former_surname": ("former_surname", "旧氏", False),
    "katagaki": ("household__katagaki", "方書", True),
    "banchi": ("household__banchi", "番地", True),
    "resident_code": ("resident_code", "住民票コード", False),
    "residence_card_no": ("residence_card_no", "在留カード番号", False),
    "honseki": ("honseki", "本籍", False),
}


def plain(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").strip()


def text_q(column: str, value: str, match: str) -> Q:
    if match == "exact":
        return Q(**{column: value})
    if match == "partial":
        return Q(**{f"{column}__contains": value})
    return Q(**{f"{column}__prefix": value})


def kana_q(column: str, value: str, match: str) -> Q:
    """A カナ condition on a あいまい key column. Inside a name (部分一致) a leading ウ may stand
    after an オ段 kana of the stored key, where it became オ: both are tried."""
    from jichitai.moji import search_kana_key

    k = search_kana_key(value)
    q = text_q(column, k, match)
    if match == "partial" and k.startswith("ウ"):
        q |= text_q(column, "オ" + k[1:], match)
    return q


def raw_q(column: str, value: str, match: str) -> Q:
    """A name-like item stored as typed (通称, 旧氏, 方書): the text and its folded key both tried."""
    from jichitai.moji import key

    v = plain(value)
    q = text_q(column, v, match)
    k = key(v)
    if k and k != v:
        q |= text_q(column, k, match)
    return q


def stored_kana_q(column: str, value: str, match: str) -> Q:
    """旧氏・通称のフリガナ ([180]), kept as typed: the text typed, its katakana (ひらがな, 半角 folded)
    and that katakana's ひらがな are each tried, so either way of typing finds either way of keeping."""
    from .. import inputs

    typed = plain(value)
    try:
        kata = inputs.kana.normalize(typed)
    except inputs.InputProblem:
        kata = typed
    hira = "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in kata)
    q = Q()
    for v in dict.fromkeys((typed, kata, hira)):
        q |= text_q(column, v, match)
    return q


def latin_q(column: str, value: str, match: str) -> Q:
    """氏名（アルファベット）: case and runs of spaces do not matter."""
    v = " ".join(plain(value).split())
    lookup = {"exact": "iexact", "partial": "icontains"}.get(match, "istartswith")
    return Q(**{f"{column}__{lookup}": v})


def card_no(value: str) -> str:
    """A 在留カード・特別永住者証明書 number as kept (ASCII, upper-case, no spaces)."""
    from ..inputs.text import normalize_card_no

    return normalize_card_no(plain(value))


def address_ids_by_code(code: str) -> list[int]:
    """住所コード ([340]#1): the 町字コード typed (前方一致: a code's leading digits select its area)."""
    return list(AddressEntry.objects.filter(town_code__prefix=plain(code)).values_list("pk", flat=True))


def past_name_persons(name: str) -> Q:
    """Persons who had the 氏 (first word) before — and, if a second word is typed, have or had
    that 名 ([340]#5/#9): the name facts' earlier values, as typed (完全一致; partial indexes of 0006)."""
    from jichitai.moji import key

    parts = plain(name).split()
    if not parts:
        return Q(pk__in=[])
    facts = EventFact.objects.filter(entity="person")
    ids = sorted(set(facts.filter(field="family_name", before=parts[0]).values_list("entity_id", flat=True)))
    q = Q(pk__in=ids)
    if len(parts) > 1:
        given = set(facts.filter(field="given_name", before=parts[1]).values_list("entity_id", flat=True))
        q &= Q(given_name_key=key(parts[1])) | Q(pk__in=sorted(given))
    return q


def past_address_persons(address_ids: list[int]) -> Q:
    """Persons whose household was ever at one of the 町字 ([340]#5/#9): households whose address
    fact had it (before or after), and everyone who ever joined one of those households."""
    if not address_ids:
        return Q(pk__in=[])
    facts = EventFact.objects.filter(entity="household", field="address_id")
    hids = set(facts.filter(before__in=address_ids).values_list("entity_id", flat=True)) | set(
        facts.filter(after__in=address_ids).values_list("entity_id", flat=True))
    if not hids:
        return Q(pk__in=[])
    members = EventFact.objects.filter(entity="person", field="household_id", after__in=sorted(hids))
    return Q(pk__in=sorted(set(members.values_list("entity_id", flat=True)))) | Q(household_id__in=sorted(hids))


def blank_q(items: tuple[str, ...]) -> Q:
    q = Q()
    for item in items:
        column = BLANKS[item][0]
        q &= Q(**{column: ""}) | Q(**{f"{column}__isnull": True})
    return q


def any_address_item(query: Any) -> bool:
    """Does the query search by something of the address (the secret of a protected household)?"""
    return bool(query.address_id or query.address_code.strip() or query.katagaki.strip() or query.banchi.strip()
                or any(BLANKS[b][2] for b in query.blank))
