from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "dualcert.assessment"
    label = "assessment"
