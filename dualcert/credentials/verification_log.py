"""Writing the verification log: at once (the default), or a moment later in batches.

The API's single verification is its busiest call, and the log insert was its largest cost
after the signature check itself (bench/verify.py): a commit per call, and on SQLite two web
processes taking turns at the write lock. With settings.VERIFICATION_LOG_DELAY_MS above 0,
each web process keeps its log rows in memory for at most that long and writes them in one
statement; a process that stops normally writes what it holds first. A process killed
outright loses at most that moment's rows, never anything else.
"""

import atexit
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from dualcert.credentials.models import Certificate, Verification

logger = logging.getLogger(__name__)
# A batch this large is written without waiting out the delay.
WRITE_AT_ROWS = 500
# Rows kept for another try when the database cannot be written to.
KEPT_AFTER_ERROR = 100_000


@dataclass(frozen=True)
class LogRow:
    """One verification to log: who asked, the number the payload carried, the verdict, when."""

    user_id: int | None
    verifier_name: str
    number: str
    verdict: str
    at: datetime


@contextmanager
def _log_transaction() -> Iterator[None]:
    """A transaction for log rows that does not wait for the disk at commit on PostgreSQL.

    Waiting for the WAL flush cost more than the whole verification (bench/verify.py). A
    crash of the database server may lose the last fraction of a second of log rows, never
    anything else; SQLite in WAL mode with synchronous=NORMAL (settings.py) already commits
    this way.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield


@lru_cache(maxsize=1)
def _insert_sql() -> str:
    log, certificate = Verification._meta, Certificate._meta
    name = connection.ops.quote_name

    def column(meta: Any, field: str) -> str:
        return name(meta.get_field(field).column)

    columns = ", ".join(column(log, f) for f in ("verified_by", "verifier_name", "certificate",
                                                 "verdict", "at"))
    # Identifiers come from the models, values are parameters.
    match = (f"(SELECT c.{column(certificate, 'id')} FROM {name(certificate.db_table)} c "  # noqa: S608
             f"WHERE c.{column(certificate, 'number')} = %s)")
    sql = f"INSERT INTO {name(log.db_table)} ({columns}) SELECT %s, %s, {match}, %s, %s"  # noqa: S608
    if connection.vendor == "postgresql":
        # SET LOCAL within the statement itself: its transaction commits without waiting for
        # the WAL flush (see _log_transaction), in one round trip instead of four.
        sql += " FROM (SELECT set_config('synchronous_commit', 'off', true)) AS no_wait"
    return sql


def rows_insert(rows: list[LogRow]) -> None:
    """Write log rows, each row's certificate matched by number inside its insert.

    Plain SQL from the models' table and column names: on the API's hot path, compiling the
    ORM's match query and insert cost more than the verification itself (bench/verify.py),
    and the ORM would stamp every row with the time of writing instead of the verification's.
    """
    at_field = Verification._meta.get_field("at")
    params = [[row.user_id, row.verifier_name, row.number or None, row.verdict,
               at_field.get_db_prep_value(row.at, connection)] for row in rows]
    if len(params) == 1:
        with connection.cursor() as cursor:
            cursor.execute(_insert_sql(), params[0])
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(_insert_sql(), params)


def rows_create(rows: list[LogRow]) -> None:
    """Write a batch call's rows: certificates matched in one query, one bulk insert."""
    numbers = {row.number for row in rows if row.number}
    found = (dict(Certificate.objects.filter(number__in=numbers).values_list("number", "pk"))
             if numbers else {})
    with _log_transaction():
        Verification.objects.bulk_create([
            Verification(verified_by_id=row.user_id, verifier_name=row.verifier_name,
                         certificate_id=found.get(row.number), verdict=row.verdict)
            for row in rows
        ])


class WriteBehind:
    """Rows held for at most `delay` seconds by one process, written by a background thread."""

    def __init__(self) -> None:
        self._rows: list[LogRow] = []
        self._lock = threading.Lock()  # guards the held rows
        # Held while rows are being written, so the exit's write waits for the thread's.
        self._writing = threading.Lock()
        self._wake = threading.Event()
        self._owner = 0  # the process whose thread writes (a forked child starts its own)

    def add(self, rows: list[LogRow], delay: float) -> None:
        with self._lock:
            self._rows.extend(rows)
            if self._owner != os.getpid():
                self._start(delay)
            if len(self._rows) >= WRITE_AT_ROWS:
                self._wake.set()

    def _start(self, delay: float) -> None:
        self._owner = os.getpid()
        threading.Thread(target=self._run, args=(delay,), name="verification-log",
                         daemon=True).start()
        atexit.register(self.write)

    def _run(self, delay: float) -> None:
        while True:
            self._wake.wait(delay)
            self._wake.clear()
            if self.write():
                # As after a request: kept open only as long as CONN_MAX_AGE allows.
                connection.close_if_unusable_or_obsolete()

    def write(self) -> int:
        """Write every row held now; returns how many. Errors are logged, not raised."""
        with self._writing:
            with self._lock:
                rows, self._rows = self._rows, []
            if not rows:
                return 0
            try:
                rows_insert(rows)
            except Exception:
                # The thread must survive a database restart: the rows wait for the next
                # write (up to a bound), which reconnects.
                logger.exception("could not write %d verification log rows", len(rows))
                if not connection.in_atomic_block:  # never someone else's transaction
                    connection.close()
                with self._lock:
                    self._rows[:0] = rows[-KEPT_AFTER_ERROR:]
                return 0
            return len(rows)


write_behind = WriteBehind()


def log_rows(rows: list[LogRow]) -> None:
    """Log verifications: at once, or within VERIFICATION_LOG_DELAY_MS when that is set."""
    delay = getattr(settings, "VERIFICATION_LOG_DELAY_MS", 0) / 1000
    if delay > 0:
        write_behind.add(rows, delay)
    elif len(rows) == 1:
        rows_insert(rows)
    else:
        rows_create(rows)


def log_row(user: Any, name: str, number: str, verdict: str) -> LogRow:
    return LogRow(user.pk if user is not None else None, name, number, verdict, timezone.now())
