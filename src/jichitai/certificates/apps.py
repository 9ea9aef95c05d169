from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "jichitai.certificates"
    label = "certificates"
    verbose_name = "証明書"

    def ready(self) -> None:
        from . import models  # noqa: F401 - connects the 交付履歴 deletion guard
