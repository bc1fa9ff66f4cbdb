import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dualcert.core.models import AuditEntry
from dualcert.training.models import Attendance, Enrollment, Session
from dualcert.training.services import attendance_mark, attendance_record
from dualcert.training.tests.builders import START, days, enroll, project, session

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(world, time_machine):
    """A project in training with two past sessions (4 h and 6 h) and three enrolled workers."""
    subject = project(world, "training")
    time_machine.move_to("2026-03-20 18:00 +0800", tick=False)
    subject.first, subject.second = session(subject, START, 4), session(subject, START + days(1), 6)
    subject.people = [enroll(subject) for _ in range(3)]
    return subject


def _marks(session_):
    return dict(Attendance.objects.filter(session=session_)
                .values_list("enrollment_id", "present"))


def _hours(subject):
    return [Enrollment.objects.get(pk=e.pk).attended_hours for e in subject.people]


def test_marking_sets_only_the_given_workers_and_sums_their_hours(world, running):
    a, b, c = running.people
    attendance_record(actor=world.users["inst_1"], session=running.first,
                      present_enrollment_ids={a.pk, b.pk})
    summary = attendance_mark(actor=world.users["inst_1"], session=running.first,
                              marks={b.pk: False})
    assert _marks(running.first) == {a.pk: True, b.pk: False, c.pk: False}
    assert (summary.present, summary.absent) == (1, 2)
    attendance_mark(actor=world.users["county_a"], session=running.second, marks={c.pk: True})
    assert _marks(running.second) == {c.pk: True}
    assert _hours(running) == [4, 0, 6]


def test_marking_is_audited_with_the_changed_marks_only(world, running):
    a, b, _c = running.people
    attendance_mark(actor=world.users["inst_1"], session=running.first,
                    marks={a.pk: True, b.pk: False})
    attendance_mark(actor=world.users["inst_1"], session=running.first,
                    marks={a.pk: True, b.pk: True})
    entries = AuditEntry.objects.filter(action="attendance.mark").order_by("id")
    assert [(e.before, e.after) for e in entries] == [
        ({"marks": {str(a.pk): None, str(b.pk): None}},
         {"marks": {str(a.pk): True, str(b.pk): False}}),
        ({"marks": {str(b.pk): False}}, {"marks": {str(b.pk): True}}),
    ]
    assert entries[0].object_pk == running.first.pk


def test_marking_the_same_again_writes_and_audits_nothing(world, running):
    a, b, _c = running.people
    marks = {a.pk: True, b.pk: False}
    attendance_mark(actor=world.users["inst_1"], session=running.first, marks=marks)
    stamps = dict(Attendance.objects.values_list("pk", "updated_at"))
    audited = AuditEntry.objects.count()
    summary = attendance_mark(actor=world.users["inst_1"], session=running.first, marks=marks)
    assert (summary.present, summary.absent) == (1, 1)
    assert dict(Attendance.objects.values_list("pk", "updated_at")) == stamps
    assert AuditEntry.objects.count() == audited


def test_marking_refuses_workers_not_enrolled(world, running):
    applied = enroll(running, status="applied")
    other = enroll(project(world, "training"))
    with pytest.raises(ValidationError, match="2 of the workers marked are not enrolled"):
        attendance_mark(actor=world.users["inst_1"], session=running.first,
                        marks={applied.pk: False, other.pk: True, running.people[0].pk: True})
    assert not Attendance.objects.exists()


def test_marking_shares_the_checks_of_recording(world, running, time_machine):
    with pytest.raises(PermissionDenied):
        attendance_mark(actor=world.users["inst_2"], session=running.first, marks={})
    time_machine.move_to("2026-03-09 08:00 +0800", tick=False)
    with pytest.raises(ValidationError, match="2026-03-10 has not taken place yet"):
        attendance_mark(actor=world.users["inst_1"], session=running.second, marks={})
    type(running).objects.filter(pk=running.pk).update(status="assessing")
    with pytest.raises(ValidationError, match="only while the project is in training"):
        attendance_mark(actor=world.users["inst_1"], session=running.first, marks={})


def test_marking_queries_do_not_grow_with_marks(world, running, django_assert_max_num_queries):
    session_ = Session.objects.select_related("project").get(pk=running.first.pk)
    marks = {e.pk: True for e in running.people}
    with django_assert_max_num_queries(15) as few:
        attendance_mark(actor=world.users["inst_1"], session=session_, marks=marks)
    for _ in range(20):
        marks[enroll(running).pk] = False
    marks = {pk: not present for pk, present in marks.items()}
    with django_assert_max_num_queries(len(few.captured_queries)):
        attendance_mark(actor=world.users["inst_1"], session=session_, marks=marks)
    assert Attendance.objects.filter(session=session_, present=True).count() == 20
