"""jichitai.moji: 外字 standardisation on the IPA 文字情報基盤 (MJ) — identify, match, degrade.

Pure Python (stdlib only): no Django, no database, no network, no reading of ../shared at run time —
the MJ tables ship inside the package (data/, CC BY-SA 2.1 JP, see data/NOTICE.md). It must never
change a person's name silently: keys are for comparing, `degrade` reports every change, and
unmapped 外字 are always returned to the caller.
"""

from __future__ import annotations

from .chars import (
    CharInfo,
    MJRecord,
    Validation,
    canonical,
    identify,
    lookup,
    split,
    to_moji_joho,
    validate,
)
from .degrade import Change, DegradeResult, Failure, degrade
from .errors import (
    ArtefactMissingError,
    GaijiMapError,
    GaijiTableError,
    MojiError,
    NoCandidateCriteriaError,
    NoCodePointError,
    UnknownMJError,
    UnknownTargetError,
)
from .gaiji import (
    Candidate,
    GaijiDecision,
    GaijiMapping,
    GaijiTable,
    LegacyConversion,
    Unmapped,
    apply_decision,
    candidates,
    convert_legacy,
    dump_gaiji_table,
    load_gaiji_table,
    validate_gaiji_table,
)
from .keys import kana_key, key, search_kana_key

__all__ = [
    "ArtefactMissingError",
    "Candidate",
    "Change",
    "CharInfo",
    "DegradeResult",
    "Failure",
    "GaijiDecision",
    "GaijiMapError",
    "GaijiMapping",
    "GaijiTable",
    "GaijiTableError",
    "LegacyConversion",
    "MJRecord",
    "MojiError",
    "NoCandidateCriteriaError",
    "NoCodePointError",
    "UnknownMJError",
    "UnknownTargetError",
    "Unmapped",
    "Validation",
    "apply_decision",
    "candidates",
    "canonical",
    "convert_legacy",
    "degrade",
    "dump_gaiji_table",
    "identify",
    "kana_key",
    "key",
    "search_kana_key",
    "load_gaiji_table",
    "lookup",
    "split",
    "to_moji_joho",
    "validate",
    "validate_gaiji_table",
]
