"""Emergency extract for shelters and counters without network: a municipality's current
residents (name, kana, birth date, sex, address, household) as an encrypted CSV and a printable
PDF (the certificates' engine, IPAmj明朝), each file's sha256 in the audit log.

Rows come from the register's read layer (``registry.selectors.euc_source``) with the 支援措置
shield closed whoever runs it: a protected person is not in the extract at all, and a
co-resident of a protected person shows 「（非表示）」 for the address and 世帯主. Birth dates in
和暦, a foreign resident's in 西暦.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import crypto

CAPABILITY = "registry.euc"
PURPOSE = "緊急用抽出（避難所・窓口の住民一覧）"
TEMPLATES = Path(__file__).with_name("templates")
HEADER = ("世帯番号", "氏名", "フリガナ", "生年月日", "性別", "続柄", "住所", "世帯主")
_SEX = {"1": "男", "2": "女"}


@dataclass
class Extract:
    rows: int = 0
    excluded: int = 0
    files: dict[str, str] = field(default_factory=dict)  # path -> sha256 of the written file


def _birth(row: dict[str, Any]) -> str:
    from jichitai.wareki import format_date, format_seireki

    if row.get("resident_type") == "2":
        return format_seireki(row.get("birth_date"))
    return format_date(row.get("birth_date"))


def rows(staff: Any) -> tuple[list[dict[str, str]], int]:
    """The extract's rows (current residents, household order) and how many were left out."""
    from jichitai.registry.selectors.euc_source import Shield, person_rows

    shield = Shield.of(staff)
    shield.may_see = False  # closed for everyone: a printed list leaves the building
    out = [
        {
            "household_no": str(r.get("household_no") or ""),
            "name": r.get("name") or "",
            "kana": r.get("name_kana") or "",
            "birth": _birth(r),
            "sex": _SEX.get(str(r.get("sex") or ""), ""),
            "relationship": r.get("relationship") or "",
            "address": r.get("address") or "",
            "head_name": r.get("head_name") or "",
        }
        for r in person_rows(shield)
    ]
    out.sort(key=lambda r: (r["household_no"], r["relationship"] != "世帯主"))
    return out, len(shield.excluded)


def to_csv(found: list[dict[str, str]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(HEADER)
    for r in found:
        w.writerow(
            [
                r["household_no"],
                r["name"],
                r["kana"],
                r["birth"],
                r["sex"],
                r["relationship"],
                r["address"],
                r["head_name"],
            ]
        )
    return buf.getvalue().encode("utf-8-sig")  # BOM: the spreadsheet at the shelter reads UTF-8


def to_pdf(found: list[dict[str, str]], municipality: Any, on: dt.date) -> bytes:
    from django.template import Context, Engine
    from django.utils import timezone

    from jichitai.certificates.render import render_pdf
    from jichitai.wareki import format_date

    engine = Engine(dirs=[str(TEMPLATES)], autoescape=True)
    page = engine.get_template("continuity/extract.html").render(
        Context(
            {
                "rows": found,
                "municipality": municipality,
                "on": format_date(on),
                "made_at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
            }
        )
    )
    return render_pdf(page, base_url=(TEMPLATES / "continuity").as_uri() + "/")


def emergency_extract(
    *,
    municipality: Any,
    staff: Any,
    out_dir: Path,
    key: bytes,
    on: dt.date | None = None,
    plain_pdf: bool = False,
) -> Extract:
    """Write the extract of ``municipality`` into ``out_dir``; recorded in the audit log."""
    from django.utils import timezone

    from jichitai.accounts.capabilities import require_capability
    from jichitai.audit.recording import record
    from jichitai.tenancy.context import activate
    from jichitai.tenancy.services import own_context

    on = on or timezone.localdate()
    done = Extract()
    with activate(own_context(municipality, staff_id=staff.pk, purpose=PURPOSE)):
        require_capability(staff, CAPABILITY, municipality.pk)
        found, done.excluded = rows(staff)
        done.rows = len(found)
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        stem = f"emergency-{municipality.code}-{on:%Y%m%d}"
        pdf = to_pdf(found, municipality, on)
        outputs = {
            f"{stem}.csv.enc": crypto.encrypt_bytes(to_csv(found), key),
            f"{stem}.pdf" if plain_pdf else f"{stem}.pdf.enc": pdf
            if plain_pdf
            else crypto.encrypt_bytes(pdf, key),
        }
        for name, data in outputs.items():
            (out_dir / name).write_bytes(data)
            done.files[str(out_dir / name)] = hashlib.sha256(data).hexdigest()
        record(
            "operation",
            "continuity.emergency_extract",
            subject_type="registry",
            function="continuity.extract",
            screen="緊急用抽出",
            detail={
                "on": on.isoformat(),
                "rows": done.rows,
                "excluded": done.excluded,
                "files": {Path(p).name: sha for p, sha in done.files.items()},
            },
        )
    return done
