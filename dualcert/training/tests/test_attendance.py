import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dualcert.core.models import AuditEntry
from dualcert.training.models import Attendance, Enrollment, Module, Session
from dualcert.training.services import attendance_record, session_add
from dualcert.training.tests.builders import END, START, days, enroll, project, session

pytestmark = pytest.mark.django_db


def _add(actor, subject, **overrides):
    fields = dict(module=None, day=START, topic="安全用电", hours=4)
    fields.update(overrides)
    return session_add(actor=actor, project=subject, **fields)


@pytest.mark.parametrize("status", ["approved", "enrolling", "training"])
def test_sessions_are_scheduled_from_approval_to_training(world, status):
    subject = project(world, status)
    module = Module.objects.create(project=subject, name="安全", theory_hours=4)
    made = _add(world.users["inst_1"], subject, module=module, day=END)
    assert (made.module, made.day, made.hours) == (module, END, 4)
    assert AuditEntry.objects.filter(action="session.add", object_pk=made.pk).exists()


@pytest.mark.parametrize("status", ["draft", "assessing", "closed"])
def test_sessions_refused_outside_those_statuses(world, status):
    with pytest.raises(ValidationError, match="Sessions can be scheduled from approval"):
        _add(world.users["inst_1"], project(world, status))


@pytest.mark.parametrize("day", [START - days(1), END + days(1)])
def test_session_day_must_be_within_project_dates(world, day):
    with pytest.raises(ValidationError, match=f"The session date {day} is outside"):
        _add(world.users["inst_1"], project(world, "approved"), day=day)


def test_session_module_must_belong_to_the_project(world):
    other = project(world, "draft")
    foreign = Module.objects.create(project=other, name="别的模块", theory_hours=2)
    with pytest.raises(ValidationError, match="“别的模块” belongs to another project"):
        _add(world.users["inst_1"], project(world, "approved"), module=foreign)


@pytest.mark.parametrize(("fields", "message"), [
    ({"topic": " "}, "needs a topic"), ({"hours": 0}, "1 to 12 hours"),
    ({"hours": 13}, "1 to 12 hours"),
])
def test_session_refuses_bad_values(world, fields, message):
    with pytest.raises(ValidationError, match=message):
        _add(world.users["bureau"], project(world, "approved"), **fields)


@pytest.mark.parametrize("role", ["inst_2", "county_b", "dept_1", "eval_1", "worker_1"])
def test_session_refused_outside_the_project(world, role):
    with pytest.raises(PermissionDenied):
        _add(world.users[role], project(world, "approved"))


@pytest.fixture
def running(world, time_machine):
    """A project in training with two past sessions (4 h and 6 h) and three enrolled workers."""
    subject = project(world, "training")
    time_machine.move_to("2026-03-20 18:00 +0800", tick=False)
    subject.first, subject.second = session(subject, START, 4), session(subject, START + days(1), 6)
    subject.people = [enroll(subject) for _ in range(3)]
    return subject


def _hours(subject):
    return [Enrollment.objects.get(pk=e.pk).attended_hours for e in subject.people]


def test_attendance_marks_every_enrolled_worker_and_sums_hours(world, running):
    a, b, c = running.people
    summary = attendance_record(actor=world.users["inst_1"], session=running.first,
                                present_enrollment_ids={a.pk, b.pk})
    assert (summary.present, summary.absent) == (2, 1)
    rows = dict(Attendance.objects.filter(session=running.first)
                .values_list("enrollment_id", "present"))
    assert rows == {a.pk: True, b.pk: True, c.pk: False}
    attendance_record(actor=world.users["inst_1"], session=running.second,
                      present_enrollment_ids={a.pk})
    assert _hours(running) == [10, 4, 0]


def test_recording_again_is_idempotent_and_corrects(world, running):
    a, b, _c = running.people
    for _ in range(2):
        attendance_record(actor=world.users["inst_1"], session=running.first,
                          present_enrollment_ids={a.pk, b.pk})
    assert Attendance.objects.filter(session=running.first).count() == 3
    assert _hours(running) == [4, 4, 0]
    attendance_record(actor=world.users["county_a"], session=running.first,
                      present_enrollment_ids={a.pk})
    assert _hours(running) == [4, 0, 0]
    assert Attendance.objects.filter(session=running.first).count() == 3


def test_attendance_skips_dropped_and_refuses_strangers(world, running):
    gone = enroll(running, status="dropped")
    with pytest.raises(ValidationError, match="1 of the workers marked present are not enrolled"):
        attendance_record(actor=world.users["inst_1"], session=running.first,
                          present_enrollment_ids={gone.pk})
    attendance_record(actor=world.users["inst_1"], session=running.first,
                      present_enrollment_ids=set())
    assert not Attendance.objects.filter(enrollment=gone).exists()


def test_attendance_only_while_training(world, running):
    type(running).objects.filter(pk=running.pk).update(status="assessing")
    running.status = "assessing"
    with pytest.raises(ValidationError, match="only while the project is in training"):
        attendance_record(actor=world.users["inst_1"], session=running.first,
                          present_enrollment_ids=set())


def test_attendance_refused_for_a_future_session(world, running, time_machine):
    time_machine.move_to("2026-03-09 08:00 +0800", tick=False)
    with pytest.raises(ValidationError, match="2026-03-10 has not taken place yet"):
        attendance_record(actor=world.users["inst_1"], session=running.second,
                          present_enrollment_ids=set())


@pytest.mark.parametrize("role", ["inst_2", "county_b", "dept_1", "worker_1"])
def test_attendance_refused_outside_the_project(world, running, role):
    with pytest.raises(PermissionDenied):
        attendance_record(actor=world.users[role], session=running.first,
                          present_enrollment_ids=set())


def test_attendance_queries_do_not_grow_with_enrollments(world, running,
                                                         django_assert_max_num_queries):
    session_ = Session.objects.select_related("project").get(pk=running.first.pk)
    present = {e.pk for e in running.people}
    with django_assert_max_num_queries(12) as few:
        attendance_record(actor=world.users["inst_1"], session=session_,
                          present_enrollment_ids=present)
    for _ in range(12):
        present.add(enroll(running).pk)
    with django_assert_max_num_queries(len(few.captured_queries)):
        attendance_record(actor=world.users["inst_1"], session=session_,
                          present_enrollment_ids=present)
    assert Enrollment.objects.filter(project=running, attended_hours=4).count() == 15

