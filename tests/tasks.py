"""Background tasks in tests that use the database queue, as production does."""

import io

from django.core.management import call_command


def run_queued_tasks() -> None:
    """Run every task waiting in the database queue once, as a `db_worker` process would."""
    call_command("db_worker", batch=True, no_startup_delay=True, stdout=io.StringIO(),
                 stderr=io.StringIO())
