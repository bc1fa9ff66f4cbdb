"""Spreadsheet files for tests, written the ways offices write them.

openpyxl writes .xlsx as a Python program would; LibreOffice (headless) turns a flat
OpenDocument file into the .xlsx, .xls and .ods an office suite writes, with its own quirks
(shared strings, repeated empty rows, merged title cells). CSV comes in the encodings and
delimiters Chinese Excel and WPS produce. Every person in these files is made up.
"""

import csv
import random
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from openpyxl import Workbook

from dualcert.imports.kinds.workers import WORKER_FIELDS
from dualcert.people import idnumber

SOFFICE_TIMEOUT = 180  # seconds; a cold LibreOffice start on a busy machine takes a while

Rows = Sequence[Sequence[Any]]


def wrong_check_digit(number: str) -> str:
    """The same ID number with a check digit that is wrong (a typing slip)."""
    return number[:17] + ("1" if number[17] != "1" else "2")


def write_xlsx_openpyxl(
    path: Path, rows: Rows, *, text_columns: Iterable[int] = (), merged: Iterable[str] = (),
) -> Path:
    """Write `rows` to the first sheet from A1, each cell with its Python type.

    `text_columns` (0-based) are written as strings with the text number format "@", as a
    careful officer formats an ID column; `merged` are ranges such as "A1:H1".
    """
    as_text = set(text_columns)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row_index, row in enumerate(rows, start=1):
        for col_index, value in enumerate(row, start=1):
            if value is None:
                continue
            cell = sheet.cell(row=row_index, column=col_index)
            if col_index - 1 in as_text:
                cell.value = str(value)
                cell.number_format = "@"
            else:
                cell.value = value
    for cell_range in merged:
        sheet.merge_cells(cell_range)
    book.save(path)
    return path


def write_csv(path: Path, rows: Rows, *, encoding: str = "utf-8-sig",
              delimiter: str = ",") -> Path:
    """Write `rows` as CSV (utf-8-sig is Excel's “CSV UTF-8”, gb18030 its Chinese “CSV”)."""
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        for row in rows:
            writer.writerow(["" if value is None else value for value in row])
    return path


def _soffice() -> str:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise RuntimeError("LibreOffice (soffice) is not installed; install the Debian "
                           "package libreoffice-calc to run the spreadsheet tests.")
    return soffice


def _run_soffice(profile: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    # A private profile lets several test processes run LibreOffice at the same time.
    command = [_soffice(), f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless",
               "--norestore", *arguments]
    return subprocess.run(command, capture_output=True, text=True, timeout=SOFFICE_TIMEOUT,
                          check=False)


def libreoffice_convert(sources: Sequence[Path], to: str, outdir: Path, *,
                        profile: Path | None = None) -> list[Path]:
    """Convert every source with ONE headless LibreOffice run; returns the new files in order.

    `to` is what --convert-to takes ("xlsx", "xls", "ods", "csv:Text - txt - csv (StarCalc):
    44,34,76", …). Without `profile` a throwaway profile is used.
    """
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as throwaway:
        done = _run_soffice(profile or Path(throwaway), "--convert-to", to, "--outdir",
                            str(outdir), *(str(source) for source in sources))
    extension = to.split(":", 1)[0]
    converted = [outdir / f"{source.stem}.{extension}" for source in sources]
    missing = [path.name for path in converted if not path.exists()]
    if done.returncode or missing:
        raise RuntimeError(f"LibreOffice did not convert {missing or 'the files'} to {to}: "
                           f"exit {done.returncode}\n{done.stdout}\n{done.stderr}")
    return converted


_SAVE_MACRO = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1"
 script:language="StarBasic">
Sub SaveWithPassword(source As String, target As String, filterName As String, secret As String)
  Dim opening(0) As New com.sun.star.beans.PropertyValue
  opening(0).Name = &quot;Hidden&quot;
  opening(0).Value = True
  doc = StarDesktop.loadComponentFromURL(ConvertToURL(source), &quot;_blank&quot;, 0, opening())
  Dim saving(1) As New com.sun.star.beans.PropertyValue
  saving(0).Name = &quot;FilterName&quot;
  saving(0).Value = filterName
  saving(1).Name = &quot;Password&quot;
  saving(1).Value = secret
  doc.storeToURL(ConvertToURL(target), saving())
  doc.close(True)
End Sub
</script:module>
"""


def libreoffice_save_with_password(source: Path, target: Path, *, filter_name: str,
                                   password: str, profile: Path) -> Path:
    """Save `source` as `target` protected by `password` (e.g. filter "MS Excel 97").

    --convert-to cannot set a password, so a Basic macro in the private profile does it.
    """
    module = profile / "user" / "basic" / "Standard" / "Module1.xba"
    if not module.exists():
        _run_soffice(profile, "--terminate_after_init")
    module.write_text(_SAVE_MACRO, encoding="utf-8")
    quoted = ",".join(f'"{part}"' for part in (source.resolve(), target.resolve(),
                                               filter_name, password))
    done = _run_soffice(profile, f"macro:///Standard.Module1.SaveWithPassword({quoted})")
    if done.returncode or not target.exists():
        raise RuntimeError(f"LibreOffice did not save {target.name} with a password: "
                           f"exit {done.returncode}\n{done.stdout}\n{done.stderr}")
    return target


_FODS_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"
 office:version="1.2" office:mimetype="application/vnd.oasis.opendocument.spreadsheet">
<office:styles>
 <number:text-style style:name="astext"><number:text-content/></number:text-style>
 <number:date-style style:name="isodate">
  <number:year number:style="long"/><number:text>-</number:text>
  <number:month number:style="long"/><number:text>-</number:text>
  <number:day number:style="long"/>
 </number:date-style>
</office:styles>
<office:automatic-styles>
 <style:style style:name="textcell" style:family="table-cell" style:data-style-name="astext"/>
 <style:style style:name="datecell" style:family="table-cell" style:data-style-name="isodate"/>
</office:automatic-styles>
<office:body><office:spreadsheet><table:table table:name="Sheet1">
"""
_FODS_TAIL = "</table:table></office:spreadsheet></office:body></office:document>\n"


def _fods_cell(value: Any, *, as_text: bool) -> str:
    style = ' table:style-name="textcell"' if as_text else ""
    if value is None or value == "":
        return f"<table:table-cell{style}/>"
    if isinstance(value, str):
        return (f'<table:table-cell{style} office:value-type="string">'
                f"<text:p>{escape(str(value))}</text:p></table:table-cell>")
    if isinstance(value, bool):
        return (f'<table:table-cell office:value-type="boolean" office:boolean-value='
                f'"{str(value).lower()}"><text:p>{value}</text:p></table:table-cell>')
    if isinstance(value, date):
        shown = value.isoformat(timespec="seconds") if isinstance(value, datetime) \
            else value.isoformat()
        return (f'<table:table-cell table:style-name="datecell" office:value-type="date" '
                f'office:date-value="{shown}"><text:p>{shown}</text:p></table:table-cell>')
    if isinstance(value, int | float):
        # repr keeps every digit a float has, e.g. 6.52301199001011e+17 as Excel stores it.
        return (f'<table:table-cell office:value-type="float" office:value="{value!r}">'
                f"<text:p>{value!r}</text:p></table:table-cell>")
    raise TypeError(f"no spreadsheet cell type for {type(value).__name__}")


def write_fods(
    path: Path, rows: Rows, *, text_columns: Iterable[int] = (),
    merged_title: str | None = None, column_count: int | None = None,
) -> Path:
    """Write a flat OpenDocument spreadsheet that LibreOffice converts to .xlsx/.xls/.ods.

    Cells keep their Python type (str → text, int/float → number, date → date, bool);
    `text_columns` (0-based) carry the text format "@", as an ID column should. A number in
    such a column stays a number cell, as one typed before the column was formatted.
    `merged_title` adds a first row merged across `column_count` columns (the widest row by
    default), as rosters carry above their header.
    """
    as_text = set(text_columns)
    width = column_count or max((len(row) for row in rows), default=1)
    parts = [_FODS_HEAD, f'<table:table-column table:number-columns-repeated="{width}"/>\n']
    if merged_title is not None:
        parts.append(
            f'<table:table-row><table:table-cell table:number-columns-spanned="{width}" '
            f'office:value-type="string"><text:p>{escape(merged_title)}</text:p>'
            f"</table:table-cell>"
            + (f'<table:covered-table-cell table:number-columns-repeated="{width - 1}"/>'
               if width > 1 else "")
            + "</table:table-row>\n")
    for row in rows:
        cells = "".join(_fods_cell(value, as_text=index in as_text)
                        for index, value in enumerate(row))
        parts.append(f"<table:table-row>{cells or '<table:table-cell/>'}</table:table-row>\n")
    parts.append(_FODS_TAIL)
    path.write_text("".join(parts), encoding="utf-8")
    return path


# Made-up name parts; combinations are not meant to be anyone.
_SURNAMES = "艾白常丁樊葛韩江柯雷闵宁欧庞秦饶苏檀童万夏严殷臧祝"
_GIVEN = ("晓岚", "子墨", "思远", "若溪", "海川", "雨桐", "明哲", "春燕", "建疆", "慧宁",
          "新阳", "嘉禾", "丽娜", "志勇", "秋月", "天佑", "静怡", "博文", "玉兰", "国栋")
_VILLAGES = ("幸福村", "团结村", "新湖村", "红旗村", "丰收村", "光明村")
_EDUCATIONS = ("小学", "初中", "高中/中职", "大专及以上")


def _headers() -> list[str]:
    return [spec.synonyms[0] for spec in WORKER_FIELDS]


def roster_rows(
    n: int, *, seed: int, counties: Sequence[str], townships: Sequence[str] = (),
    target_groups: Sequence[str] = (), address_code: str = "652301",
) -> list[list[Any]]:
    """A header row (WORKER_FIELDS' first synonyms) and `n` made-up valid workers.

    ID numbers are generated with valid check digits and are all different; ID and phone
    values are strings, the wage an int, the date a date, as a careful office types them.
    """
    rng = random.Random(seed)
    rows: list[list[Any]] = [_headers()]
    seen: set[str] = set()
    while len(rows) <= n:
        born = date(1966, 1, 1) + timedelta(days=rng.randrange(40 * 365))
        number = idnumber.generate(address_code, born, rng.randrange(1, 1000))
        if number in seen:
            continue
        seen.add(number)
        values = {
            "name": rng.choice(_SURNAMES) + rng.choice(_GIVEN),
            "id_number": number,
            "gender": "男" if int(number[16]) % 2 else "女",
            "phone": f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
            "county": rng.choice(counties),
            "township": rng.choice(townships) if townships else "",
            "village": rng.choice(_VILLAGES),
            "education": rng.choice(_EDUCATIONS),
            "target_groups": rng.choice(target_groups) if target_groups else "",
            "consent_recommend": rng.choice(("是", "否")),
            "expected_wage": rng.randrange(30, 90) * 100,
            "available_from": date(2026, 3, 1) + timedelta(days=rng.randrange(120)),
        }
        rows.append([values.get(spec.key, "") for spec in WORKER_FIELDS])
    return rows
