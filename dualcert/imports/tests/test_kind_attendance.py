from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dualcert.core.models import AuditEntry
from dualcert.imports.kinds.attendance import ATTENDANCE, SESSION_KEY, session_header
from dualcert.imports.kinds.base import RunContext
from dualcert.imports.services import import_batch_run_here, import_batch_upload
from dualcert.imports.tests.kindrun import outcomes, reasons, rows_of, run_kind
from dualcert.training.models import Attendance, Enrollment, Session
from dualcert.training.services import attendance_record
from dualcert.training.tests.builders import START, days, enroll, project, set_status
from tests.factories import WorkerFactory
from tests.sheets import write_csv

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 20, 18, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _evening_of_march_20(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def running(world):
    """In training: sessions on 3-09 (4 h) and 3-10 (6 h) held, one on 3-25 to come; three
    workers enrolled."""
    subject = project(world, "training")
    subject.first = Session.objects.create(project=subject, day=START, topic="安全用电", hours=4)
    subject.second = Session.objects.create(project=subject, day=START + days(1),
                                            topic="电工基础", hours=6)
    subject.later = Session.objects.create(project=subject, day=date(2026, 3, 25),
                                           topic="实操考核", hours=4)
    subject.people = [enroll(subject) for _ in range(3)]
    return subject


def _long(enrollment, day, present="√", **extra):
    worker = enrollment.worker
    return {"name": worker.name, "id_number": worker.id_number, "day": day,
            "present": present, **extra}


def _wide(enrollment, marks):
    worker = enrollment.worker
    return {"name": worker.name, "id_number": worker.id_number,
            **{SESSION_KEY + str(s.public_id): mark for s, mark in marks.items()}}


def _run(world, subject, rows, actor="inst_1", **options):
    return run_kind(ATTENDANCE, world.users[actor], subject, rows, **options)


def _marks(subject):
    return {(a.session_id, a.enrollment_id): a.present
            for a in Attendance.objects.filter(session__project=subject)}


def _hours(subject):
    return [Enrollment.objects.get(pk=e.pk).attended_hours for e in subject.people]


def test_long_sheet_marks_each_worker_at_each_session_and_sums_hours(world, running):
    a, b, c = running.people
    rows = [_long(a, "2026-03-09"), _long(b, "2026/3/9", "×"), _long(c, START, "是"),
            _long(a, "2026年3月10日", "到"), _long(b, "20260310", "0")]
    results = _run(world, running, rows)
    assert outcomes(results) == ["created"] * 5
    assert _marks(running) == {
        (running.first.pk, a.pk): True, (running.first.pk, b.pk): False,
        (running.first.pk, c.pk): True, (running.second.pk, a.pk): True,
        (running.second.pk, b.pk): False,
    }
    assert _hours(running) == [10, 0, 4]
    assert AuditEntry.objects.filter(action="attendance.mark").count() == 2


def test_importing_the_same_sheet_again_changes_nothing(world, running):
    a, b, _c = running.people
    rows = [_long(a, "2026-03-09"), _long(b, "2026-03-09", "×"), _long(a, "2026-03-10")]
    _run(world, running, rows)
    stamps = dict(Attendance.objects.values_list("pk", "updated_at"))
    audited = AuditEntry.objects.count()
    assert outcomes(_run(world, running, rows)) == ["unchanged"] * 3
    assert dict(Attendance.objects.values_list("pk", "updated_at")) == stamps
    assert AuditEntry.objects.count() == audited


def test_a_changed_mark_is_updated_and_other_workers_keep_theirs(world, running):
    a, b, c = running.people
    attendance_record(actor=world.users["inst_1"], session=running.first,
                      present_enrollment_ids={a.pk, b.pk, c.pk})
    results = _run(world, running, [_long(a, "2026-03-09"), _long(b, "2026-03-09", "缺")])
    assert outcomes(results) == ["unchanged", "updated"]
    assert _marks(running) == {(running.first.pk, a.pk): True, (running.first.pk, b.pk): False,
                               (running.first.pk, c.pk): True}
    assert _hours(running) == [4, 0, 4]


def test_topic_chooses_between_sessions_of_one_day(world, running):
    a = running.people[0]
    practice = Session.objects.create(project=running, day=START, topic="安全用电实操", hours=2)
    results = _run(world, running, [
        _long(a, "2026-03-09"),
        _long(a, "2026-03-09", topic="安全用电实操"),
        _long(a, "2026-03-09", topic="安全 用电"),
        _long(a, "2026-03-09", topic="实操"),
        _long(a, "2026-03-09", topic="焊接"),
    ])
    assert outcomes(results) == ["refused", "created", "created", "duplicate", "refused"]
    assert reasons(results, 2) == (
        "This project has 2 sessions on 2026-03-09 (安全用电、安全用电实操): give the topic in "
        "full to say which one.")
    assert reasons(results, 6) == ("No session of this project on 2026-03-09 has the topic "
                                   "“焊接” (that day: 安全用电、安全用电实操).")
    assert _marks(running) == {(running.first.pk, a.pk): True, (practice.pk, a.pk): True}


def test_session_of_another_project_or_no_session_that_day_is_refused(world, running):
    elsewhere = project(world, "training")
    Session.objects.create(project=elsewhere, day=date(2026, 3, 11), topic="别的课", hours=4)
    results = _run(world, running, [_long(running.people[0], "2026-03-11")])
    assert outcomes(results) == ["refused"]
    assert reasons(results) == "This project has no session on 2026-03-11."
    assert not Attendance.objects.exists()


def test_a_session_still_to_come_is_refused(world, running):
    results = _run(world, running, [_long(running.people[0], "2026-03-25")])
    assert reasons(results) == "The session on 2026-03-25 has not taken place yet."


@pytest.mark.parametrize(("cells", "expected"), [
    ({"present": None}, "Say whether the worker was present: √ or ×, 是 or 否, 1 or 0."),
    ({"present": "迟到"}, "Present must be 是 or 否 (not “迟到”)."),
    ({"day": None}, "Enter the date of the session."),
    ({"day": "下周一"}, "Session date “下周一” is not a date"),
    ({"name": "别人"}, "The name “别人” is not the name registered for the ID number"),
    ({"id_number": 6.52301199001e17}, "was turned into a number by Excel"),
])
def test_unreadable_cells_are_refused_with_their_reason(world, running, cells, expected):
    row = {**_long(running.people[0], "2026-03-09"), **cells}
    results = _run(world, running, [row])
    assert outcomes(results) == ["refused"]
    assert expected in reasons(results)


def test_worker_not_enrolled_is_refused_with_the_masked_number_only(world, running):
    stranger = WorkerFactory(region=world.county_a)
    dropped = enroll(running, status="dropped")
    results = _run(world, running, [
        {"name": stranger.name, "id_number": stranger.id_number, "day": "2026-03-09",
         "present": "√"},
        _long(dropped, "2026-03-09"),
    ])
    assert outcomes(results) == ["refused", "refused"]
    assert reasons(results, 2) == (f"The worker with ID number {stranger.id_number_masked} is "
                                   "not enrolled in this project.")
    assert stranger.id_number not in reasons(results, 2)
    assert reasons(results, 3).endswith("(their enrollment is “dropped”).")


def test_the_same_mark_twice_is_a_duplicate_and_a_contradiction_is_refused(world, running):
    a = running.people[0]
    results = _run(world, running, [_long(a, "2026-03-09"), _long(a, "2026/3/9", "1"),
                                    _long(a, "2026-03-09", "×")], chunk_size=2)
    assert outcomes(results) == ["created", "duplicate", "refused"]
    assert reasons(results, 4) == (f"The worker with ID number {a.worker.id_number_masked} is "
                                   "already on row 2 with different details: keep one of the "
                                   "two rows.")
    assert _marks(running) == {(running.first.pk, a.pk): True}


def test_refused_rows_leave_nothing_and_good_rows_are_kept(world, running):
    a, b, _c = running.people
    results = _run(world, running, [_long(a, "2026-03-09"), _long(b, "2026-03-25")])
    assert outcomes(results) == ["created", "refused"]
    assert _marks(running) == {(running.first.pk, a.pk): True}


def test_rows_that_would_change_are_refused_if_the_project_moves_on_meanwhile(world, running):
    a, b, c = running.people
    attendance_record(actor=world.users["inst_1"], session=running.first,
                      present_enrollment_ids={a.pk})
    context = RunContext(actor=world.users["inst_1"], project=running)
    ATTENDANCE.check(context)
    said = ATTENDANCE.process(context, rows_of([_long(a, "2026-03-09"),
                                                _long(b, "2026-03-09")]))
    assert [r.outcome.value for r in said] == ["unchanged", "updated"]
    set_status(running, "assessing")
    late = ATTENDANCE.finish(context)
    assert [(r.number, r.outcome.value) for r in late] == [(3, "refused")]
    assert "only while the project is in training" in late[0].reasons[0]
    assert _marks(running) == {(running.first.pk, a.pk): True, (running.first.pk, b.pk): False,
                               (running.first.pk, c.pk): False}


@pytest.mark.parametrize("status", ["approved", "enrolling", "assessing", "closed"])
def test_attendance_is_imported_only_while_training(world, running, status):
    set_status(running, status)
    with pytest.raises(ValidationError, match="only while the project is in training"):
        ATTENDANCE.check(RunContext(actor=world.users["inst_1"], project=running))


@pytest.mark.parametrize("role", ["inst_2", "county_b", "dept_1", "eval_1", "worker_1",
                                  "outsider"])
def test_attendance_import_refused_outside_the_project(world, running, role):
    with pytest.raises(PermissionDenied):
        ATTENDANCE.check(RunContext(actor=world.users[role], project=running))


@pytest.mark.parametrize("role", ["inst_1", "county_a", "bureau"])
def test_project_staff_import_attendance(world, running, role):
    results = _run(world, running, [_long(running.people[0], "2026-03-09")], actor=role)
    assert outcomes(results) == ["created"]


@pytest.mark.parametrize(("header", "expected"), [
    ("2026-03-09", (2026, 3, 9, "")), ("2026-03-09 00:00", (2026, 3, 9, "")),
    ("2026/3/9", (2026, 3, 9, "")), ("2026年3月9日", (2026, 3, 9, "")),
    ("20260309", (2026, 3, 9, "")), ("3月9日", (None, 3, 9, "")), ("3/9", (None, 3, 9, "")),
    ("３月９日（安全用电）", (None, 3, 9, "安全用电")), ("2026-03-09 实操", (2026, 3, 9, "实操")),
    ("姓名", None), ("2026-02-30", None), ("13/40", None), ("备注", None),
])
def test_session_headers_are_read_with_or_without_year_and_topic(header, expected):
    named = session_header(header)
    assert (None if named is None else (named.year, named.month, named.day, named.topic)
            ) == expected


def test_wide_sheet_columns_are_matched_to_sessions(world, running):
    Session.objects.create(project=running, day=date(2026, 3, 12), topic="理论", hours=2)
    Session.objects.create(project=running, day=date(2026, 3, 12), topic="实操", hours=2)
    twelfth_practice = Session.objects.get(project=running, topic="实操")
    headers = ["序号", "姓名", "身份证号", "2026-03-09", "3月10日", "3月12日", "3月12日 实操",
               "2026-03-11", "3月25日", "3/9", "备注"]
    mapping = ATTENDANCE.dynamic_fields(headers, running)
    assert mapping == {
        3: SESSION_KEY + str(running.first.public_id),
        4: SESSION_KEY + str(running.second.public_id),
        6: SESSION_KEY + str(twelfth_practice.public_id),
        8: SESSION_KEY + str(running.later.public_id),
    }
    choices = dict(ATTENDANCE.extra_choices(running))
    assert set(mapping.values()) <= set(choices)
    assert choices[mapping[3]] == "Attendance on 2026-03-09 · 安全用电"


def test_wide_sheet_marks_every_session_column(world, running):
    a, b, c = running.people
    first, second, later = running.first, running.second, running.later
    results = _run(world, running, [
        _wide(a, {first: "√", second: "到", later: None}),
        _wide(b, {first: "×", second: None, later: None}),
        _wide(c, {first: 1, second: "缺", later: None}),
    ])
    assert outcomes(results) == ["created"] * 3
    assert _marks(running) == {
        (first.pk, a.pk): True, (second.pk, a.pk): True, (first.pk, b.pk): False,
        (second.pk, b.pk): False, (first.pk, c.pk): True, (second.pk, c.pk): False,
    }
    assert _hours(running) == [10, 0, 4]
    again = _run(world, running, [_wide(a, {first: "√", second: "×", later: None}),
                                  _wide(b, {first: "0", second: "", later: None})])
    assert outcomes(again) == ["updated", "unchanged"]
    assert _hours(running) == [4, 0, 4]


def test_wide_sheet_refuses_a_mark_for_a_session_to_come_or_an_unknown_word(world, running):
    a, b = running.people[:2]
    results = _run(world, running, [
        _wide(a, {running.first: "√", running.later: "√"}),
        _wide(b, {running.first: "请假", running.later: None}),
    ])
    assert outcomes(results) == ["refused", "refused"]
    assert reasons(results, 2) == "The session on 2026-03-25 has not taken place yet."
    assert reasons(results, 3) == ("Attendance on 2026-03-09 · 安全用电 must be 是 or 否 "
                                   "(not “请假”).")
    assert not Attendance.objects.exists()


def test_wide_sheet_refuses_a_column_of_another_projects_session(world, running):
    elsewhere = project(world, "training")
    foreign = Session.objects.create(project=elsewhere, day=START, topic="别的课", hours=4)
    results = _run(world, running, [_wide(running.people[0], {running.first: "√",
                                                                foreign: "√"})])
    assert reasons(results) == ("A column is mapped to a session that is not one of this "
                                "project's.")
    assert not Attendance.objects.exists()


def test_a_sheet_with_both_shapes_is_refused_row_by_row(world, running):
    enrollment = running.people[0]
    row = {**_long(enrollment, "2026-03-09"), **_wide(enrollment, {running.second: "√"})}
    assert reasons(_run(world, running, [row])) == (
        "The sheet has both a date column and columns headed by session dates: import one "
        "shape at a time.")


def test_a_sheet_without_dates_is_refused_row_by_row(world, running):
    worker = running.people[0].worker
    results = _run(world, running, [{"name": worker.name, "id_number": worker.id_number}])
    assert reasons(results) == ("The sheet has neither a session date column nor columns headed "
                                "by the dates of the project's sessions.")


def _chunk_queries(world, running, count, django_assert_max_num_queries):
    people = [enroll(running) for _ in range(count)]
    rows = [_long(e, "2026-03-09") for e in people] + [_long(e, "2026-03-10", "×")
                                                       for e in people]
    user = world.users["inst_1"]
    with django_assert_max_num_queries(30) as captured:
        results = run_kind(ATTENDANCE, user, running, rows)
    assert set(outcomes(results)) == {"created"}
    return len(captured.captured_queries)


def test_queries_of_a_chunk_do_not_grow_with_its_rows(world, running,
                                                      django_assert_max_num_queries):
    few = _chunk_queries(world, running, 5, django_assert_max_num_queries)
    Attendance.objects.all().delete()
    many = _chunk_queries(world, running, 25, django_assert_max_num_queries)
    assert many <= few


def test_a_wide_csv_sheet_is_mapped_and_imported_through_the_engine(world, running, tmp_path,
                                                                     settings):
    settings.IMPORT_DIR = tmp_path / "imports"
    a, b, _c = running.people
    sheet = write_csv(tmp_path / "sheet.csv", [
        ["电工班考勤表"],
        ["序号", "姓名", "身份证号", "3月9日", "3月10日", "3月25日"],
        ["1", a.worker.name, a.worker.id_number, "√", "√", ""],
        ["2", b.worker.name, b.worker.id_number, "√", "×", ""],
    ], encoding="gb18030")
    user = world.users["inst_1"]
    with sheet.open("rb") as upload:
        batch = import_batch_upload(actor=user, kind="attendance", upload=upload,
                                    file_name="考勤.csv", project=running)
    assert batch.mapping == {
        "1": "name", "2": "id_number", "3": SESSION_KEY + str(running.first.public_id),
        "4": SESSION_KEY + str(running.second.public_id),
        "5": SESSION_KEY + str(running.later.public_id),
    }
    report = import_batch_run_here(actor=user, batch=batch)
    assert report is not None and report.figures()["created"] == 2 and report.written
    assert _marks(running) == {
        (running.first.pk, a.pk): True, (running.second.pk, a.pk): True,
        (running.first.pk, b.pk): True, (running.second.pk, b.pk): False,
    }
