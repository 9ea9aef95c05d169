"""EUC の大量抽出 ([1360]#4, #5: 「大量抽出等した場合であっても、オンライン処理に影響が出ないこと」):
a spec too big for the screen is handed to the batch worker (jobs, job ``registry.euc``), which
runs it in its own process, streaming, and keeps the CSV or XML file for the staff member who
asked. The screen only records the request and queues it; nothing of the extraction runs in a
web request.

The worker runs as the requester (the run's context names them): their EUC right, 支援措置
need-to-know and 表示権限 apply as on the screen, and the file is handed out to them only.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from jichitai.accounts.capabilities import CapabilityMissing, has_capability
from jichitai.audit.recording import record
from jichitai.tenancy.context import current

from ..errors import violation
from ..euc_models import EucBatch
from . import output
from .run import CAPABILITY, EucError, Result, columns, parse_spec, stream

JOB = "registry.euc"
FORMATS = ("csv", "xml")


def request(data: Mapping[str, Any], *, staff: Any, withheld: frozenset[str]) -> EucBatch:
    """Record an extraction for the worker (the spec checked now: its errors are shown at once)."""
    if not has_capability(staff, CAPABILITY):
        raise CapabilityMissing(CAPABILITY)
    data = {**data, "output": data.get("output") if data.get("output") in FORMATS else "csv"}
    parse_spec(data, withheld=withheld)  # EucError names every problem by field
    return EucBatch.objects.create(staff=staff, spec=dict(data))


def execute(batch_id: int, progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """The worker's side: run the batch's spec as its requester and keep the file."""
    from jichitai.accounts.models import Staff

    from ..selectors.visibility import withheld_fields

    batch = EucBatch.objects.filter(pk=batch_id).first()
    if batch is None or batch.staff_id != current().staff_id:  # only the requester's own run
        raise violation("euc_batch", "この抽出を実行できるのは依頼した職員だけです。", "batch_id")
    staff = Staff.objects.get(pk=batch.staff_id)
    try:
        spec = parse_spec(batch.spec, withheld=withheld_fields(staff))  # rights as of the run
    except EucError as exc:
        raise violation("euc_batch_spec", f"抽出の指定が使えません: {exc}", "batch_id") from None
    buf = io.BytesIO()
    result = Result(spec, columns(spec))
    with transaction.atomic():  # one consistent snapshot of the register
        rows = stream(spec, staff=staff, screen="EUC（バッチ処理）", result=result)
        cols: list[tuple[str, str]] = result.columns
        if spec.analysis != "rows":
            for _ in rows:
                pass
            result.groups = sorted(
                result.group_counts.items(), key=lambda kv: tuple(str(v) for v in kv[0])
            )
            cols, rows = output.summary(result)
        chunks = (
            output.csv_chunks(cols, rows)
            if spec.output == "csv"
            else output.xml_chunks(spec, cols, rows)
        )
        for chunk in chunks:
            buf.write(chunk.encode("utf-8"))
            if progress is not None:  # the total is not known before the end: one more than done
                progress(result.scanned, result.scanned + 1)
    if progress is not None:
        progress(result.scanned, result.scanned)
    name = f"euc-{timezone.localtime(batch.requested_at):%Y%m%d-%H%M%S}.{spec.output}"
    EucBatch.objects.filter(pk=batch.pk).update(
        content=buf.getvalue(), rows=result.count, file_name=name, finished_at=timezone.now()
    )
    return {"rows": result.count, "scanned": result.scanned}


def mine(staff: Any) -> list[EucBatch]:
    """The staff member's own batches, newest first (without their files)."""
    return list(
        EucBatch.objects.filter(staff=staff).defer("content").order_by("-requested_at", "-pk")[:50]
    )


def download(batch_id: int, *, staff: Any) -> tuple[str, bytes] | None:
    """The file of the staff member's own finished batch (None: not theirs, or not finished); the
    handing out is logged."""
    batch = EucBatch.objects.filter(pk=batch_id, staff=staff, finished_at__isnull=False).first()
    if batch is None or batch.content is None:
        return None
    record(
        "print",
        "euc.batch.download",
        subject_type="euc_batch",
        subject_id=batch.pk,
        screen="EUC",
        function="euc",
        detail={"rows": batch.rows, "file": batch.file_name, "output": "file"},
    )
    return batch.file_name, bytes(batch.content)
