from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "dualcert.insights"
    label = "insights"
