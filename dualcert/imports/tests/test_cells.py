from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError

from dualcert.imports import cells
from dualcert.people import idnumber


def _refusal(call, *args, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as exc:
        call(*args, **kwargs)
    return exc.value


# --- text -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, ""), (True, "是"), (False, "否"), (6200.0, "6200"), (1.5, "1.5"), (42, "42"),
     (datetime(2026, 3, 5, 8, 30, 15), "2026-03-05 08:30"), (date(2026, 3, 5), "2026-03-05"),
     ("  艾晓岚  ", "艾晓岚"), ("ＡＢＣ　１２３", "ABC 123"), ("a \n\t b", "a b")],
)
def test_text_trims_unifies_width_and_drops_the_point_zero(value, expected):
    assert cells.text(value) == expected


# --- id_text ----------------------------------------------------------------------------


def test_id_text_refuses_a_numeric_cell_excel_has_cut_to_fifteen_digits():
    error = _refusal(cells.id_text, 6.52301199001011e17)
    assert error.code == "id_excel_number"
    assert "6.52301E+17" in error.messages[0] and "text" in error.messages[0]


def test_id_text_refuses_an_exact_eighteen_digit_integer_cell_too():
    assert _refusal(cells.id_text, 652301199001010013).code == "id_excel_number"


def test_id_text_refuses_a_number_with_decimals():
    assert _refusal(cells.id_text, 1234.5).code == "id_excel_number"


def test_id_text_passes_a_fifteen_digit_number_on_for_conversion():
    assert cells.id_text(110105491231002.0) == "110105491231002"
    assert idnumber.parse(cells.id_text(110105491231002)).number == "11010519491231002X"


def test_id_text_normalises_full_width_digits_spaces_and_lower_case_x():
    assert cells.id_text(" １１０１０５ 19491231002x ") == "11010519491231002X"


def test_id_text_of_scientific_text_is_refused_when_parsed():
    text = cells.id_text("6.52301E+17")
    assert _refusal(idnumber.parse, text).code == "id_excel_number"


# --- phone_text -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [(13912345678.0, "13912345678"), (13912345678, "13912345678"),
     ("139 1234 5678", "13912345678"), ("１３９１２３４５６７８", "13912345678"), (None, "")],
)
def test_phone_text_keeps_eleven_digits_from_numbers_and_text(value, expected):
    assert cells.phone_text(value) == expected


# --- date_value -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["2026-03-05", "2026/3/5", "2026.3.5", "2026年3月5日", "2026年3月5", "20260305",
     "2026-03-05 08:30", "2026-3-5T08:30:00", "２０２６－０３－０５", date(2026, 3, 5),
     datetime(2026, 3, 5, 23, 59)],
)
def test_date_value_reads_the_usual_formats(value):
    assert cells.date_value(value, label="可上岗日期") == date(2026, 3, 5)


@pytest.mark.parametrize("value", [None, "", "   "])
def test_date_value_of_an_empty_cell_is_none(value):
    assert cells.date_value(value, label="可上岗日期") is None


@pytest.mark.parametrize(
    "value", ["2026-02-30", "2026-13-01", 46086, 46086.0, "46086", "3/5/2026", "下周一",
              "2026年3月", True],
)
def test_date_value_refuses_impossible_dates_bare_serials_and_other_text(value):
    error = _refusal(cells.date_value, value, label="可上岗日期")
    assert error.code == "date"
    assert "可上岗日期" in error.messages[0] and "2026-03-05" in error.messages[0]


# --- int_value --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [(6200, 6200), (6200.0, 6200), ("6200", 6200), ("6,200", 6200), ("6，200", 6200),
     ("6200元", 6200), ("6,200 元", 6200), ("６２００", 6200), ("6200.00", 6200),
     ("  ", None), ("", None), (None, None)],
)
def test_int_value_reads_whole_numbers_written_as_offices_write_them(value, expected):
    assert cells.int_value(value, label="期望月薪") == expected


def test_int_value_accepts_a_negative_number_above_the_minimum():
    assert cells.int_value("-5", label="分数", minimum=-10) == -5


@pytest.mark.parametrize("value", ["-5", -5])
def test_int_value_refuses_a_number_below_the_minimum(value):
    error = _refusal(cells.int_value, value, label="期望月薪")
    assert error.code == "number_range" and "-5" in error.messages[0]


def test_int_value_refuses_a_number_above_the_maximum():
    error = _refusal(cells.int_value, "200000", label="期望月薪", maximum=100_000)
    assert error.code == "number_range"
    assert "100000" in error.messages[0] and "200000" in error.messages[0]


@pytest.mark.parametrize("value", ["abc", "6200.5", 6200.5, "六千", True, "1e3"])
def test_int_value_refuses_what_is_not_a_whole_number(value):
    error = _refusal(cells.int_value, value, label="期望月薪")
    assert error.code == "number" and "期望月薪" in error.messages[0]


# --- bool_value -------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["是", "Y", "yes", "TRUE", "1", 1, 1.0, "√", "同意", True])
def test_bool_value_reads_yes(value):
    assert cells.bool_value(value, label="同意推荐就业") is True


@pytest.mark.parametrize("value", ["否", "n", "No", "false", "0", 0, "×", "X", "不同意", False])
def test_bool_value_reads_no(value):
    assert cells.bool_value(value, label="同意推荐就业") is False


@pytest.mark.parametrize("value", [None, "", "  "])
def test_bool_value_of_an_empty_cell_is_none(value):
    assert cells.bool_value(value, label="同意推荐就业") is None


@pytest.mark.parametrize("value", ["也许", 2, "maybe"])
def test_bool_value_refuses_other_words(value):
    error = _refusal(cells.bool_value, value, label="同意推荐就业")
    assert error.code == "yes_no" and "同意推荐就业" in error.messages[0]


# --- choice_value -----------------------------------------------------------------------

GENDERS = {"男": "M", "女": "F", "male": "M", "female": "F", "M": "M", "F": "F"}


@pytest.mark.parametrize(("value", "expected"),
                         [("男", "M"), (" 女 ", "F"), ("Female", "F"), ("m", "M")])
def test_choice_value_finds_the_choice_by_any_of_its_names(value, expected):
    assert cells.choice_value(value, GENDERS, label="性别") == expected


def test_choice_value_of_an_empty_cell_is_none():
    assert cells.choice_value("", GENDERS, label="性别") is None


def test_choice_value_refuses_an_unknown_name_and_lists_the_names():
    error = _refusal(cells.choice_value, "未知", GENDERS, label="性别")
    assert error.code == "choice"
    assert "未知" in error.messages[0] and "男、女" in error.messages[0]


# --- split_list -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [("脱贫劳动力、就业困难人员", ["脱贫劳动力", "就业困难人员"]),
     ("脱贫劳动力，就业困难人员；退役军人", ["脱贫劳动力", "就业困难人员", "退役军人"]),
     ("a, b ; c / d", ["a", "b", "c", "d"]),
     ("脱贫劳动力\n就业困难人员\r\n", ["脱贫劳动力", "就业困难人员"]),
     ("脱贫劳动力", ["脱贫劳动力"]), ("", []), (None, []), ("、、", [])],
)
def test_split_list_splits_on_the_usual_separators_and_line_breaks(value, expected):
    assert cells.split_list(value) == expected
