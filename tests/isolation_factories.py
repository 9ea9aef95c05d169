"""One factory per tenant model, used by the generated isolation suite (tests/test_isolation.py).

Each factory runs under an active TenantContext and creates one row carrying ``marker`` somewhere
visible. A tenant model without a factory here makes the isolation suite fail: add one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _municipal_setting(marker: str) -> Any:
    from jichitai.tenancy.models import MunicipalSetting

    return MunicipalSetting.objects.create(key=f"k-{marker}", value={"marker": marker})


FACTORIES: dict[str, Callable[[str], Any]] = {
    "tenancy.MunicipalSetting": _municipal_setting,
}
