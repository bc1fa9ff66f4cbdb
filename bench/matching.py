"""Matching benchmark: ranked candidates of a demand, fitting demands of a worker, a job fair.

    .venv/bin/python bench/matching.py [--workers 100000] [--demands 10000] [--samples 40]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/matching.py --workers 1000000

Builds a fresh database (see bench/pipeline.py's fresh_database) with the demo generator,
adds the certificates workers hold from before the programme and tops the open job demands up
to `--demands`, then times, over `--samples` different demands / workers after warm-ups:
the ranked candidate list of one demand, the open demands one worker qualifies for, and
the pre-matched booth lists of a job fair with `--fair-employers` employers. The floor,
measured in the same run on the same demands, is the plain read of the match-index rows of
each demand's certificate types, prefecture-wide, without grouping, scoring or ranking. See
bench/README.md.
"""

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.pipeline import _percentile, fresh_database, setup_django  # noqa: E402

# Of the workers, the share holding a certificate earned before the programme, and of those
# the share holding a second; then how such a certificate stands today.
HOLDER_SHARE = 0.30
SECOND_SHARE = 0.20
EXPIRED_SHARE = 0.06  # swept to "expired"
LAPSED_SHARE = 0.03  # still "valid" but past its end date (the nightly sweep has not run)
REVOKED_SHARE = 0.01


@dataclass
class Timing:
    name: str
    samples: list[float]
    queries: int

    def line(self) -> str:
        return (f"{self.name}: p50 {statistics.median(self.samples):.1f} ms, "
                f"p95 {_percentile(self.samples, 0.95):.1f} ms over {len(self.samples)} "
                f"samples, {self.queries} queries")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=100_000)
    parser.add_argument("--enrollments", type=int, default=None,
                        help="enrollments in past projects (default: workers / 10)")
    parser.add_argument("--demands", type=int, default=10_000, help="open job demands")
    parser.add_argument("--samples", type=int, default=40, help="demands / workers timed")
    parser.add_argument("--warmups", type=int, default=3)
    parser.add_argument("--fair-employers", type=int, default=50)
    parser.add_argument("--seed", type=int, default=2026)
    return parser.parse_args(argv)


def _certificate_rows(rng: random.Random, worker_ids: list[int], types: list[Any],
                      today: date) -> list[tuple[Any, ...]]:
    """(number, type, worker, issuer, issued, expires, status) of earlier certificates."""
    rows = []
    serial = 0
    for worker_id in worker_ids:
        if rng.random() >= HOLDER_SHARE:
            continue
        for _ in range(2 if rng.random() < SECOND_SHARE else 1):
            serial += 1
            kind = rng.choice(types)
            issued = today - timedelta(days=rng.randint(30, 6 * 365))
            expires = issued + timedelta(days=6 * 365) if kind.kind == "permit" else None
            status = "valid"
            draw = rng.random()
            if draw < EXPIRED_SHARE:
                status, expires = "expired", today - timedelta(days=rng.randint(1, 400))
            elif draw < EXPIRED_SHARE + LAPSED_SHARE:
                expires = today - timedelta(days=rng.randint(1, 30))
            elif draw < EXPIRED_SHARE + LAPSED_SHARE + REVOKED_SHARE:
                status = "revoked"
            if expires is not None and expires <= issued:
                issued = expires - timedelta(days=365)
            rows.append((f"H{serial:010d}", kind.pk, worker_id, kind.department.name, issued,
                         expires, status))
    return rows


def add_earlier_certificates(seed: int, today: date) -> int:
    """Certificates held from before the programme, for the matching population."""
    from dualcert.catalog.models import CertificateType, Pathway
    from dualcert.core.demo.writer import BulkWriter, at
    from dualcert.credentials.models import Certificate
    from dualcert.people.models import Worker

    rng = random.Random(f"{seed}-earlier-certificates")
    pathways = Pathway.objects.filter(active=True)
    type_ids = {p.permit_id for p in pathways} | {p.skill_certificate_id for p in pathways}
    types = list(CertificateType.objects.filter(pk__in=type_ids).select_related("department")
                 .order_by("code"))
    worker_ids = list(Worker.objects.order_by("pk").values_list("pk", flat=True))
    writer = BulkWriter(batch_size=20_000)
    made = at(today)
    rows = [(*row, made, made)
            for row in _certificate_rows(rng, worker_ids, types, today)]
    writer.insert(Certificate, ("number", "certificate_type_id", "worker_id", "issuer_name",
                                "issued_on", "expires_on", "status", "created_at",
                                "updated_at"), rows)
    writer.finish()
    return len(rows)


def add_open_demands(seed: int, total: int, today: date) -> int:
    """Open demands across the employers until `total` are open, each asking for a permit and
    often the matching skill certificate."""
    from dualcert.catalog.models import Pathway
    from dualcert.core.demo.writer import BulkWriter, at
    from dualcert.demand.models import Employer, JobDemand

    have = JobDemand.objects.filter(status=JobDemand.Status.OPEN).count()
    wanted = max(0, total - have)
    rng = random.Random(f"{seed}-open-demands")
    employers = list(Employer.objects.order_by("pk").values_list("pk", "region_id"))
    pathways = list(Pathway.objects.filter(active=True).select_related("skill_certificate")
                    .order_by("code"))
    writer = BulkWriter(batch_size=20_000)
    rows, needs = [], []
    for _ in range(wanted):
        employer_id, region_id = rng.choice(employers)
        pathway = rng.choice(pathways)
        low = rng.randrange(3500, 6001, 100)
        posted = at(today - timedelta(days=rng.randint(1, 60)))
        rows.append((employer_id, f"{pathway.name}岗位", pathway.skill_certificate.occupation_id,
                     rng.randint(1, 10), low, low + rng.randrange(500, 2501, 100), region_id,
                     "", today + timedelta(days=rng.randint(5, 90)), "open", posted, posted))
        needs.append([pathway.permit_id]
                     + ([pathway.skill_certificate_id] if rng.random() < 0.5 else []))
    ids = writer.insert(JobDemand, ("employer_id", "title", "occupation_id", "headcount",
                                    "wage_min", "wage_max", "region_id", "place", "deadline",
                                    "status", "created_at", "updated_at"), rows)
    through = JobDemand.required_certificates.through
    links = [(demand_id, type_id) for demand_id, types in zip(ids, needs, strict=True)
             for type_id in types]
    writer.insert(through, ("jobdemand_id", "certificatetype_id"), links)
    writer.finish()
    return wanted


def build(args: argparse.Namespace) -> list[str]:
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from dualcert.core.demo import demo_generate
    from dualcert.employment.match_index import match_rebuild

    today = timezone.localdate()
    enrollments = args.enrollments if args.enrollments is not None else args.workers // 10
    call_command("load_catalog", stdout=sys.stderr)
    started = time.perf_counter()
    report = demo_generate(workers=args.workers, enrollments=enrollments, seed=args.seed)
    demo_seconds = time.perf_counter() - started
    started = time.perf_counter()
    with transaction.atomic():
        certificates = add_earlier_certificates(args.seed, today)
        demands = add_open_demands(args.seed, args.demands, today)
        index_rows = match_rebuild()  # the rows above were written in bulk, without signals
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    extra_seconds = time.perf_counter() - started
    return [
        f"demo generator: {report.total_rows:,} rows ({args.workers:,} workers, "
        f"{enrollments:,} enrollments) in {demo_seconds:.0f} s",
        f"added {certificates:,} earlier certificates and {demands:,} open demands, "
        f"rebuilt the match index ({index_rows:,} rows) in {extra_seconds:.0f} s",
    ]


def _timed(call: Callable[[], Any]) -> tuple[float, int]:
    """Milliseconds and number of queries of one call (counted as they run: the debug
    query log keeps only the last 9,000)."""
    from django.db import connection

    count = 0

    def counting(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counting):
        started = time.perf_counter()
        call()
        elapsed = (time.perf_counter() - started) * 1000
    return elapsed, count


def time_calls(name: str, calls: list[Callable[[], Any]], warmups: int) -> Timing:
    for call in calls[:warmups]:
        call()
    samples, most = [], 0
    for call in calls:
        elapsed, count = _timed(call)
        samples.append(elapsed)
        most = max(most, count)
    return Timing(name, samples, most)


def sample_demands(rng: random.Random, count: int) -> list[Any]:
    from dualcert.demand.models import JobDemand

    ids = list(JobDemand.objects.filter(status=JobDemand.Status.OPEN).values_list("pk", flat=True))
    chosen = rng.sample(ids, k=min(count, len(ids)))
    return list(JobDemand.objects.filter(pk__in=chosen).order_by("pk"))


def sample_workers(rng: random.Random, count: int) -> list[Any]:
    """Consenting workers holding a valid certificate: the ones a worker page matters to."""
    from django.utils import timezone

    from dualcert.employment.matching import valid_certificates
    from dualcert.people.models import Worker

    holders = valid_certificates(timezone.localdate()).values("worker_id")
    ids = list(Worker.objects.filter(consent_recommend=True, pk__in=holders)
               .values_list("pk", flat=True)[:200_000])
    chosen = rng.sample(ids, k=min(count, len(ids)))
    return list(Worker.objects.filter(pk__in=chosen).order_by("pk"))


def read_index_rows(demand: Any) -> list[int]:
    """The floor: every match-index row of the certificate types the demand accepts, read
    prefecture-wide (what a ranking must look at without the county pass)."""
    from dualcert.employment.matching import requirements_for
    from dualcert.employment.models import MatchEntry

    types = requirements_for(demand).accepted_ids
    rows = MatchEntry.objects.filter(certificate_type_id__in=types) if types else \
        MatchEntry.objects.filter(held=True)
    return list(rows.values_list("worker_id", flat=True))


def measure(args: argparse.Namespace) -> list[str]:
    from django.utils import timezone

    from dualcert.employment.matching import candidates_for_demand

    today = timezone.localdate()
    rng = random.Random(f"{args.seed}-samples")
    demands = sample_demands(rng, args.samples)
    lines = [f"timed over {len(demands)} open demands picked at random ({args.warmups} "
             "warm-up calls first):"]

    def floor(demand: Any) -> Callable[[], Any]:
        return lambda: read_index_rows(demand)

    base = time_calls("floor: read the index rows of one demand's certificate types "
                      "(no grouping, scoring or ranking)",
                      [floor(d) for d in demands], args.warmups)
    ranked = time_calls(
        "ranked candidates for one demand (top 50)",
        [lambda d=d: candidates_for_demand(demand=d, today=today) for d in demands],
        args.warmups)
    lines += ["  " + base.line(), "  " + ranked.line(),
              f"  ratio ranked / floor (p50): "
              f"{statistics.median(ranked.samples) / statistics.median(base.samples):.2f}"]
    lines += measure_worker(args, rng, today)
    lines += measure_fair(args, rng, today)
    return lines


def measure_worker(args: argparse.Namespace, rng: random.Random, today: date) -> list[str]:
    try:
        from dualcert.employment.for_worker import demands_for_worker
    except ImportError:
        return ["  qualifying demands for one worker: SKIPPED - no reverse matching in this build"]
    workers = sample_workers(rng, args.samples)
    timing = time_calls(
        "qualifying demands for one worker",
        [lambda w=w: demands_for_worker(worker=w, today=today) for w in workers], args.warmups)
    return ["  " + timing.line()]


def fair_with_employers(rng: random.Random, count: int, today: date) -> Any:
    """A fair of `count` employers picked at random among those with open demands, each
    booth showing all of its employer's open demands."""
    from dualcert.demand.models import JobDemand
    from dualcert.fairs.models import Booth, JobFair

    open_demands = JobDemand.objects.filter(status=JobDemand.Status.OPEN)
    employers = sorted(set(open_demands.values_list("employer_id", flat=True)))
    fair = JobFair.objects.create(name="春风行动招聘会", day=today, place="人才市场",
                                  campaign=JobFair.Campaign.values[0], organiser="人社局")
    for number, employer_id in enumerate(rng.sample(employers, k=min(count, len(employers))),
                                         start=1):
        booth = Booth.objects.create(fair=fair, employer_id=employer_id, number=str(number))
        booth.demands.set(open_demands.filter(employer_id=employer_id))
    return fair


def measure_fair(args: argparse.Namespace, rng: random.Random, today: date) -> list[str]:
    from dualcert.fairs.models import Booth
    from dualcert.fairs.selectors import fair_prematch

    fair = fair_with_employers(rng, args.fair_employers, today)
    timings, queries = [], 0
    for _ in range(3):
        elapsed, queries = _timed(lambda: fair_prematch(fair=fair, today=today))
        timings.append(elapsed)
    booths = Booth.objects.filter(fair=fair)
    demands = Booth.demands.through.objects.filter(booth__in=booths).count()
    return [f"  pre-match a job fair of {booths.count()} employers ({demands} demands): "
            f"{min(timings) / 1000:.2f} s best of 3 ({max(timings) / 1000:.2f} s worst), "
            f"{queries} queries"]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with fresh_database() as url:
        setup_django(url)
        from django.core.management import call_command
        from django.db import connection

        print(f"database: {connection.vendor}", flush=True)
        call_command("migrate", verbosity=0)
        for line in build(args):
            print(line, flush=True)
        for line in measure(args):
            print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
