import shutil
import tracemalloc
import zipfile
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from dualcert.imports import cells
from dualcert.imports.headers import data_rows, find_header
from dualcert.imports.kinds.workers import WORKER_FIELDS
from dualcert.imports.reading import (
    SheetRow,
    count_rows,
    csv_delimiter,
    csv_encoding,
    detect_format,
    open_rows,
)
from dualcert.people import idnumber
from tests.sheets import (
    libreoffice_convert,
    libreoffice_save_with_password,
    roster_rows,
    write_csv,
    write_fods,
    write_xlsx_openpyxl,
)

TITLE = "2026年××县脱贫劳动力培训花名册"
OFFICE_FORMATS = ("xlsx", "xls", "ods")
ROSTER = roster_rows(4, seed=11, counties=["昌吉市", "阜康市"], townships=["三工镇"])
# An ID column as offices fill it: (name, cell as typed, what reading it must give).
MANGLED = [
    ("甲", 6.52301199001011e17, "id_excel_number"),  # typed as a number: Excel kept 15 digits
    ("乙", "652301199001010000", "id_excel_zeros"),  # the same, after “format as text”
    ("丙", "11010519491231002", "id_missing_last"),  # the X dropped
    ("丁", " ６５２３０１ １９９００１０１００１３ ", "652301199001010013"),  # full width, spaces
    ("戊", "110105491231002", "11010519491231002X"),  # a 15-digit number, as text
    ("己", 110105491231002, "11010519491231002X"),  # a 15-digit number, as a number: exact
]


def _id_outcome(cell: object) -> str:
    """The ID number a cell yields, or the code of the refusal."""
    try:
        return idnumber.parse(cells.id_text(cell), today=date(2026, 11, 30)).number
    except ValidationError as error:
        return str(error.code)


def _refusal(call, *args) -> ValidationError:
    with pytest.raises(ValidationError) as exc:
        result = call(*args)
        if not isinstance(result, str):
            list(result)  # rows: a problem found further in must surface too
    return exc.value


@pytest.fixture(scope="session")
def office(tmp_path_factory, libreoffice) -> SimpleNamespace:
    """The same sheets as LibreOffice writes them: one soffice run per target format."""
    folder = tmp_path_factory.mktemp("office")
    profile = folder / "profile"
    blank_above = [[], [], [None, None, "姓名", "身份证号码"],
                   [None, None, "艾晓岚", "652301199001010013"], [],
                   [None, None, "白子墨", "11010519491231002X"]]
    repeated = [["姓名", "身份证号码"], ["艾晓岚", "652301199001010013"],
                ["姓名", "身份证号码"], ["白子墨", "11010519491231002X"]]
    sources = {
        "roster": write_fods(folder / "roster.fods",
                             [["填报单位：××乡", None, None, "日期：2026-03-01"], [],
                              *ROSTER[:4], [], ROSTER[4]],
                             text_columns=(1, 3), merged_title=TITLE, column_count=12),
        "mangled": write_fods(folder / "mangled.fods",
                              [["姓名", "身份证号码"], *([n, c] for n, c, _o in MANGLED)],
                              text_columns=(1,)),
        "blank_above": write_fods(folder / "blank_above.fods", blank_above),
        "repeated": write_fods(folder / "repeated.fods", repeated),
        "blank": write_fods(folder / "blank.fods", []),
    }
    files: dict[str, dict[str, Path]] = {name: {} for name in sources}
    for file_format in OFFICE_FORMATS:
        converted = libreoffice_convert(list(sources.values()), file_format,
                                        folder / file_format, profile=profile)
        for name, path in zip(sources, converted, strict=True):
            files[name][file_format] = path
    locked = libreoffice_save_with_password(sources["roster"], folder / "locked.xls",
                                            filter_name="MS Excel 97", password="secret",
                                            profile=profile)
    return SimpleNamespace(files=files, locked=locked)


def _read(path: Path, name: str | None = None) -> list[SheetRow]:
    return list(open_rows(path, detect_format(path, name or path.name)))


# --- LibreOffice-written workbooks ------------------------------------------------------


@pytest.mark.parametrize("file_format", OFFICE_FORMATS)
def test_format_is_told_by_content(office, file_format):
    path = office.files["roster"][file_format]
    assert detect_format(path, path.name) == file_format
    assert detect_format(path, "名单.csv") == file_format  # a misleading name changes nothing


@pytest.mark.parametrize("file_format", OFFICE_FORMATS)
def test_libreoffice_roster_rows_keep_their_sheet_numbers_and_types(office, file_format):
    rows = _read(office.files["roster"][file_format])
    # 1 merged title, 2 填报单位, 3 blank, 4 header, 5-7 workers, 8 blank, 9 worker
    assert [row.number for row in rows] == [1, 2, 4, 5, 6, 7, 9]
    assert rows[0].cells == (TITLE,)  # the merged cells' empty rest is trimmed
    assert rows[2].cells == tuple(ROSTER[0])
    worker = rows[3].cells
    assert worker[:2] == tuple(ROSTER[1][:2])  # the ID column stays text
    assert worker[3] == ROSTER[1][3]  # the phone column too
    assert cells.int_value(worker[10], label="期望月薪") == ROSTER[1][10]
    assert cells.date_value(worker[11], label="可上岗日期") == ROSTER[1][11]


@pytest.mark.parametrize("file_format", OFFICE_FORMATS)
def test_header_below_a_merged_title_is_found_in_libreoffice_files(office, file_format):
    rows = _read(office.files["roster"][file_format])
    guess = find_header(rows, WORKER_FIELDS)
    assert guess.row_number == 4
    assert guess.mapping == {i: spec.key for i, spec in enumerate(WORKER_FIELDS)}
    assert [row.number for row in data_rows(rows, guess.row_number)] == [5, 6, 7, 9]


@pytest.mark.parametrize("file_format", OFFICE_FORMATS)
def test_used_range_below_row_one_keeps_row_numbers_and_column_positions(office, file_format):
    rows = _read(office.files["blank_above"][file_format])
    assert [(row.number, row.cells) for row in rows] == [
        (3, ("", "", "姓名", "身份证号码")), (4, ("", "", "艾晓岚", "652301199001010013")),
        (6, ("", "", "白子墨", "11010519491231002X"))]


@pytest.mark.parametrize("file_format", OFFICE_FORMATS)
def test_repeated_header_row_is_skipped_in_data_rows(office, file_format):
    rows = _read(office.files["repeated"][file_format])
    assert [row.cells[0] for row in data_rows(rows, 1)] == ["艾晓岚", "白子墨"]


@pytest.mark.parametrize("file_format", OFFICE_FORMATS)
def test_mangled_id_numbers_are_refused_with_their_reason_and_good_ones_normalised(
        office, file_format):
    rows = _read(office.files["mangled"][file_format])
    assert [_id_outcome(row.cells[1]) for row in rows[1:]] == [o for _n, _c, o in MANGLED]


@pytest.mark.parametrize("file_format", OFFICE_FORMATS)
def test_a_workbook_without_any_filled_cell_is_empty(office, file_format):
    error = _refusal(open_rows, office.files["blank"][file_format], file_format)
    assert error.code == "empty"


def test_password_protected_workbook_is_refused_with_a_password_hint(office):
    assert detect_format(office.locked, office.locked.name) == "xls"
    with translation.override("en"):
        error = _refusal(open_rows, office.locked, "xls")
    assert error.code == "unreadable" and "password" in error.messages[0]


def test_an_office_file_that_is_not_a_workbook_is_unreadable(office, tmp_path):
    # The same container as .xls, holding another stream (as a Word .doc does).
    workbook = office.files["roster"]["xls"].read_bytes()
    path = tmp_path / "letter.doc"
    path.write_bytes(workbook.replace("Workbook".encode("utf-16-le"),
                                      "Document".encode("utf-16-le")))
    assert detect_format(path, "roster.xls") == "xls"
    assert _refusal(open_rows, path, "xls").code == "unreadable"


def test_an_upload_stored_under_another_name_is_read_by_its_content(office, tmp_path):
    stored = tmp_path / "4f1c2a"  # uploads are kept under an id, without the user's name
    shutil.copy(office.files["roster"]["xlsx"], stored)
    assert detect_format(stored, "花名册.xls") == "xlsx"
    assert [row.number for row in open_rows(stored, "xlsx")] == [1, 2, 4, 5, 6, 7, 9]


def test_count_rows_counts_every_non_empty_row(office):
    assert count_rows(office.files["roster"]["ods"], "ods") == 7


# --- openpyxl-written workbooks ---------------------------------------------------------


def test_openpyxl_rows_keep_python_types_and_sheet_numbers(tmp_path):
    path = write_xlsx_openpyxl(
        tmp_path / "r.xlsx", [[TITLE], [], ROSTER[0], ROSTER[1], [], [], ROSTER[2]],
        text_columns=(1, 3), merged=["A1:L1"])
    rows = _read(path)
    assert [row.number for row in rows] == [1, 3, 4, 7]
    assert rows[2].cells[1] == ROSTER[1][1] and rows[2].cells[3] == ROSTER[1][3]
    assert rows[2].cells[11] == ROSTER[1][11]
    assert cells.int_value(rows[2].cells[10], label="期望月薪") == ROSTER[1][10]


def test_openpyxl_numeric_id_cells_are_refused_and_text_ones_read(tmp_path):
    path = write_xlsx_openpyxl(tmp_path / "ids.xlsx", [
        ["姓名", "身份证号码"], ["甲", 652301199001010013], *([n, c] for n, c, _o in MANGLED)])
    outcomes = [_id_outcome(row.cells[1]) for row in _read(path)[1:]]
    assert outcomes == ["id_excel_number", *(o for _n, _c, o in MANGLED)]


def test_the_first_sheet_with_data_is_read(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    assert book.active is not None
    book.active.title = "说明"
    book.create_sheet("花名册").append(["姓名", "身份证号码"])
    book.save(tmp_path / "two.xlsx")
    assert [row.cells for row in _read(tmp_path / "two.xlsx")] == [("姓名", "身份证号码")]


def test_a_new_workbook_with_nothing_in_it_is_empty(tmp_path):
    from openpyxl import Workbook

    Workbook().save(tmp_path / "new.xlsx")
    assert _refusal(open_rows, tmp_path / "new.xlsx", "xlsx").code == "empty"


# --- CSV --------------------------------------------------------------------------------


@pytest.mark.parametrize(("encoding", "detected"),
                         [("gb18030", "gb18030"), ("utf-8-sig", "utf-8-sig"), ("utf-8", "utf-8"),
                          ("utf-16", "utf-16")])
def test_csv_encoding_is_detected_and_chinese_headers_read(tmp_path, encoding, detected):
    path = write_csv(tmp_path / "r.csv", ROSTER, encoding=encoding)
    assert (detect_format(path, "r.csv"), csv_encoding(path)) == ("csv", detected)
    rows = _read(path)
    assert rows[0].cells == tuple(ROSTER[0])  # no BOM glued to 姓名
    assert rows[1].cells == tuple(str(value) for value in ROSTER[1])  # CSV cells stay text


def test_gbk_bytes_are_read_as_gb18030(tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes("姓名,身份证号码\r\n艾晓岚,652301199001010013\r\n".encode("gbk"))
    assert [row.cells for row in _read(path)] == [("姓名", "身份证号码"),
                                                  ("艾晓岚", "652301199001010013")]


@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_csv_delimiter_is_found_even_below_a_title_line(tmp_path, delimiter):
    path = write_csv(tmp_path / "r.csv", [[TITLE], *ROSTER], delimiter=delimiter)
    rows = _read(path)
    assert rows[0].cells == (TITLE,)
    assert rows[1].cells == tuple(ROSTER[0])


def test_csv_delimiter_falls_back_to_comma_for_a_single_column():
    assert csv_delimiter("身份证号码\n652301199001010013\n") == ","


def test_csv_rows_are_counted_as_records_and_blank_lines_keep_numbering(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text('姓名,备注\n\n,,\n艾晓岚,"两行\n备注"\n白子墨,\n', encoding="utf-8")
    assert [(row.number, row.cells) for row in _read(path)] == [
        (1, ("姓名", "备注")), (4, ("艾晓岚", "两行\n备注")), (5, ("白子墨",))]


def test_scientific_text_from_a_csv_is_refused_as_an_excel_number(tmp_path):
    path = write_csv(tmp_path / "r.csv", [["姓名", "身份证号码"], ["甲", "6.52301E+17"],
                                          ["乙", "652301199001010000"]], encoding="gb18030")
    assert [_id_outcome(row.cells[1]) for row in _read(path)[1:]] == [
        "id_excel_number", "id_excel_zeros"]


def test_csv_in_another_encoding_is_refused_naming_the_encoding(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("Name;Ville\nJosé;Besançon\n".encode("latin-1"))
    assert detect_format(path, "latin.csv") == "csv"
    with translation.override("en"):
        error = _refusal(open_rows, path, "csv")
    assert error.code == "encoding" and "UTF-8" in error.messages[0]


def test_csv_with_only_empty_cells_is_empty(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(",,,\n , ,\n", encoding="utf-8")
    assert _refusal(open_rows, path, "csv").code == "empty"


def test_a_large_csv_is_streamed_not_loaded(tmp_path):
    path = write_csv(tmp_path / "big.csv", roster_rows(20_000, seed=2, counties=["昌吉市"]))
    tracemalloc.start()
    try:
        numbers = sum(1 for _row in open_rows(path, "csv"))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert numbers == 20_001
    # The file is ~2 MB; its rows as Python objects would take tens of MB.
    assert peak < 1_000_000, peak


# --- what is not a spreadsheet ----------------------------------------------------------


def test_an_empty_file_is_refused_as_empty(tmp_path):
    (tmp_path / "r.xlsx").write_bytes(b"")
    assert _refusal(detect_format, tmp_path / "r.xlsx", "r.xlsx").code == "empty"


@pytest.mark.parametrize("content", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10",
    b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length 5 >>\nstream\n\x00\x01\x02\x03\nend",
    bytes(range(256)) * 4,
])
def test_binary_files_that_are_not_spreadsheets_are_refused_naming_the_formats(
        tmp_path, content):
    path = tmp_path / "upload"
    path.write_bytes(content)
    with translation.override("en"):
        error = _refusal(detect_format, path, "roster.xlsx")
    assert error.code == "format"
    assert all(ext in error.messages[0] for ext in (".xlsx", ".xls", ".ods", ".csv"))


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "letter.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    assert _refusal(detect_format, path, "letter.xlsx").code == "format"


@pytest.mark.parametrize("content", [
    "<html><body><table><tr><td>姓名</td></tr></table></body></html>",
    '<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n<Workbook/>',
])
def test_a_web_page_or_xml_saved_as_xls_is_refused_with_a_hint(tmp_path, content):
    path = tmp_path / "export.xls"
    path.write_text(content, encoding="utf-8")
    with translation.override("en"):
        error = _refusal(detect_format, path, "export.xls")
    assert error.code == "format" and "web page" in error.messages[0]


def test_a_damaged_xlsx_is_refused_as_unreadable(office, tmp_path):
    whole = office.files["roster"]["xlsx"].read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(whole[: len(whole) // 2])
    assert detect_format(path, "cut.xlsx") == "xlsx"  # too damaged to look inside: by name
    assert _refusal(open_rows, path, "xlsx").code == "unreadable"
    assert _refusal(detect_format, path, "cut.zip").code == "unreadable"


def test_a_damaged_xls_is_refused_as_unreadable(office, tmp_path):
    path = tmp_path / "cut.xls"
    path.write_bytes(office.files["roster"]["xls"].read_bytes()[:1500])
    assert _refusal(open_rows, path, detect_format(path, "cut.xls")).code == "unreadable"


def test_an_unknown_format_name_is_refused(tmp_path):
    path = write_csv(tmp_path / "r.csv", ROSTER)
    assert _refusal(open_rows, path, "xlsb").code == "format"
