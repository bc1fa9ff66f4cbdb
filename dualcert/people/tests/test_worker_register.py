import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dualcert.core.models import AuditEntry
from dualcert.people import idnumber
from dualcert.people.models import Worker
from dualcert.people.services import worker_register

pytestmark = pytest.mark.django_db

VALID = "652301199001010013"


def test_register_same_id_number_twice_updates_one_person(world):
    officer = world.users["county_a"]
    first = worker_register(actor=officer, name="王 小明", id_number=VALID, region=world.county_a)
    again = worker_register(actor=officer, name="王小明", id_number=VALID.lower(),
                            region=world.county_a, phone="13900000000")
    assert first.pk == again.pk
    assert Worker.objects.filter(id_number_hash=idnumber.lookup_hash(VALID)).count() == 1
    assert again.phone == "13900000000"


def test_register_refuses_wrong_check_digit(world):
    with pytest.raises(ValidationError, match="check digit"):
        worker_register(actor=world.users["bureau"], name="甲", id_number="652301199001010014",
                        region=world.county_a)


def test_register_stores_no_plain_id_number_and_audits_masked(world):
    worker = worker_register(actor=world.users["bureau"], name="甲", id_number=VALID,
                             region=world.county_a)
    row = Worker.objects.filter(pk=worker.pk).values().get()
    assert VALID not in str(row)
    assert worker.id_number == VALID
    entry = AuditEntry.objects.get(object_pk=worker.pk, action="worker.register")
    assert VALID not in str(entry.after) and entry.after["id_number_masked"] == "652301********0013"


def test_county_officer_may_not_register_in_another_county(world):
    with pytest.raises(PermissionDenied):
        worker_register(actor=world.users["county_a"], name="甲", id_number=VALID,
                        region=world.county_b)


def test_employer_may_not_register_workers(world):
    with pytest.raises(PermissionDenied):
        worker_register(actor=world.users["employer_1"], name="甲", id_number=VALID,
                        region=world.county_a)


@pytest.mark.parametrize("phone", ["1390000000", "23900000000", "1390000000a"])
def test_register_refuses_bad_phone(world, phone):
    with pytest.raises(ValidationError, match="11 digits"):
        worker_register(actor=world.users["bureau"], name="甲", id_number=VALID,
                        region=world.county_a, phone=phone)


def test_office_outside_scope_reuses_worker_without_rewriting_details(world):
    county_b_worker = worker_register(actor=world.users["county_b"], name="乙", id_number=VALID,
                                      region=world.county_b, phone="13900000001")
    again = worker_register(actor=world.users["inst_1"], name="乙", id_number=VALID,
                            region=world.county_a, phone="13900000002")
    again.refresh_from_db()
    assert again.pk == county_b_worker.pk
    assert (again.region_id, again.phone) == (world.county_b.pk, "13900000001")


def test_office_outside_scope_with_other_name_is_refused(world):
    worker_register(actor=world.users["county_b"], name="乙", id_number=VALID,
                    region=world.county_b)
    with pytest.raises(ValidationError) as exc:
        worker_register(actor=world.users["inst_1"], name="丙", id_number=VALID,
                        region=world.county_a)
    assert exc.value.code == "id_name_mismatch"
