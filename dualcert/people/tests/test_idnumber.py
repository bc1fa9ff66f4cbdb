from datetime import date

import pytest
from django.core.exceptions import ValidationError

from dualcert.people import idnumber


@pytest.mark.parametrize(
    "number", ["11010519491231002X", "440524188001010014", "652301199001010013"]
)
def test_standard_test_vectors_are_valid(number):
    assert idnumber.parse(number).number == number


def test_lowercase_x_and_full_width_digits_and_spaces_are_normalised():
    assert idnumber.parse(" １１０１０５ 19491231002x ").number == "11010519491231002X"


def test_fifteen_digit_number_is_converted_with_check_digit():
    assert idnumber.parse("110105491231002").number == "11010519491231002X"


@pytest.mark.parametrize("mangled", ["6.52301E+17", "6.52301199001E+17", "652301199001010000.0"])
def test_excel_scientific_numbers_are_refused_with_a_text_format_hint(mangled):
    with pytest.raises(ValidationError) as exc:
        idnumber.parse(mangled)
    assert exc.value.code == "id_excel_number"
    assert "text" in exc.value.messages[0]


@pytest.mark.parametrize(
    ("raw", "code"),
    [("", "id_empty"), ("6523011990010100", "id_length"), ("6523011990010100123", "id_length"),
     ("652301199001010014", "id_check_digit"), ("652301199002300012", "id_birth_date")],
)
def test_bad_numbers_are_refused_with_their_reason(raw, code):
    with pytest.raises(ValidationError) as exc:
        idnumber.parse(raw)
    assert exc.value.code == code


def test_future_birth_date_is_refused():
    number = idnumber.generate("652301", date(2030, 1, 1), 11)
    with pytest.raises(ValidationError) as exc:
        idnumber.parse(number, today=date(2026, 11, 29))
    assert exc.value.code == "id_birth_date"


def test_generated_numbers_carry_valid_check_digits_and_gender():
    male = idnumber.parse(idnumber.generate("652323", date(1985, 6, 7), 13))
    female = idnumber.parse(idnumber.generate("652323", date(1985, 6, 7), 14))
    assert (male.gender, female.gender) == ("M", "F")


def test_mask_keeps_region_and_last_four_only():
    assert idnumber.mask("652301199001010013") == "652301********0013"


def test_age_counts_whole_years():
    assert idnumber.age_on(date(2008, 12, 1), date(2026, 11, 30)) == 17
    assert idnumber.age_on(date(2008, 11, 30), date(2026, 11, 30)) == 18


def test_seventeen_digits_say_the_last_character_is_missing():
    # 11010519491231002X with its X dropped, as Excel or a typist does.
    with pytest.raises(ValidationError) as exc:
        idnumber.parse("11010519491231002")
    assert exc.value.code == "id_missing_last"
    assert "X" in exc.value.messages[0]


@pytest.mark.parametrize("zeroed", ["652301199001010000", "652301199001011300"])
def test_trailing_zeros_with_a_wrong_check_digit_point_at_excel(zeroed):
    with pytest.raises(ValidationError) as exc:
        idnumber.parse(zeroed)
    assert exc.value.code == "id_excel_zeros"
    assert "text" in exc.value.messages[0]
    assert zeroed not in exc.value.messages[0]


def test_a_valid_number_ending_in_zeros_is_accepted():
    number = next(n for seq in range(1000)
                  if (n := idnumber.generate("652301", date(1990, 1, 1), seq)).endswith("00"))
    assert idnumber.parse(number).number == number
