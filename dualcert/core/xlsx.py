"""Write .xlsx workbooks (exports, error sheets) with XlsxWriter, row by row.

Rows stream to disk (XlsxWriter's constant-memory mode), so a 100,000-row export does not
sit in memory. Columns marked `text` are written as text with the text format, so Excel
never turns an ID number or a phone number into a number and loses its last digits.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

import xlsxwriter
from django.utils import timezone

MAX_SHEET_NAME = 31


@dataclass(frozen=True)
class Column:
    header: str
    width: int = 14
    text: bool = False  # ID numbers, phone numbers, codes: keep as typed


@dataclass
class SheetData:
    name: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    title: str = ""  # an optional first line above the header (what, whose, when)
    notes: Sequence[str] = field(default_factory=tuple)  # lines under the table


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) \
            else value
    return value


def write_xlsx(
    target: Path | IO[bytes], sheets: Sequence[SheetData],
    *, on_row: Callable[[int], None] | None = None, every: int = 1000,
) -> int:
    """Write the sheets into one workbook; returns the number of data rows written.

    `on_row(count)` is called every `every` rows, for a progress bar.
    """
    book = xlsxwriter.Workbook(
        str(target) if isinstance(target, Path) else target,
        {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
         "strings_to_urls": False, "in_memory": not isinstance(target, Path)},
    )
    styles = {
        "title": book.add_format({"bold": True, "font_size": 13}),
        "header": book.add_format({"bold": True, "bg_color": "#E8EEF4", "border": 1,
                                   "text_wrap": True, "valign": "vcenter"}),
        "text": book.add_format({"num_format": "@"}),
        "date": book.add_format({"num_format": "yyyy-mm-dd"}),
        "datetime": book.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
    }
    written = 0
    for sheet in sheets:
        written = _write_sheet(book, sheet, styles, written, on_row, every)
    book.close()
    return written


def _write_sheet(
    book: Any, sheet: SheetData, styles: dict[str, Any], written: int,
    on_row: Callable[[int], None] | None, every: int,
) -> int:
    page = book.add_worksheet(sheet.name[:MAX_SHEET_NAME])
    for index, column in enumerate(sheet.columns):
        page.set_column(index, index, column.width, styles["text"] if column.text else None)
    row = 0
    if sheet.title:
        page.write_string(row, 0, sheet.title, styles["title"])
        row += 1
    for index, column in enumerate(sheet.columns):
        page.write_string(row, index, column.header, styles["header"])
    page.freeze_panes(row + 1, 0)
    row += 1
    for values in sheet.rows:
        for index, (column, value) in enumerate(zip(sheet.columns, values, strict=False)):
            _write_cell(page, row, index, column, _cell(value), styles)
        row += 1
        written += 1
        if on_row is not None and written % every == 0:
            on_row(written)
    for note in sheet.notes:
        row += 1
        page.write_string(row, 0, note)
    return written


def _write_cell(page: Any, row: int, col: int, column: Column, value: Any,
                styles: dict[str, Any]) -> None:
    if value is None or value == "":
        return
    if column.text or isinstance(value, str):
        page.write_string(row, col, str(value), styles["text"] if column.text else None)
    elif isinstance(value, bool):
        page.write_boolean(row, col, value)
    elif isinstance(value, datetime):
        page.write_datetime(row, col, value, styles["datetime"])
    elif isinstance(value, date):
        page.write_datetime(row, col, value, styles["date"])
    else:
        page.write_number(row, col, value)
