from django.apps import AppConfig


class EmploymentConfig(AppConfig):
    name = "dualcert.employment"
    label = "employment"
