"""Rewrite the match index from the live tables (after a bulk load or a restore)."""

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from dualcert.employment.match_index import match_rebuild


class Command(BaseCommand):
    help = "Rewrite the match index of consenting workers' certificates and training."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            rows = match_rebuild()
        self.stdout.write(f"match index: {rows} rows")
