from django.apps import AppConfig


class TaxConfig(AppConfig):
    name = "jichitai.tax"
    label = "tax"
    verbose_name = "個人住民税"
