"""Append-only, hash-chained audit logs per municipality and per consortium."""

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "jichitai.audit"
    label = "audit"
    verbose_name = "監査ログ"

    def ready(self) -> None:
        from . import receivers

        receivers.connect()
