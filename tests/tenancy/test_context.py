"""TenantContext: immutable, set once per unit of work, scoped managers fail closed."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from jichitai.tenancy.context import (
    NoTenantContext,
    TenantContext,
    TenantContextAlreadySet,
    activate,
    current,
)
from jichitai.tenancy.models import (
    DelegationGrant,
    Municipality,
    MunicipalSetting,
    TenantScopeViolation,
)
from jichitai.tenancy.services import DelegationRefused, delegated_context, own_context


def test_context_is_immutable() -> None:
    ctx = TenantContext(municipality_id=1, acting_municipality_id=1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        ctx.municipality_id = 2  # type: ignore[misc]


def test_context_cannot_change_inside_a_unit_of_work() -> None:
    with activate(TenantContext(municipality_id=1, acting_municipality_id=1)):
        with pytest.raises(TenantContextAlreadySet):
            with activate(TenantContext(municipality_id=2, acting_municipality_id=2)):
                pass
        assert current().municipality_id == 1
    with pytest.raises(NoTenantContext):
        current()


def test_acting_for_another_municipality_needs_a_grant_id() -> None:
    with pytest.raises(ValueError):
        TenantContext(municipality_id=1, acting_municipality_id=2)


@pytest.mark.django_db
def test_scoped_manager_refuses_without_context(tenants, as_tenant) -> None:
    with as_tenant(tenants.a):
        MunicipalSetting.objects.create(key="seal", value="甲村長")
    with pytest.raises(NoTenantContext):
        list(MunicipalSetting.objects.all())


@pytest.mark.django_db
def test_other_municipality_rows_are_invisible_and_unwritable(tenants, as_tenant) -> None:
    with as_tenant(tenants.b):
        b_row = MunicipalSetting.objects.create(key="seal", value="乙町長")
    with as_tenant(tenants.a):
        MunicipalSetting.objects.create(key="seal", value="甲村長")
        assert [r.value for r in MunicipalSetting.objects.all()] == ["甲村長"]
        with pytest.raises(MunicipalSetting.DoesNotExist):
            MunicipalSetting.objects.get(pk=b_row.pk)
        assert MunicipalSetting.objects.filter(pk=b_row.pk).update(value="x") == 0
        assert MunicipalSetting.objects.filter(pk=b_row.pk).delete()[0] == 0
        b_row.value = "書き換え"
        with pytest.raises(TenantScopeViolation):
            b_row.save()
        with pytest.raises(TenantScopeViolation):
            b_row.delete()
    with as_tenant(tenants.b):
        assert MunicipalSetting.objects.get(pk=b_row.pk).value == "乙町長"


@pytest.mark.django_db
def test_new_rows_take_the_context_municipality(tenants, as_tenant) -> None:
    with as_tenant(tenants.a):
        row = MunicipalSetting.objects.create(key="k", value=1)
    assert row.municipality_id == tenants.a.pk


@pytest.mark.django_db
def test_municipality_code_check_digit_is_enforced(tenants) -> None:
    with pytest.raises(ValidationError):
        Municipality.objects.create(
            consortium=tenants.a.consortium, code="999017", name="誤", kana="ゴ",
            prefecture="テスト県", population_class="village",
        )


def _staff(tenants):
    from jichitai.accounts.models import Staff

    return Staff.objects.create(username="declarer", consortium=tenants.a.consortium)


@pytest.mark.django_db
def test_delegated_context_requires_a_valid_grant(tenants) -> None:
    with pytest.raises(DelegationRefused):
        delegated_context(tenants.b, tenants.a)
    now = timezone.now()
    grant = DelegationGrant.objects.create(
        grantor=tenants.a, grantee=tenants.b, valid_from=now - timedelta(hours=1),
        valid_until=now + timedelta(days=3), legal_basis="災害対策基本法 第67条",
        declared_by=_staff(tenants),
    )
    ctx = delegated_context(tenants.b, tenants.a, purpose="代行交付")
    assert (ctx.municipality_id, ctx.acting_municipality_id, ctx.grant_id) == (
        tenants.a.pk, tenants.b.pk, grant.pk,
    )
    assert ctx.is_delegated
    # the reverse direction was never granted
    with pytest.raises(DelegationRefused):
        delegated_context(tenants.a, tenants.b)
    grant.revoked_at = timezone.now()
    grant.save()
    with pytest.raises(DelegationRefused):
        delegated_context(tenants.b, tenants.a)


@pytest.mark.django_db
def test_expired_grant_is_refused(tenants) -> None:
    now = timezone.now()
    DelegationGrant.objects.create(
        grantor=tenants.a, grantee=tenants.b, valid_from=now - timedelta(days=10),
        valid_until=now - timedelta(days=1), legal_basis="協定", declared_by=_staff(tenants),
    )
    with pytest.raises(DelegationRefused):
        delegated_context(tenants.b, tenants.a)
    assert own_context(tenants.b).municipality_id == tenants.b.pk
