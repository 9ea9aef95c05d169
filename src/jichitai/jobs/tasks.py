"""The one task on the queue: run a recorded :class:`Run` in its municipality's TenantContext.

The queue row carries only the run id and the municipality id; the worker builds the unit of work
from them (a context per run, never reused: tenancy/context.py).
"""

from __future__ import annotations

from django_tasks import task

QUEUE = "batch"


@task(queue_name=QUEUE)
def run_job(run_id: int, municipality_id: int) -> str:
    from jichitai.tenancy.context import activate
    from jichitai.tenancy.models import Municipality
    from jichitai.tenancy.services import own_context

    from .models import Run
    from .runner import execute

    municipality = Municipality.objects.get(pk=municipality_id)
    with activate(own_context(municipality, purpose="バッチ処理")):
        staff_id = Run.objects.filter(pk=run_id).values_list("requested_by_id", flat=True).first()
    # the context names the staff member who started the run (None for a schedule)
    with activate(own_context(municipality, staff_id=staff_id, purpose="バッチ処理")):
        return execute(run_id)
