from django.apps import AppConfig


class SealsConfig(AppConfig):
    name = "jichitai.seals"
    label = "seals"
    verbose_name = "印鑑登録"
