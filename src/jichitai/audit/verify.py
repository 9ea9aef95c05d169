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
  matches the entry at that seq;
* 監査ログなし / log missing — a chain with no entries and no head row although it must exist: the
  municipality holds residents' data (rows of a model read through ``AuditedReadManager``, whose
  every write and read is logged) or a sealed head; a consortium has member municipalities (their
  registration is logged in its chain). Absence is a finding, not an empty chain;
* 封印 / seal — the latest head sealed into the consortium chain (``jichitai audit seal``) is no
  longer in the municipality chain: shorter than the sealed seq (truncated) or another hash at it
  (rewritten).

What cannot be detected from the database alone: a writer with database rights who rewrites a
chain consistently (edits entries, recomputes every later hash and the head row) *and* the
consortium chain holding its seals, or who does so before the first seal. The hash has no secret;
anchors kept outside the database (printed, mailed to the 監査委員, WORM storage) bound what such a
rewrite can hide. Every anchor ever taken must still hold: a rewrite between two anchors is visible
only against the older one, so verify reads every anchor file of the anchor directory.

This module never writes to the chains (the CLI logs the run separately).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

from django.db import transaction

from jichitai.tenancy.context import TenantContext, activate

from .chain import Seal, compute_hash, latest_seal
from .models import GENESIS_HASH, AuditChainHead, AuditEntry, SystemAuditEntry, SystemChainHead
from .reads import AuditedReadManager


class FindingKind(StrEnum):
    HASH_MISMATCH = "hash_mismatch"
    LINK_BROKEN = "link_broken"
    MISSING_SEQ = "missing_seq"
    TAIL_MISSING = "tail_missing"
    HEAD_MISMATCH = "head_mismatch"
    HEAD_MISSING = "head_missing"
    AFTER_HEAD = "after_head"
    ANCHOR_MISMATCH = "anchor_mismatch"
    LOG_MISSING = "log_missing"
    SEALED_MISSING = "sealed_missing"
    SEAL_MISMATCH = "seal_mismatch"


LABELS: dict[FindingKind, tuple[str, str]] = {
    FindingKind.HASH_MISMATCH: ("改ざん（ハッシュ不一致）", "hash mismatch: the entry was edited"),
    FindingKind.LINK_BROKEN: ("連鎖不整合", "chain link broken: prev_hash differs from the previous entry"),
    FindingKind.MISSING_SEQ: ("欠番（削除）", "missing seq: entries were deleted"),
    FindingKind.TAIL_MISSING: ("末尾欠落（削除）", "tail missing: the newest entries were deleted"),
    FindingKind.HEAD_MISMATCH: ("先頭不一致", "head mismatch: the head row and the last entry differ"),
    FindingKind.HEAD_MISSING: ("先頭行なし", "head row missing"),
    FindingKind.AFTER_HEAD: ("先頭以降の不明エントリ", "entries after the head (not appended by the log)"),
    FindingKind.ANCHOR_MISMATCH: ("アンカー不一致", "anchor mismatch: an exported head hash no longer matches"),
    FindingKind.LOG_MISSING: (
        "監査ログがありません（切り詰め・削除の疑い）",
        "audit log missing: no entries and no head row, yet the chain must exist (truncated or deleted?)",
    ),
    FindingKind.SEALED_MISSING: (
        "封印済みエントリの欠落（切り詰めの疑い）",
        "sealed entry missing: the chain is shorter than its head sealed into the consortium chain",
    ),
    FindingKind.SEAL_MISMATCH: (
        "封印ハッシュ不一致（書き換えの疑い）",
        "seal mismatch: the entry at the sealed seq has another hash (the chain was rewritten)",
    ),
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
    sealed_seq: int | None = None
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
                    "head_seq": c.head_seq, "head_hash": c.head_hash, "sealed_seq": c.sealed_seq,
                    "ok": c.ok,
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


class AnchorFileError(ValueError):
    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"アンカーファイルを読めません / cannot read anchors: {path}: {problem}")


ANCHOR_FILE_RE = re.compile(r"^anchors-\d{4}-\d{2}-\d{2}\.jsonl$")


def dated_anchor_file(directory: Path, day: date) -> Path:
    """Where ``jichitai audit anchor`` appends on ``day`` in an anchor directory."""
    return directory / f"anchors-{day.isoformat()}.jsonl"


def anchor_files(directory: Path) -> list[Path]:
    """The dated anchor files of ``directory``, oldest first."""
    return sorted(p for p in directory.iterdir() if p.is_file() and ANCHOR_FILE_RE.match(p.name))


def read_anchors(path: Path) -> list[Anchor]:
    """Anchors of one file (JSON Lines), or of every dated file when ``path`` is a directory."""
    if path.is_dir():
        return [a for f in anchor_files(path) for a in read_anchors(f)]
    out = []
    try:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                try:
                    d = json.loads(line)
                    out.append(Anchor(str(d["chain"]), int(d["seq"]), str(d["hash"]), d.get("at", "")))
                except (ValueError, KeyError, TypeError) as exc:
                    raise AnchorFileError(path, f"line {n}: {exc}") from exc
    except OSError as exc:
        raise AnchorFileError(path, exc.strerror or str(exc)) from exc
    except UnicodeDecodeError as exc:
        raise AnchorFileError(path, "not UTF-8 text") from exc
    return out


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A statement made outside the chain: "it held ``hash`` at ``seq``" (an anchor or a seal)."""

    seq: int
    hash: str
    missing: FindingKind
    differs: FindingKind
    source: str


def _check_link(result: ChainResult, e: Any, expected: int, prev_hash: str, prev_id: int | None) -> None:
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


def _check_head(
    result: ChainResult, head: AuditChainHead | SystemChainHead | None, last_hash: str, last_id: int | None
) -> None:
    if head is None:
        if result.entries:
            result.findings.append(Finding(result.chain, FindingKind.HEAD_MISSING, None, None))
        return
    result.head_seq, result.head_hash = head.seq, head.hash
    last = result.last_seq
    if head.seq > last:
        span = str(head.seq) if head.seq == last + 1 else f"{last + 1}..{head.seq}"
        result.findings.append(Finding(
            result.chain, FindingKind.TAIL_MISSING, last + 1, None,
            f"seq {span} deleted after id={last_id}; the head row records seq {head.seq}",
        ))
    elif head.seq < last:
        result.findings.append(Finding(
            result.chain, FindingKind.AFTER_HEAD, head.seq + 1, None,
            f"head records seq {head.seq}, the table holds up to seq {last}",
        ))
    elif head.hash != last_hash:
        result.findings.append(Finding(result.chain, FindingKind.HEAD_MISMATCH, head.seq, last_id))


def _walk(
    result: ChainResult,
    entries: Iterable[AuditEntry | SystemAuditEntry],
    head: AuditChainHead | SystemChainHead | None,
    watch: set[int],
) -> dict[int, tuple[str, int]]:
    """Recompute and re-link every entry; returns (hash, id) of the entries at the ``watch`` seqs."""
    expected, prev_hash = 1, GENESIS_HASH
    prev_id: int | None = None
    seen: dict[int, tuple[str, int]] = {}
    for e in entries:
        result.entries += 1
        _check_link(result, e, expected, prev_hash, prev_id)
        if compute_hash(e) != e.hash:
            result.findings.append(Finding(result.chain, FindingKind.HASH_MISMATCH, e.seq, e.pk))
        if e.seq in watch:
            seen[e.seq] = (e.hash, e.pk)
        prev_hash, prev_id, expected = e.hash, e.pk, e.seq + 1
    result.last_seq = expected - 1
    _check_head(result, head, prev_hash, prev_id)
    return seen


def _check_points(result: ChainResult, seen: dict[int, tuple[str, int]], points: Iterable[Checkpoint]) -> None:
    for p in sorted(set(points), key=lambda p: (p.seq, p.hash, p.source)):
        got = seen.get(p.seq)
        if got is None:
            result.findings.append(Finding(
                result.chain, p.missing, p.seq, None,
                f"{p.source}: no entry at seq {p.seq}; the chain ends at seq {result.last_seq}",
            ))
        elif got[0] != p.hash:
            result.findings.append(Finding(
                result.chain, p.differs, p.seq, got[1],
                f"{p.source} recorded hash {p.hash[:12]}, the entry has {got[0][:12]}",
            ))


def _anchor_points(anchors: Iterable[Anchor], chain: str) -> list[Checkpoint]:
    return [
        Checkpoint(a.seq, a.hash, FindingKind.ANCHOR_MISMATCH, FindingKind.ANCHOR_MISMATCH,
                   f"anchor {a.at}".strip())
        for a in anchors if a.chain == chain
    ]


def _seal_point(seal: Seal, consortium_name: str) -> Checkpoint:
    return Checkpoint(seal.seq, seal.hash, FindingKind.SEALED_MISSING, FindingKind.SEAL_MISMATCH,
                      f"sealed in {seal.where(consortium_name)}")


def _resident_data() -> list[str]:
    """Under the active context: models of residents' data (read through AuditedReadManager, so
    every write and read of them is logged) that hold rows of this municipality."""
    from jichitai.tenancy.models import tenant_models

    return [
        f"{m._meta.db_table} has rows" for m in tenant_models()
        if isinstance(m._default_manager, AuditedReadManager) and m._default_manager.exists()
    ]


def verify_municipality(municipality: Any, anchors: Iterable[Anchor] = ()) -> ChainResult:
    """Verify one municipality's chain in its own unit of work (must be called with no context):
    entries, head row, anchors, the latest seal, and absence when the chain must exist."""
    chain = f"municipality:{municipality.code}"
    result = ChainResult(chain=chain, name=str(municipality))
    seal = latest_seal(municipality)
    points = _anchor_points(anchors, chain)
    sealed = ""
    if seal is not None and seal.seq:
        result.sealed_seq = seal.seq
        points.append(_seal_point(seal, municipality.consortium.code))
        sealed = f"seq {seal.seq} was sealed in {seal.where(municipality.consortium.code)}"
    ctx = TenantContext(
        municipality_id=municipality.pk, acting_municipality_id=municipality.pk, purpose="audit verify"
    )
    with activate(ctx), transaction.atomic():
        head = AuditChainHead.objects.first()
        entries: Iterator[AuditEntry] = AuditEntry.objects.order_by("seq").iterator(chunk_size=2000)
        seen = _walk(result, entries, head, {p.seq for p in points})
        evidence = _resident_data() if head is None and not result.entries else []
    if head is None and not result.entries and sealed:
        evidence.append(sealed)
        points = [p for p in points if p.missing is not FindingKind.SEALED_MISSING]  # named here
    if evidence:
        result.findings.append(Finding(chain, FindingKind.LOG_MISSING, None, None, "; ".join(evidence)))
    _check_points(result, seen, points)
    return result


def verify_consortium(chain_key: int, name: str, anchors: Iterable[Anchor] = ()) -> ChainResult:
    """Verify one consortium chain (``chain_key`` 0 = installation): entries, head, anchors, and
    absence when the consortium has member municipalities (their registration is logged here)."""
    from jichitai.tenancy.models import Municipality

    chain = f"consortium:{name}"
    result = ChainResult(chain=chain, name=name)
    points = _anchor_points(anchors, chain)
    with transaction.atomic():
        head = SystemChainHead.objects.filter(chain_key=chain_key).first()
        entries = SystemAuditEntry.objects.filter(chain_key=chain_key).order_by("seq").iterator(
            chunk_size=2000
        )
        seen = _walk(result, entries, head, {p.seq for p in points})
        members = Municipality.objects.filter(consortium_id=chain_key).count() if chain_key else 0
    if head is None and not result.entries and members:
        result.findings.append(Finding(
            chain, FindingKind.LOG_MISSING, None, None,
            f"{members} member municipalities, whose registration is logged in this chain",
        ))
    _check_points(result, seen, points)
    return result


class UnknownMunicipality(LookupError):
    def __init__(self, code: str) -> None:
        super().__init__(f"団体コード {code} は登録されていません / unknown municipality code {code}")


def _consortium_chains() -> list[tuple[int, str]]:
    """Every consortium chain that exists or must exist (a consortium with members)."""
    from jichitai.tenancy.models import Consortium, Municipality

    keys = set(SystemChainHead.objects.values_list("chain_key", flat=True))
    keys |= set(SystemAuditEntry.objects.values_list("chain_key", flat=True).distinct())
    keys |= set(Municipality.objects.values_list("consortium_id", flat=True).distinct())
    names = dict(Consortium.objects.filter(pk__in=keys).values_list("pk", "code"))
    return [(k, "installation" if k == 0 else names.get(k, f"#{k}")) for k in sorted(keys)]


def _vanished(anchors: list[Anchor], walked: set[str]) -> list[ChainResult]:
    """Chains named by anchors that no longer exist at all (not even their municipality)."""
    out = []
    for chain in sorted({a.chain for a in anchors} - walked):
        result = ChainResult(chain=chain, name=chain)
        seq = max(a.seq for a in anchors if a.chain == chain)
        result.findings.append(Finding(
            chain, FindingKind.ANCHOR_MISMATCH, seq, None, "the anchored chain no longer exists"
        ))
        out.append(result)
    return out


def verify(*, municipality_code: str | None = None, anchors: Iterable[Anchor] = ()) -> VerifyReport:
    """Verify every chain (or only one municipality's). Call outside any TenantContext."""
    from jichitai.tenancy.models import Municipality

    anchors = list(anchors)
    munis = Municipality.objects.select_related("consortium").order_by("code")
    if municipality_code is not None:
        munis = munis.filter(code=municipality_code)
        if not munis.exists():
            raise UnknownMunicipality(municipality_code)
    chains = [verify_municipality(m, anchors) for m in munis]
    if municipality_code is None:
        chains += [verify_consortium(k, name, anchors) for k, name in _consortium_chains()]
        chains += _vanished(anchors, {c.chain for c in chains})
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
