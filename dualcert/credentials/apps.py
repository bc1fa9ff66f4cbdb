from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    name = "dualcert.credentials"
    label = "credentials"
