from django.apps import AppConfig


class FairsConfig(AppConfig):
    name = "dualcert.fairs"
    label = "fairs"
