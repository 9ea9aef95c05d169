"""A minimal 住民票の写し (世帯連記式) from a plain dict: names exactly as stored, 和暦 dates.

The data is what issuance hands over; nothing here reads the database. The full layouts of
chapter 5 (options, omissions, 認証文 on the last page, 公印) are issuance's templates.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jichitai.wareki import format_date, format_seireki

from ..furigana import katakana
from .engine import render_pdf

TEMPLATES = Path(__file__).with_name("templates")
ATTESTATION = "この写しは、世帯全員の住民票の原本と相違ないことを証明する。"


@functools.cache
def template_engine() -> Any:
    from django.template import Engine

    # autoescape: a name is text, never markup
    return Engine(dirs=[str(TEMPLATES)], autoescape=True)


# the stylesheets beside the templates (a PDF is never served, but no template holds inline code)
STYLES = (Path(__file__).with_name("templates") / "certificates").as_uri() + "/"


def _member(m: Mapping[str, Any]) -> dict[str, str]:
    # [90]: 和暦, except a foreign resident's 生年月日 in 西暦
    birth = m.get("birth_date")
    precision = m.get("birth_precision", "day")
    foreign = bool(m.get("foreign"))
    moved_in = m.get("moved_in")
    return {
        "name": m["name"],  # as stored: Moji_Joho sequences untouched
        # [1020]: in parentheses after the name, in katakana only
        "kana": katakana(m.get("kana", "")),
        "birth": format_seireki(birth, precision) if foreign else format_date(birth, precision),
        "sex": m.get("sex", ""),
        "relationship": m.get("relationship", ""),
        "moved_in": format_date(moved_in) if moved_in else "",
    }


def juminhyo_html(data: Mapping[str, Any]) -> str:
    """The HTML of a 住民票の写し for ``data`` (address, head, members, issued_on, issuer)."""
    issued_on = data.get("issued_on") or dt.date.today()
    context = {
        "address": data["address"],
        "katagaki": data.get("katagaki", ""),  # [1030]: 方書 always printed when there is one
        "head": data["head"],
        "members": [_member(m) for m in data["members"]],
        "attestation": data.get("attestation", ATTESTATION),
        "issued_on": format_date(issued_on),
        "issuer": data.get("issuer", ""),
    }
    return template_engine().get_template("certificates/juminhyo.html").render(template_context(context))


def template_context(values: dict[str, Any]) -> Any:
    from django.template import Context

    return Context(values)


def juminhyo_pdf(data: Mapping[str, Any]) -> bytes:
    return render_pdf(juminhyo_html(data), base_url=STYLES)
