"""An import killed mid-way leaves the database exactly as it was before the batch.

The import runs as `dualcert import` in its own process against a database made for this
test (a SQLite file, or a PostgreSQL database when DATABASE_URL names a server), and is
killed with SIGKILL once it reports thousands of rows done inside its open transaction.
"""

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from bench.pipeline import fresh_database
from dualcert.core.xlsx import Column, SheetData, write_xlsx
from dualcert.people import idnumber

ROWS = 30_000
KILL_AFTER = 5_000
PROGRESS = re.compile(r"(\d+)\D+(\d+)")


def _write_roster(path: Path) -> Path:
    def rows() -> Iterator[list[str]]:
        for n in range(ROWS):
            born = date(1975, 1, 1) + timedelta(days=n // 1000)
            yield [f"测试{n}", idnumber.generate("652301", born, n % 1000), "昌吉市"]

    columns = [Column("姓名"), Column("身份证号码", text=True), Column("所在县市")]
    write_xlsx(path, [SheetData("花名册", columns, rows())])
    return path


class Instance:
    """A migrated database and the environment that points `dualcert` at it."""

    def __init__(self, url: str, folder: Path) -> None:
        self.env = {**os.environ, "DATABASE_URL": url, "DUALCERT_VAR_DIR": str(folder / "var"),
                    "DJANGO_SUPERUSER_PASSWORD": "crash-test-only-password"}

    def command(self, *args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "dualcert", *args], env=self.env,
                              capture_output=True, text=True, timeout=300, **kwargs)

    def start(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen([sys.executable, "-m", "dualcert", *args], env=self.env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def count(self, expression: str) -> int:
        done = self.command("shell", "-c", f"print({expression})")
        assert done.returncode == 0, done.stderr
        return int(done.stdout.strip().splitlines()[-1])


@pytest.fixture
def instance(tmp_path: Path) -> Iterator[Instance]:
    with fresh_database(f"dualcert_crash_{os.getpid()}", "dualcert-crash-") as url:
        made = Instance(url, tmp_path)
        for args in (("migrate", "-v0"), ("load_catalog",),
                     ("createsuperuser", "--noinput", "--username", "ops",
                      "--email", "ops@example.org")):
            done = made.command(*args)
            assert done.returncode == 0, done.stderr
        yield made


WORKERS = "__import__('dualcert.people.models').people.models.Worker.objects.count()"
AUDIT = ("__import__('dualcert.core.models').core.models.AuditEntry.objects"
         ".filter(action__startswith='worker.').count()")
RUNNING = ("__import__('dualcert.imports.models').imports.models.ImportBatch.objects"
           ".filter(status='running').count()")


def test_import_killed_mid_way_writes_nothing_and_the_same_file_then_imports_whole(
    instance: Instance, tmp_path: Path,
) -> None:
    roster = _write_roster(tmp_path / "roster.xlsx")
    process = instance.start("import", "workers", str(roster), "--user", "ops",
                             "--mode", "keep-good")
    assert process.stderr is not None
    reached = 0
    for line in process.stderr:
        match = PROGRESS.search(line)
        if match and KILL_AFTER <= int(match.group(1)) < int(match.group(2)):
            reached = int(match.group(1))
            process.send_signal(signal.SIGKILL)
            break
    process.wait(timeout=60)
    assert reached >= KILL_AFTER, "the import ended before it could be killed mid-way"
    assert process.returncode == -signal.SIGKILL

    assert instance.count(WORKERS) == 0
    assert instance.count(AUDIT) == 0
    assert instance.count(RUNNING) == 1  # the interrupted batch, its rows gone with it

    again = instance.command("import", "workers", str(roster), "--user", "ops",
                             "--mode", "keep-good", "--json")
    assert again.returncode == 0, again.stderr
    assert instance.count(WORKERS) == ROWS
    assert instance.count(AUDIT) == ROWS
