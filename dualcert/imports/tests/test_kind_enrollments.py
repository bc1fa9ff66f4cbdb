from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dualcert.catalog.models import CertificateType, Education, Region, TargetGroup
from dualcert.core.models import AuditEntry
from dualcert.imports.kinds.base import RunContext
from dualcert.imports.kinds.enrollments import ENROLLMENTS
from dualcert.imports.services import (
    import_batch_configure,
    import_batch_run_here,
    import_batch_upload,
)
from dualcert.imports.tests.kindrun import outcomes, reasons, run_kind
from dualcert.people import idnumber
from dualcert.people.models import Worker
from dualcert.training.models import Enrollment
from dualcert.training.tests.builders import TODAY, enroll, project, set_status
from tests.factories import RegionFactory
from tests.sheets import write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _morning_of_today(time_machine):
    time_machine.move_to(datetime(TODAY.year, TODAY.month, TODAY.day, 9, 30,
                                  tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)


@pytest.fixture
def enrolling(world):
    """A project of world.inst_1 in county A, enrolling, starting 2026-03-09."""
    return project(world, "enrolling")


@pytest.fixture
def township(world):
    return RegionFactory(code="652301100", name="宁边路街道", level=Region.Level.TOWNSHIP,
                         parent=world.county_a)


@pytest.fixture
def poverty():
    return TargetGroup.objects.create(code="poverty", name="脱贫劳动力")


def _number(n, born=date(1990, 5, 5), region="652301"):
    return idnumber.generate(region, born, n)


def _row(n, **cells):
    return {"name": f"学员{n}", "id_number": _number(n), "phone": f"1390000{n:04d}",
            "education": "初中", "wage_before": "2500", **cells}


def _run(world, subject, rows, actor="inst_1", **options):
    return run_kind(ENROLLMENTS, world.users[actor], subject, rows, **options)


def _worker(n):
    return Worker.objects.filter(id_number_hash=idnumber.lookup_hash(_number(n))).first()


def test_new_workers_are_registered_and_apply(world, enrolling, township, poverty):
    rows = [_row(1, township="宁边路街道", village="三工村", target_groups="脱贫劳动力"),
            _row(2, county="昌吉市", education="高中", wage_before="3,000元"),
            _row(3, gender="男", expected_wage=5000, available_from="2026/5/1")]
    results = _run(world, enrolling, rows)
    assert outcomes(results) == ["created"] * 3
    enrollments = Enrollment.objects.filter(project=enrolling).select_related("worker")
    assert sorted((e.worker.name, e.status, e.wage_before) for e in enrollments) == [
        ("学员1", "applied", 2500), ("学员2", "applied", 3000), ("学员3", "applied", 2500)]
    first, second, third = _worker(1), _worker(2), _worker(3)
    assert (first.region, first.township, first.village) == (world.county_a, township, "三工村")
    assert list(first.target_groups.all()) == [poverty]
    assert second.education == Education.SENIOR
    assert (third.expected_wage, third.available_from) == (5000, date(2026, 5, 1))
    assert AuditEntry.objects.filter(action="worker.register").count() == 3
    assert AuditEntry.objects.filter(action="enrollment.apply").count() == 3


def test_a_registered_worker_applies_and_keeps_their_county(world, enrolling):
    worker = world.worker_2  # registered in county B
    row = {"name": worker.name, "id_number": worker.id_number, "wage_before": None}
    results = _run(world, enrolling, [row], actor="bureau")
    assert outcomes(results) == ["created"]
    worker.refresh_from_db()
    assert worker.region == world.county_b
    assert Enrollment.objects.get(project=enrolling).worker == worker
    assert not AuditEntry.objects.filter(action="worker.update").exists()


def test_importing_the_same_file_again_changes_nothing(world, enrolling, township):
    rows = [_row(n, township="宁边路街道", village="三工村") for n in range(1, 4)]
    _run(world, enrolling, rows)
    stamps = dict(Worker.objects.values_list("pk", "updated_at"))
    audited = AuditEntry.objects.count()
    again = _run(world, enrolling, rows)
    assert outcomes(again) == ["unchanged"] * 3
    assert dict(Worker.objects.values_list("pk", "updated_at")) == stamps
    assert AuditEntry.objects.count() == audited
    assert Enrollment.objects.filter(project=enrolling).count() == 3


def test_changed_details_of_a_worker_in_the_project_are_updated(world, enrolling):
    _run(world, enrolling, [_row(1), _row(2)])
    results = _run(world, enrolling, [_row(1, phone="13911112222"), _row(2)])
    assert outcomes(results) == ["updated", "unchanged"]
    assert _worker(1).phone == "13911112222"
    assert AuditEntry.objects.filter(action="worker.update").count() == 1
    assert Enrollment.objects.filter(project=enrolling).count() == 2


def test_a_worker_with_any_enrollment_in_the_project_does_not_apply_again(world, enrolling):
    dropped = enroll(enrolling, world.worker_1, status="dropped")
    row = {"name": world.worker_1.name, "id_number": world.worker_1.id_number}
    assert outcomes(_run(world, enrolling, [row])) == ["unchanged"]
    assert list(Enrollment.objects.filter(project=enrolling)) == [dropped]


def test_a_different_wage_for_a_worker_in_the_project_is_refused(world, enrolling):
    _run(world, enrolling, [_row(1)])
    results = _run(world, enrolling, [_row(1, wage_before=2800, phone="13911112222")])
    assert outcomes(results) == ["refused"]
    assert reasons(results) == ("This worker is already in the project with a wage before "
                                "training of 2500; an import does not change the wage of an "
                                "existing enrollment.")
    assert _worker(1).phone == "13900000001"


def test_an_ineligible_worker_is_refused_with_every_reason_and_not_left_registered(
        world, enrolling):
    permit = enrolling.pathway.permit
    CertificateType.objects.filter(pk=permit.pk).update(education_required=Education.SENIOR)
    permit.refresh_from_db()
    young = _row(1, id_number=_number(1, born=date(2009, 1, 1)))
    results = _run(world, enrolling, [young, _row(2, education="大专")])
    assert outcomes(results) == ["refused", "created"]
    assert reasons(results) == (
        f"Aged 17 on 2026-03-09, below the minimum age of 18 for {permit.name}. | "
        f"Education “junior middle school” is below the “senior middle school / vocational” "
        f"that {permit.name} requires.")
    assert _worker(1) is None
    assert not AuditEntry.objects.filter(action="worker.register",
                                         after__name="学员1").exists()
    assert Enrollment.objects.filter(project=enrolling).count() == 1


def test_a_new_worker_without_education_is_refused_when_the_certificates_require_some(
        world, enrolling):
    permit = enrolling.pathway.permit
    CertificateType.objects.filter(pk=permit.pk).update(education_required=Education.PRIMARY)
    permit.refresh_from_db()
    results = _run(world, enrolling, [_row(1, education=None),
                                      {"name": world.worker_1.name,
                                       "id_number": world.worker_1.id_number}])
    assert outcomes(results) == ["refused", "created"]
    assert reasons(results) == ("Education is empty, and this project's certificates require "
                                "“primary school”: enter the worker's education.")
    assert _worker(1) is None


def test_education_may_be_left_out_when_no_certificate_requires_it(world, enrolling):
    assert outcomes(_run(world, enrolling, [_row(1, education="")])) == ["created"]
    assert _worker(1).education == Education.JUNIOR


def test_the_same_person_twice_is_a_duplicate_or_refused_naming_the_first_row(
        world, enrolling):
    results = _run(world, enrolling, [_row(1), _row(1, wage_before=2500),
                                      _row(1, phone="13911112222")], chunk_size=2)
    assert outcomes(results) == ["created", "duplicate", "refused"]
    assert reasons(results, 4) == (f"The worker with ID number {idnumber.mask(_number(1))} is "
                                   "already on row 2 with different details: keep one of the "
                                   "two rows.")
    assert _worker(1).phone == "13900000001"


def test_a_refused_first_row_lets_a_later_row_of_that_person_be_judged_afresh(
        world, enrolling):
    results = _run(world, enrolling, [_row(1, phone="12345"), _row(1)])
    assert outcomes(results) == ["refused", "created"]


@pytest.mark.parametrize(("cells", "expected"), [
    ({"id_number": _number(1)[:-1] + ("0" if _number(1)[-1] != "0" else "1")},
     "The ID number's check digit is wrong"),
    ({"id_number": 6.52301199005e17}, "was turned into a number by Excel"),
    ({"county": "乌鲁木齐市"}, "“乌鲁木齐市” is not a county"),
    ({"wage_before": "面议"}, "Monthly wage before training (yuan) must be a whole number"),
    ({"wage_before": "-100"}, "must be from 0 to"),
    ({"gender": "女"}, "does not match the ID number"),
    ({"phone": "12345"}, "The mobile phone number must have 11 digits"),
    ({"name": " "}, "name is empty"),
])
def test_bad_cells_are_refused_with_their_reason(world, enrolling, cells, expected):
    results = _run(world, enrolling, [_row(1, **cells)])
    assert outcomes(results) == ["refused"]
    assert expected in reasons(results)
    assert not Enrollment.objects.exists()
    assert _worker(1) is None


@pytest.mark.parametrize("status", ["draft", "approved", "training", "assessing", "closed"])
def test_enrollments_are_imported_only_while_the_project_enrolls(world, enrolling, status):
    set_status(enrolling, status)
    with pytest.raises(ValidationError, match="only while the project is enrolling"):
        ENROLLMENTS.check(RunContext(actor=world.users["inst_1"], project=enrolling))


@pytest.mark.parametrize("role", ["inst_2", "county_b", "dept_1", "eval_1", "employer_1",
                                  "worker_1", "outsider"])
def test_enrollment_import_refused_outside_the_project(world, enrolling, role):
    with pytest.raises(PermissionDenied):
        ENROLLMENTS.check(RunContext(actor=world.users[role], project=enrolling))


@pytest.mark.parametrize("role", ["inst_1", "county_a", "bureau"])
def test_project_staff_import_enrollments(world, enrolling, role):
    assert outcomes(_run(world, enrolling, [_row(1)], actor=role)) == ["created"]


def _queries(world, enrolling, first, count, django_assert_max_num_queries, per_row):
    rows = [_row(n) for n in range(first, first + count)]
    with django_assert_max_num_queries(20 + count * per_row) as written:
        assert set(outcomes(_run(world, enrolling, rows))) == {"created"}
    with django_assert_max_num_queries(20 + count * per_row) as again:
        assert set(outcomes(_run(world, enrolling, rows))) == {"unchanged"}
    return len(written.captured_queries), len(again.captured_queries)


# A new application costs a fixed number of queries a row (about 20): the roster
# registration (lookup, writable check, target groups, insert, audit, the match index's
# delete and insert) and enrollment_apply's own (project lock, the registration again, which
# finds nothing to change, eligibility, insert, audit, the match index again), in
# savepoints. A row of a worker already in the project costs the registration's lookups
# only (5, savepoint included). Reading rows costs nothing a row.
QUERIES_PER_NEW_ROW = 20
QUERIES_PER_KNOWN_ROW = 5


def test_queries_grow_only_by_a_fixed_cost_a_row(world, enrolling,
                                                 django_assert_max_num_queries):
    written_10, again_10 = _queries(world, enrolling, 1, 10, django_assert_max_num_queries,
                                    QUERIES_PER_NEW_ROW)
    written_50, again_50 = _queries(world, enrolling, 100, 50, django_assert_max_num_queries,
                                    QUERIES_PER_NEW_ROW)
    assert written_50 - written_10 <= 40 * QUERIES_PER_NEW_ROW
    assert again_50 - again_10 <= 40 * QUERIES_PER_KNOWN_ROW


def test_an_enrollment_roster_is_imported_through_the_engine(world, enrolling, tmp_path,
                                                             settings):
    settings.IMPORT_DIR = tmp_path / "imports"
    sheet = write_csv(tmp_path / "roster.csv", [
        ["2026年电工班报名花名册"],
        ["序号", "姓名", "身份证号", "手机号码", "文化程度", "培训前月工资(元)"],
        ["1", "学员1", _number(1), "13900000001", "初中", "2500"],
        ["2", "学员2", _number(2, born=date(2009, 1, 1)), "13900000002", "初中", "0"],
        ["3", "学员3", _number(3), "13900000003", "高中", ""],
    ], encoding="gb18030")
    user = world.users["inst_1"]
    with sheet.open("rb") as upload:
        batch = import_batch_upload(actor=user, kind="enrollments", upload=upload,
                                    file_name="报名.csv", project=enrolling)
    assert batch.mapping == {"1": "name", "2": "id_number", "3": "phone", "4": "education",
                             "5": "wage_before"}
    batch = import_batch_configure(actor=user, batch=batch, mapping=batch.mapping,
                                   mode="keep-good", dry_run=False)
    report = import_batch_run_here(actor=user, batch=batch)
    assert report is not None
    assert (report.figures()["created"], report.refused) == (2, 1)
    assert sorted(Enrollment.objects.filter(project=enrolling)
                  .values_list("worker__name", flat=True)) == ["学员1", "学员3"]
    assert _worker(2) is None
