import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy

from dualcert.imports.fields import FieldSpec
from dualcert.imports.headers import (
    Vocabulary,
    data_rows,
    find_header,
    missing_required,
    normalise_header,
)
from dualcert.imports.kinds.workers import WORKER_FIELDS
from dualcert.imports.reading import SheetRow, detect_format, open_rows
from tests.sheets import roster_rows, write_csv, write_xlsx_openpyxl

TITLE = "2026年××县脱贫劳动力培训花名册"


def _rows(*rows: tuple) -> list[SheetRow]:
    return [SheetRow(number=number, cells=cells) for number, cells in rows]


def _mapped(header: list[str]) -> dict[str, str]:
    """Header text → field key, for readable assertions."""
    guess = find_header(_rows((1, tuple(header))), WORKER_FIELDS)
    return {guess.headers[index]: key for index, key in guess.mapping.items()}


# --- normalise_header -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("姓 名", "姓名"), ("*姓名", "姓名"), ("姓名＊", "姓名"), ("姓名：", "姓名"),
     ("姓名:", "姓名"),
     ("身份证号码（必填）", "身份证号码"), ("身份证号码(必填)", "身份证号码"),
     ("手机号码【选填】", "手机号码"), ("文化程度 (可选)", "文化程度"), ("Name (required)", "name"),
     ("ID Number (Optional)", "idnumber"), ("ID_Number", "idnumber"), ("性别\n", "性别"),
     ("期望月薪（元）", "期望月薪(元)"), ("县（市）", "县(市)"), ("县【市】", "县(市)"),
     ("ＮＡＭＥ", "name"), (None, ""), (2026, "2026")],
)
def test_normalise_header_drops_marks_and_fill_in_notes_but_keeps_other_brackets(raw, expected):
    assert normalise_header(raw) == expected


def test_full_and_half_width_brackets_compare_equal():
    assert normalise_header("县(市)") == normalise_header("县（市）")


# --- recognising columns ----------------------------------------------------------------


@pytest.mark.parametrize("header", ["身份证号", "身份证号码", "公民身份号码", "证件号码", "证件号",
                                    "身份证", "ID Number", "id_number", "ID", "*身份证号码(必填)"])
def test_id_number_column_is_recognised_by_its_common_names(header):
    assert _mapped(["姓名", header]) == {"姓名": "name", header: "id_number"}


@pytest.mark.parametrize(("header", "key"),
                         [("Name", "name"), ("Mobile phone", "phone"), ("Township", "township"),
                          ("Expected monthly wage (yuan)", "expected_wage")])
def test_english_field_labels_are_recognised(header, key):
    assert _mapped(["ID number", header])[header] == key


def test_labels_are_recognised_in_english_and_in_the_users_language():
    spec = FieldSpec("village", gettext_lazy("village"), ("home",))
    with translation.override("zh-hans"):
        vocabulary = Vocabulary((spec,))
    assert vocabulary.field_for("村") == "village"  # the Chinese label
    assert vocabulary.field_for("Village") == "village"  # the English label


@pytest.mark.parametrize(("header", "key"),
                         [("手机号", "phone"), ("公民身份号", "id_number"), ("电话号码", "phone"),
                          ("联系电话号码", "phone"), ("身份证件号", "id_number"),
                          ("居民证件", None)])
def test_number_ending_variants_of_a_name_are_recognised(header, key):
    assert Vocabulary(WORKER_FIELDS).field_for(header) == key


@pytest.mark.parametrize("header", ["序号", "编号", "备注", "户籍地址", "银行卡号", "号", "证号"])
def test_unrelated_headers_are_not_recognised(header):
    assert Vocabulary(WORKER_FIELDS).field_for(header) is None


def test_unrecognised_columns_stay_unmapped():
    mapping = find_header(
        _rows((1, ("序号", "姓名", "身份证号码", "备注", "银行卡号"))), WORKER_FIELDS).mapping
    assert mapping == {1: "name", 2: "id_number"}


def test_a_field_named_twice_maps_to_its_first_column_only():
    header = ("姓名", "手机号码", "身份证号", "联系电话", "公民身份号码")
    mapping = find_header(_rows((1, header)), WORKER_FIELDS).mapping
    assert mapping == {0: "name", 1: "phone", 2: "id_number"}


def test_every_worker_field_is_recognised_by_its_export_header():
    header = [spec.synonyms[0] for spec in WORKER_FIELDS]
    mapping = find_header(_rows((1, tuple(header))), WORKER_FIELDS).mapping
    assert list(mapping.values()) == [spec.key for spec in WORKER_FIELDS]


# --- finding the header row -------------------------------------------------------------


def test_title_and_filler_rows_above_the_header_are_skipped():
    rows = _rows((1, (TITLE,)), (2, ("填报单位：××乡", "", "", "日期：2026-03-01")),
                 (4, ("序号", "姓名", "性别", "身份证号码", "手机号码")),
                 (5, ("1", "艾晓岚", "女", "652301199001010021", "13912345678")))
    guess = find_header(rows, WORKER_FIELDS)
    assert guess.row_number == 4
    assert guess.headers == ["序号", "姓名", "性别", "身份证号码", "手机号码"]
    assert guess.mapping == {1: "name", 2: "gender", 3: "id_number", 4: "phone"}


def test_the_row_naming_most_fields_wins_over_a_form_like_row_above_it():
    rows = _rows((1, ("乡镇：", "三工镇", "村：", "幸福村", "联系电话：", "0994-1234567")),
                 (2, ("姓名", "身份证号", "性别", "手机号码", "所在乡镇", "所在村")))
    assert find_header(rows, WORKER_FIELDS).row_number == 2


def test_on_a_tie_the_earlier_row_is_the_header():
    rows = _rows((3, ("姓名", "身份证号")), (4, ("姓名", "身份证号")))
    assert find_header(rows, WORKER_FIELDS).row_number == 3


def test_a_single_required_field_suffices_when_the_kind_requires_only_it():
    fields = (FieldSpec("id_number", "ID number", ("身份证号",), required=True, parse="id"),
              FieldSpec("hours", "Hours", ("学时",), parse="int"))
    guess = find_header(_rows((1, ("名单",)), (2, ("身份证号", "备注"))), fields)
    assert (guess.row_number, guess.mapping) == (2, {0: "id_number"})


def test_one_recognised_column_that_is_not_every_required_one_is_no_header():
    with pytest.raises(ValidationError) as exc:
        find_header(_rows((1, ("姓名", "备注")), (2, ("艾晓岚", ""))), WORKER_FIELDS)
    assert exc.value.code == "no_header"


def test_no_header_message_names_the_required_columns():
    rows = _rows((1, ("a", "b")), (2, ("1", "2")))
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        find_header(rows, WORKER_FIELDS, look_at=15)
    assert exc.value.code == "no_header"
    assert "姓名、身份证号码" in exc.value.messages[0] and "15" in exc.value.messages[0]


def test_a_header_below_the_rows_looked_at_is_not_found():
    rows = _rows(*((n, (f"说明{n}",)) for n in range(1, 4)), (4, ("姓名", "身份证号")))
    with pytest.raises(ValidationError):
        find_header(rows, WORKER_FIELDS, look_at=3)
    assert find_header(rows, WORKER_FIELDS, look_at=4).row_number == 4


def test_missing_required_lists_required_fields_no_column_feeds():
    missing = missing_required({0: "name", 1: "phone"}, WORKER_FIELDS)
    assert [spec.key for spec in missing] == ["id_number"]
    assert missing_required({0: "name", 3: "id_number"}, WORKER_FIELDS) == []


# --- data rows --------------------------------------------------------------------------


def test_data_rows_start_below_the_header_and_skip_repeated_headers():
    rows = _rows((1, (TITLE,)), (2, ("姓名", "身份证号")), (3, ("艾晓岚", "652301199001010021")),
                 (40, ("姓名 ", "身份证号")), (41, ("白子墨", "652301199001010013")),
                 (42, ("合计", "2人")))
    assert [row.number for row in data_rows(rows, 2)] == [3, 41, 42]


def test_data_rows_keep_a_row_that_only_starts_like_the_header():
    rows = _rows((1, ("姓名", "身份证号")), (2, ("姓名", "身份证号", "重复?")))
    assert [row.number for row in data_rows(rows, 1)] == [2]


# --- real files -------------------------------------------------------------------------


def test_openpyxl_roster_with_a_merged_title_finds_the_header_below_it(tmp_path):
    roster = roster_rows(4, seed=3, counties=["昌吉市"], townships=["三工镇"])
    path = write_xlsx_openpyxl(tmp_path / "roster.xlsx", [[TITLE], [], *roster],
                               text_columns=(1, 3), merged=["A1:L1"])
    rows = list(open_rows(path, detect_format(path, "roster.xlsx")))
    guess = find_header(rows, WORKER_FIELDS)
    assert guess.row_number == 3
    assert guess.mapping == {i: spec.key for i, spec in enumerate(WORKER_FIELDS)}
    data = list(data_rows(rows, guess.row_number))
    assert [row.number for row in data] == [4, 5, 6, 7]
    assert [row.cells[1] for row in data] == [row[1] for row in roster[1:]]


def test_gbk_csv_with_chinese_headers_and_a_title_line_is_understood(tmp_path):
    roster = roster_rows(2, seed=5, counties=["阜康市"])
    path = write_csv(tmp_path / "名单.csv", [[TITLE, *[""] * 11], *roster], encoding="gb18030")
    rows = list(open_rows(path, detect_format(path, "名单.csv")))
    guess = find_header(rows, WORKER_FIELDS)
    assert guess.row_number == 2 and guess.headers[:2] == ["姓名", "身份证号码"]
    assert [row.cells[0] for row in data_rows(rows, 2)] == [roster[1][0], roster[2][0]]
