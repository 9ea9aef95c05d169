"""Rosters: the persons of lists that leave the register in bulk (chapter 9's batch work).

- ``third_party_rows``: residents for the 住民基本台帳の一部の写し（閲覧用） ([1320]) and the
  無作為抽出 with its labels ([1330]). These lists go to third parties, so **need-to-know does not
  count**: a person under an active 支援措置 is never in them, for anyone, and neither is any current
  member of a household with a protected member (the co-resident's address is hers). Nothing says
  that anyone was left out (no count, no mark): the list is simply the others.
- ``held_rows``: the 抑止対象者一覧 ([1290]), masked like the 抑止管理 screen.
- ``moving_wards``: 成年被後見人 who filed a 転出 in a period ([1310]#2, one notice each; never a
  list of them, [1310]#3).
- ``households_at``, ``persons_by_atena``, ``shielded_households``, ``shielded_persons``,
  ``household_head``: what the 住所一括変更 ([1340]) reads — numbers and addresses, never a person's
  items in a list; a protected household is handled only by staff with need-to-know.

Bulk reads are not shown on a screen: they are loaded ``without_read_log`` and the batch writes
one operation entry with its row count (the export's audited exemption); the small lists a clerk
reads (抑止対象者) are logged per person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from ..address_book import banchi_codes
from ..conventions import HEAD, full_kana, full_name
from ..holds_models import Hold
from ..labels import CHOICES
from ..models import AddressEntry, Household, Person, PersonStatus
from ..written_dates import birth_text
from . import access, move_outs
from .addresses import HIDDEN, address_line

ROSTER_READ = "第三者向け名簿の作成（閲覧用写し・抽出。件数を操作ログに記録）"
_ROW_FIELDS = (
    "pk",
    "household_id",
    "family_name",
    "given_name",
    "family_name_kana",
    "given_name_kana",
    "birth_date",
    "birth_date_precision",
    "birth_date_text",
    "sex",
    "resident_type",
    "atena_no",
    "relationship",
)


@dataclass(frozen=True)
class RosterRow:
    """One resident as a third-party list may show them (the 4 items of 住基法第11条 and a label)."""

    key: int  # internal order only: never written to a file
    name: str
    kana: str
    birth_date: dt.date
    birth_text: str  # 和暦 (西暦 for a foreign resident), as written when 不詳
    sex: str
    sex_code: str
    resident_type: str
    address: str
    postal_code: str
    town_code: str
    banchi: str
    katagaki: str


@dataclass(frozen=True)
class RosterFilter:
    towns: Collection[str] = ()  # 町字コード (地区); empty: all
    sex: str = ""  # "1" / "2" / "9"; empty: all
    born_from: dt.date | None = None
    born_to: dt.date | None = None
    resident_type: str = ""  # "japanese" / "foreign"; empty: both


def _households(active_only: bool = True) -> dict[int, tuple[str, str, str, str, str]]:
    """household id → (address line, 郵便番号, 町字コード, 番地, 方書)."""
    towns = {
        pk: (name, code, postal)
        for pk, name, code, postal in AddressEntry.objects.values_list(
            "pk", "name", "town_code", "postal_code"
        )
    }
    out = {}
    for pk, address_id, banchi, katagaki in (
        Household.objects.filter(active=True) if active_only else Household.objects.all()
    ).values_list("pk", "address_id", "banchi", "katagaki"):
        name, code, postal = towns.get(address_id, ("", "", ""))
        out[pk] = (address_line(name, banchi, katagaki), postal, code, banchi, katagaki)
    return out


def _shields(admitted: Collection[int]) -> tuple[set[int], set[int]]:
    """(households, persons) to leave out: those of ``access.shielded`` less the ``admitted``
    persons, whose household stays out while another current member is protected."""
    if not admitted:
        return access.shielded()
    households, persons = set(), set()
    rows = access.active_measures_all().values_list(
        "person_id", "person__household_id", "person__status"
    )
    for pid, hid, status in rows:
        if pid in admitted:
            continue
        persons.add(pid)
        if status == "resident" and hid is not None:
            households.add(hid)
    return households, persons


def third_party_rows(
    flt: RosterFilter, *, on: dt.date | None = None, admitted: Collection[int] = ()
) -> Iterator[RosterRow]:
    """Residents on ``on`` matching ``flt``, in 住所順 (町字コード, 番地, 方書, 世帯: 世帯主から), none protected and
    none of a household with a protected current member — whoever asks. ``admitted``: protected
    persons the 支援措置責任者 let into a 閲覧用写し after 審査 ([440]#1); never given for other lists."""
    on = on or move_outs.today()
    shielded_households, protected = _shields(set(admitted))
    qs = Person.objects.without_read_log(ROSTER_READ).filter(move_outs.current(on))
    if flt.towns:
        qs = qs.filter(household__address__town_code__in=sorted(set(flt.towns)))
    if flt.sex:
        qs = qs.filter(sex=flt.sex)
    if flt.born_from:
        qs = qs.filter(birth_date__gte=flt.born_from)
    if flt.born_to:
        qs = qs.filter(birth_date__lte=flt.born_to)
    if flt.resident_type:
        qs = qs.filter(resident_type=flt.resident_type)
    qs = qs.exclude(pk__in=sorted(protected)).exclude(household_id__in=sorted(shielded_households))
    households = _households()
    rows, order = [], {}
    for r in qs.values(*_ROW_FIELDS).iterator(chunk_size=2000):
        address, postal, town_code, banchi, katagaki = households.get(
            r["household_id"], ("", "", "", "", "")
        )
        rows.append(
            RosterRow(
                key=r["pk"],
                name=full_name(r),
                kana=full_kana(r),
                birth_date=r["birth_date"],
                birth_text=birth_text(r),
                sex=CHOICES["sex"].get(str(r["sex"]), ""),
                sex_code=str(r["sex"]),
                resident_type=r["resident_type"],
                address=address,
                postal_code=postal,
                town_code=town_code,
                banchi=banchi,
                katagaki=katagaki,
            )
        )
        # 住所順: 町字, 番地 as numbers, 方書, the household, its 世帯主 first, then by age
        order[r["pk"]] = (
            town_code,
            banchi_codes(banchi),
            banchi,
            katagaki,
            r["household_id"] or 0,
            r["relationship"] != HEAD,
            r["birth_date"],
            r["pk"],
        )
    # the last guard: a protection started while reading leaves no trace in the list either
    late_households, late_persons = _shields(set(admitted))
    rows.sort(key=lambda r: order[r.key])
    yield from (
        r for r in rows if r.key not in late_persons and order[r.key][4] not in late_households
    )


def held_rows(
    *, staff: Any, on: dt.date | None = None, screen: str = "抑止対象者一覧"
) -> list[dict[str, Any]]:
    """[1290]: the holds in force on ``on`` (person or household), oldest first, each with its
    subject's name (the household's head) and address. For staff without need-to-know, a hold on a
    protected person or on a household with a protected member shows only its process and level."""
    from ..holds import in_force, status_of

    found = list(Hold.objects.filter(in_force(on)).order_by("start_date", "pk"))
    hids = {h.household_id for h in found if h.household_id}
    households = {h.pk: h for h in Household.objects.filter(pk__in=sorted(hids))}
    person_ids = {h.person_id for h in found if h.person_id} | {
        h.head_id for h in households.values() if h.head_id
    }
    persons = {
        p.pk: p
        for p in Person.objects.for_read(screen=screen, function="holds.list")
        .filter(pk__in=sorted(person_ids))
        .exclude(status=PersonStatus.VOID)
    }
    hids |= {p.household_id for p in persons.values()}
    masked, hidden = access.decide(persons, hids, staff=staff, screen=screen, function="holds.list")
    places = _households()
    out = []
    for h in found:
        if h.person_id:
            p, hid = persons.get(h.person_id), None
            hid = p.household_id if p else None
        else:
            hh = households.get(h.household_id)
            p, hid = (persons.get(hh.head_id) if hh and hh.head_id else None), h.household_id
        row = {
            "process": h.get_process_display(),
            "level": h.get_level_display(),
            "subject": "住民" if h.person_id else "世帯",
            "masked": h.person_id in masked or hid in hidden,
        }
        if row["masked"]:
            row.update(
                name=access.MASK,
                number="",
                address=HIDDEN,
                start=None,
                end=None,
                reason="",
                state="",
            )
        else:
            hh = households.get(h.household_id)
            number = (p.atena_no if p else "") if h.person_id else (hh.household_no if hh else "")
            row.update(
                name=p.full_name if p else "",
                number=number,
                address=places.get(hid, ("",))[0],
                start=h.start_date,
                end=h.end_date,
                reason=h.reason,
                state=status_of(h),
            )
        out.append(row)
    return out + _measure_rows(staff, screen)


def _measure_rows(staff: Any, screen: str) -> list[dict[str, Any]]:
    """支援措置 as 抑止 of 証明書の交付等: listed for staff with need-to-know only (for the others a
    measure is never mentioned, not even as a mask)."""
    if not access.need_to_know(staff):
        return []
    measures = list(access.active_measures(access.shielded()[1]))
    persons = {
        p.pk: p
        for p in Person.objects.for_read(screen=screen, function="holds.list").filter(
            pk__in=sorted({m.person_id for m in measures})
        )
    }
    for pid in sorted(persons):
        access.alert_access(pid, screen=screen, function="holds.list", detail={"masked": False})
    places = _households(active_only=False)
    out = []
    for m in measures:
        p = persons.get(m.person_id)
        if p is None:
            continue
        out.append(
            {
                "process": "支援措置（証明書の交付等）",
                "level": "仮支援措置" if m.provisional else "支援措置",
                "subject": "住民",
                "masked": False,
                "name": p.full_name,
                "number": p.atena_no,
                "address": places.get(p.household_id, ("",))[0],
                "start": m.provisional_start or m.start_date,
                "end": m.end_date,
                "reason": m.reason,
                "state": "支援措置中",
            }
        )
    return out


def _ward_row(p: Person, places: dict[int, tuple[str, str, str, str, str]]) -> dict[str, Any]:
    row = {f: getattr(p, f) for f in _ROW_FIELDS if f != "pk"}
    return {
        "id": p.pk,
        "name": full_name(row),
        "kana": full_kana(row),
        "birth_text": birth_text(row),
        "sex": CHOICES["sex"].get(str(p.sex), ""),
        "address": places.get(p.household_id, ("",))[0],
        "destination": p.move_out_confirmed_destination or p.move_out_destination,
        "planned_on": p.move_out_planned_on,
    }


def _wards(cond: Q, *, staff: Any, screen: str) -> list[dict[str, Any]]:
    cond &= Q(adult_ward="yes", move_out_planned_on__isnull=False) & Q(
        status__in=[PersonStatus.RESIDENT, PersonStatus.MOVED_OUT]
    )
    persons = list(
        Person.objects.for_read(screen=screen, function="adult_ward.notice")
        .filter(cond)
        .order_by("pk")
    )
    masked = access.screen_persons(
        [p.pk for p in persons], staff=staff, screen=screen, function="adult_ward.notice"
    )
    places = _households(active_only=False)
    return [_ward_row(p, places) for p in persons if p.pk not in masked]


def moving_wards(
    since: dt.date, until: dt.date, *, staff: Any, screen: str
) -> list[dict[str, Any]]:
    """[1310]#2: 成年被後見人 whose 転出予定日 falls in [since, until] (one notice each, read logged).
    A protected person is left to staff with need-to-know (each one alerted)."""
    return _wards(
        Q(move_out_planned_on__gte=since, move_out_planned_on__lte=until),
        staff=staff,
        screen=screen,
    )


def moving_ward(person_id: int, *, staff: Any, screen: str) -> dict[str, Any] | None:
    """One 成年被後見人 who filed a 転出, as :func:`moving_wards` reads them (None: not one, or masked)."""
    found = _wards(Q(pk=person_id), staff=staff, screen=screen)
    return found[0] if found else None


def households_at(
    town_codes: Collection[str], banchi_prefix: str, *, staff: Any, screen: str
) -> list[dict[str, Any]]:
    """[1340]#1 抽出: the current households at 町字 ``town_codes`` whose 番地 starts with
    ``banchi_prefix``, in 住所順: 世帯番号 and where they live, never a person's item ([1340]#3).
    A household with a protected member is left out for staff without need-to-know (nothing says
    so: an address search never returns one either)."""
    towns = {
        pk: (code, name)
        for pk, code, name in AddressEntry.objects.filter(
            town_code__in=sorted(set(town_codes))
        ).values_list("pk", "town_code", "name")
    }
    rows = list(
        Household.objects.filter(
            active=True, address_id__in=sorted(towns), banchi__startswith=banchi_prefix
        ).values_list("pk", "household_no", "address_id", "banchi", "katagaki")
    )
    if not access.need_to_know(staff):
        shielded_households = access.shielded()[0]
        rows = [r for r in rows if r[0] not in shielded_households]
    out = [
        {
            "id": pk,
            "household_no": no,
            "town_code": towns[a][0],
            "town": towns[a][1],
            "banchi": b,
            "katagaki": k,
        }
        for pk, no, a, b, k in rows
    ]
    out.sort(
        key=lambda r: (
            r["town_code"],
            banchi_codes(r["banchi"]),
            r["banchi"],
            r["katagaki"],
            r["household_no"],
        )
    )
    return out


def shielded_households(
    household_ids: Collection[int], *, staff: Any, screen: str
) -> frozenset[int]:
    """Of ``household_ids``, those with a protected current member that ``staff`` may not handle
    (each protected member alerted)."""
    return access.hidden_addresses(
        household_ids, staff=staff, screen=screen, function="renumbering"
    )


def persons_by_atena(atena_nos: Collection[str]) -> dict[str, dict[str, Any]]:
    """[1340]#2 (本籍): the current residents with these 宛名番号 → id, household, 本籍 (not shown:
    the result list echoes the file's own values)."""
    rows = (
        Person.objects.without_read_log("本籍の一括変更（表示なし）")
        .filter(move_outs.current(), atena_no__in=sorted(set(atena_nos)))
        .values("pk", "atena_no", "household_id", "honseki")
    )
    return {
        r["atena_no"]: {"id": r["pk"], "household_id": r["household_id"], "honseki": r["honseki"]}
        for r in rows
    }


def shielded_persons(person_ids: Collection[int], *, staff: Any, screen: str) -> frozenset[int]:
    """Of ``person_ids``, those ``staff`` may not handle: protected, or living with a protected
    member (each protected person alerted)."""
    households = dict(
        Person.objects.without_read_log("支援措置の確認（表示なし）")
        .filter(pk__in=sorted(set(person_ids)))
        .values_list("pk", "household_id")
    )
    masked, hidden = access.decide(
        households, households.values(), staff=staff, screen=screen, function="renumbering"
    )
    return frozenset(p for p, h in households.items() if p in masked or h in hidden)


def household_head(household_id: int, *, staff: Any, screen: str) -> dict[str, Any] | None:
    """The 世帯主 of a current household for a notice addressed to the household (read logged);
    None when there is none, or when ``staff`` may not see the household (a protected member)."""
    hh = (
        Household.objects.filter(pk=household_id, active=True)
        .values_list("head_id", flat=True)
        .first()
    )
    if not hh or access.hidden_addresses(
        [household_id], staff=staff, screen=screen, function="notice"
    ):
        return None
    head = Person.objects.for_read(screen=screen, function="notice").filter(pk=hh).first()
    return None if head is None else {"id": head.pk, "name": head.full_name}
