"""Rules a clerk expects the register to enforce, each with its Japanese message.

Each function raises RegistryError (or returns warnings) and touches no projection.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils import timezone

from jichitai.codes import is_valid_my_number

from . import abbreviations, inputs, items
from .errors import RegistryError, RuleViolation, violation

SEXES = {"1", "2", "9"}
RESIDENT_TYPES = {"japanese", "foreign"}
PRECISIONS = {"day", "month", "year"}


def today() -> dt.date:
    return timezone.localdate()


def _date(value: Any, field: str, label: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise violation("date_format", f"{label}の形式が正しくありません（例: 2024-04-01）。", field) from None


def require_dates(effective: dt.date, reported: dt.date | None, kind: str) -> None:
    """異動日・届出日 may not lie in the future ([480] 4.0.3); 転出予定 is the exception."""
    if effective > today() and kind != "move_out_planned":
        raise violation("future_date", "異動日に未来の日付は入力できません。", "effective_date")
    if reported is not None and reported > today():
        raise violation("future_date", "届出日に未来の日付は入力できません。", "reported_date")


def require_resident(row: Mapping[str, Any]) -> None:
    status = row.get("status")
    if status == "dead":
        raise violation("dead", "死亡した住民は異動できません。", "person_id")
    if status != "resident":
        raise violation("not_resident", "住民ではない（転出・消除済みの）方は異動できません。", "person_id")


def require_not_before_birth(row: Mapping[str, Any], effective: dt.date) -> None:
    birth = _date(row.get("birth_date"), "birth_date", "生年月日")
    if birth is not None and effective < birth:
        raise violation("before_birth", "異動日が生年月日より前になっています。", "effective_date")


def require_text(value: Any, field: str, label: str) -> None:
    if not str(value or "").strip():
        raise violation("required", f"{label}を入力してください。", field)


def require_address(address: Mapping[str, Any]) -> None:

    try:
        pk = int(address.get("address_id"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise violation("address", "住所（町字）を選んでください。", "address_id") from None
    if not _address_exists(pk):
        raise violation("address", "住所（町字）が住所辞書にありません。", "address_id")
    require_text(address.get("banchi", ""), "banchi", "番地")


def _address_exists(pk: int) -> bool:
    """The municipality's address dictionary ids, loaded once per unit of work (a batch of events
    names hundreds of 町字; the dictionary is a few thousand ids even for a large city)."""
    from jichitai.tenancy.context import unit_cache

    from .models import AddressEntry

    cache = unit_cache()
    ids = cache.get("registry.address_ids")
    if not isinstance(ids, frozenset):
        ids = frozenset(AddressEntry.objects.values_list("pk", flat=True))
        cache["registry.address_ids"] = ids
    if pk in ids:
        return True
    # added since the ids were loaded (same unit of work)?
    if AddressEntry.objects.filter(pk=pk).exists():
        cache["registry.address_ids"] = ids | {pk}
        return True
    return False


NAME_FIELDS = (
    ("family_name", "氏"), ("given_name", "名"), ("family_name_kana", "氏（ふりがな）"),
    ("given_name_kana", "名（ふりがな）"), ("former_surname", "旧氏"), ("alias", "通称"),
)


def refuse_abbreviation(value: Any, field: str, label: str) -> None:
    """[330] 2.1.2 #5: （株）・（有）・㈱ and the like may not be entered in a name."""
    found = abbreviations.find(str(value or ""))
    if found:
        raise violation(
            "corporate_abbreviation",
            f"{label}に（株）・（有）・㈱などの法人の略称記号（{found}）は入力できません。",
            field,
        )


def validate_name(row: Mapping[str, Any]) -> None:
    require_text(row.get("family_name"), "family_name", "氏")
    for field, label in NAME_FIELDS:
        refuse_abbreviation(row.get(field), field, label)
    for field, problem in inputs.person_problems(row):  # MJ set, フリガナ (registry.inputs)
        raise problem.as_violation(field)


def _basics(row: Mapping[str, Any]) -> None:
    if row.get("sex") not in SEXES:
        raise violation("sex", "性別は 1（男）・2（女）・9（不詳）から選んでください。", "sex")
    if row.get("resident_type") not in RESIDENT_TYPES:
        raise violation("resident_type", "住民種別が正しくありません。", "resident_type")
    if row.get("birth_date_precision", "day") not in PRECISIONS:
        raise violation("birth_date_precision", "生年月日の精度が正しくありません。", "birth_date_precision")


def _birth(row: Mapping[str, Any]) -> None:
    birth = _date(row.get("birth_date"), "birth_date", "生年月日")
    if birth is None:
        raise violation("required", "生年月日を入力してください。", "birth_date")
    if birth > today():
        raise violation("future_date", "生年月日に未来の日付は入力できません。", "birth_date")


def _numbers(row: Mapping[str, Any]) -> None:
    number = inputs.text.normalize_digits(str(row.get("my_number") or ""))
    if number and not (number.isascii() and number.isdigit() and len(number) == 12):
        raise violation("my_number", "個人番号は12桁の数字です。番号を確かめて入力してください。", "my_number")
    if number and not is_valid_my_number(number):
        raise violation("my_number", "個人番号の検査用数字が正しくありません。番号を確かめて入力してください。", "my_number")
    code = inputs.text.normalize_digits(str(row.get("resident_code") or ""))
    if code and (len(code) != 11 or not code.isascii() or not code.isdigit()):
        raise violation("resident_code", "住民票コードは11桁の数字です。番号を確かめて入力してください。", "resident_code")


def _nationality(row: Mapping[str, Any]) -> None:
    if row.get("resident_type") == "foreign":
        require_text(row.get("nationality"), "nationality", "国籍・地域")  # 在留資格: items.check_foreign
        card = str(row.get("residence_card_no") or "")
        if card and not (len(card) == 12 and card[:2].isalpha() and card[2:10].isdigit() and card[10:].isalpha()):
            raise violation("residence_card_no", "在留カード番号の形式が正しくありません（英字2桁・数字8桁・英字2桁）。", "residence_card_no")
    else:
        for field, label in (("nationality", "国籍・地域"), ("residence_status", "在留資格")):
            if row.get(field):
                raise violation("japanese_only", f"日本人住民に{label}は記載できません。", field)


def _relationship(row: Mapping[str, Any]) -> None:
    require_text(row.get("relationship"), "relationship", "続柄")


_PERSON_CHECKS = (validate_name, _basics, _birth, _numbers, _nationality, _relationship, *items.CHECKS)


def person_row_violations(row: Mapping[str, Any]) -> list[RuleViolation]:
    """Every rule a person row breaks (each check on its own, so a form shows them all at once)."""
    out: list[RuleViolation] = []
    for check in _PERSON_CHECKS:
        try:
            check(row)
        except RegistryError as exc:
            out += exc.violations
    return out


def validate_person_row(row: Mapping[str, Any]) -> None:
    found = person_row_violations(row)
    if found:
        raise RegistryError(*found)


def new_person_violations(spec: Mapping[str, Any]) -> list[RuleViolation]:
    return person_row_violations({"birth_date_precision": "day", **spec})


def validate_new_person(spec: Mapping[str, Any]) -> None:
    validate_person_row({"birth_date_precision": "day", **spec})


def duplicate_keys(rows: Sequence[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """The (matching key, birth date) pairs a duplicate check looks for."""
    from jichitai.moji import key

    return [
        (key(f"{row.get('family_name') or ''}{row.get('given_name') or ''}"), str(row.get("birth_date")))
        for row in rows
    ]


def duplicate_counts(wanted: Sequence[tuple[str, str]]) -> dict[tuple[str, str], int]:
    from .models import Person

    return _existing_keys(Person, wanted) if wanted else {}


def duplicate_warnings_from(
    wanted: Sequence[tuple[str, str]], found: Mapping[tuple[str, str], int]
) -> list[RuleViolation]:
    out = []
    for pair in wanted:
        if found.get(pair):
            out.append(RuleViolation(
                "duplicate_suspected",
                f"同じ氏名（異体字を同一視）・生年月日の住民が既に {found[pair]} 人います。"
                "重複記載でないことを確認してください。",
                "family_name",
            ))
    return out


def pending_duplicate_warnings(
    wanted: Sequence[tuple[str, str]], found: Mapping[tuple[str, str], int]
) -> list[RuleViolation]:
    return [
        RuleViolation(
            "duplicate_suspected",
            f"同じ氏名（異体字を同一視）・生年月日の人を含む決裁待ちの異動が既に {found[pair]} 件あります。"
            "二重入力でないことを確認してください。",
            "family_name",
        )
        for pair in wanted if found.get(pair)
    ]


def _existing_keys(person_model: Any, wanted: Sequence[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """How many residents hold each (name key, birth date); one query, no person data loaded."""
    from django.db.models import Count

    rows = (
        person_model.objects.filter(
            status="resident", name_key__in={k for k, _ in wanted}, birth_date__in={d for _, d in wanted}
        )
        .values("name_key", "birth_date")
        .annotate(n=Count("pk"))
        .values_list("name_key", "birth_date", "n")
    )
    return {(k, d.isoformat()): n for k, d, n in rows.without_read_log("重複確認（件数のみ）")}


IdentityClaims = dict[tuple[str, str], Any]


def identity_claims(persons: Mapping[Any, Mapping[str, Any]]) -> IdentityClaims:
    """個人番号・住民票コード the event's current residents hold, {(field, number): ref};
    refuses the same number twice within one request."""
    seen: IdentityClaims = {}
    for ref, row in persons.items():
        if row.get("status") != "resident":
            continue
        for field in ("my_number", "resident_code"):
            value = str(row.get(field) or "")
            if not value:
                continue
            if (field, value) in seen and seen[(field, value)] != ref:
                label = "個人番号" if field == "my_number" else "住民票コード"
                raise violation("unique_number", f"{label}が同じ届出の中で重複しています。", field)
            seen[(field, value)] = ref
    return seen


def identity_holders(claims: Mapping[tuple[str, str], Any]) -> dict[tuple[str, str], set[int]]:
    """Which current residents hold each claimed number: one query for any number of claims."""
    from django.db.models import Q

    from .models import Person

    if not claims:
        return {}
    cond = Q()
    for field in ("my_number", "resident_code"):
        values = {v for (f, v) in claims if f == field}
        if values:
            # spelled like the partial unique index's predicate, so PostgreSQL can use it
            cond |= Q(**{f"{field}__in": values}, status="resident") & ~Q(**{field: ""})
    out: dict[tuple[str, str], set[int]] = {}
    rows = (
        Person.objects.filter(cond).values_list("pk", "my_number", "resident_code")
        .without_read_log("番号の重複確認（表示なし）")
    )
    for pk, my_number, resident_code in rows:
        for pair in (("my_number", my_number), ("resident_code", resident_code)):
            if pair in claims:
                out.setdefault(pair, set()).add(pk)
    return out


def refuse_taken_numbers(
    claims: Mapping[tuple[str, str], Any], holders: Mapping[tuple[str, str], set[int]], own: set[int]
) -> None:
    """A number may be held only by the persons the event itself is about (``own``)."""
    for field in ("my_number", "resident_code"):
        for pair in claims:
            if pair[0] == field and holders.get(pair, set()) - own:
                label = "個人番号" if field == "my_number" else "住民票コード"
                raise violation("unique_number", f"{label}が他の住民と重複しています。", field)


def require_approver(staff: Any, municipality_id: int | None = None) -> None:
    from jichitai.accounts.capabilities import has_capability

    if not has_capability(staff, "registry.approve", municipality_id):
        raise violation("not_approver", "決裁者の権限がありません。", "approver")
