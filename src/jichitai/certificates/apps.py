from django.apps import AppConfig


class CertificatesConfig(AppConfig):
    name = "jichitai.certificates"
    label = "certificates"
    verbose_name = "証明書"

    def ready(self) -> None:
        from . import euc_source, models  # noqa: F401 - models connects the 交付履歴 deletion guard

        euc_source.install()  # 交付履歴 as an EUC data source ([1360]#1)
