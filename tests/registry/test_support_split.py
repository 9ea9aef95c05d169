"""[1380]#7, #9: 支援対象者照会 (registry.support_measure) and 支援対象者管理 (registry.support_manage)
are separate rights; the 支援対象者照会担当 role holds the first only. Tried from the protected side."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jichitai.accounts.capabilities import capabilities_of
from jichitai.registry import selectors, support, support_case
from jichitai.registry.errors import RegistryError
from jichitai.tenancy.context import activate

from .conftest import move_in_family, people
from .test_support_period import _officers

pytestmark = pytest.mark.django_db
D = dt.date


def _staff(office: Any, name: str, *roles: str) -> Any:
    from jichitai.accounts.models import RoleGrant, Staff

    staff = Staff.objects.create(username=f"{name}-{office.municipality.pk}")
    for role in roles:
        RoleGrant.objects.create(staff=staff, municipality=office.municipality, role=role)
    return staff


@pytest.mark.std("1380#9", "1380#7")
def test_inquiry_without_management(office: Any, office_b: Any) -> None:
    with activate(office.ctx()):
        move_in_family(office)
        wife = people()[1]
        manager, _ = _officers(office)
        inquirer = _staff(office, "inquiry", "clerk", "support_inquiry")
        assert {"registry.support_measure", "registry.support_manage"} <= capabilities_of(manager)
        caps = capabilities_of(inquirer)
        assert "registry.support_measure" in caps and "registry.support_manage" not in caps
        m = support.start_measure(wife.pk, start=D(2026, 4, 1), reason="DV", against=[], staff=manager)
        # 照会: the inquirer sees the protected person, a plain clerk does not
        assert not selectors.person_detail(wife.pk, staff=inquirer).masked
        assert selectors.person_detail(wife.pk, staff=office.clerk).masked
        # 管理: every change is refused to the inquirer, naming the right
        for change in (
            lambda: support.start_measure(people()[0].pk, start=D(2026, 4, 1), reason="DV", against=[],
                                          staff=inquirer),
            lambda: support.extend_measure(m.pk, staff=inquirer),
            lambda: support.set_end_date(m.pk, end=D(2027, 5, 31), staff=inquirer),
            lambda: support.end_measure(m.pk, staff=inquirer, reason="expired"),
            lambda: support_case.update_case(m.pk, values={}, affairs=[], staff=inquirer),
        ):
            with pytest.raises(RegistryError, match="支援対象者管理"):
                change()
        assert support.active_measure(wife.pk) == m
    with activate(office_b.ctx()):  # the role in A gives nothing in B
        other = _staff(office_b, "plain", "clerk")
        assert "registry.support_measure" not in capabilities_of(inquirer)
        assert "registry.support_manage" not in capabilities_of(other)
