from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "dualcert.people"
    label = "people"
