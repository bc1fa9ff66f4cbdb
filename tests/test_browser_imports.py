"""A roster import at a desk in real Chromium: upload → preview and fix the mapping → see the
row errors → download the error sheet → fix it → upload it → done."""

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from dualcert.imports.models import ImportBatch
from dualcert.people import idnumber
from dualcert.people.models import Worker
from tests.browser import assert_fits_phone
from tests.sheets import roster_rows, write_xlsx_openpyxl
from tests.tasks import run_queued_tasks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
# A header the guesser does not know: the officer maps it to "ID number" by hand.
ODD_ID_HEADER = "居民证件编号"
ID = 1  # the ID number's column in roster_rows
CHECK_DIGIT_ROW, EXCEL_ROW = 4, 7  # where the two bad rows sit in the sheet (title row = 1)


def _misprinted(number: str) -> str:
    return number[:-1] + ("1" if number[-1] != "1" else "2")


@pytest.fixture
def files(settings: Any, tmp_path: Path) -> dict[str, Any]:
    """The roster as the office sent it (title row, odd ID header, 5 good and 2 bad rows)."""
    settings.IMPORT_DIR = tmp_path / "imports"
    made = roster_rows(7, seed=41, counties=["昌吉市"])
    header, people = made[0], made[1:]
    header[ID] = ODD_ID_HEADER
    good, (typo, mangled) = people[:5], people[5:]
    numbers = [person[ID] for person in people]
    typo_row = [*typo[:ID], _misprinted(typo[ID]), *typo[ID + 1:]]
    # Typed without the text format: Excel kept 15 significant digits of a number.
    excel_row = [*mangled[:ID], float(mangled[ID].replace("X", "0")), *mangled[ID + 1:]]
    title = ["2026年昌吉市农村劳动力培训花名册"]

    def sheet(first: list[Any], second: list[Any]) -> list[list[Any]]:
        return [title, header, good[0], first, *good[1:3], second, *good[3:]]

    return {
        "original": write_xlsx_openpyxl(tmp_path / "roster.xlsx", sheet(typo_row, excel_row)),
        "corrected": write_xlsx_openpyxl(tmp_path / "roster-corrected.xlsx",
                                         sheet(typo, mangled)),
        "numbers": numbers, "fixes": {CHECK_DIGIT_ROW: typo[ID], EXCEL_ROW: mangled[ID]},
        "tmp": tmp_path,
    }


def _upload(page: Any, path: Path) -> None:
    page.set_input_files("#upload input[name=file]", str(path))
    page.locator("#upload button[type=submit]").click()
    page.wait_for_selector("form.import-preview")


def _map_id_column_and_import(page: Any, column: int, *, mode: str) -> dict[str, int]:
    """In the preview: the ID column is not mapped; map it, save, choose the mode, import."""
    select = page.locator(f"select[name=col_{column}]")
    assert select.input_value() == ""
    assert "ID number" in page.locator("#missing").inner_text()
    select.select_option("id_number")
    page.locator("button[name=action][value=save]").click()
    page.wait_for_selector(".messages .success")
    assert page.locator("#missing").count() == 0
    assert page.locator(f"select[name=col_{column}]").input_value() == "id_number"
    page.check(f"input[name=mode][value={mode}]")
    page.locator("button[name=action][value=import]").click()
    page.wait_for_selector(".report-figures")
    return {
        name: int(page.locator(f'[data-figure="{name}"] b').inner_text())
        for name in ("rows_read", "created", "updated", "unchanged", "duplicates", "refused")
    }


def _refusals(page: Any) -> dict[int, str]:
    rows = page.locator("table.refusals tbody tr")
    return {int(rows.nth(i).locator("td").nth(0).inner_text()):
            rows.nth(i).locator("td").nth(1).inner_text() for i in range(rows.count())}


def test_an_officer_fixes_the_mapping_and_the_refused_rows_until_the_roster_is_in(
    live_server: Any, chromium: Any, sign_in_page: Any, world: Any, files: dict[str, Any],
) -> None:
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-US",
                                   accept_downloads=True)
    page = sign_in_page(context.new_page(), world.users["county_a"])
    workers_before = Worker.objects.count()

    # From the workers list to the import page, the roster kind already chosen.
    page.goto(live_server.url + reverse("people:workers"))
    page.locator(f'a[href="{reverse("imports:index")}?kind=workers"]').click()
    assert page.locator("select[name=kind]").input_value() == "workers"
    _upload(page, files["original"])
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "import-preview-desk.png"), full_page=True)
    assert_fits_phone(page, width=1280)  # the wide preview scrolls inside its frame
    text = page.locator("table.preview").inner_text()
    assert all(number not in text for number in files["numbers"])  # IDs are masked
    assert idnumber.mask(files["numbers"][0]) in text

    # All or nothing: two rows are refused, so nothing is written.
    figures = _map_id_column_and_import(page, ID, mode="all-or-nothing")
    assert figures == {"rows_read": 7, "created": 5, "updated": 0, "unchanged": 0,
                       "duplicates": 0, "refused": 2}
    assert "nothing was written" in page.locator(".outcome").inner_text()
    refusals = _refusals(page)
    assert sorted(refusals) == [CHECK_DIGIT_ROW, EXCEL_ROW]
    assert "check digit is wrong" in refusals[CHECK_DIGIT_ROW]
    assert "Format the column as text" in refusals[EXCEL_ROW]
    assert Worker.objects.count() == workers_before

    # The same file again, from the report's own upload form: keep the good rows.
    assert page.locator("#upload select[name=kind]").input_value() == "workers"
    _upload(page, files["original"])
    figures = _map_id_column_and_import(page, ID, mode="keep-good")
    assert (figures["created"], figures["refused"]) == (5, 2)
    assert sorted(_refusals(page)) == [CHECK_DIGIT_ROW, EXCEL_ROW]
    assert Worker.objects.count() == workers_before + 5
    report_url = page.url

    # The error sheet: the two rows as uploaded, their row numbers and the reasons.
    with page.expect_download() as info:
        page.locator("a", has_text="Download the error sheet (.xlsx)").click()
    download = info.value
    assert download.suggested_filename.startswith("errors-workers-")
    sheet_path = files["tmp"] / "errors.xlsx"
    download.save_as(str(sheet_path))
    sheet = CalamineWorkbook.from_path(str(sheet_path)).get_sheet_by_index(0).to_python()
    assert sheet[0][0] == "原行号" and sheet[0][-1] == "错误原因"
    assert sheet[0][1 + ID] == ODD_ID_HEADER
    assert [int(row[0]) for row in sheet[1:]] == [CHECK_DIGIT_ROW, EXCEL_ROW]
    assert "check digit is wrong" in sheet[1][-1]
    assert "turned into a number by Excel" in sheet[2][-1]

    # Fix the two ID numbers in the error sheet, typed as text this time.
    book = load_workbook(sheet_path)
    rows = book.active
    assert rows is not None
    for line in range(2, rows.max_row + 1):
        cell = rows.cell(row=line, column=2 + ID)
        cell.value = files["fixes"][int(rows.cell(row=line, column=1).value)]
        cell.number_format = "@"
    fixed = files["tmp"] / "errors-fixed.xlsx"
    book.save(fixed)

    _upload(page, fixed)
    # The error sheet's first column is its row number, so the ID column is one further on.
    figures = _map_id_column_and_import(page, ID + 1, mode="all-or-nothing")
    assert figures == {"rows_read": 2, "created": 2, "updated": 0, "unchanged": 0,
                       "duplicates": 0, "refused": 0}
    assert "The import is written" in page.locator(".outcome").inner_text()
    hashes = [idnumber.lookup_hash(number) for number in files["numbers"]]
    assert Worker.objects.filter(id_number_hash__in=hashes).count() == 7
    assert Worker.objects.count() == workers_before + 7

    # The corrected roster once more: every person is already there as the file says.
    _upload(page, files["corrected"])
    figures = _map_id_column_and_import(page, ID, mode="all-or-nothing")
    assert (figures["unchanged"], figures["created"], figures["updated"]) == (7, 0, 0)
    assert Worker.objects.count() == workers_before + 7
    assert ImportBatch.objects.filter(requested_by=world.users["county_a"]).count() == 4
    context.close()

    # The report with its refused rows fits a phone: the table scrolls inside its frame.
    phone = chromium.new_context(viewport={"width": 360, "height": 740}, locale="en-US")
    small = sign_in_page(phone.new_page(), world.users["county_a"])
    assert_fits_phone(small, report_url)
    small.screenshot(path=str(ARTIFACTS / "import-report-phone.png"), full_page=True)
    assert small.locator("table.refusals tbody tr").count() == 2
    assert_fits_phone(small, live_server.url + reverse("imports:index"))
    _upload(small, files["original"])  # and so does the preview, however many columns
    assert_fits_phone(small)
    phone.close()


@pytest.mark.parametrize("javascript", [True, False])
def test_the_progress_page_turns_into_the_report_once_a_worker_has_run_the_import(
    live_server: Any, chromium: Any, sign_in_page: Any, world: Any, files: dict[str, Any],
    settings: Any, javascript: bool,
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-US",
                                   java_script_enabled=javascript)
    page = sign_in_page(context.new_page(), world.users["county_a"])
    page.goto(live_server.url + reverse("imports:index") + "?kind=workers")
    _upload(page, files["corrected"])
    page.locator(f"select[name=col_{ID}]").select_option("id_number")
    page.locator("button[name=action][value=import]").click()
    page.wait_for_selector("#import-progress")
    assert page.locator("#import-progress .badge").inner_text() == "queued"
    assert "You may leave this page" in page.locator("#import-progress").inner_text()

    run_queued_tasks()  # the officer waits on the page; nobody reloads it
    page.wait_for_selector(".report-figures", timeout=8000)
    assert page.locator('[data-figure="created"] b').inner_text() == "7"
    context.close()
