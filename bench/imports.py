"""Import benchmark: a 100,000-row roster through the real import, against a floor.

    .venv/bin/python bench/imports.py [--rows 100000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/imports.py

Each measurement runs in its own process (so each peak memory is its own), on a database made
for the run and removed afterwards (bench/pipeline.py `fresh_database`):

- floor: the same reader (python-calamine through `imports.reading.open_rows`) plus one bulk
  insert of the same rows as workers, with no validation (the ID number's keyed hash and
  encryption are computed, as storing a worker needs them);
- import: `dualcert import workers` as the command runs it (upload, header guess, every row
  checked by the import's rules, audit rows, one transaction), keep-the-good-rows mode;
- re-import: the same file again (every row unchanged, nothing written).

It prints rows/s and peak resident memory of each, and the import's ratio to the floor.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.pipeline import fresh_database, setup_django  # noqa: E402

BENCH_DATABASE = "dualcert_bench_imports"
USERNAME = "bench-bureau"
TARGET_RATIO = 0.3
TARGET_PEAK_MB = 500
NAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
EDUCATION = ("小学", "初中", "高中", "大专", "初中")
GIVEN = ("建华", "志强", "秀英", "海燕", "国庆", "玉兰", "文杰", "丽娜", "阿依", "热合曼")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--phase", choices=["floor", "import", "reimport"],
                        help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def prepare(url: str, folder: Path, rows: int) -> Path:
    """Migrate, load the catalogue, make the bureau account and write the roster file."""
    setup_django(url)
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_catalog", stdout=open(os.devnull, "w"))  # noqa: SIM115
    get_user_model().objects.create_superuser(USERNAME, password=None)
    return write_roster(folder / "roster.xlsx", rows)


def write_roster(path: Path, rows: int) -> Path:
    """A roster as an office sends it: a title row, Chinese headers, IDs as text."""
    from datetime import date, timedelta

    from dualcert.catalog.models import Region
    from dualcert.core.xlsx import Column, SheetData, write_xlsx
    from dualcert.imports.kinds.workers import WORKER_FIELDS
    from dualcert.people import idnumber

    counties = list(Region.objects.filter(level=Region.Level.COUNTY, retired=False)
                    .order_by("code").values_list("code", "name"))
    keys = ("name", "id_number", "phone", "county", "village", "education")
    headers = {spec.key: spec.synonyms[0] for spec in WORKER_FIELDS}
    columns = [Column(headers[key], text=key in ("id_number", "phone")) for key in keys]

    def roster() -> Any:
        for n in range(rows):
            code, county = counties[n % len(counties)]
            # Each thousand rows share a birth day, told apart by the sequence number.
            born = date(1966, 1, 1) + timedelta(days=(n // 1000) * 97)
            yield [NAMES[n % len(NAMES)] + GIVEN[(n // 20) % len(GIVEN)],
                   idnumber.generate(code, born, n % 1000), f"13{n:09d}", county,
                   f"{n % 50 + 1}村", EDUCATION[n % len(EDUCATION)]]

    write_xlsx(path, [SheetData("花名册", columns, roster(), title="2026年劳动力培训花名册")])
    return path


def floor(path: Path) -> dict[str, Any]:
    """The same reader plus one bulk insert of the same rows, without any checking."""
    from datetime import date

    from dualcert.catalog.models import Region
    from dualcert.imports.headers import data_rows
    from dualcert.imports.reading import open_rows
    from dualcert.people.models import Worker

    started = time.perf_counter()
    county = {r.name: r.pk for r in Region.objects.filter(level=Region.Level.COUNTY)}
    batch: list[Worker] = []
    count = 0
    for row in data_rows(open_rows(path, "xlsx"), 2):
        name, number, phone, county_name, village = (str(c) for c in row.cells[:5])
        worker = Worker(name=name, birth_date=date(int(number[6:10]), int(number[10:12]),
                                                   int(number[12:14])),
                        gender="M", phone=phone, region_id=county[county_name],
                        village=village)
        worker.set_id_number(number)
        batch.append(worker)
        if len(batch) == 2000:
            Worker.objects.bulk_create(batch)
            count += len(batch)
            batch = []
    Worker.objects.bulk_create(batch)
    count += len(batch)
    seconds = time.perf_counter() - started
    Worker.objects.all().delete()
    return {"rows": count, "seconds": seconds, "peak_mb": peak_mb()}


def run_import(path: Path) -> dict[str, Any]:
    """The import as `dualcert import workers FILE --mode keep-good` runs it."""
    from django.contrib.auth import get_user_model

    from dualcert.imports import services

    actor = get_user_model().objects.get(username=USERNAME)
    started = time.perf_counter()
    with path.open("rb") as handle:
        batch = services.import_batch_upload(actor=actor, kind="workers", upload=handle,
                                             file_name=path.name)
    batch = services.import_batch_configure(actor=actor, batch=batch, mapping=batch.mapping,
                                            mode="keep-good", dry_run=False)
    report = services.import_batch_run_here(actor=actor, batch=batch)
    seconds = time.perf_counter() - started
    if report is None:
        raise SystemExit(f"the import was refused: {batch.error}")
    return {"rows": report.rows_read, "seconds": seconds, "peak_mb": peak_mb(),
            **report.figures()}


def phase(args: argparse.Namespace) -> None:
    setup_django(args.database)
    with tempfile.TemporaryDirectory(prefix="dualcert-bench-imports-") as store:
        from django.conf import settings

        settings.IMPORT_DIR = Path(store)
        result = floor(args.file) if args.phase == "floor" else run_import(args.file)
    print(json.dumps(result))


def _child(name: str, url: str, path: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--phase", name, "--file", str(path), "--database", url],
        check=True, capture_output=True, text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _line(name: str, result: dict[str, Any]) -> str:
    return (f"{name}: {result['rows']:,} rows in {result['seconds']:.1f} s = "
            f"{result['rows'] / result['seconds']:,.0f} rows/s, peak memory "
            f"{result['peak_mb']:,.0f} MB")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.phase:
        phase(args)
        return 0
    with fresh_database(BENCH_DATABASE, "dualcert-bench-imports-") as url, \
            tempfile.TemporaryDirectory(prefix="dualcert-bench-roster-") as folder:
        engine = "PostgreSQL" if url.startswith("postgres") else "SQLite"
        print(f"database: {engine}; roster of {args.rows:,} rows")
        path = prepare(url, Path(folder), args.rows)
        print(f"roster file: {path.stat().st_size / 1e6:.1f} MB (.xlsx, title row, 6 columns)")
        from django.db import connections

        connections.close_all()
        base = _child("floor", url, path)
        print(_line("floor (same reader + bulk insert, no checks)", base))
        first = _child("import", url, path)
        print(_line("import (every row checked, audited, one transaction)", first))
        print(f"  created {first['created']:,}, refused {first['refused']:,}")
        again = _child("import", url, path)
        print(_line("re-import of the same file (nothing changes)", again))
        print(f"  unchanged {again['unchanged']:,}, created {again['created']:,}, "
              f"updated {again['updated']:,}")
        ratio = (first["rows"] / first["seconds"]) / (base["rows"] / base["seconds"])
        print(f"ratio import/floor: {ratio:.2f} (target ≥ {TARGET_RATIO}); peak memory of the "
              f"import {first['peak_mb']:,.0f} MB (target < {TARGET_PEAK_MB} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
