"""`dualcert seed_demo`: fill an empty database with a consistent, fictional demo history."""

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from dualcert.catalog.models import Pathway
from dualcert.core.demo import (
    DEFAULT_SEED,
    DEFAULT_WORKERS,
    CatalogueMissing,
    demo_generate,
    demo_present,
    demo_reset,
    logins_table,
)


class Command(BaseCommand):
    help = ("Generate demo workers, organisations, projects in every state, certificates and "
            "hires, plus one login per role. Without --reset an existing demo is left alone.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS,
                            help=f"Number of workers (default {DEFAULT_WORKERS}).")
        parser.add_argument("--enrollments", type=int, default=None,
                            help="Enrollments in past projects (default: 4 per 5 workers).")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                            help=f"Random seed; the same seed gives the same data (default "
                                 f"{DEFAULT_SEED}).")
        parser.add_argument("--reset", action="store_true",
                            help="Delete previous demo data (everything but the catalogue) first.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["workers"] < 50:
            raise CommandError("--workers must be at least 50 (one project in each state needs "
                               "people to fill it).")
        if not Pathway.objects.exists():
            self.stdout.write("The reference catalogue is empty: loading it first.")
            call_command("load_catalog", stdout=self.stdout)
        if demo_present() and not options["reset"]:
            self.stdout.write("Demo data is already here (use --reset to generate it again).")
            self._print_logins()
            return
        if options["reset"]:
            if not settings.DEBUG:
                raise CommandError("--reset empties the people, project and certificate tables; "
                                   "it refuses to run with DEBUG off.")
            demo_reset()
        self._generate(options)

    def _generate(self, options: dict[str, Any]) -> None:
        try:
            report = demo_generate(workers=options["workers"], enrollments=options["enrollments"],
                                   seed=options["seed"])
        except CatalogueMissing as exc:
            raise CommandError(f"{exc}. Run `dualcert load_catalog` first.") from exc
        for line in report.lines():
            self.stdout.write(line)
        workers_step = report.steps.get("workers", 0.0)
        if workers_step:
            self.stdout.write(f"workers: {report.workers / workers_step:,.0f} workers/s "
                              "(ID-number hashing and encryption included)")
        self.stdout.write(self.style.SUCCESS("Demo data generated."))
        self._print_logins()

    def _print_logins(self) -> None:
        self.stdout.write("")
        for line in logins_table():
            self.stdout.write(line)
