"""Run one import: read the file, hand the kind its rows in chunks, keep all or nothing.

Everything a batch writes happens in ONE transaction. A dry run, or an all-or-nothing batch
with a refused row, rolls it back; a crash or a killed process rolls it back too, so the
database is either as before the batch or exactly as its report says.
"""

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from dualcert.imports.headers import data_rows
from dualcert.imports.kinds import Kind, MappedRow, Outcome, RowResult, RunContext
from dualcert.imports.reading import SheetRow, open_rows

ProgressCallback = Callable[[int, int], None]


@dataclass
class Report:
    """What became of every data row of a batch."""

    rows_read: int = 0
    counts: dict[str, int] = field(default_factory=lambda: {o.value: 0 for o in Outcome})
    refusals: dict[int, tuple[str, ...]] = field(default_factory=dict)  # row → reasons
    written: bool = False

    @property
    def refused(self) -> int:
        return self.counts[Outcome.REFUSED]

    def figures(self) -> dict[str, Any]:
        """The report as the ImportBatch fields it fills."""
        return {
            "rows_read": self.rows_read, "created": self.counts[Outcome.CREATED],
            "updated": self.counts[Outcome.UPDATED],
            "unchanged": self.counts[Outcome.UNCHANGED],
            "duplicates": self.counts[Outcome.DUPLICATE], "refused": self.refused,
            "written": self.written,
        }


class _RollBack(Exception):
    """Leave the batch's transaction without keeping anything (dry run, refused rows)."""


@dataclass(frozen=True)
class Plan:
    """What to import: the file, where its header is, which column feeds which field."""

    path: Path
    file_format: str
    header_row: int
    mapping: dict[int, str]
    keep_good: bool
    dry_run: bool


def _mapped(rows: Iterable[SheetRow], mapping: dict[int, str]) -> Iterator[MappedRow]:
    for row in rows:
        cells = row.cells
        yield MappedRow(
            number=row.number,
            values={key: cells[index] if index < len(cells) else None
                    for index, key in mapping.items()},
        )


def _tally(outcomes: dict[int, RowResult], results: Iterable[RowResult]) -> None:
    # A later word on a row (from the kind's finish step) replaces an earlier one.
    for result in results:
        outcomes[result.number] = result


def _report(outcomes: dict[int, RowResult], numbers: list[int]) -> Report:
    report = Report(rows_read=len(numbers))
    for number in numbers:
        result = outcomes.get(number)
        if result is None:
            raise RuntimeError(f"the import kind said nothing about row {number}")
        report.counts[result.outcome] += 1
        if result.outcome == Outcome.REFUSED:
            report.refusals[number] = result.reasons
    return report


def run(kind: Kind, context: RunContext, plan: Plan,
        on_progress: ProgressCallback | None = None, total: int = 0) -> Report:
    """Import the planned rows with `kind`; the returned report says exactly what was kept."""
    context.today = context.today or timezone.localdate()
    outcomes: dict[int, RowResult] = {}
    numbers: list[int] = []
    rows = _mapped(data_rows(open_rows(plan.path, plan.file_format), plan.header_row),
                   plan.mapping)
    try:
        with transaction.atomic():
            kind.check(context)
            while chunk := list(itertools.islice(rows, kind.chunk_size)):
                numbers.extend(row.number for row in chunk)
                _tally(outcomes, kind.process(context, chunk))
                if on_progress is not None:
                    on_progress(len(numbers), max(total, len(numbers)))
            _tally(outcomes, kind.finish(context))
            report = _report(outcomes, numbers)
            if plan.dry_run or (report.refused and not plan.keep_good):
                raise _RollBack
            kept = report.counts[Outcome.CREATED] + report.counts[Outcome.UPDATED]
            report.written = kept > 0
    except _RollBack:
        report.written = False
    return report
