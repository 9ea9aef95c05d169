"""住民票の写し and 住民票の除票の写し (個人票 and 世帯連記式)."""

from __future__ import annotations

from typing import Any

from ..issuance import data
from ..issuance.eligibility import IssuanceRefused, Refusal
from ..issuance.request import REMOVED_COPY, RESIDENT_COPY, CertificateRequest
from . import CURRENT, REMOVED, CertificateKind, register

KATAGAKI_ALWAYS = (
    "方書は住民票の写しでは省略できません（省略できるのは記載事項証明書の請求だけです）。"
)


def check(req: CertificateRequest, states: Any, *, staff: Any) -> None:
    """[1030]#1: a 写し always prints the 方書; asking to omit it is refused, not ignored."""
    if str(req.params.get("omit_katagaki", "")).lower() in ("1", "on", "true", "yes"):
        raise IssuanceRefused(Refusal("katagaki", KATAGAKI_ALWAYS))


register(
    CertificateKind(
        code=RESIDENT_COPY,
        title=data.TITLES[RESIDENT_COPY],
        build=data.build,
        functions=("1000", "1010", "1030", "1040"),
        subjects=CURRENT,
        check=check,
        expands_household=True,
        order=10,
    )
)
register(
    CertificateKind(
        code=REMOVED_COPY,
        title=data.TITLES[REMOVED_COPY],
        build=data.build,
        functions=("1000", "1030", "1040"),
        subjects=REMOVED,
        check=check,
        order=20,
    )
)
