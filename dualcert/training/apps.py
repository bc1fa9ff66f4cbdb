from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "dualcert.training"
    label = "training"
