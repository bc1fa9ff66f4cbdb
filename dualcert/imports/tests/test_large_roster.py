"""A prefecture-size roster: 100,000 rows in one file import whole, row numbers intact."""

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from dualcert.core.xlsx import Column, SheetData, write_xlsx
from dualcert.imports import services
from dualcert.people import idnumber
from dualcert.people.models import Worker
from tests.sheets import wrong_check_digit

ROWS = 100_000
BAD_ROWS = {17, 50_003, 99_998}  # data rows (1-based) given a wrong check digit


def _number(n: int) -> str:
    return idnumber.generate("652301", date(1970, 1, 1) + timedelta(days=n // 1000), n % 1000)


def _roster(path: Path, county: str) -> Path:
    def rows() -> Iterator[list[str]]:
        for n in range(1, ROWS + 1):
            number = _number(n)
            yield [f"工人{n}", wrong_check_digit(number) if n in BAD_ROWS else number,
                   f"139{n:08d}", county]

    columns = [Column("姓名"), Column("公民身份号码", text=True), Column("联系电话", text=True),
               Column("县市")]
    write_xlsx(path, [SheetData("花名册", columns, rows(), title="某县2026年培训花名册")])
    return path


def test_a_100000_row_roster_keeps_every_good_row_and_names_the_three_bad_ones(
    world: Any, tmp_path: Path, settings: Any,
) -> None:
    settings.DEBUG = False  # no query log growing with every statement
    officer = world.users["county_a"]
    path = _roster(tmp_path / "roster.xlsx", world.county_a.name)
    with path.open("rb") as handle:
        batch = services.import_batch_upload(actor=officer, kind="workers", upload=handle,
                                             file_name=path.name)
    services.import_batch_configure(actor=officer, batch=batch, mapping=batch.mapping,
                                    mode="keep-good", dry_run=False)
    report = services.import_batch_run_here(actor=officer, batch=batch)
    assert report is not None
    assert (report.rows_read, report.counts["created"], report.refused) == (ROWS, ROWS - 3, 3)
    # Data row n is sheet row n + 2 (a title row, then the header).
    assert sorted(report.refusals) == sorted(n + 2 for n in BAD_ROWS)
    assert Worker.objects.filter(region=world.county_a).count() == ROWS - 3 + 1
    sample = Worker.objects.get(id_number_hash=idnumber.lookup_hash(_number(77_777)))
    assert (sample.name, sample.phone) == ("工人77777", "13900077777")
