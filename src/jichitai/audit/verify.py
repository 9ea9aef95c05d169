"""Verification of every audit chain (監査ログの検証): recompute, re-link, compare with the head.

Each municipality's chain is walked inside its own unit of work (TenantContext for that
municipality, purpose "audit verify"), because the tenant manager and PostgreSQL RLS admit a
municipality's rows only under its context. Consortium chains need no context.

What is detected, per chain (named by chain, seq and entry id):

* 改ざん / hash mismatch — a field of an entry was changed (recomputed hash != stored hash);
* 連鎖不整合 / chain link broken — prev_hash is not the stored hash of seq-1 (an entry was edited
  *and* re-hashed, or the links were rewritten);
* 欠番 / missing seq — entries were deleted from the middle or the start;
* 末尾欠落 / tail missing — the head row remembers a later seq than the last entry (the newest
  entries were deleted);
* 先頭不一致 / head mismatch, head missing, entries after the head;
* アンカー不一致 / anchor mismatch — an exported head hash (``jichitai audit anchor``) no longer
  matches the entry at that seq.

What cannot be detected without anchors: a writer with database rights who rewrites a whole
suffix of a chain consistently (edits entries, recomputes every later hash and the head row), or
deletes the newest entries and rewinds the head row. The hash has no secret; anchors kept outside
the database (printed, mailed to the 監査委員, WORM storage) bound what such a rewrite can hide.

This module never writes to the chains (the CLI logs the run separately).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from django.db import transaction

from jichitai.tenancy.context import TenantContext, activate

from .chain import compute_hash
from .models import GENESIS_HASH, AuditChainHead, AuditEntry, SystemAuditEntry, SystemChainHead


class FindingKind(StrEnum):
    HASH_MISMATCH = "hash_mismatch"
    LINK_BROKEN = "link_broken"
    MISSING_SEQ = "missing_seq"
    TAIL_MISSING = "tail_missing"
    HEAD_MISMATCH = "head_mismatch"
    HEAD_MISSING = "head_missing"
    AFTER_HEAD = "after_head"
    ANCHOR_MISMATCH = "anchor_mismatch"


LABELS: dict[FindingKind, tuple[str, str]] = {
    FindingKind.HASH_MISMATCH: ("改ざん（ハッシュ不一致）", "hash mismatch: the entry was edited"),
    FindingKind.LINK_BROKEN: ("連鎖不整合", "chain link broken: prev_hash differs from the previous entry"),
    FindingKind.MISSING_SEQ: ("欠番（削除）", "missing seq: entries were deleted"),
    FindingKind.TAIL_MISSING: ("末尾欠落（削除）", "tail missing: the newest entries were deleted"),
    FindingKind.HEAD_MISMATCH: ("先頭不一致", "head mismatch: the head row and the last entry differ"),
    FindingKind.HEAD_MISSING: ("先頭行なし", "head row missing"),
    FindingKind.AFTER_HEAD: ("先頭以降の不明エントリ", "entries after the head (not appended by the log)"),
    FindingKind.ANCHOR_MISMATCH: ("アンカー不一致", "anchor mismatch: an exported head hash no longer matches"),
}


@dataclass(frozen=True, slots=True)
class Finding:
    chain: str  # "municipality:<code>" or "consortium:<code>"
    kind: FindingKind
    seq: int | None
    entry_id: int | None
    note: str = ""

    @property
    def label_ja(self) -> str:
        return LABELS[self.kind][0]

    @property
    def label_en(self) -> str:
        return LABELS[self.kind][1]

    def line(self) -> str:
        where = f"seq={self.seq}" if self.seq is not None else "seq=-"
        ident = f"id={self.entry_id}" if self.entry_id is not None else "id=-"
        note = f" ({self.note})" if self.note else ""
        return f"{self.chain} {where} {ident}: {self.label_ja} / {self.label_en}{note}"


@dataclass(slots=True)
class ChainResult:
    chain: str
    name: str
    entries: int = 0
    last_seq: int = 0
    head_seq: int | None = None
    head_hash: str | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings


@dataclass(slots=True)
class VerifyReport:
    chains: list[ChainResult]

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.chains)

    @property
    def findings(self) -> list[Finding]:
        return [f for c in self.chains for f in c.findings]

    @property
    def entries(self) -> int:
        return sum(c.entries for c in self.chains)

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "entries": self.entries,
            "chains": [
                {
                    "chain": c.chain, "name": c.name, "entries": c.entries, "last_seq": c.last_seq,
                    "head_seq": c.head_seq, "head_hash": c.head_hash, "ok": c.ok,
                    "findings": [
                        {**asdict(f), "kind": str(f.kind), "label_ja": f.label_ja,
                         "label_en": f.label_en}
                        for f in c.findings
                    ],
                }
                for c in self.chains
            ],
        }


@dataclass(frozen=True, slots=True)
class Anchor:
    chain: str
    seq: int
    hash: str
    at: str = ""


def read_anchors(path: Path) -> list[Anchor]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            out.append(Anchor(d["chain"], int(d["seq"]), d["hash"], d.get("at", "")))
    return out


def _walk(
    result: ChainResult,
    entries: Iterable[AuditEntry | SystemAuditEntry],
    head: AuditChainHead | SystemChainHead | None,
    anchors: dict[int, str],
) -> None:
    expected, prev_hash = 1, GENESIS_HASH
    prev_id: int | None = None
    seen_anchor: dict[int, str] = {}
    for e in entries:
        result.entries += 1
        if e.seq > expected:
            span = str(expected) if e.seq - 1 == expected else f"{expected}..{e.seq - 1}"
            result.findings.append(Finding(
                result.chain, FindingKind.MISSING_SEQ, expected, None,
                f"seq {span} deleted, between id={prev_id} and id={e.pk} (seq {e.seq})",
            ))
        elif e.prev_hash != prev_hash:
            result.findings.append(Finding(
                result.chain, FindingKind.LINK_BROKEN, e.seq, e.pk,
                f"prev_hash does not match seq {e.seq - 1} (id={prev_id})",
            ))
        if compute_hash(e) != e.hash:
            result.findings.append(Finding(result.chain, FindingKind.HASH_MISMATCH, e.seq, e.pk))
        if e.seq in anchors:
            seen_anchor[e.seq] = e.hash
        prev_hash, prev_id, expected = e.hash, e.pk, e.seq + 1
    result.last_seq = expected - 1
    if head is None:
        if result.entries:
            result.findings.append(Finding(result.chain, FindingKind.HEAD_MISSING, None, None))
    else:
        result.head_seq, result.head_hash = head.seq, head.hash
        if head.seq > result.last_seq:
            span = str(head.seq) if head.seq == result.last_seq + 1 else f"{result.last_seq + 1}..{head.seq}"
            result.findings.append(Finding(
                result.chain, FindingKind.TAIL_MISSING, result.last_seq + 1, None,
                f"seq {span} deleted after id={prev_id}; the head row records seq {head.seq}",
            ))
        elif head.seq < result.last_seq:
            result.findings.append(Finding(
                result.chain, FindingKind.AFTER_HEAD, head.seq + 1, None,
                f"head records seq {head.seq}, the table holds up to seq {result.last_seq}",
            ))
        elif head.hash != prev_hash:
            result.findings.append(Finding(result.chain, FindingKind.HEAD_MISMATCH, head.seq, prev_id))
    for seq, expected_hash in sorted(anchors.items()):
        if seen_anchor.get(seq) != expected_hash:
            result.findings.append(Finding(
                result.chain, FindingKind.ANCHOR_MISMATCH, seq, None,
                "anchored entry missing" if seq not in seen_anchor else "anchored hash differs",
            ))


def _anchors_for(anchors: Iterable[Anchor], chain: str) -> dict[int, str]:
    return {a.seq: a.hash for a in anchors if a.chain == chain}


def verify_municipality(municipality: Any, anchors: Iterable[Anchor] = ()) -> ChainResult:
    """Verify one municipality's chain in its own unit of work (must be called with no context)."""
    chain = f"municipality:{municipality.code}"
    result = ChainResult(chain=chain, name=str(municipality))
    ctx = TenantContext(
        municipality_id=municipality.pk, acting_municipality_id=municipality.pk, purpose="audit verify"
    )
    with activate(ctx), transaction.atomic():
        head = AuditChainHead.objects.first()
        entries: Iterator[AuditEntry] = AuditEntry.objects.order_by("seq").iterator(chunk_size=2000)
        _walk(result, entries, head, _anchors_for(anchors, chain))
    return result


def verify_consortium(chain_key: int, name: str, anchors: Iterable[Anchor] = ()) -> ChainResult:
    chain = f"consortium:{name}"
    result = ChainResult(chain=chain, name=name)
    with transaction.atomic():
        head = SystemChainHead.objects.filter(chain_key=chain_key).first()
        entries = SystemAuditEntry.objects.filter(chain_key=chain_key).order_by("seq").iterator(
            chunk_size=2000
        )
        _walk(result, entries, head, _anchors_for(anchors, chain))
    return result


class UnknownMunicipality(LookupError):
    def __init__(self, code: str) -> None:
        super().__init__(f"団体コード {code} は登録されていません / unknown municipality code {code}")


def _consortium_chains() -> list[tuple[int, str]]:
    from jichitai.tenancy.models import Consortium

    keys = set(SystemChainHead.objects.values_list("chain_key", flat=True))
    keys |= set(SystemAuditEntry.objects.values_list("chain_key", flat=True).distinct())
    names = dict(Consortium.objects.filter(pk__in=keys).values_list("pk", "code"))
    return [(k, "installation" if k == 0 else names.get(k, f"#{k}")) for k in sorted(keys)]


def verify(*, municipality_code: str | None = None, anchors: Iterable[Anchor] = ()) -> VerifyReport:
    """Verify every chain (or only one municipality's). Call outside any TenantContext."""
    from jichitai.tenancy.models import Municipality

    anchors = list(anchors)
    munis = Municipality.objects.order_by("code")
    if municipality_code is not None:
        munis = munis.filter(code=municipality_code)
        if not munis.exists():
            raise UnknownMunicipality(municipality_code)
    chains = [verify_municipality(m, anchors) for m in munis]
    if municipality_code is None:
        chains += [verify_consortium(k, name, anchors) for k, name in _consortium_chains()]
    return VerifyReport(chains)


def current_anchors() -> list[Anchor]:
    """The head of every chain now (for ``jichitai audit anchor``); call outside any context."""
    from django.utils import timezone

    from jichitai.tenancy.models import Municipality

    at = timezone.now().isoformat()
    out: list[Anchor] = []
    for m in Municipality.objects.order_by("code"):
        ctx = TenantContext(municipality_id=m.pk, acting_municipality_id=m.pk, purpose="audit anchor")
        with activate(ctx), transaction.atomic():
            head = AuditChainHead.objects.first()
            if head is not None and head.seq:
                out.append(Anchor(f"municipality:{m.code}", head.seq, head.hash, at))
    for key, name in _consortium_chains():
        head = SystemChainHead.objects.filter(chain_key=key).first()
        if head is not None and head.seq:
            out.append(Anchor(f"consortium:{name}", head.seq, head.hash, at))
    return out
