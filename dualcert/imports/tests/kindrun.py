"""Run an import kind on rows written in Python, the way the engine runs it on a file.

The engine (imports/engine.py) checks the batch, hands the kind its rows chunk by chunk,
then lets `finish` have the last word on any row. These tests call the kind the same way,
so a kind's rules are tested without reading files; each kind also has a test through the
engine with a real file.
"""

from collections.abc import Sequence
from typing import Any

from dualcert.imports.kinds import Kind, MappedRow, RowResult, RunContext

FIRST_DATA_ROW = 2  # the row under a one-line header, as a spreadsheet numbers it


def rows_of(values: Sequence[dict[str, Any]]) -> list[MappedRow]:
    return [MappedRow(FIRST_DATA_ROW + i, dict(row)) for i, row in enumerate(values)]


def run_kind(kind: Kind, actor: Any, project: Any, values: Sequence[dict[str, Any]], *,
             chunk_size: int | None = None) -> dict[int, RowResult]:
    """Every row's result by row number, after check, process by chunks, and finish."""
    context = RunContext(actor=actor, project=project)
    kind.check(context)
    rows = rows_of(values)
    size = chunk_size or kind.chunk_size
    results: dict[int, RowResult] = {}
    for start in range(0, len(rows), size):
        chunk = rows[start:start + size]
        said = kind.process(context, chunk)
        assert [r.number for r in said] == [row.number for row in chunk]
        results.update((r.number, r) for r in said)
    results.update((r.number, r) for r in kind.finish(context))
    return results


def outcomes(results: dict[int, RowResult]) -> list[str]:
    """The outcome of each row, in row order."""
    return [results[number].outcome.value for number in sorted(results)]


def reasons(results: dict[int, RowResult], number: int = FIRST_DATA_ROW) -> str:
    """One row's reasons as one text (to match against)."""
    return " | ".join(results[number].reasons)
