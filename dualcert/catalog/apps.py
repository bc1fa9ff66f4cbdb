from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "dualcert.catalog"
    label = "catalog"
