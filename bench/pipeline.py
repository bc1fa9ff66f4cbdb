"""Pipeline benchmark: build a large data set with the demo generator, then time two pages.

    .venv/bin/python bench/pipeline.py [--workers 100000] [--enrollments 200000] [--requests 30]

The data set goes into a database created for the run and removed afterwards: a temporary
SQLite file, or, when DATABASE_URL names a PostgreSQL server, a fresh `dualcert_bench`
database on that server. See bench/README.md.
"""

import argparse
import io
import math
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BENCH_DATABASE = "dualcert_bench"


@dataclass
class BuildStats:
    workers: int
    enrollments: int
    rows: int
    seconds: float
    worker_seconds: float

    def lines(self) -> list[str]:
        return [
            f"generated {self.rows:,} rows ({self.workers:,} workers, "
            f"{self.enrollments:,} enrollments) in {self.seconds:.1f}s",
            f"  rate: {self.rows / self.seconds:,.0f} rows/s; "
            f"{self.workers / self.seconds:,.0f} workers/s overall; "
            f"{self.workers / self.worker_seconds:,.0f} workers/s in the worker step "
            "(ID-number hashing and encryption included)",
        ]


@dataclass
class PageTiming:
    name: str
    median_ms: float
    p95_ms: float
    queries: int
    status: int

    def line(self) -> str:
        return (f"{self.name}: median {self.median_ms:.0f} ms, p95 {self.p95_ms:.0f} ms, "
                f"{self.queries} queries, HTTP {self.status}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=100_000)
    parser.add_argument("--enrollments", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page")
    parser.add_argument("--warmups", type=int, default=3, help="untimed requests first")
    return parser.parse_args(argv)


def _is_postgres(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://", "pgsql://"))


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _admin(url: str, *statements: str) -> None:
    """Run statements on the server's maintenance database (outside any transaction)."""
    import psycopg

    with psycopg.connect(_with_database(url, "postgres"), autocommit=True) as conn:
        for sql in statements:
            conn.execute(sql)


@contextmanager
def fresh_database(name: str = BENCH_DATABASE, prefix: str = "dualcert-bench-") -> Iterator[str]:
    """The URL of an empty database made for this run; removed when the run ends.

    On the PostgreSQL server DATABASE_URL names, a database `name`; otherwise a SQLite file
    in a temporary folder starting with `prefix`.
    """
    url = os.environ.get("DATABASE_URL", "")
    if _is_postgres(url):
        _admin(url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}")
        try:
            yield _with_database(url, name)
        finally:
            _close_connections()
            _admin(url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        return
    folder = tempfile.mkdtemp(prefix=prefix)
    try:
        yield f"sqlite:///{folder}/bench.sqlite3"
    finally:
        _close_connections()
        shutil.rmtree(folder, ignore_errors=True)


def _close_connections() -> None:
    if "django.db" in sys.modules:
        from django.db import connections

        connections.close_all()


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dualcert.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False  # as in production: no query log, no debug pages


def build(*, workers: int, enrollments: int, seed: int = 2026) -> BuildStats:
    """Load the catalogue and generate the data set into the current (migrated) database."""
    from django.core.management import call_command

    from dualcert.core.demo import demo_generate

    call_command("load_catalog", stdout=io.StringIO())
    started = time.perf_counter()
    report = demo_generate(workers=workers, enrollments=enrollments, seed=seed)
    seconds = time.perf_counter() - started
    made = report.rows.get("training.Enrollment", 0)
    return BuildStats(workers, made, report.total_rows, seconds, report.steps["workers"])


def _percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def time_page(client: Any, name: str, url: str, *, requests: int, warmups: int) -> PageTiming:
    """Median and p95 over `requests` GETs after `warmups` untimed ones."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    reset_queries()
    for _ in range(warmups):
        client.get(url)
    with CaptureQueriesContext(connection) as queries:
        status = client.get(url).status_code
    count = len(queries)  # now: the captured list is read from a log later requests reset
    samples = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
    return PageTiming(name, statistics.median(samples), _percentile(samples, 0.95), count,
                      status)


def _dashboard_url() -> str:
    from django.urls import reverse

    return reverse("insights:dashboard")


def _candidates_url() -> str:
    from django.urls import reverse

    from dualcert.demand.models import JobDemand

    # An open electrician demand in 昌吉市, the county with the most certified workers.
    open_demands = JobDemand.objects.filter(status=JobDemand.Status.OPEN).order_by("pk")
    demand = (open_demands.filter(region__code="652301", occupation__code="6-31-01-03").first()
              or open_demands.first())
    if demand is None:
        raise LookupError("no open job demand in the data set")
    return reverse("employment:candidates", kwargs={"demand_id": demand.public_id})


PAGES: dict[str, Callable[[], str]] = {
    "dashboard (insights:dashboard)": _dashboard_url,
    "candidates for one demand (employment:candidates)": _candidates_url,
}


def measure(*, requests: int, warmups: int) -> list[PageTiming | str]:
    """Time every page as the bureau admin; a page whose URL name is missing is reported."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import NoReverseMatch

    client = Client()
    client.force_login(get_user_model().objects.get(username="bureau"))
    outcomes: list[PageTiming | str] = []
    for name, url_for in PAGES.items():
        try:
            url = url_for()
        except NoReverseMatch:
            outcomes.append(f"{name}: SKIPPED - the URL name is not defined in this build, so "
                            "the page cannot be timed yet")
            continue
        except LookupError as exc:
            outcomes.append(f"{name}: SKIPPED - {exc}")
            continue
        outcomes.append(time_page(client, name, url, requests=requests, warmups=warmups))
    return outcomes


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with fresh_database() as url:
        setup_django(url)
        from django.core.management import call_command
        from django.db import connection

        print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
        call_command("migrate", verbosity=0)
        stats = build(workers=args.workers, enrollments=args.enrollments, seed=args.seed)
        for line in stats.lines():
            print(line)
        print(f"pages, signed in as the bureau admin ({args.warmups} warm-ups, "
              f"{args.requests} timed requests each):")
        for outcome in measure(requests=args.requests, warmups=args.warmups):
            print("  " + (outcome if isinstance(outcome, str) else outcome.line()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
