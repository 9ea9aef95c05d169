"""住民票の写し and 住民票の除票の写し (個人票 and 世帯連記式)."""

from __future__ import annotations

from ..issuance import data
from ..issuance.request import REMOVED_COPY, RESIDENT_COPY
from . import CURRENT, REMOVED, CertificateKind, register

register(
    CertificateKind(
        code=RESIDENT_COPY,
        title=data.TITLES[RESIDENT_COPY],
        build=data.build,
        functions=("1000", "1010", "1030", "1040"),
        subjects=CURRENT,
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
        order=20,
    )
)
