"""Rosters as office suites write them, through the whole import: LibreOffice's .xlsx, .xls
and .ods, Chinese Excel's GBK CSV — with merged title rows and every way Excel mangles an
ID number. Each mangled number is refused with its hint; the good rows are kept."""

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from dualcert.imports import services
from dualcert.people import idnumber
from dualcert.people.models import Worker
from tests.sheets import libreoffice_convert, write_csv, write_fods

GOOD = idnumber.generate("652301", date(1988, 5, 6), 123)
GOOD_X = next(idnumber.generate("652301", date(1990, 2, 3), n) for n in range(1000)
              if idnumber.generate("652301", date(1990, 2, 3), n).endswith("X"))
OLD_15 = "652301850708456"  # a 15-digit number of 1985, converted to 18 digits
ZEROS = GOOD[:15] + "000"
if idnumber.check_char(ZEROS[:17]) == "0":  # pragma: no cover - fixed data, not this case
    ZEROS = GOOD[:14] + "0000"
FULL_WIDTH = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in GOOD_X[:-1]) + "x"

# (name, ID cell, expected refusal code or None, cell as a number?)
CASES = [
    ("艾晓岚", GOOD, None, False),
    ("白子墨", f" {FULL_WIDTH[:6]} {FULL_WIDTH[6:]} ", None, False),
    ("常思远", OLD_15, None, False),
    ("丁若溪", float(GOOD[:15] + "000"), "turned into a number by Excel", True),
    ("樊海川", ZEROS, "replaced by zeros", False),
    ("葛雨桐", GOOD_X[:17], "last character is missing", False),
    ("韩明哲", GOOD[:17] + ("1" if GOOD[17] != "1" else "2"), "check digit", False),
]
HEADER = ["姓名", "身份证号码", "所在县市"]


@pytest.fixture(scope="module")
def office_files(tmp_path_factory: Any, libreoffice: None) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("office-rosters")
    rows: list[list[Any]] = [HEADER, *([name, cell, "昌吉市"] for name, cell, _code, _n in CASES)]
    source = write_fods(folder / "roster.fods", rows, text_columns=[1],
                        merged_title="昌吉市2026年职业技能培训花名册（一培双证）")
    files = {fmt: libreoffice_convert([source], fmt, folder / fmt)[0]
             for fmt in ("xlsx", "xls", "ods")}
    text_rows: list[list[Any]] = [["昌吉市2026年培训花名册"], HEADER,
                 *([name, "6.52301E+17" if isinstance(cell, float) else cell, "昌吉市"]
                   for name, cell, _code, _n in CASES)]
    files["csv"] = write_csv(folder / "roster.csv", text_rows, encoding="gb18030")
    return files


@pytest.mark.parametrize("file_format", ["xlsx", "xls", "ods", "csv"])
def test_office_rosters_keep_the_good_rows_and_refuse_each_mangled_id_with_its_hint(
    world: Any, office_files: dict[str, Path], file_format: str,
) -> None:
    path = office_files[file_format]
    officer = world.users["county_a"]
    with path.open("rb") as handle:
        batch = services.import_batch_upload(actor=officer, kind="workers", upload=handle,
                                             file_name=f"花名册.{file_format}")
    assert (batch.file_format, batch.header_row) == (file_format, 2)
    services.import_batch_configure(actor=officer, batch=batch, mapping=batch.mapping,
                                    mode="keep-good", dry_run=False)
    report = services.import_batch_run_here(actor=officer, batch=batch)
    assert report is not None
    assert (report.counts["created"], report.refused) == (3, 4), report.refusals
    for row, (_name, _cell, hint, _n) in enumerate(CASES, start=3):
        if hint is None:
            assert row not in report.refusals
        else:
            assert hint in " ".join(report.refusals[row]), (row, report.refusals)
    kept = {w.name: w.id_number for w in Worker.objects.filter(name__in=["艾晓岚", "白子墨",
                                                                        "常思远"])}
    assert kept == {"艾晓岚": GOOD, "白子墨": GOOD_X,
                    "常思远": OLD_15[:6] + "19" + OLD_15[6:] + idnumber.check_char(
                        OLD_15[:6] + "19" + OLD_15[6:])}
