import pytest

from dualcert.credentials.selectors import certificate_lookup
from dualcert.credentials.tests.helpers import certificate
from tests.factories import WorkerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cert(world):
    holder = WorkerFactory(name="王小明", region=world.county_a)
    return certificate(worker=holder, number="S000065000001265000123")


def test_lookup_finds_by_exact_number_and_holder_name(cert):
    assert certificate_lookup(number="S000065000001265000123", holder_name="王小明") == cert


def test_lookup_normalises_spaces_and_case_of_the_number(cert):
    found = certificate_lookup(number=" s0000 65 000001 26 5 000123 ", holder_name=" 王小明 ")
    assert found == cert


def test_lookup_with_the_wrong_name_is_not_found_like_a_wrong_number(cert):
    assert certificate_lookup(number=cert.number, holder_name="王小红") is None
    assert certificate_lookup(number="S000065000001265000124", holder_name="王小明") is None


@pytest.mark.parametrize(("number", "name"), [("", "王小明"), ("S000065000001265000123", ""),
                                              ("S00006500000126500012", "王小明")])
def test_lookup_with_missing_or_partial_input_finds_nothing(cert, number, name):
    assert certificate_lookup(number=number, holder_name=name) is None


def test_lookup_shows_a_revoked_certificate_as_revoked(world):
    holder = WorkerFactory(name="李四", region=world.county_a)
    revoked = certificate(worker=holder, status="revoked")
    found = certificate_lookup(number=revoked.number, holder_name="李四")
    assert found is not None and found.status == "revoked"
