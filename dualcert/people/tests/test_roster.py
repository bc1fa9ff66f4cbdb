from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dualcert.catalog.models import Education, Region, TargetGroup
from dualcert.core.models import AuditEntry
from dualcert.people import idnumber
from dualcert.people.models import Worker
from dualcert.people.roster import WorkerInput, workers_register_many
from dualcert.people.services import worker_register
from tests.factories import RegionFactory

pytestmark = pytest.mark.django_db


def number(n: int, county: str = "652301") -> str:
    """A valid ID number; odd n is a man, even n a woman."""
    return idnumber.generate(county, date(1985, 1, 1), n)


def row(n: int, region: Region | None, **values) -> WorkerInput:
    return WorkerInput(name=values.pop("name", f"学员{n}"), id_number=values.pop("id_number",
                       number(n)), region=region, **values)


def statements(queries: CaptureQueriesContext) -> list[str]:
    return [query["sql"].split()[0].upper() for query in queries.captured_queries]


@pytest.fixture
def groups(db):
    return [TargetGroup.objects.create(code="rural_migrant", name="农村转移就业劳动者"),
            TargetGroup.objects.create(code="veteran", name="退役军人")]


def test_rows_are_created_updated_or_unchanged(world):
    bureau = world.users["bureau"]
    workers_register_many(actor=bureau, rows=[row(1, world.county_a), row(3, world.county_a)])
    outcomes = workers_register_many(actor=bureau, rows=[
        row(1, world.county_a), row(3, world.county_a, phone="13900000003"),
        row(5, world.county_a),
    ])
    assert [o.outcome for o in outcomes] == ["unchanged", "updated", "created"]
    assert all(o.worker_id and not o.reasons for o in outcomes)
    assert Worker.objects.get(pk=outcomes[1].worker_id).phone == "13900000003"


def test_same_rows_again_write_nothing(world, groups):
    bureau = world.users["bureau"]
    rows = [row(n, world.county_a, phone=f"1390000{n:04d}", village="三工村",
                education=Education.SENIOR, target_groups=(groups[0],), consent_recommend=True,
                expected_wage=5000, available_from=date(2026, 4, 1)) for n in range(1, 40, 2)]
    workers_register_many(actor=bureau, rows=rows)
    audits = AuditEntry.objects.count()
    with CaptureQueriesContext(connection) as queries:
        outcomes = workers_register_many(actor=bureau, rows=rows)
    assert {o.outcome for o in outcomes} == {"unchanged"}
    assert AuditEntry.objects.count() == audits
    assert not {"INSERT", "UPDATE", "DELETE"} & set(statements(queries))


def test_same_id_number_in_one_call_is_one_person(world):
    outcomes = workers_register_many(actor=world.users["bureau"], rows=[
        row(1, world.county_a), row(1, world.county_a, phone="13900000001"),
    ])
    assert [o.outcome for o in outcomes] == ["created", "updated"]
    assert outcomes[0].worker_id == outcomes[1].worker_id
    worker = Worker.objects.get(id_number_hash=idnumber.lookup_hash(number(1)))
    assert worker.phone == "13900000001"
    actions = AuditEntry.objects.filter(object_pk=worker.pk).values_list("action", flat=True)
    assert sorted(actions) == ["worker.register", "worker.update"]


def test_refused_row_leaves_the_record_as_it_was_for_a_later_row(world):
    bureau = world.users["bureau"]
    workers_register_many(actor=bureau, rows=[row(1, world.county_a, village="甲村")])
    outcomes = workers_register_many(actor=bureau, rows=[
        row(1, world.county_a, name="新名字", phone="123"),
        row(1, world.county_a, village="乙村"),
    ])
    assert [o.outcome for o in outcomes] == ["refused", "updated"]
    worker = Worker.objects.get(pk=outcomes[1].worker_id)
    assert (worker.name, worker.village) == ("学员1", "乙村")


def test_empty_values_never_clear_stored_ones(world, groups):
    bureau = world.users["bureau"]
    township = RegionFactory(code="652301100", name="三工镇", level=Region.Level.TOWNSHIP,
                             parent=world.county_a)
    full = row(1, world.county_a, phone="13900000001", township=township, village="三工村",
               education=Education.COLLEGE, target_groups=tuple(groups), consent_recommend=True,
               expected_wage=6000, available_from=date(2026, 5, 1))
    workers_register_many(actor=bureau, rows=[full])
    (outcome,) = workers_register_many(actor=bureau, rows=[row(1, None)])
    assert outcome.outcome == "unchanged"
    worker = Worker.objects.get(pk=outcome.worker_id)
    assert (worker.phone, worker.township, worker.village, worker.education,
            worker.consent_recommend, worker.expected_wage, worker.available_from,
            worker.region) == ("13900000001", township, "三工村", Education.COLLEGE, True, 6000,
                               date(2026, 5, 1), world.county_a)
    assert set(worker.target_groups.all()) == set(groups)


def test_every_field_of_a_known_worker_can_change_in_one_call(world):
    bureau = world.users["bureau"]
    workers_register_many(actor=bureau, rows=[row(1, world.county_a), row(3, world.county_a)])
    township = RegionFactory(code="652302100", name="城关镇", level=Region.Level.TOWNSHIP,
                             parent=world.county_b)
    outcomes = workers_register_many(actor=bureau, rows=[
        row(1, world.county_b, name="学员一", phone="13900000001", township=township,
            village="甘河子村", education=Education.PRIMARY, consent_recommend=True,
            expected_wage=4800, available_from=date(2026, 6, 1)),
        row(3, world.county_a, village="三工村"),
    ])
    assert [o.outcome for o in outcomes] == ["updated", "updated"]
    moved, other = (Worker.objects.get(pk=o.worker_id) for o in outcomes)
    assert (moved.name, moved.region, moved.township, moved.phone, moved.village,
            moved.education, moved.consent_recommend, moved.expected_wage,
            moved.available_from) == ("学员一", world.county_b, township, "13900000001",
                                      "甘河子村", Education.PRIMARY, True, 4800, date(2026, 6, 1))
    assert (other.name, other.region, other.village, other.phone) == (
        "学员3", world.county_a, "三工村", "")
    assert moved.updated_at > moved.created_at


def test_target_groups_are_added_and_audited(world, groups):
    bureau = world.users["bureau"]
    workers_register_many(actor=bureau, rows=[row(1, world.county_a, target_groups=groups[:1])])
    (outcome,) = workers_register_many(actor=bureau,
                                       rows=[row(1, world.county_a, target_groups=groups[1:])])
    assert outcome.outcome == "updated"
    worker = Worker.objects.get(pk=outcome.worker_id)
    assert set(worker.target_groups.all()) == set(groups)
    entry = AuditEntry.objects.get(object_pk=worker.pk, action="worker.update")
    assert entry.before == {"target_groups": [groups[0].pk]}
    assert entry.after == {"target_groups": sorted(g.pk for g in groups)}


def test_worker_outside_scope_is_used_as_is_or_refused_when_named_otherwise(world):
    registered = workers_register_many(actor=world.users["county_b"], rows=[
        row(1, world.county_b, name="乙", phone="13900000001"),
    ])[0]
    outcomes = workers_register_many(actor=world.users["inst_1"], rows=[
        row(1, world.county_a, name="乙", phone="13900000002"),
        row(1, world.county_a, name="丙"),
    ])
    assert outcomes[0].outcome == "unchanged"
    assert outcomes[0].worker_id == registered.worker_id
    assert outcomes[1].outcome == "refused"
    assert outcomes[1].reasons == [
        "This ID number is registered to a worker with a different name. Check the name and "
        "the number, or ask the worker's county office to correct it."
    ]
    worker = Worker.objects.get(pk=registered.worker_id)
    assert (worker.region, worker.phone, worker.name) == (world.county_b, "13900000001", "乙")


def test_county_officer_row_for_another_county_is_refused_alone(world):
    outcomes = workers_register_many(actor=world.users["county_a"], rows=[
        row(1, world.county_b), row(3, world.county_a),
    ])
    assert outcomes[0].outcome == "refused"
    assert outcomes[0].reasons == ["You may register workers of your own county only."]
    assert isinstance(outcomes[0].errors[0], PermissionDenied)
    assert outcomes[1].outcome == "created"
    assert Worker.objects.filter(region=world.county_b, name="学员1").count() == 0


@pytest.mark.parametrize("persona", ["employer_1", "dept_1", "eval_1", "worker_1", "outsider"])
def test_roles_that_may_not_register_are_refused_for_the_whole_call(world, persona):
    with pytest.raises(PermissionDenied, match="may not register"):
        workers_register_many(actor=world.users[persona], rows=[row(1, world.county_a)])
    assert not Worker.objects.filter(id_number_hash=idnumber.lookup_hash(number(1))).exists()


@pytest.mark.parametrize(("id_number", "reason"), [
    (number(1)[:17] + ("0" if number(1)[17] != "0" else "1"), "check digit is wrong"),
    (number(1)[:17], "only 17 digits"),
    ("6.52301E+17", "turned into a number by Excel"),
    ("652301198501010000", "replaced by zeros"),
    ("", "The ID number is empty."),
])
def test_bad_id_number_refuses_its_row_and_good_rows_are_written(world, id_number, reason):
    outcomes = workers_register_many(actor=world.users["bureau"], rows=[
        row(1, world.county_a, id_number=id_number), row(3, world.county_a),
    ])
    assert outcomes[0].outcome == "refused"
    assert reason in outcomes[0].reasons[0]
    assert outcomes[1].outcome == "created"


def test_fifteen_digit_id_number_is_converted(world):
    eighteen = number(1)
    fifteen = eighteen[:6] + eighteen[8:17]
    (outcome,) = workers_register_many(actor=world.users["bureau"],
                                       rows=[row(1, world.county_a, id_number=fifteen)])
    assert Worker.objects.get(pk=outcome.worker_id).id_number == eighteen


def test_gender_must_match_the_id_number(world):
    outcomes = workers_register_many(actor=world.users["bureau"], rows=[
        row(1, world.county_a, gender="F"), row(3, world.county_a, gender="M"),
    ])
    assert outcomes[0].reasons == [
        "The gender (female) does not match the ID number, which is a male's: check both."
    ]
    assert outcomes[1].outcome == "created"


@pytest.mark.parametrize(("values", "reason"), [
    ({"name": "  "}, "The worker's name is empty."),
    ({"name": "长" * 65}, "Name: Ensure this value has at most 64 characters (it has 65)."),
    ({"phone": "23900000000"}, "The mobile phone number must have 11 digits and start with 1."),
    ({"education": 9}, "Education: Value 9 is not a valid choice."),
    ({"region": None}, "Say which county the worker belongs to: a new worker needs one."),
])
def test_invalid_new_worker_is_refused_with_the_reason(world, values, reason):
    given = row(1, values.pop("region", world.county_a), **values)
    (outcome,) = workers_register_many(actor=world.users["bureau"], rows=[given])
    assert (outcome.outcome, outcome.reasons, outcome.worker_id) == ("refused", [reason], None)
    assert not Worker.objects.filter(id_number_hash=idnumber.lookup_hash(number(1))).exists()


def test_every_reason_of_a_row_is_given(world):
    (outcome,) = workers_register_many(actor=world.users["county_a"], rows=[
        row(1, world.county_b, name="", id_number="12345"),
    ])
    assert outcome.reasons == [
        "You may register workers of your own county only.",
        "The ID number must have 18 characters: 17 digits and a digit or X (it has 5).",
        "The worker's name is empty.",
    ]


def test_audit_rows_hold_the_masked_id_number_only(world):
    bureau = world.users["bureau"]
    workers_register_many(actor=bureau, rows=[row(1, world.county_a)])
    (outcome,) = workers_register_many(actor=bureau,
                                       rows=[row(1, world.county_a, phone="13900000001")])
    entries = AuditEntry.objects.filter(object_pk=outcome.worker_id)
    assert sorted(e.action for e in entries) == ["worker.register", "worker.update"]
    for entry in entries:
        assert number(1) not in str(entry.before) + str(entry.after)
        assert entry.actor == bureau
    register = entries.get(action="worker.register")
    assert register.after["id_number_masked"] == idnumber.mask(number(1))
    assert entries.get(action="worker.update").after == {"phone": "13900000001"}


def test_worker_register_raises_the_first_refusal_with_its_code(world):
    with pytest.raises(ValidationError) as exc:
        worker_register(actor=world.users["bureau"], name="", id_number=number(1),
                        region=world.county_a)
    assert exc.value.code == "name"
    with pytest.raises(ValidationError) as exc:
        worker_register(actor=world.users["bureau"], name="", id_number="12345",
                        region=world.county_a)
    assert exc.value.code == "id_length"


def _warm(actor, region):
    """Cache the actor's scope and the audit content type, as a running import has."""
    workers_register_many(actor=actor, rows=[row(999, region)])


@pytest.fixture
def one_statement_per_bulk_write(monkeypatch):
    # SQLite's backend splits a bulk write into batches of 999 parameters (PostgreSQL does
    # not); lifted here so the count shows the statements the service itself issues.
    monkeypatch.setattr(connection.ops, "bulk_batch_size", lambda fields, objs: len(objs))


@pytest.mark.usefixtures("one_statement_per_bulk_write")
@pytest.mark.parametrize("count", [1, 200])
def test_new_workers_cost_the_same_queries_for_one_row_or_two_hundred(
    world, groups, django_assert_num_queries, count
):
    bureau = world.users["bureau"]
    _warm(bureau, world.county_a)
    rows = [row(n, world.county_a, target_groups=tuple(groups)) for n in range(1, count + 1)]
    # lookup, insert workers, insert target groups, insert audit rows, and the match index's
    # delete and insert for the workers written
    with django_assert_num_queries(6):
        outcomes = workers_register_many(actor=bureau, rows=rows)
    assert [o.outcome for o in outcomes] == ["created"] * count


@pytest.mark.usefixtures("one_statement_per_bulk_write")
@pytest.mark.parametrize("count", [1, 200])
def test_changed_workers_cost_the_same_queries_for_one_row_or_two_hundred(
    world, groups, django_assert_num_queries, count
):
    actor = world.users["county_a"]
    rows = [row(n, world.county_a, target_groups=groups[:1]) for n in range(1, count + 1)]
    workers_register_many(actor=actor, rows=rows)
    changed = [row(n, world.county_a, phone=f"139{n:08d}", target_groups=groups[1:])
               for n in range(1, count + 1)]
    # lookup, writable ones, their target groups, update, insert target groups, audit rows,
    # and the match index's delete and insert for the workers written
    with django_assert_num_queries(8):
        outcomes = workers_register_many(actor=actor, rows=changed)
    assert [o.outcome for o in outcomes] == ["updated"] * count
