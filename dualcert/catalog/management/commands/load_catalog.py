"""`dualcert load_catalog`: load the reference catalogue; running it again changes nothing."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dualcert.catalog.loading import DATA_DIR, CatalogDataError, catalog_load


class Command(BaseCommand):
    help = "Load regions, departments, occupations, certificate types and pathways (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--data-dir", type=Path, default=DATA_DIR,
            help="Folder holding the catalogue's JSON files (default: the packaged data).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = catalog_load(data_dir=options["data_dir"])
        except CatalogDataError as exc:
            raise CommandError(f"Catalogue not loaded (nothing was changed): {exc}") from exc
        for line in report.lines():
            self.stdout.write(line)
        if report.changed:
            self.stdout.write(self.style.SUCCESS(f"Catalogue loaded: {report.changed} changes."))
        else:
            self.stdout.write(self.style.SUCCESS("Catalogue already up to date: nothing changed."))
