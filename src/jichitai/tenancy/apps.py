from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "jichitai.tenancy"
    label = "tenancy"
    verbose_name = "テナント（協議会・団体）"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from . import checks, dbroles, rls  # noqa: F401

        connection_created.connect(rls.install_context_wrapper)
        post_migrate.connect(rls.apply_policies_after_migrate, sender=self)
        post_migrate.connect(dbroles.apply_grants_after_migrate, sender=self)
