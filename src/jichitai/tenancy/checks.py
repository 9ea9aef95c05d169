"""System checks: a tenant model that is not scoped fails `manage.py check` and the test suite."""

from __future__ import annotations

from typing import Any

from django.core import checks


@checks.register()
def tenant_models_are_scoped(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    from django.apps import apps

    return check_models(apps.get_models())


def check_models(models: Any) -> list[checks.CheckMessage]:
    from .models import TenantManager, TenantModel

    errors: list[checks.CheckMessage] = []
    for model in models:
        fields = {f.name for f in model._meta.get_fields()}
        label = model._meta.label
        if issubclass(model, TenantModel):
            for attr in ("_default_manager", "_base_manager"):
                if not isinstance(getattr(model, attr), TenantManager):
                    errors.append(checks.Error(
                        f"{label}.{attr} is not a TenantManager", id="jichitai.E001", obj=model
                    ))
        elif "municipality" in fields or "municipality_id" in fields:
            if label not in GLOBAL_MODELS_WITH_MUNICIPALITY:
                errors.append(checks.Error(
                    f"{label} has a municipality field but is not a TenantModel",
                    hint="Subclass jichitai.tenancy.models.TenantModel, or list it in "
                    "GLOBAL_MODELS_WITH_MUNICIPALITY with a reason.",
                    id="jichitai.E002", obj=model,
                ))
    return errors


# Consortium-level rows that name a municipality but are not that municipality's data.
# Each entry needs a reason; the isolation tests read this too.
GLOBAL_MODELS_WITH_MUNICIPALITY: dict[str, str] = {
    "accounts.RoleGrant": "staff directory is consortium-wide (ID統合管理); a grant names its municipality",
    "accounts.DisplayRestriction": "staff directory like RoleGrant: a per-staff display restriction names its municipality",
    "accounts.DepartmentGrant": "staff directory like RoleGrant: a grant to a 所属部署 names its municipality",
}
