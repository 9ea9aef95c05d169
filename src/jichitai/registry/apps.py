from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "jichitai.registry"
    label = "registry"
    verbose_name = "住民記録"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from .archive_store import attach
        from .euc import logs

        logs.install()  # the access log as an EUC data source for auditors ([1370]#2)

        # the 除票用データベース is a database of its own on SQLite (archive_store.py)
        connection_created.connect(attach, dispatch_uid="registry.archive_store.attach")
