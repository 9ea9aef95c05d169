"""転出証明書, 住民異動届 and 個人番号カード券面事項 CSV → drafts of 異動 forms.

Lines sharing a 証明書番号 / 受付番号 are one 異動 (one household's 転入, one 転居 …); a line
without one is its own. 転入 and 国外転入 pre-fill new-person rows; 転居, 転出 and 国外転出 find the
persons on the register (name and birth date, through the read layer) and tick them on their
household's form.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from . import checks
from .drafts import Draft, lines_text
from .persons import find_person, split_address
from .reading import Column, Problem, Refused, Row, read

PERSON_COLUMNS = (
    Column("name", "氏名", checks.name, required=True),
    Column("kana", "フリガナ", checks.furigana, aliases=("氏名フリガナ", "ふりがな")),
    Column("birth_date", "生年月日", checks.date, required=True),
    Column("sex", "性別", checks.sex),
    Column("relationship", "続柄", checks.relationship),
    Column("resident_code", "住民票コード", checks.resident_code),
    Column("my_number", "個人番号", checks.my_number),
    Column("honseki", "本籍", checks.text),
    Column("hittousha", "筆頭者", checks.text),
)
MOVE_OUT_CERTIFICATE = (
    Column("group", "証明書番号", checks.text, aliases=("転出証明書番号",)),
    *PERSON_COLUMNS,
    Column("from_address", "転出元住所", checks.text, required=True, aliases=("住所",)),
    Column("to_address", "転出先住所", checks.text, aliases=("転出先",)),
    Column("planned_date", "転出予定日", checks.date, aliases=("異動日",)),
)
KINDS_BY_NAME = {
    "転入": "move_in",
    "国外転入": "move_in_abroad",
    "転居": "move_within",
    "転出": "move_out_planned",
    "国外転出": "move_out_abroad",
}


def _kind(value: str) -> str:
    got = KINDS_BY_NAME.get(checks.text(value).strip())
    if got is None:
        raise Refused(
            "kind", f"異動の種類「{value}」は取り込めません（{'・'.join(KINDS_BY_NAME)}）。"
        )
    return got


NOTIFICATION = (
    Column("group", "受付番号", checks.text),
    Column("kind", "異動の種類", _kind, required=True),
    Column("effective_date", "異動日", checks.date, aliases=("転出予定日",)),
    Column("reported_date", "届出日", checks.date),
    Column("new_address", "新住所", checks.text, aliases=("住所",)),
    Column("katagaki", "方書", checks.text),
    Column("previous_address", "従前の住所", checks.text, aliases=("前住所", "転入前住所")),
    Column("destination", "転出先", checks.text),
    *PERSON_COLUMNS,
)
CARD = (
    Column("group", "世帯", checks.text),
    Column("address", "住所", checks.text, required=True),
    Column("name", "氏名", checks.name, required=True),
    Column("former_surname", "旧氏", checks.text),
    Column("alias", "通称", checks.text),
    Column("birth_date", "生年月日", checks.date, required=True),
    Column("sex", "性別", checks.sex, required=True),
    Column("my_number", "個人番号", checks.my_number),
    Column("relationship", "続柄", checks.relationship),
)
SOURCES = {
    "move_out_certificate": ("転出証明書", MOVE_OUT_CERTIFICATE),
    "notification": ("住民異動届", NOTIFICATION),
    "card": ("個人番号カード券面事項", CARD),
}
TITLES = {
    "move_in": "転入届",
    "move_in_abroad": "国外転入届",
    "move_within": "転居届",
    "move_out_planned": "転出届（転出予定）",
    "move_out_abroad": "国外転出届",
}
MY_NUMBER_RIGHT = "個人番号を取り込む権限がありません（個人番号利用事務）。個人番号の列を除いて取り込んでください。"


def groups(rows: Sequence[Row]) -> list[list[Row]]:
    """Lines sharing a group number (証明書番号, 受付番号, 申請番号) together; a line without one alone."""
    by_number: dict[str, list[Row]] = {}
    for r in rows:
        by_number.setdefault(str(r.values.get("group") or f"#{r.line}"), []).append(r)
    return list(by_number.values())


def _person_values(i: int, v: dict[str, Any]) -> dict[str, str]:
    family, given = v["name"]
    kana_family, _, kana_given = str(v.get("kana") or "").partition("\u3000")
    if not kana_given and " " in kana_family:
        kana_family, _, kana_given = kana_family.partition(" ")
    out = {
        "family_name": family,
        "given_name": given,
        "family_name_kana": kana_family,
        "given_name_kana": kana_given,
        "birth_date": v["birth_date"],
        "sex": v.get("sex", ""),
        "relationship": v.get("relationship", ""),
        "resident_code": v.get("resident_code", ""),
        "honseki": v.get("honseki", ""),
        "hittousha": v.get("hittousha", ""),
        "my_number": v.get("my_number", ""),
        "former_surname": v.get("former_surname", ""),
        "alias": v.get("alias", ""),
    }
    return {f"persons-{i}-{k}": str(val) for k, val in out.items() if val}


def _same(group: list[Row], key: str, label: str, file: str, problems: list[Problem]) -> str:
    first = str(group[0].values.get(key) or "")
    for r in group[1:]:
        if str(r.values.get(key) or "") != first:
            problems.append(
                Problem(
                    file,
                    r.line,
                    label,
                    "group_differs",
                    f"同じ番号の行で{label}が違います（{group[0].line}行目と）。",
                )
            )
    return first


def _new_persons(kind: str, group: list[Row], file: str, problems: list[Problem]) -> Draft:
    """転入・国外転入: the persons as new rows, the household's new address and the 従前の住所."""
    head = group[0].values
    previous = _same(
        group,
        "from_address" if "from_address" in head else "previous_address",
        "転出元住所",
        file,
        problems,
    ) or str(head.get("address") or "")
    new_address = str(head.get("to_address") or head.get("new_address") or "")
    address_id, banchi = split_address(new_address)
    values = {
        "previous_address": previous,
        "address_id": address_id,
        "banchi": banchi,
        "katagaki": str(head.get("katagaki") or ""),
        "effective_date": str(head.get("effective_date") or ""),
        "reported_date": str(head.get("reported_date") or ""),
    }
    for i, r in enumerate(group, start=1):
        values.update(_person_values(i, r.values))
    names = "、".join(f"{r.values['name'][0]}　{r.values['name'][1]}".strip("　") for r in group)
    return Draft(
        "event",
        kind,
        TITLES[kind],
        {k: v for k, v in values.items() if v},
        rows=len(group),
        lines=lines_text([r.line for r in group]),
        summary=names,
    )


def _registered(
    kind: str, group: list[Row], file: str, staff: Any, problems: list[Problem]
) -> Draft | None:
    """転居・転出・国外転出: the persons found on the register, one household."""
    found = []
    for r in group:
        family, given = r.values["name"]
        try:
            found.append(find_person(family, given, r.values["birth_date"], staff=staff))
        except Refused as exc:
            problems.append(Problem(file, r.line, "氏名", exc.rule, exc.message))
    if len(found) != len(group):
        return None
    households = {p.household_id for p in found}
    if len(households) > 1:
        problems.append(
            Problem(
                file,
                group[0].line,
                "氏名",
                "households",
                "同じ届出の人が別々の世帯にいます。世帯ごとに受付番号を分けてください。",
            )
        )
        return None
    head = group[0].values
    values = {
        "effective_date": str(head.get("effective_date") or ""),
        "reported_date": str(head.get("reported_date") or ""),
        "katagaki": str(head.get("katagaki") or ""),
    }
    if kind == "move_within":
        values["address_id"], values["banchi"] = split_address(str(head.get("new_address") or ""))
    else:
        values["destination"] = str(head.get("destination") or head.get("new_address") or "")
    return Draft(
        "event",
        kind,
        TITLES[kind],
        {k: v for k, v in values.items() if v},
        checked=[str(p.id) for p in found],
        household=households.pop(),
        lines=lines_text([r.line for r in group]),
        summary="、".join(p.name for p in found),
    )


def _my_number_right(rows: Sequence[Row], file: str, staff: Any, problems: list[Problem]) -> None:
    from jichitai.accounts.capabilities import has_capability

    if any(r.values.get("my_number") for r in rows) and not has_capability(
        staff, "registry.my_number"
    ):
        for r in rows:
            if r.values.get("my_number"):
                problems.append(
                    Problem(file, r.line, "個人番号", "my_number_right", MY_NUMBER_RIGHT)
                )


def event_drafts(
    source: str, data: bytes, file: str, *, staff: Any
) -> tuple[list[Draft], list[Problem]]:
    """The drafts of a 転出証明書, 住民異動届 or 券面事項 file, or every problem of it (then no draft)."""
    _, columns = SOURCES[source]
    rows, problems = read(data, file, columns)
    _my_number_right(rows, file, staff, problems)
    if problems:
        return [], problems
    drafts: list[Draft] = []
    for group in groups(rows):
        kind = str(group[0].values.get("kind") or "move_in")
        if any(str(r.values.get("kind") or kind) != kind for r in group):
            problems.append(
                Problem(
                    file,
                    group[-1].line,
                    "異動の種類",
                    "group_differs",
                    "同じ受付番号の行で異動の種類が違います。",
                )
            )
            continue
        if kind in ("move_in", "move_in_abroad"):
            drafts.append(_new_persons(kind, group, file, problems))
        else:
            draft = _registered(kind, group, file, staff, problems)
            if draft is not None:
                drafts.append(draft)
    return ([] if problems else drafts), problems
