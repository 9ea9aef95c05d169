"""The 異動 form as rendered: widgets with their values and errors, and where each message goes.

A message of the typed request names its item by path (``persons.0.family_name``); a message of
a register rule names a request item (``new_head_id``). Both are placed next to their input.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from jichitai.registry.errors import RuleViolation
from jichitai.registry.labels import CORRECTABLE, label
from jichitai.registry.selectors import PersonSummary

from ..forms import (
    BIRTH_FIELDS,
    CHANGE_ROWS,
    EVENT_FIELDS,
    FOREIGN_FIELDS,
    PERSON_FIELDS,
    Built,
    Field,
    KindForm,
    row_prefix,
)
from .common import Errors, options_html

# [850] 軽微な修正: the 氏名 (住民ID) and 住所 (世帯ID) items only
MINOR_CHOICES = tuple((f, label(f)) for f in ("family_name", "given_name", "alias", "former_surname", "address_id",
                                              "banchi", "katagaki"))


@dataclass
class Widget:
    """One rendered input: its Field, POST name, id, value, errors, options."""

    f: Field
    name: str
    id: str
    value: Any = ""
    errors: list[str] = field(default_factory=list)
    autofocus: bool = False
    options: list[tuple[str, str]] = field(default_factory=list)

    @property
    def options_html(self) -> Any:
        return options_html(self.options, self.value)

    @property
    def described_by(self) -> str:
        ids = []
        if self.f.help:
            ids.append(f"{self.id}-help")
        if self.errors:
            ids.append(f"{self.id}-error")
        return " ".join(ids)


def widget(f: Field, name: str, values: Mapping[str, Any], errors: Errors, **kw: Any) -> Widget:
    value = values.get(name, "")
    if not value and f.name == "resident_type":
        value = "japanese"
    return Widget(f, name, f"f-{name}", value, errors.by_field.get(name, []), **kw)


@dataclass
class FormPage:
    form: KindForm
    head: list[Widget]
    rows: list[dict[str, Any]]  # persons rows: {"index", "fields": [Widget], "foreign": [Widget]}
    members: list[PersonSummary]
    changes: list[dict[str, Any]]
    relationships: list[tuple[PersonSummary, Widget]]
    checked: set[str] = field(default_factory=set)


def member_options(members: list[PersonSummary]) -> list[tuple[str, str]]:
    return [("", "選択してください")] + [
        (str(m.id), f"{m.name}（{m.relationship or '—'}・住民ID {m.id}）") for m in members
    ]


def person_row_widgets(index: int, values: Mapping[str, Any], errors: Errors) -> dict[str, Any]:
    prefix = row_prefix(index)
    return {
        "index": index, "prefix": prefix,
        "fields": [widget(f, prefix + f.name, values, errors, options=list(f.choices)) for f in PERSON_FIELDS],
        "foreign": [widget(f, prefix + f.name, values, errors, options=list(f.choices)) for f in FOREIGN_FIELDS],
    }


def _head(form: KindForm, values: Mapping[str, Any], errors: Errors, members: list[PersonSummary],
          addresses: list[tuple[int, str]]) -> list[Widget]:
    head = []
    for f in form.fields:
        options: list[tuple[str, str]] = list(f.choices)
        if f.widget == "address":
            options = [("", "選択してください")] + [(str(pk), name) for pk, name in addresses]
        elif f.widget == "member":
            options = member_options(members)
        head.append(widget(f, f.name, values, errors, options=options))
    return head


def _changes(form: KindForm, values: Mapping[str, Any], errors: Errors) -> list[dict[str, Any]]:
    if not form.changes:
        return []
    choices = {"person": CORRECTABLE, "minor": MINOR_CHOICES}.get(form.changes, EVENT_FIELDS)
    out = []
    for i in range(1, CHANGE_ROWS + 1):
        out.append({
            "index": i,
            "field": widget(Field(f"change-{i}-field", f"項目{i}", "select"), f"change-{i}-field", values, errors,
                            options=[("", "選択してください"), *choices]),
            "entity_id": widget(Field(f"change-{i}-entity_id", f"対象の住民ID・世帯ID{i}"),
                                f"change-{i}-entity_id", values, errors),
            "value": widget(Field(f"change-{i}-value", f"修正後の値{i}"), f"change-{i}-value", values, errors),
        })
    return out


def build_page(form: KindForm, values: Mapping[str, Any], errors: Errors, members: list[PersonSummary],
               addresses: list[tuple[int, str]], rows: int, checked: set[str]) -> FormPage:
    head = _head(form, values, errors, members, addresses)
    person_rows: list[dict[str, Any]] = []
    if form.persons == "rows":
        person_rows = [person_row_widgets(i, values, errors) for i in range(1, rows + 1)]
    elif form.persons == "one":
        person_rows.append({
            "index": 1, "prefix": "person-",
            "fields": [widget(f, "person-" + f.name, values, errors, options=list(f.choices)) for f in BIRTH_FIELDS],
            "foreign": [],
        })
    rel = []
    if any(f.widget == "relationships" for f in form.fields):
        rel = [(m, widget(Field(f"rel-{m.id}", f"{m.name}の続柄"), f"rel-{m.id}", values, errors)) for m in members]
    page = FormPage(form, head, person_rows, members, _changes(form, values, errors), rel, checked)
    # autofocus: the first field with an error, else the first field (never on a button)
    widgets = [*(w for w in head if w.f.widget not in ("members", "relationships")),
               *(w for r in person_rows for w in r["fields"] + r["foreign"])]
    target = next((w for w in widgets if w.errors), None) if errors.by_field else None
    if target is None and widgets and not errors:
        target = widgets[0]
    if target is not None:
        target.autofocus = True
    return page


def known_names(form: KindForm, rows: int, members: list[PersonSummary]) -> set[str]:
    names = {f.name for f in form.fields} | {"persons", "household"}
    if form.persons == "rows":
        for i in range(1, rows + 1):
            names |= {row_prefix(i) + f.name for f in (*PERSON_FIELDS, *FOREIGN_FIELDS)}
    elif form.persons == "one":
        names |= {"person-" + f.name for f in PERSON_FIELDS}
    names |= {f"rel-{m.id}" for m in members}
    names |= {f"change-{i}-{p}" for i in range(1, CHANGE_ROWS + 1) for p in ("field", "value", "entity_id")}
    return names


_ALIASES = {
    "household_id": "existing_household_id", "existing_id": "existing_household_id", "head": "persons",
    "head_ref": "persons", "from_household_id": "household", "approver": "", "idempotency_key": "",
}


def anchor(v: RuleViolation, form: KindForm, known: set[str], built: Built | None = None) -> str:
    """The input a message belongs to ("" for the summary only)."""
    parts = v.field.split(".") if v.field else [""]
    head = parts[0]
    name = head
    if len(parts) > 1 and parts[1].isdigit() and built is not None:
        i = int(parts[1])
        if head == "persons" and i < len(built.rows):
            name = row_prefix(built.rows[i]) + (parts[2] if len(parts) > 2 else "family_name")
        elif head == "changes" and i < len(built.change_rows):
            name = f"change-{built.change_rows[i]}-{parts[2] if len(parts) > 2 else 'field'}"
    elif head == "person" and len(parts) > 1:
        name = f"person-{parts[1]}"
    elif head in ("household", "address") and len(parts) > 1:
        name = parts[-1]
    elif head == "relationships" and len(parts) > 1:
        name = f"rel-{parts[1]}"
    if name in known:
        return name
    alias = _ALIASES.get(name, name)
    if alias in known:
        return alias
    if form.persons == "one" and f"person-{name}" in known:
        return f"person-{name}"
    if form.persons == "rows" and name in {f.name for f in (*PERSON_FIELDS, *FOREIGN_FIELDS)}:
        return "persons"
    if name in ("person_id", "new_head_id", "remaining_head_id") and "person_ids" in known:
        return "person_ids"
    return ""


def add_all(errors: Errors, violations: Iterable[RuleViolation], form: KindForm, known: set[str],
            built: Built | None = None, *, skip_taken: bool = False) -> None:
    """Every message into the list; ``skip_taken``: not where an input error already stands."""
    for v in violations:
        where = anchor(v, form, known, built)
        if skip_taken and where and where in errors.by_field:
            continue
        errors.add(v.message, where, known)
