"""印鑑登録 in and out (layout business ``inkan``, e.g. ``kihon-1.0-inkan``): one row per
registration, the impression in an image file named by the row (beside the data file, or in
``images``).

Every row is checked before anything is written: the person by 宛名番号 in the municipality's
register (migrated first), the state and dates, the 印鑑登録証 (number with its check digit, never
one the municipality has given), the image by the seals app's own rules (``seals.images``) and its
SHA-256 when the file states one, the impression's size (印鑑条例), who may hold a registration
(15 or older at registration; a registration in force needs a resident who is not a 成年被後見人),
one registration in force per person. Then every registration, its card and its history
(``SealEvent``: 登録, 再交付, 亡失, 廃止, 職権抹消 at their dates) is written in one transaction,
with the card counter moved past the numbers kept, or nothing is.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils import timezone

from jichitai.seals import cards, eligibility, images
from jichitai.seals.models import (
    CardState,
    RegistrationState,
    SealCard,
    SealEvent,
    SealEventKind,
    SealRegistration,
)

from .migration_business import (
    BusinessResult,
    Problems,
    Row,
    atena_of,
    persons_by_atena,
    record_run,
    run_export,
    run_import,
)

PURPOSE_IN = "データ移行（印鑑登録の取込）"
PURPOSE_OUT = "データ移行（印鑑登録の出力）"
_READ = "データ移行: 印鑑登録の登録者の確認（番号のみ）"
_SAFE_NAME = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]*$")
_EXTENSIONS = {"image/png": ".png", "image/jpeg": ".jpg"}


@dataclass
class Planned:
    """A checked row: what will be written."""

    row: Row
    person_id: int
    image: images.CheckedImage
    width_mm: Any
    height_mm: Any

    @property
    def v(self) -> dict[str, Any]:
        return self.row.values


def import_files(
    paths: Iterable[Path],
    *,
    layout: Any,
    municipality: Any,
    staff: Any,
    dry_run: bool = False,
    encoding: str | None = None,
    images_dir: Path | None = None,
    **_: Any,
) -> Any:
    """Import the 印鑑登録 of ``paths`` into ``municipality``: all or nothing."""
    return run_import(
        paths, layout=layout, municipality=municipality, staff=staff, dry_run=dry_run,
        encoding=encoding, what="印鑑登録", purpose=PURPOSE_IN,
        content=lambda row: _content(row, images_dir),
        check=lambda rows, problems: _check(rows, problems, images_dir),
        counts=lambda planned: (
            len({p.person_id for p in planned}), sum(len(_events(p)) for p in planned)
        ),
        write=_write,
    )  # fmt: skip


def _content(row: Row, images_dir: Path | None) -> list[Any]:
    """A row's content: its items and the bytes of its image (not where either stood)."""
    import hashlib

    v = row.values
    keys = sorted(k for k in v if k not in ("municipality_code", "image_file", "image_sha256"))
    found = _find(str(v["image_file"] or ""), row, images_dir)
    image = hashlib.sha256(found.read_bytes()).hexdigest() if found is not None else ""
    return [[k, v[k]] for k in keys] + [["image", image]]


def _find(name: str, row: Row, images_dir: Path | None) -> Path | None:
    """The image file ``name`` in ``images_dir``, else beside the data file; None if neither."""
    if not name or not _SAFE_NAME.match(name) or ".." in name:
        return None
    places = [d for d in (images_dir, Path(row.file).parent) if d is not None]
    return next((d / name for d in places if (d / name).is_file()), None)


# -- checks ---------------------------------------------------------------------------------------


def _check(rows: list[Row], problems: Problems, images_dir: Path | None) -> list[Planned]:
    persons = persons_by_atena([str(r.values["atena_no"]) for r in rows], _READ)
    active_now = set(
        SealRegistration.objects.filter(state=RegistrationState.ACTIVE).values_list(
            "person_id", flat=True
        )
    )
    used_cards = set(SealCard.objects.values_list("number", flat=True))
    seen_no: dict[str, int] = {}
    seen_card: dict[str, int] = {}
    seen_active: dict[int, int] = {}
    out: list[Planned] = []
    for row in rows:
        before = len(problems.out)
        v = row.values
        person = persons.get(str(v["atena_no"]))
        if person is None:
            problems.add(
                row, "atena_no", "person.unknown", v["atena_no"],
                "この宛名番号の住民は住民記録にありません（住民記録を先に移行してください）",
                "no person with this 宛名番号 in the municipality's register (migrate it first)",
            )  # fmt: skip
        no = str(v["registration_no"])
        if no in seen_no:
            problems.add(
                row, "registration_no", "seal.duplicate", no,
                f"印鑑登録番号が{seen_no[no]}行目と重複しています",
                f"the registration number repeats line {seen_no[no]}",
            )  # fmt: skip
        seen_no.setdefault(no, row.line)
        _check_dates(row, problems)
        _check_card(row, problems, used_cards, seen_card)
        if person is not None:
            _check_person(row, person, problems, active_now, seen_active)
        checked = _image(row, problems, images_dir)
        size = _size(row, problems)
        if len(problems.out) == before and person is not None and checked and size:
            out.append(Planned(row, person["pk"], checked, *size))
    return out


def _check_dates(row: Row, problems: Problems) -> None:
    v, today = row.values, timezone.localdate()
    registered, ended = v["registered_at"], v["ended_at"]
    if registered and registered > today:
        problems.add(
            row, "registered_at", "seal.future", registered,
            "登録年月日が未来の日付です", "the registration date is in the future",
        )  # fmt: skip
    if v["state"] == RegistrationState.ACTIVE and (ended or v["end_reason"]):
        key = "ended_at" if ended else "end_reason"
        problems.add(
            row, key, "seal.ended_active", v[key],
            "登録中の印鑑登録に廃止年月日・廃止事由は記録できません",
            "a registration in force has no end date or end reason",
        )  # fmt: skip
    if v["state"] not in (None, RegistrationState.ACTIVE) and not ended:
        problems.add(
            row, "ended_at", "seal.ended_required", "",
            "廃止・職権抹消された印鑑登録には廃止年月日が必要です",
            "an ended registration needs its end date",
        )  # fmt: skip
    if ended and ((registered and ended < registered) or ended > today):
        problems.add(
            row, "ended_at", "seal.ended_order", ended,
            "廃止年月日が登録年月日より前か、未来の日付です",
            "the end date is before the registration date or in the future",
        )  # fmt: skip


def _check_card(row: Row, problems: Problems, used: set[str], seen: dict[str, int]) -> None:
    v = row.values
    number, state = v["card_number"], v["card_state"]
    if not number:
        for key in ("card_state", "card_issued_at", "card_ended_at"):
            if v[key]:
                problems.add(
                    row, key, "seal.card_number_required", v[key],
                    "印鑑登録証番号のない行に印鑑登録証の項目があります",
                    "card items without a card number",
                )  # fmt: skip
        return
    if number in used or number in seen:
        where = f"{seen[number]}行目と" if number in seen else "既に交付された番号と"
        problems.add(
            row, "card_number", "seal.card_duplicate", number,
            f"印鑑登録証番号が{where}重複しています（番号は二度と使えません）",
            "the card number is already used (a number is never given twice)",
        )  # fmt: skip
    seen.setdefault(number, row.line)
    if not state:
        problems.add(
            row, "card_state", "seal.card_state_required", "",
            "印鑑登録証の状態がありません", "the card's state is missing",
        )  # fmt: skip
        return
    if state == CardState.ACTIVE and v["state"] != RegistrationState.ACTIVE:
        problems.add(
            row, "card_state", "seal.card_state", state,
            "廃止・職権抹消された印鑑登録の印鑑登録証は有効にできません",
            "the card of an ended registration cannot be in force",
        )  # fmt: skip
    issued, ended = v["card_issued_at"] or v["registered_at"], v["card_ended_at"]
    if (state == CardState.ACTIVE) == bool(ended):
        problems.add(
            row, "card_ended_at", "seal.card_ended", ended,
            "印鑑登録証の失効年月日は、有効でない証にだけ、必ず記録します",
            "a card's end date is given exactly when the card is not in force",
        )  # fmt: skip
    registered = v["registered_at"]
    if issued and registered and (issued < registered or (ended and ended < issued)):
        problems.add(
            row, "card_issued_at", "seal.card_order", issued,
            "印鑑登録証の交付年月日が登録年月日より前か、失効年月日より後です",
            "the card's issue date is before the registration or after the card's end",
        )  # fmt: skip


def _check_person(
    row: Row,
    person: dict[str, Any],
    problems: Problems,
    active_now: set[int],
    seen_active: dict[int, int],
) -> None:
    v = row.values
    birth, registered = person["birth_date"], v["registered_at"]
    if birth and registered and registered < eligibility.eligible_from(birth):
        problems.add(
            row, "registered_at", "seal.age", registered,
            "登録年月日に15歳未満です（15歳未満の方は印鑑登録を受けられません）",
            "the person was under 15 on the registration date",
        )  # fmt: skip
    if v["state"] != RegistrationState.ACTIVE:
        return
    if person["status"] != "resident":
        problems.add(
            row, "state", "seal.not_resident", v["state"],
            "住民でない方（転出者・死亡者等）の印鑑登録は登録中にできません（職権抹消として移行してください）",
            "a registration in force needs a resident (migrate it as 職権抹消)",
        )  # fmt: skip
    if person["adult_ward"] == "yes":
        problems.add(
            row, "state", "seal.adult_ward", v["state"],
            "成年被後見人の印鑑登録は登録中にできません",
            "an adult ward (成年被後見人) cannot hold a registration in force",
        )  # fmt: skip
    pid = person["pk"]
    if pid in active_now or pid in seen_active:
        where = f"{seen_active[pid]}行目" if pid in seen_active else "既存の登録"
        problems.add(
            row, "atena_no", "seal.active_duplicate", v["atena_no"],
            f"この方の登録中の印鑑登録が{where}にもあります（登録中は一人一件）",
            "the person already has a registration in force (one per person)",
        )  # fmt: skip
    seen_active.setdefault(pid, row.line)


def _image(row: Row, problems: Problems, images_dir: Path | None) -> images.CheckedImage | None:
    v = row.values
    name = str(v["image_file"] or "")
    if not name or not _SAFE_NAME.match(name) or ".." in name:
        problems.add(
            row, "image_file", "seal.image_file", name,
            "印影ファイル名がないか、ファイル名として使えません（フォルダを含めない名前にしてください）",
            "the impression's file name is missing or not a plain file name",
        )  # fmt: skip
        return None
    found = _find(name, row, images_dir)
    if found is None:
        problems.add(
            row, "image_file", "seal.image_not_found", name,
            "印影ファイルが見つかりません", "the impression's image file is not there",
        )  # fmt: skip
        return None
    try:
        checked = images.check_image(found.read_bytes())
    except images.ImageProblem as exc:
        problems.add(row, "image_file", "seal.image", name, str(exc), "the image is refused")
        return None
    given = str(v["image_sha256"] or "").strip().lower()
    if given and given != checked.sha256:
        problems.add(
            row, "image_sha256", "seal.image_sha256", given,
            "印影ファイルのSHA-256が一致しません（ファイルが違うか壊れています）",
            "the image file's SHA-256 differs (another or a damaged file)",
        )  # fmt: skip
        return None
    return checked


def _size(row: Row, problems: Problems) -> tuple[Any, Any] | None:
    v = row.values
    try:
        width = images.parse_mm(v["impression_width_mm"] or "", "印影の幅")
        height = images.parse_mm(v["impression_height_mm"] or "", "印影の高さ")
        images.check_size(width, height)
    except images.ImageProblem as exc:
        key = "impression_width_mm" if "幅" in str(exc) else "impression_height_mm"
        problems.add(
            row, key, "seal.size", v[key], str(exc),
            "the impression's size in mm is missing or not registrable (印鑑条例)",
        )  # fmt: skip
        return None
    return width, height


# -- writing --------------------------------------------------------------------------------------


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _events(p: Planned) -> list[tuple[str, dt.date, str, str]]:
    """(kind, date, card, reason) of the registration's history, in order."""
    v = p.v
    card, issued = v["card_number"] or "", v["card_issued_at"] or v["registered_at"]
    late_card = bool(card) and issued > v["registered_at"]
    out = [(SealEventKind.REGISTER, v["registered_at"], "" if late_card else card, "")]
    if late_card:
        out.append((SealEventKind.REISSUE, issued, card, "移行前の再交付"))
    if v["card_state"] == CardState.LOST:
        out.append((SealEventKind.LOST, v["card_ended_at"], card, "移行前の亡失"))
    if v["state"] != RegistrationState.ACTIVE:
        kind = (
            SealEventKind.ABOLISH
            if v["state"] == RegistrationState.ABOLISHED
            else SealEventKind.EXPUNGE
        )
        ended_card = card if v["card_state"] in (CardState.ABOLISHED, CardState.EXPUNGED) else ""
        out.append((kind, v["ended_at"], ended_card, v["end_reason"] or ""))
    return out


def _write(planned: list[Planned], staff: Any, sha: str, result: BusinessResult) -> None:
    """Every registration, its card and its history; the card counter past the numbers kept."""
    from jichitai.registry.events.writer import reserve
    from jichitai.registry.models import Counter

    current = reserve(cards.COUNTER, 0) - 1  # locks the counter to the end of the transaction
    events: list[SealEvent] = []
    for p in planned:
        reg = _registration(p, staff)
        if p.v["card_number"]:
            SealCard.objects.create(
                registration=reg,
                number=p.v["card_number"],
                state=p.v["card_state"],
                issued_at=_at(p.v["card_issued_at"] or p.v["registered_at"]),
                ended_at=_at(p.v["card_ended_at"]) if p.v["card_ended_at"] else None,
            )
        for n, (kind, day, card, reason) in enumerate(_events(p)):
            detail = _register_detail(p) if n == 0 else {"migrated": True}
            events.append(
                SealEvent(
                    registration=reg,
                    kind=kind,
                    card_number=card,
                    reason=reason[:200],
                    detail=detail,
                    staff=staff,
                    at=_at(day),
                )  # fmt: skip
            )
    SealEvent.objects.bulk_create(events)
    top = max((int(p.v["card_number"][:-1]) for p in planned if p.v["card_number"]), default=0)
    if top > current:
        Counter.objects.filter(name=cards.COUNTER).update(value=top)
    record_run(
        "import", staff=staff, sha=sha, persons=result.persons, events=len(events),
        action="seals.migration_import",
        detail={"stored": result.stored, "registrations": result.stored, "events": len(events)},
    )  # fmt: skip


def _registration(p: Planned, staff: Any) -> SealRegistration:
    v = p.v
    return SealRegistration.objects.create(
        person_id=p.person_id,
        registered_name=v["registered_name"],
        registered_kana=v["registered_kana"] or "",
        image=p.image.data,
        image_sha256=p.image.sha256,
        image_type=p.image.content_type,
        width_px=p.image.width,
        height_px=p.image.height,
        impression_width_mm=p.width_mm,
        impression_height_mm=p.height_mm,
        state=v["state"],
        registered_at=_at(v["registered_at"]),
        registered_by=staff,
        ended_at=_at(v["ended_at"]) if v["ended_at"] else None,
        end_reason=(v["end_reason"] or "")[:200],
    )


def _register_detail(p: Planned) -> dict[str, Any]:
    """The 登録 event's detail: the register's own, and what the source said that the
    registration does not hold (its number and 登録方法: the export writes them back)."""
    return {
        "sha256": p.image.sha256,
        "name": p.v["registered_name"],
        "size_mm": [str(p.width_mm), str(p.height_mm)],
        "migrated": True,
        "source": {"file": Path(p.row.file).name, "line": p.row.line},
        "registration_no": str(p.v["registration_no"]),
        "registration_method": p.v["registration_method"] or "",
    }


# -- export ---------------------------------------------------------------------------------------


def export_file(
    path: Path,
    *,
    layout: Any,
    municipality: Any,
    staff: Any,
    as_of: dt.date | None = None,
    encoding: str | None = None,
    include_restricted: bool = False,
) -> Any:
    """The municipality's 印鑑登録 (as of ``as_of``) in ``layout``, the impressions beside it."""

    def collect(directory: Path) -> tuple[list[dict[str, Any]], set[int]]:
        regs = list(
            SealRegistration.objects.prefetch_related("cards", "events").order_by(
                "registered_at", "pk"
            )
        )
        if as_of is not None:
            regs = [r for r in regs if timezone.localdate(r.registered_at) <= as_of]
        atena = atena_of([r.person_id for r in regs], _READ)
        regs.sort(key=lambda r: (atena.get(r.person_id, ""), r.registered_at, r.pk))
        return _rows(regs, atena, as_of, directory, municipality.code), set(atena)

    return run_export(
        path, layout=layout, municipality=municipality, staff=staff, encoding=encoding,
        purpose=PURPOSE_OUT, action="seals.migration_export", collect=collect,
        detail={"as_of": as_of.isoformat() if as_of else None},
    )  # fmt: skip


def _rows(
    regs: list[SealRegistration],
    atena: dict[int, str],
    as_of: dt.date | None,
    directory: Path,
    code: str,
) -> list[dict[str, Any]]:
    names: set[str] = set()
    out = []
    for reg in regs:
        register = next((e for e in reg.events.all() if e.kind == SealEventKind.REGISTER), None)
        source = register.detail if register is not None else {}
        no = str(source.get("registration_no") or reg.pk)
        stem = no if _SAFE_NAME.match(no) and no not in names else f"seal-{reg.pk}"
        names.add(stem)
        image = f"{stem}{_EXTENSIONS.get(reg.image_type, '.png')}"
        (directory / image).write_bytes(bytes(reg.image))
        ended = _day(reg.ended_at, as_of)
        row = {
            "municipality_code": code,
            "atena_no": atena.get(reg.person_id, ""),
            "registration_no": no,
            "registered_name": reg.registered_name,
            "registered_kana": reg.registered_kana,
            "state": reg.state if ended else RegistrationState.ACTIVE,
            "registered_at": timezone.localdate(reg.registered_at),
            "ended_at": ended,
            "end_reason": reg.end_reason if ended else "",
            "image_file": image,
            "image_sha256": reg.image_sha256,
            "impression_width_mm": str(reg.impression_width_mm),
            "impression_height_mm": str(reg.impression_height_mm),
            "registration_method": source.get("registration_method", ""),
        }
        row.update(_card(reg, as_of))
        out.append(row)
    return out


def _day(at: dt.datetime | None, as_of: dt.date | None) -> dt.date | None:
    """The date of ``at`` when it had come by ``as_of`` (None: not yet, as of that day)."""
    if at is None:
        return None
    day = timezone.localdate(at)
    return day if as_of is None or day <= as_of else None


def _card(reg: SealRegistration, as_of: dt.date | None) -> dict[str, Any]:
    """The card a row names: the one in force (as of ``as_of``), else the last one issued."""
    issued = [c for c in reg.cards.all() if _day(c.issued_at, as_of)]
    if not issued:
        return {"card_number": "", "card_state": "", "card_issued_at": None, "card_ended_at": None}
    in_force = [c for c in issued if not _day(c.ended_at, as_of)]
    card = (in_force or sorted(issued, key=lambda c: (c.issued_at, c.pk)))[-1]
    ended = _day(card.ended_at, as_of)
    return {
        "card_number": card.number,
        "card_state": card.state if ended else CardState.ACTIVE,
        "card_issued_at": timezone.localdate(card.issued_at),
        "card_ended_at": ended,
    }
