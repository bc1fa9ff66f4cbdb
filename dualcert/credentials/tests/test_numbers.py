from datetime import date

import pytest

from dualcert.credentials import numbers
from tests.factories import CertificateTypeFactory, EvaluationBodyFactory

pytestmark = pytest.mark.django_db


def test_skill_number_has_the_22_character_layout():
    body = EvaluationBodyFactory(kind="Y", body_code="123", site_code="4501")
    number = numbers.skill_number(body, 4, date(2026, 6, 10))
    assert number == "Y0123" + "65" + "004501" + "26" + "4" + "000001"
    assert len(number) == 22 and numbers.looks_like_skill_number(number)


def test_skill_numbers_count_per_body_and_year():
    body, other = EvaluationBodyFactory(), EvaluationBodyFactory()
    assert numbers.skill_number(body, 5, date(2026, 1, 1)).endswith("000001")
    assert numbers.skill_number(body, 5, date(2026, 12, 31)).endswith("000002")
    assert numbers.skill_number(other, 5, date(2026, 1, 1)).endswith("000001")
    assert numbers.skill_number(body, 5, date(2027, 1, 1)).endswith("000001")


def test_permit_number_is_prefix_year_and_sequence_per_type():
    permit = CertificateTypeFactory(number_prefix="TZ")
    assert numbers.permit_number(permit, date(2026, 6, 10)) == "TZ2026000001"
    assert numbers.permit_number(permit, date(2026, 6, 10)) == "TZ2026000002"
    assert numbers.permit_number(CertificateTypeFactory(number_prefix="TZ"),
                                 date(2026, 6, 10)) == "TZ2026000001"


@pytest.mark.parametrize("number", [
    "Y000123XXXXXX195000001",  # the published example with its placeholders
    "S000065000001266000001",  # level 6 does not exist
    "X000065000001265000001",  # unknown body kind
    "S00006500000126500001",  # 21 characters
    "",
])
def test_loose_validator_rejects_malformed_skill_numbers(number):
    assert not numbers.looks_like_skill_number(number)


def test_loose_validator_accepts_spaces_and_lower_case():
    assert numbers.looks_like_skill_number(" s0000 65 000001 26 5 000001 ")


@pytest.mark.parametrize(("issued", "years", "expected"), [
    (date(2026, 6, 10), 6, date(2032, 6, 9)),
    (date(2026, 1, 1), 4, date(2029, 12, 31)),
    (date(2024, 2, 29), 2, date(2026, 2, 28)),
    (date(2027, 3, 1), 1, date(2028, 2, 29)),
])
def test_expiry_is_the_day_before_the_anniversary(issued, years, expected):
    assert numbers.expiry_date(issued, years) == expected


def test_types_without_validity_or_review_have_no_dates():
    assert numbers.expiry_date(date(2026, 6, 10), None) is None
    assert numbers.review_date(date(2026, 6, 10), None) is None
    assert numbers.review_date(date(2026, 6, 10), 3) == date(2029, 6, 10)
