from datetime import date, datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dualcert.catalog.models import Education, Region, TargetGroup
from dualcert.core.models import AuditEntry
from dualcert.imports.kinds import MappedRow, Outcome, RunContext, kind_for
from dualcert.imports.kinds.workers import WORKER_FIELDS, WORKERS
from dualcert.people import idnumber
from dualcert.people.models import Worker
from dualcert.people.services import worker_register
from tests.factories import RegionFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 1)


def number(n: int, county: str = "652301") -> str:
    """A valid ID number; odd n is a man, even n a woman."""
    return idnumber.generate(county, date(1985, 1, 1), n)


def cells(n: int, **values) -> dict:
    """A roster row as the reader gives it: text cells, the county by name."""
    return {"name": f"学员{n}", "id_number": number(n), "county": "昌吉市", **values}


def rows(*values: dict, first: int = 3) -> list[MappedRow]:
    return [MappedRow(first + i, v) for i, v in enumerate(values)]


def context(world, persona: str = "bureau") -> RunContext:
    return RunContext(actor=world.users[persona], today=TODAY)


def outcomes(results) -> list[str]:
    return [result.outcome for result in results]


def worker_of(n: int) -> Worker:
    return Worker.objects.get(id_number_hash=idnumber.lookup_hash(number(n)))


@pytest.fixture
def township(world):
    return RegionFactory(code="652301100", name="三工镇", level=Region.Level.TOWNSHIP,
                         parent=world.county_a)


@pytest.fixture
def groups(db) -> list[TargetGroup]:
    return [TargetGroup.objects.create(code="rural_migrant", name="农村转移就业劳动者"),
            TargetGroup.objects.create(code="veteran", name="退役军人")]


def test_kind_is_the_roster_import():
    assert kind_for("workers") is WORKERS
    assert (WORKERS.key, WORKERS.needs_project, WORKERS.chunk_size) == ("workers", False, 1000)
    assert str(WORKERS.label) == "Workers (roster)"
    assert WORKERS.fields == WORKER_FIELDS
    assert [spec.key for spec in WORKERS.fields if spec.required] == ["name", "id_number"]


@pytest.mark.parametrize("persona", ["employer_1", "dept_1", "eval_1", "worker_1", "outsider"])
def test_check_refuses_roles_that_may_not_register(world, persona):
    with pytest.raises(PermissionDenied, match="Your role may not register or change workers."):
        WORKERS.check(context(world, persona))


@pytest.mark.parametrize("persona", ["bureau", "county_a", "inst_1"])
def test_check_lets_registering_roles_import(world, persona):
    WORKERS.check(context(world, persona))


def test_roster_rows_are_created_updated_and_unchanged(world, township, groups):
    ctx = context(world)
    WORKERS.process(ctx, rows(cells(1), cells(3)))
    results = WORKERS.process(context(world), rows(
        cells(1), cells(3, phone="13900000003"),
        cells(5, gender="男", phone=13900000005.0, township="三工镇", village=" 三工 村 ",
              education="大专", target_groups="农村转移就业劳动者、veteran",
              consent_recommend="是", expected_wage="6,200元",
              available_from=datetime(2026, 4, 1)),
    ))
    assert outcomes(results) == [Outcome.UNCHANGED, Outcome.UPDATED, Outcome.CREATED]
    assert [r.number for r in results] == [3, 4, 5]
    created = worker_of(5)
    assert (created.name, created.gender, created.phone, created.region, created.township,
            created.village, created.education, created.consent_recommend,
            created.expected_wage, created.available_from) == (
        "学员5", "M", "13900000005", world.county_a, township, "三工 村", Education.COLLEGE,
        True, 6200, date(2026, 4, 1))
    assert set(created.target_groups.all()) == set(groups)
    assert worker_of(3).phone == "13900000003"


def test_importing_the_same_roster_again_changes_nothing(world, township, groups):
    roster = rows(*(cells(n, phone=f"139{n:08d}", township="三工镇", education="初中",
                          target_groups="退役军人", consent_recommend="否")
                    for n in range(1, 30, 2)))
    WORKERS.process(context(world), roster)
    audits = AuditEntry.objects.count()
    with CaptureQueriesContext(connection) as queries:
        results = WORKERS.process(context(world), roster)
    assert set(outcomes(results)) == {Outcome.UNCHANGED}
    assert AuditEntry.objects.count() == audits
    written = [q["sql"] for q in queries.captured_queries
               if q["sql"].split()[0].upper() in ("INSERT", "UPDATE", "DELETE")]
    assert written == []


def test_reading_the_reference_data_happens_once_per_run(world, township, groups):
    ctx = context(world)
    WORKERS.process(ctx, rows(cells(1, township="三工镇", target_groups="veteran")))
    # A second chunk reads no county, township or target group again.
    with CaptureQueriesContext(connection) as queries:
        WORKERS.process(ctx, rows(cells(3, township="三工镇", target_groups="veteran")))
    reads = " ".join(q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT"))
    assert "catalog_region" not in reads and "catalog_targetgroup" not in reads


def test_same_id_number_with_other_name_outside_scope_is_refused(world):
    WORKERS.process(context(world, "county_b"),
                    rows(cells(1, county="阜康市", name="乙", phone="13900000001")))
    results = WORKERS.process(context(world, "inst_1"), rows(
        cells(1, name="丙"), cells(1, name="乙", phone="13900000002", county="阜康市"),
    ))
    assert outcomes(results) == [Outcome.REFUSED, Outcome.UNCHANGED]
    assert results[0].reasons == (
        "This ID number is registered to a worker with a different name. Check the name and "
        "the number, or ask the worker's county office to correct it.",
    )
    worker = worker_of(1)
    assert (worker.name, worker.phone, worker.region) == ("乙", "13900000001", world.county_b)


def test_county_officer_rows_default_to_their_county_and_other_counties_are_refused(world):
    results = WORKERS.process(context(world, "county_a"), rows(
        cells(1, county="阜康市"), cells(3, county=""), {"name": "学员5", "id_number": number(5)},
        cells(7, county="652301"),
    ))
    assert outcomes(results) == [Outcome.REFUSED, Outcome.CREATED, Outcome.CREATED,
                                 Outcome.CREATED]
    assert results[0].reasons == ("You may register workers of your own county only.",)
    assert {worker_of(n).region for n in (3, 5, 7)} == {world.county_a}
    assert not Worker.objects.filter(id_number_hash=idnumber.lookup_hash(number(1))).exists()


def test_bureau_row_without_county_is_refused(world):
    (result,) = WORKERS.process(context(world), rows(cells(1, county=None)))
    assert result.outcome == Outcome.REFUSED
    assert result.reasons == ("Say which county the worker belongs to: County is empty.",)


def test_unknown_county_is_refused_with_the_known_ones(world):
    (result,) = WORKERS.process(context(world), rows(cells(1, county="乌鲁木齐市")))
    assert result.reasons == ("County “乌鲁木齐市” is not a county; write one of: 昌吉市、阜康市.",)


@pytest.mark.parametrize(("id_cell", "reason"), [
    (number(1)[:17] + ("0" if number(1)[17] != "0" else "1"),
     "The ID number's check digit is wrong: please check every digit again."),
    (6.52301198501011e17, "The ID number “6.52301E+17” was turned into a number by Excel"),
    (652301198501010000, "The ID number “6.52301E+17” was turned into a number by Excel"),
    ("652301198501010000", "The ID number's last digits look replaced by zeros"),
    (65230119850101001, "The ID number “6.52301E+16” was turned into a number by Excel"),
    (number(1)[:17], "The ID number has only 17 digits"),
    ("", "The ID number is empty."),
])
def test_bad_id_number_refuses_its_row_while_good_rows_are_written(world, id_cell, reason):
    results = WORKERS.process(context(world), rows(cells(1, id_number=id_cell), cells(3)))
    assert outcomes(results) == [Outcome.REFUSED, Outcome.CREATED]
    assert results[0].reasons[0].startswith(reason)
    assert worker_of(3).name == "学员3"


def test_full_width_digits_and_spaces_are_normalised(world):
    wide = " ".join(number(1)[i:i + 6] for i in range(0, 18, 6)).translate(
        {ord(d): ord(d) + 0xFEE0 for d in "0123456789"})
    results = WORKERS.process(context(world), rows(
        cells(1, id_number=wide, name="王\u3000小明 ", phone="１３９ ０００ ０００ ０１"),
        cells(1, name="王 小明", phone="13900000001"),
    ))
    assert outcomes(results) == [Outcome.CREATED, Outcome.DUPLICATE]
    worker = worker_of(1)
    assert (worker.name, worker.phone) == ("王 小明", "13900000001")


def test_fifteen_digit_id_number_is_converted(world):
    fifteen = number(1)[:6] + number(1)[8:17]
    (result,) = WORKERS.process(context(world), rows(cells(1, id_number=int(fifteen))))
    assert result.outcome == Outcome.CREATED
    assert worker_of(1).id_number == number(1)


def test_lower_case_x_is_the_same_person(world):
    n = next(n for n in range(1, 200) if number(n).endswith("X"))
    results = WORKERS.process(context(world), rows(
        cells(n, id_number=number(n).lower()), cells(n)))
    assert outcomes(results) == [Outcome.CREATED, Outcome.DUPLICATE]
    assert Worker.objects.filter(id_number_hash=idnumber.lookup_hash(number(n))).count() == 1


@pytest.mark.parametrize("gender", ["男", "M", "male", "男性"])
def test_gender_that_agrees_with_the_id_number_is_accepted(world, gender):
    (result,) = WORKERS.process(context(world), rows(cells(1, gender=gender)))
    assert result.outcome == Outcome.CREATED


def test_gender_that_contradicts_the_id_number_is_refused_naming_both(world):
    results = WORKERS.process(context(world), rows(cells(1, gender="女"), cells(2, gender="F"),
                                                   cells(3, gender="未知")))
    assert outcomes(results) == [Outcome.REFUSED, Outcome.CREATED, Outcome.REFUSED]
    assert results[0].reasons == (
        "The gender (female) does not match the ID number, which is a male's: check both.",)
    assert results[2].reasons[0].startswith("Gender “未知” is not one of: ")


@pytest.mark.parametrize(("word", "level"), [
    ("文盲", Education.NONE), ("无", Education.NONE), ("小学", Education.PRIMARY),
    ("初中", Education.JUNIOR), ("高中", Education.SENIOR), ("中专", Education.SENIOR),
    ("职高", Education.SENIOR), ("技校", Education.SENIOR), ("大专", Education.COLLEGE),
    ("本科", Education.COLLEGE), ("研究生", Education.COLLEGE),
    ("高中/中职", Education.SENIOR), ("大专及以上", Education.COLLEGE),
    ("primary school", Education.PRIMARY), ("College or above", Education.COLLEGE),
])
def test_education_is_read_from_its_usual_words_and_labels(world, word, level):
    WORKERS.process(context(world), rows(cells(1, education=word)))
    assert worker_of(1).education == level


def test_empty_education_keeps_the_stored_level(world):
    WORKERS.process(context(world), rows(cells(1, education="本科")))
    (result,) = WORKERS.process(context(world), rows(cells(1, education=None)))
    assert result.outcome == Outcome.UNCHANGED
    assert worker_of(1).education == Education.COLLEGE


def test_unknown_township_target_group_and_education_are_refused_by_name(world, township,
                                                                         groups):
    (result,) = WORKERS.process(context(world), rows(
        cells(1, township="六工镇", target_groups="退役军人，低保户", education="幼儿园"),
    ))
    assert result.outcome == Outcome.REFUSED
    assert result.reasons[0] == (
        "Township “六工镇” is not a township of 昌吉市; its townships are: 三工镇.")
    assert result.reasons[1].startswith("Education “幼儿园” is not one of: ")
    assert "初中" in result.reasons[1]
    assert result.reasons[2] == (
        "Target group “低保户” is unknown; the known ones are: 农村转移就业劳动者、退役军人.")


def test_township_is_looked_up_within_the_rows_county(world, township):
    (result,) = WORKERS.process(context(world), rows(cells(1, county="阜康市", township="三工镇")))
    assert result.reasons == (
        "Township “三工镇” is not a township of 阜康市; its townships are: —.",)


@pytest.mark.parametrize(("field", "value", "reason"), [
    ("available_from", "明年", "Available from “明年” is not a date"),
    ("expected_wage", "面议", "Expected monthly wage (yuan) must be a whole number"),
    ("consent_recommend", "也许", "Agrees to be recommended must be 是 or 否"),
    ("phone", "1390000", "The mobile phone number must have 11 digits and start with 1."),
    ("name", " ", "The worker's name is empty."),
])
def test_bad_cells_are_refused_with_the_reason(world, field, value, reason):
    (result,) = WORKERS.process(context(world), rows(cells(1, **{field: value})))
    assert result.outcome == Outcome.REFUSED
    assert result.reasons[0].startswith(reason)


def test_repeated_rows_in_one_chunk_are_duplicates_or_refused(world):
    results = WORKERS.process(context(world), rows(
        cells(1, phone="13900000001"), cells(1, phone="13900000001"),
        cells(1, phone="13900000009"), cells(3),
    ))
    assert outcomes(results) == [Outcome.CREATED, Outcome.DUPLICATE, Outcome.REFUSED,
                                 Outcome.CREATED]
    assert results[1].reasons == ("The same as row 3.",)
    assert results[2].reasons == (
        f"The worker with ID number {idnumber.mask(number(1))} is already on row 3 with "
        "different details: keep one of the two rows.",)
    assert worker_of(1).phone == "13900000001"


def test_repeated_rows_across_chunks_are_duplicates_or_refused(world):
    ctx = context(world)
    WORKERS.process(ctx, rows(cells(1, phone="13900000001"), cells(3)))
    results = WORKERS.process(ctx, rows(cells(1, phone="13900000001"),
                                        cells(3, phone="13900000003"), first=1003))
    assert outcomes(results) == [Outcome.DUPLICATE, Outcome.REFUSED]
    assert results[0].reasons == ("The same as row 3.",)
    assert results[1].reasons == (
        f"The worker with ID number {idnumber.mask(number(3))} is already on row 4 with "
        "different details: keep one of the two rows.",)
    assert worker_of(3).phone == ""


def test_repeat_of_a_refused_row_is_judged_afresh(world):
    ctx = context(world)
    results = WORKERS.process(ctx, rows(cells(1, phone="123"), cells(1, phone="13900000001"),
                                        cells(1, phone="13900000001")))
    assert outcomes(results) == [Outcome.REFUSED, Outcome.CREATED, Outcome.DUPLICATE]
    assert results[2].reasons == ("The same as row 4.",)


def test_run_state_keeps_only_a_row_number_and_a_fingerprint_per_person(world):
    ctx = context(world)
    WORKERS.process(ctx, rows(cells(1), cells(3)))
    seen = ctx.state["workers.seen"]._first
    assert set(seen) == {idnumber.lookup_hash(number(1)), idnumber.lookup_hash(number(3))}
    assert all(isinstance(row, int) and isinstance(said, int) for row, said in seen.values())


def test_reasons_are_plain_sentences(world):
    (result,) = WORKERS.process(context(world), rows(
        cells(1, id_number="12345", township="六工镇", expected_wage="很多")))
    assert result.reasons and all(isinstance(r, str) and "[" not in r for r in result.reasons)


def test_audit_rows_of_an_import_hold_the_masked_id_number_only(world):
    WORKERS.process(context(world), rows(cells(1)))
    WORKERS.process(context(world), rows(cells(1, phone="13900000001")))
    worker = worker_of(1)
    entries = AuditEntry.objects.filter(object_pk=worker.pk, action__startswith="worker.")
    assert sorted(e.action for e in entries) == ["worker.register", "worker.update"]
    for entry in entries:
        assert number(1) not in str(entry.before) + str(entry.after)
        assert entry.actor == world.users["bureau"]
    assert entries.get(action="worker.register").after["id_number_masked"] == (
        idnumber.mask(number(1)))


def _page_fields(worker: Worker) -> tuple:
    return (worker.name, worker.birth_date, worker.gender, worker.phone, worker.region_id,
            worker.township_id, worker.village, worker.education, worker.consent_recommend,
            worker.expected_wage, worker.available_from,
            sorted(worker.target_groups.values_list("pk", flat=True)))


def test_page_registration_and_import_give_identical_records(world, client_for, township,
                                                             groups):
    client = client_for(world.users["county_a"])
    response = client.post(reverse("people:worker_create"), {
        "name": "王小明", "id_number": number(1), "phone": "13900000001",
        "region": world.county_a.pk, "township": township.pk, "village": "三工村",
        "education": Education.SENIOR, "target_groups": [groups[0].pk],
        "consent_recommend": "on", "expected_wage": "5000", "available_from": "2026-04-01",
    })
    assert response.status_code == 302
    imported = {"name": "王小明", "phone": "13900000001", "county": "昌吉市",
                "township": "三工镇", "village": "三工村", "education": "高中",
                "target_groups": "农村转移就业劳动者", "consent_recommend": "是",
                "expected_wage": 5000, "available_from": "2026-04-01"}
    audits = AuditEntry.objects.count()
    results = WORKERS.process(context(world, "county_a"), rows(
        {**imported, "id_number": number(1)}, {**imported, "id_number": number(3)}))
    assert outcomes(results) == [Outcome.UNCHANGED, Outcome.CREATED]
    assert AuditEntry.objects.count() == audits + 1
    by_page, by_import = worker_of(1), worker_of(3)
    assert _page_fields(by_page) == _page_fields(by_import)


def test_import_then_page_registration_of_the_same_person_changes_nothing(world, township):
    WORKERS.process(context(world, "county_a"), rows(
        cells(1, name="王小明", phone="13900000001", township="三工镇", education="初中")))
    audits = AuditEntry.objects.count()
    worker = worker_register(actor=world.users["county_a"], name="王小明", id_number=number(1),
                             region=world.county_a, phone="13900000001", township=township)
    assert worker.pk == worker_of(1).pk
    assert AuditEntry.objects.count() == audits
