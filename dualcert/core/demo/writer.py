"""Fast bulk writing of generated history, with its own (past) timestamps.

Generated history runs to millions of rows (attendance above all), which is far beyond what
`bulk_create` writes in reasonable time, so most rows are written as plain tuples through
`executemany` with primary keys reserved up front. Values are adapted with the same backend
operations Django uses. A handful of rows (organisations, logins) still use `bulk_create`.
"""

import os
import time as clock
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any, TypeVar

from django.core.management.color import no_style
from django.db import connection, models
from django.utils import timezone

M = TypeVar("M", bound=models.Model)
Row = Sequence[Any]


@lru_cache(maxsize=200_000)
def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """An aware datetime on `day` at hour:minute, Beijing time."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def working_days(start: date, count: int) -> list[date]:
    """`count` weekdays from `start` (inclusive when start is a weekday)."""
    days: list[date] = []
    day = start
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def _auto_time_fields(model: type[models.Model]) -> list[models.Field]:  # type: ignore[type-arg]
    return [f for f in model._meta.concrete_fields
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]


@contextmanager
def _historical(model: type[models.Model]) -> Iterator[None]:
    """Let auto_now / auto_now_add fields keep the past times the generator sets."""
    saved = [(f, f.auto_now, f.auto_now_add) for f in _auto_time_fields(model)]  # type: ignore[attr-defined]
    try:
        for f, _, _ in saved:
            f.auto_now = f.auto_now_add = False  # type: ignore[attr-defined]
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add  # type: ignore[attr-defined]


def _adapter(field: models.Field) -> Callable[[Any], Any] | None:  # type: ignore[type-arg]
    """How one column's Python values become database parameters (None: as they are)."""
    ops = connection.ops
    if isinstance(field, models.UUIDField) and not connection.features.has_native_uuid_field:
        return lambda v: v if isinstance(v, str) else v.hex
    if isinstance(field, models.DateTimeField):
        return lru_cache(maxsize=200_000)(ops.adapt_datetimefield_value)
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(field, models.JSONField):
        return lambda v: field.get_db_prep_save(v, connection)
    return None


_V4_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_V4_SET = (0x4000 << 64) | (0x8000 << 48)


def uuids(count: int) -> list[Any]:
    """`count` random version-4 UUIDs in the database's own form (one system call for all).

    On databases without a native UUID type they are the 32-digit hex text Django stores,
    which skips building a million UUID objects only to format them again.
    """
    raw = os.urandom(16 * count)
    values = [(int.from_bytes(raw[i:i + 16]) & _V4_CLEAR) | _V4_SET
              for i in range(0, 16 * count, 16)]
    if connection.features.has_native_uuid_field:
        return [uuid.UUID(int=v) for v in values]
    return [f"{v:032x}" for v in values]


class BulkWriter:
    """Counts rows and time per model; reserves primary keys for rows written as tuples."""

    def __init__(self, batch_size: int = 2000) -> None:
        self.batch_size = batch_size
        self.rows: Counter[str] = Counter()
        self.seconds = 0.0
        self._next_id: dict[type[models.Model], int] = {}

    def ids(self, model: type[models.Model], count: int) -> range:
        """`count` fresh primary keys for `model` (the caller writes the rows with them)."""
        if model not in self._next_id:
            top = model._default_manager.aggregate(top=models.Max("pk"))["top"] or 0
            self._next_id[model] = top + 1
        first = self._next_id[model]
        self._next_id[model] = first + count
        return range(first, first + count)

    def insert(self, model: type[models.Model], columns: Sequence[str],
               rows: Sequence[Row]) -> range:
        """Write rows (values in `columns` order) with executemany; returns their keys.

        Without an "id" column, keys are reserved here and put first. A `public_id` column is
        added with fresh random UUIDs when the model has one and the rows do not.
        """
        if not rows:
            return range(0)
        if "id" in columns:
            ids = range(0)
        else:
            ids = self.ids(model, len(rows))
            columns = ("id", *columns)
            rows = [(pk, *row) for pk, row in zip(ids, rows, strict=True)]
        started = clock.perf_counter()
        fields: list[Any] = [model._meta.get_field(name) for name in columns]
        with_public_id = "public_id" not in columns and any(
            f.name == "public_id" for f in model._meta.concrete_fields)
        if with_public_id:
            fields.append(model._meta.get_field("public_id"))
        adapters = [(i, a) for i, f in enumerate(fields) if (a := _adapter(f)) is not None]
        write = _copy if connection.vendor == "postgresql" else _executemany
        with connection.cursor() as cursor:
            for first in range(0, len(rows), self.batch_size):
                batch = rows[first:first + self.batch_size]
                if with_public_id:
                    batch = [(*row, u) for row, u in zip(batch, uuids(len(batch)), strict=True)]
                write(cursor, model, fields, [_adapt(row, adapters) for row in batch])
        self.seconds += clock.perf_counter() - started
        self.rows[model._meta.label] += len(rows)
        return ids

    def create(self, objs: Sequence[M]) -> Sequence[M]:
        """bulk_create a few model instances (of one model); primary keys are set on them."""
        if not objs:
            return objs
        model = type(objs[0])
        self._reset_sequence(model)
        now = timezone.now()
        names = [f.attname for f in _auto_time_fields(model)]
        for obj in objs:
            for name in names:
                if getattr(obj, name) is None:
                    setattr(obj, name, now)
        started = clock.perf_counter()
        with _historical(model):
            model._default_manager.bulk_create(objs, batch_size=500)
        self.seconds += clock.perf_counter() - started
        self.rows[model._meta.label] += len(objs)
        return objs

    def _reset_sequence(self, model: type[models.Model]) -> None:
        """After explicit primary keys, move the database's counter past them."""
        statements = connection.ops.sequence_reset_sql(no_style(), [model])
        if statements and model in self._next_id:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)

    def finish(self) -> None:
        """Reset the counters of every table written with reserved keys."""
        for model in list(self._next_id):
            self._reset_sequence(model)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def _columns(model: type[models.Model], fields: list[Any]) -> tuple[str, str]:
    # Table and column names come from model metadata; values always go in as parameters.
    quote = connection.ops.quote_name
    return quote(model._meta.db_table), ", ".join(quote(str(f.column)) for f in fields)


def _executemany(cursor: Any, model: type[models.Model], fields: list[Any],
                 rows: list[Row]) -> None:
    table, columns = _columns(model, fields)
    marks = ", ".join(["%s"] * len(fields))
    cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)  # noqa: S608


def _copy(cursor: Any, model: type[models.Model], fields: list[Any], rows: list[Row]) -> None:
    """PostgreSQL's COPY, through psycopg: several times faster than INSERTs."""
    table, columns = _columns(model, fields)
    with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _adapt(row: Row, adapters: list[tuple[int, Callable[[Any], Any]]]) -> Row:
    if not adapters:
        return row
    values = list(row)
    for index, adapt in adapters:
        if values[index] is not None:
            values[index] = adapt(values[index])
    return values
