"""Generate the demo: a consistent, fictional history of the programme from one seed."""

import time as clock
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db import connection, transaction
from django.utils import timezone

from dualcert.catalog.models import Pathway
from dualcert.core.demo import accounts, fairs, history, live, organisations
from dualcert.core.demo.context import Catalogue, DemoContext
from dualcert.core.demo.workers import generate_workers
from dualcert.core.demo.writer import BulkWriter
from dualcert.core.models import NumberSequence
from dualcert.credentials.models import PublishedList
from dualcert.credentials.signing.keys import certificates_sign_missing
from dualcert.credentials.signing.lists import latest
from dualcert.employment.match_index import match_rebuild

DEFAULT_WORKERS = 600
DEFAULT_SEED = 2026
REQUIRED_PATHWAYS = ("PW-ELEC", "PW-WELD", "PW-FORK", "PW-SECU", "PW-BELEC", "PW-FREIGHT")


@dataclass
class DemoReport:
    """What was generated and how long each step took."""

    workers: int
    rows: dict[str, int]
    steps: dict[str, float] = field(default_factory=dict)

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    @property
    def seconds(self) -> float:
        return sum(self.steps.values())

    def lines(self) -> list[str]:
        lines = [f"{label}: {count}" for label, count in sorted(self.rows.items())]
        lines += [f"step {name}: {secs:.1f}s" for name, secs in self.steps.items()]
        rate = self.total_rows / self.seconds if self.seconds else 0.0
        lines.append(f"{self.total_rows} rows in {self.seconds:.1f}s ({rate:,.0f} rows/s)")
        return lines


def default_enrollments(workers: int) -> int:
    return max(60, workers * 4 // 5)


class CatalogueMissing(RuntimeError):
    """The reference catalogue (pathways and their certificate types) is not loaded."""


def _check_catalogue() -> None:
    found = set(Pathway.objects.filter(code__in=REQUIRED_PATHWAYS).values_list("code", flat=True))
    missing = sorted(set(REQUIRED_PATHWAYS) - found)
    if missing:
        raise CatalogueMissing(f"pathways missing from the catalogue: {', '.join(missing)}")


def _save_sequences(ctx: DemoContext) -> None:
    """Leave every number counter past the numbers used, so later issues never collide."""
    used = {k: v for k, v in ctx.sequences.items() if not k.startswith("demo-")}
    existing = {s.key: s for s in NumberSequence.objects.filter(key__in=used)}
    for key, value in used.items():
        if key in existing:
            existing[key].value = max(existing[key].value, value)
    NumberSequence.objects.bulk_update(existing.values(), ["value"])
    NumberSequence.objects.bulk_create(
        [NumberSequence(key=k, value=v) for k, v in used.items() if k not in existing])
    ctx.writer.finish()


@transaction.atomic
def demo_generate(*, workers: int = DEFAULT_WORKERS, enrollments: int | None = None,
                  seed: int = DEFAULT_SEED, today: date | None = None) -> DemoReport:
    """Write the whole demo in one transaction: organisations, workers, logins, history.

    Deterministic for a seed (names and ID numbers do not depend on the run date). Needs the
    reference catalogue; raises CatalogueMissing without it.
    """
    _check_catalogue()
    _prepare_connection()
    ctx = DemoContext(seed=seed, today=today or timezone.localdate(),
                      catalogue=Catalogue.load(), writer=BulkWriter())
    enrollments = default_enrollments(workers) if enrollments is None else enrollments
    steps: list[tuple[str, Callable[[], None]]] = [
        ("organisations", lambda: _organisations(ctx, workers)),
        ("workers", lambda: generate_workers(ctx, workers)),
        ("accounts", lambda: _accounts(ctx)),
        ("history", lambda: history.build_history(ctx, enrollments)),
        ("current", lambda: _current(ctx)),
        ("sequences", lambda: _save_sequences(ctx)),
        ("signatures", _sign_certificates),
        ("match index", _match_index),
        ("statistics", _refresh_statistics),
    ]
    report = DemoReport(workers=workers, rows={})
    for name, step in steps:
        started = clock.perf_counter()
        step()
        report.steps[name] = clock.perf_counter() - started
    _restore_connection()
    report.rows = dict(ctx.writer.rows)
    return report


def _match_index() -> None:
    """Fill the match index from the generated rows (written in bulk, so no signals ran)."""
    match_rebuild()


def _sign_certificates() -> None:
    """Give every demo certificate its signed QR payload and publish both public lists."""
    certificates_sign_missing()
    latest(PublishedList.Kind.TRUST)
    latest(PublishedList.Kind.REVOCATIONS)


def _prepare_connection() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # A bigger page cache for this connection: the unique public_id indexes take
            # random inserts, which thrash SQLite's default 2 MB cache on large runs.
            cursor.execute("PRAGMA cache_size = -262144")
        elif connection.vendor == "postgresql":
            # Check foreign keys row by row instead of queueing millions of deferred checks
            # for the commit; rows are written parents first.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _restore_connection() -> None:
    # SET CONSTRAINTS lasts until the transaction ends; a caller that goes on in the same
    # transaction gets the usual deferred checks back.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _refresh_statistics() -> None:
    """Give the query planner statistics of the new data, as after any bulk load."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # A sampled analysis: exact enough for the planner, seconds instead of minutes.
            cursor.execute("PRAGMA analysis_limit = 1000")
        if connection.vendor in ("sqlite", "postgresql"):
            cursor.execute("ANALYZE")


def _current(ctx: DemoContext) -> None:
    live.build_live(ctx)
    live.open_demands(ctx)
    fairs.build_fairs(ctx)


def _organisations(ctx: DemoContext, workers: int) -> None:
    organisations.create_institutions(ctx)
    organisations.create_evaluation_bodies(ctx)
    organisations.create_employers(ctx, workers)


def _accounts(ctx: DemoContext) -> None:
    accounts.choose_demo_worker(ctx)
    accounts.choose_demo_employer(ctx)
    accounts.create_accounts(ctx)
