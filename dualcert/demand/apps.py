from django.apps import AppConfig


class DemandConfig(AppConfig):
    name = "dualcert.demand"
    label = "demand"
