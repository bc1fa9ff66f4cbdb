from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "dualcert.core"
    label = "core"
    verbose_name = "core"
