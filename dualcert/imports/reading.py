"""Read an uploaded spreadsheet row by row: .xlsx, .xls, .ods (python-calamine) and .csv.

The format is told by the file's content, not its name: offices rename files, and some
systems save a CSV or a web page under a .xls name. Rows come as SheetRows numbered as Excel
or WPS shows them, so every message about a row points at the line the officer sees.
Problems with the file itself (not a spreadsheet, damaged, password, empty, unknown text
encoding) are ValidationErrors in the user's language, never tracebacks.
"""

import codecs
import csv
import itertools
import os
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from python_calamine import (
    CalamineError,
    CalamineSheet,
    CalamineWorkbook,
    PasswordError,
    SheetTypeEnum,
    SheetVisibleEnum,
)

FORMATS = ("xlsx", "xls", "ods", "csv")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_SNIFF_BYTES = 64 * 1024
_CHUNK_BYTES = 1024 * 1024
_SNIFF_LINES = 20
# Text may hold tabs and line breaks; other control characters mean a binary file.
_CONTROL = {chr(c) for c in range(32)} - set("\t\n\r\f\v") | {"\x7f"}


@dataclass(frozen=True)
class SheetRow:
    """One non-empty row: its number as Excel/WPS shows it (1-based) and its cells.

    Cells are indexed from column A (index 0), trailing empty cells trimmed. From workbooks
    they are str, int, float, bool, date, datetime (empty cells in between are ""); from CSV
    they are always str.
    """

    number: int
    cells: tuple[Any, ...]


def _not_a_spreadsheet() -> ValidationError:
    return ValidationError(
        _("This file is not a spreadsheet that can be imported. Save it as .xlsx, .xls, .ods "
          "or .csv and upload it again."),
        code="format",
    )


def _unreadable() -> ValidationError:
    return ValidationError(
        _("The spreadsheet could not be read: it may be damaged or protected by a password. "
          "Open it in Excel or WPS, save it again without a password and upload the copy."),
        code="unreadable",
    )


def _empty() -> ValidationError:
    return ValidationError(_("The file is empty: no sheet has any filled cell."), code="empty")


def detect_format(path: Path, original_name: str) -> str:
    """"xlsx", "xls", "ods" or "csv", told by the content; the name's extension only decides
    between .xlsx and .ods when a zip file is too damaged to look inside."""
    with path.open("rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    if not head:
        raise _empty()
    if head.startswith(_ZIP_MAGIC):
        return _zip_format(path, Path(original_name).suffix.lower().lstrip("."))
    if head.startswith(_OLE2_MAGIC):
        # Excel 97-2003; a password-protected .xlsx is also wrapped in this container, and
        # reading it then says it cannot be read without the password.
        return "xls"
    if _is_markup(head):
        raise ValidationError(
            _("This file is a web page or an XML file, even if its name ends in .xls. Open it "
              "in Excel or WPS, save it as .xlsx and upload that file."),
            code="format",
        )
    if _is_text(head):
        return "csv"
    raise _not_a_spreadsheet()


def _zip_format(path: Path, suffix: str) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").strip() == _ODS_MIMETYPE:
                return "ods"
            if "xl/workbook.xml" in names:
                return "xlsx"
    except (zipfile.BadZipFile, OSError, EOFError):
        if suffix in ("xlsx", "ods"):
            return suffix  # reading it will say it is damaged, in the officer's terms
        raise _unreadable() from None
    raise _not_a_spreadsheet()  # a .docx, a .xlsb, a plain .zip …


def _decoded_head(head: bytes) -> str | None:
    for encoding in ("utf-8", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            return decoder.decode(head, final=False)  # the sample may end mid-character
        except UnicodeDecodeError:
            continue
    return None


def _is_text(head: bytes) -> bool:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    # Text in another encoding (Latin-1 …) is still a CSV: reading it says what is wrong
    # with its encoding. Binary files show control characters.
    text = _decoded_head(head) or head.decode("latin-1")
    return not _CONTROL.intersection(text)


def _is_markup(head: bytes) -> bool:
    text = _decoded_head(head.removeprefix(codecs.BOM_UTF8)[:2048]) or ""
    start = text.lstrip().lower()
    return start.startswith("<") and any(tag in start for tag in ("<html", "<table", "<?xml"))


def open_rows(path: Path, file_format: str) -> Iterator[SheetRow]:
    """The non-empty rows of the first sheet that has any, one at a time.

    The file is opened (and refused if unreadable or empty) when this is called; rows are
    then made one by one, so a large roster never sits in memory as Python objects.
    """
    if file_format == "csv":
        rows = _csv_rows(path)
    elif file_format in FORMATS:
        rows = _workbook_rows(path, file_format)
    else:
        raise _not_a_spreadsheet()
    first = next(rows, None)
    if first is None:
        raise _empty()
    return itertools.chain((first,), rows)


def count_rows(path: Path, file_format: str) -> int:
    """How many non-empty rows the sheet has, title and header rows included (an upper
    bound of the data rows, for a progress bar's total)."""
    return sum(1 for _row in open_rows(path, file_format))


def _trimmed(cells: list[Any] | tuple[Any, ...]) -> tuple[Any, ...]:
    end = len(cells)
    while end and _blank(cells[end - 1]):
        end -= 1
    return tuple(cells[:end])


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _load_book(path: Path, file_format: str) -> CalamineWorkbook:
    # calamine picks its reader by the name's extension (and only then tells a password
    # from damage), while an upload may be stored under any name: give it the right one.
    if path.suffix.lower() == f".{file_format}":
        return CalamineWorkbook.from_path(path)
    with tempfile.TemporaryDirectory(prefix="dualcert-read-") as folder:
        named = Path(folder) / f"book.{file_format}"
        os.symlink(path.resolve(), named)
        return CalamineWorkbook.from_path(named)


def _sheets(path: Path, file_format: str) -> Iterator[CalamineSheet]:
    try:
        book = _load_book(path, file_format)
    except PasswordError:
        raise ValidationError(
            _("The spreadsheet is protected by a password. Open it in Excel or WPS, remove "
              "the password, save it and upload it again."),
            code="unreadable",
        ) from None
    except (CalamineError, OSError, ValueError):
        raise _unreadable() from None
    with book:
        # Worksheets as the officer sees them first; hidden sheets (lookup lists of a
        # template) only if no visible one has data.
        sheets = book.sheets_metadata
        order = sorted(range(len(sheets)), key=lambda i: (
            sheets[i].visible != SheetVisibleEnum.Visible,
            sheets[i].typ != SheetTypeEnum.WorkSheet, i))
        for index in order:
            try:
                sheet = book.get_sheet_by_index(index)
            except (CalamineError, ValueError):
                raise _unreadable() from None
            if sheet.start is not None:
                yield sheet


def _workbook_rows(path: Path, file_format: str) -> Iterator[SheetRow]:
    for sheet in _sheets(path, file_format):
        rows = _sheet_rows(sheet)
        first = next(rows, None)
        if first is not None:
            yield first
            yield from rows
            return


def _sheet_rows(sheet: CalamineSheet) -> Iterator[SheetRow]:
    start = sheet.start
    assert start is not None
    # python-calamine 0.9's iter_rows() already yields the empty rows above the used range
    # (so counting from 1 gives the sheet's row numbers) but starts each row at the range's
    # first column: pad the columns left of it so index 0 is always column A.
    padding = ("",) * start[1]
    for number, cells in enumerate(sheet.iter_rows(), start=1):
        trimmed = _trimmed(cells)
        if trimmed:
            yield SheetRow(number=number, cells=padding + trimmed)


def csv_encoding(path: Path) -> str:
    """The CSV's text encoding: UTF-8 (with or without BOM) or else GB18030 (a superset of
    the GBK Chinese Excel saves in); a file that is neither is refused."""
    with path.open("rb") as handle:
        start = handle.read(4)
    if start.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"  # Excel's “Unicode text”
    for encoding in ("utf-8", "gb18030"):
        if _decodes(path, encoding):
            return encoding
    raise ValidationError(
        _("The CSV file's text is neither UTF-8 nor GBK/GB18030, so its characters cannot be "
          "read. Save it from Excel or WPS as “CSV UTF-8” and upload it again."),
        code="encoding",
    )


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK_BYTES):
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def csv_delimiter(sample: str) -> str:
    """Comma, tab or semicolon, as csv.Sniffer judges the first lines.

    The Sniffer wants the same number of cells on every line, which a title row above the
    header breaks; then the delimiter that splits some line into the most cells wins, and
    a comma if none splits anything.
    """
    try:
        return csv.Sniffer().sniff(sample, delimiters=",\t;").delimiter
    except csv.Error:
        pass
    lines = sample.splitlines()
    widest = {delimiter: max((len(cells) for cells in csv.reader(lines, delimiter=delimiter)),
                             default=0)
              for delimiter in ",\t;"}
    best = max(widest, key=lambda delimiter: widest[delimiter])  # comma first on a tie
    return best if widest[best] > 1 else ","


def _csv_rows(path: Path) -> Iterator[SheetRow]:
    encoding = csv_encoding(path)
    with path.open(encoding=encoding, newline="") as handle:
        sample = "".join(handle.readline() for _line in range(_SNIFF_LINES))
        handle.seek(0)
        reader = csv.reader(handle, delimiter=csv_delimiter(sample))
        try:
            # A record is one row in Excel even when a quoted cell spans several lines.
            for number, cells in enumerate(reader, start=1):
                trimmed = _trimmed(cells)
                if trimmed:
                    yield SheetRow(number=number, cells=trimmed)
        except csv.Error:
            raise _unreadable() from None
