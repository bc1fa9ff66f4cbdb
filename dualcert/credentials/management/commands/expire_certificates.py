"""Mark certificates whose validity has run out as expired (run daily, e.g. from cron)."""

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from dualcert.credentials.services import certificates_expire


class Command(BaseCommand):
    help = "Mark valid certificates past their expiry date as expired."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today", type=date.fromisoformat, default=None,
            help="Treat this date (YYYY-MM-DD) as today; defaults to today in Beijing time.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = options["today"] or timezone.localdate()
        count = certificates_expire(today=today)
        self.stdout.write(f"{count} certificate(s) expired as of {today.isoformat()}.")
