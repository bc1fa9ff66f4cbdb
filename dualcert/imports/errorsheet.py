"""The error sheet: the refused rows as uploaded, their row numbers and reasons, to fix and
upload again. Its extra columns (原行号, 错误原因) are not import fields, so a fixed sheet
imports like the original."""

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from dualcert.core.xlsx import Column, SheetData, write_xlsx
from dualcert.imports import cells
from dualcert.imports.models import ImportBatch
from dualcert.imports.reading import open_rows

ROW_HEADER = "原行号"
REASON_HEADER = "错误原因"
EXCEL_DIGITS = 15


def _as_uploaded(value: Any) -> str:
    # A long number is shown as Excel showed it (6.52301E+17), so the officer sees why the
    # row was refused instead of a number that looks right but lost its last digits.
    if isinstance(value, float) and abs(value) >= 10**EXCEL_DIGITS:
        return f"{value:.5E}"
    return cells.text(value)


def _rows(batch: ImportBatch, source: Path, refusals: Mapping[int, Sequence[str]],
          width: int) -> Iterator[list[Any]]:
    for row in open_rows(source, batch.file_format):
        reasons = refusals.get(row.number)
        if reasons is None:
            continue
        values = [_as_uploaded(value) for value in row.cells[:width]]
        values += [""] * (width - len(values))
        yield [row.number, *values, "；".join(reasons)]


def write_error_sheet(batch: ImportBatch, target: Path,
                      refusals: Mapping[int, Sequence[str]], *, source: Path) -> int:
    """Write the error sheet of `batch` to `target`; returns the number of rows in it."""
    headers = [str(header) for header in batch.headers]
    columns = [Column(ROW_HEADER, 8)]
    columns += [Column(header or "-", 16, text=True) for header in headers]
    columns.append(Column(REASON_HEADER, 60))
    target.parent.mkdir(parents=True, exist_ok=True)
    return write_xlsx(target, [SheetData(
        name="错误行", columns=columns, rows=_rows(batch, source, refusals, len(headers)),
    )])
