from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dualcert.catalog.models import CertificateType, Education
from dualcert.core.models import AuditEntry, StateChange
from dualcert.people import idnumber
from dualcert.people.models import Worker
from dualcert.training.models import Enrollment
from dualcert.training.services import (
    enrollment_admit,
    enrollment_admit_all,
    enrollment_apply,
    enrollment_apply_self,
    enrollment_drop,
    enrollment_eligibility,
)
from dualcert.training.tests.builders import END, START, TODAY, days, enroll, project
from tests.factories import WorkerFactory

pytestmark = pytest.mark.django_db

VALID = idnumber.generate("652301", date(1990, 5, 5), 11)
WRONG_CHECK_DIGIT = VALID[:-1] + ("0" if VALID[-1] != "0" else "1")


@pytest.fixture
def open_project(world):
    return project(world, "enrolling")


def _eligibility(open_project, worker):
    return enrollment_eligibility(project=open_project, worker=worker, on=TODAY)


def _apply(actor, open_project, world, **overrides):
    fields = dict(name="测试 学员", id_number=VALID, region=world.county_a,
                  phone="13900001111", education=Education.JUNIOR, wage_before=2500)
    fields.update(overrides)
    return enrollment_apply(actor=actor, project=open_project, **fields)


def test_worker_of_age_with_education_is_eligible(world, open_project):
    assert _eligibility(open_project, world.worker_1) == []


@pytest.mark.parametrize(("born", "reason"), [
    (date(2008, 3, 10), "Aged 17 on 2026-03-09, below the minimum age of 18 for"),
    (date(1965, 3, 9), "Aged 61 on 2026-03-09, above the maximum age of 60 for"),
])
def test_age_is_taken_at_project_start(world, open_project, born, reason):
    worker = WorkerFactory(region=world.county_a, birth_date=born)
    reasons = _eligibility(open_project, worker)
    assert len(reasons) == 1 and reasons[0].startswith(reason)
    assert reasons[0].endswith(f"for {open_project.pathway.permit.name}.")


@pytest.mark.parametrize("born", [date(2008, 3, 9), date(1965, 3, 10)])
def test_age_limits_are_inclusive(world, open_project, born):
    assert _eligibility(open_project, WorkerFactory(region=world.county_a, birth_date=born)) == []


def test_minimum_age_is_the_stricter_of_both_certificates(world, open_project):
    CertificateType.objects.filter(pk=open_project.pathway.skill_certificate_id).update(min_age=20)
    open_project.pathway.skill_certificate.refresh_from_db()
    worker = WorkerFactory(region=world.county_a, birth_date=date(2007, 1, 1))
    assert _eligibility(open_project, worker) == [
        "Aged 19 on 2026-03-09, below the minimum age of 20 for "
        f"{open_project.pathway.skill_certificate.name}."
    ]


def test_age_is_taken_today_once_the_project_has_started(world, open_project):
    worker = WorkerFactory(region=world.county_a, birth_date=date(1965, 3, 20))
    assert enrollment_eligibility(project=open_project, worker=worker, on=START) == []
    reasons = enrollment_eligibility(project=open_project, worker=worker, on=START + days(15))
    assert reasons and reasons[0].startswith("Aged 61 on 2026-03-24")


def test_education_below_requirement_names_both_levels(world, open_project):
    permit = open_project.pathway.permit
    CertificateType.objects.filter(pk=permit.pk).update(education_required=Education.SENIOR)
    permit.refresh_from_db()
    worker = WorkerFactory(region=world.county_a, education=Education.JUNIOR)
    assert _eligibility(open_project, worker) == [
        f"Education “junior middle school” is below the “senior middle school / vocational” "
        f"that {permit.name} requires."
    ]


def test_overlapping_subsidised_enrollment_names_that_project(world, open_project):
    other = project(world, "training", start_date=START - days(7), end_date=START,
                    subsidy_per_person=800, name="焊工班")
    enroll(other, world.worker_1)
    reasons = _eligibility(open_project, world.worker_1)
    assert reasons == [
        f"Already enrolled in the subsidised project “焊工班” ({other.code}, "
        f"{START - days(7)} to {START}), whose dates overlap this one."
    ]


@pytest.mark.parametrize(("fields", "status"), [
    ({"subsidy_per_person": 0}, "enrolled"),
    ({"start_date": START - days(30), "end_date": START - days(1)}, "enrolled"),
    ({"start_date": END, "end_date": END + days(30)}, "dropped"),
    ({}, "completed"),
])
def test_unsubsidised_ended_or_separate_projects_do_not_block(world, open_project, fields,
                                                              status):
    other = project(world, "training", **{"start_date": START, "end_date": END, **fields})
    enroll(other, world.worker_1, status=status)
    assert _eligibility(open_project, world.worker_1) == []


def test_already_in_this_project(world, open_project):
    enroll(open_project, world.worker_1, status="applied")
    assert _eligibility(open_project, world.worker_1) == [
        "Already has an enrollment in this project (applied)."
    ]


def test_every_reason_is_listed(world, open_project):
    worker = WorkerFactory(region=world.county_a, birth_date=date(1950, 1, 1))
    enroll(open_project, worker, status="dropped")
    reasons = _eligibility(open_project, worker)
    assert len(reasons) == 2 and "above the maximum age" in reasons[0]


def test_apply_registers_the_worker_and_files_the_application(world, open_project):
    enrollment = _apply(world.users["inst_1"], open_project, world, consent_recommend=True)
    worker = enrollment.worker
    assert (enrollment.status, enrollment.wage_before) == ("applied", 2500)
    assert worker.id_number == VALID and worker.consent_recommend
    assert AuditEntry.objects.filter(action="worker.register", object_pk=worker.pk).exists()
    applied = AuditEntry.objects.get(action="enrollment.apply", object_pk=enrollment.pk)
    assert applied.actor == world.users["inst_1"]


def test_apply_refuses_wrong_check_digit_and_writes_nothing(world, open_project):
    with pytest.raises(ValidationError, match="check digit"):
        _apply(world.users["inst_1"], open_project, world, id_number=WRONG_CHECK_DIGIT)
    assert not Enrollment.objects.filter(project=open_project).exists()
    assert Worker.objects.count() == 2


def test_ineligible_application_lists_all_reasons_and_writes_nothing(world, open_project):
    permit = open_project.pathway.permit
    CertificateType.objects.filter(pk=permit.pk).update(education_required=Education.SENIOR)
    permit.refresh_from_db()
    too_young = idnumber.generate("652301", date(2010, 1, 1), 21)
    with pytest.raises(ValidationError) as refused:
        _apply(world.users["county_a"], open_project, world, id_number=too_young)
    assert [m.split(",")[0] for m in refused.value.messages] == [
        "Aged 16 on 2026-03-09", "Education “junior middle school” is below the “senior middle "
        f"school / vocational” that {permit.name} requires.",
    ]
    assert not Worker.objects.filter(id_number_hash=idnumber.lookup_hash(too_young)).exists()
    assert not AuditEntry.objects.filter(action="worker.register").exists()


def test_apply_keeps_existing_worker_untouched_when_refused(world, open_project):
    worker = world.worker_1
    enroll(open_project, worker, status="applied")
    with pytest.raises(ValidationError, match="Already has an enrollment"):
        _apply(world.users["bureau"], open_project, world, id_number=worker.id_number,
               name="改名", education=Education.COLLEGE)
    worker.refresh_from_db()
    assert worker.name != "改名" and worker.education != Education.COLLEGE


@pytest.mark.parametrize("status", ["draft", "approved", "training", "closed"])
def test_apply_only_while_enrolling(world, status):
    subject = project(world, status)
    with pytest.raises(ValidationError, match="only while the project is enrolling"):
        _apply(world.users["inst_1"], subject, world)
    assert not Worker.objects.filter(id_number_hash=idnumber.lookup_hash(VALID)).exists()


@pytest.mark.parametrize("role", ["inst_2", "county_b", "dept_1", "employer_1", "worker_1"])
def test_apply_refused_outside_the_project(world, open_project, role):
    with pytest.raises(PermissionDenied):
        _apply(world.users[role], open_project, world)


def test_county_officer_cannot_register_a_worker_of_another_county(world, open_project):
    with pytest.raises(PermissionDenied):
        _apply(world.users["county_a"], open_project, world, region=world.county_b)


def test_negative_wage_refused(world, open_project):
    with pytest.raises(ValidationError, match="cannot be negative"):
        _apply(world.users["inst_1"], open_project, world, wage_before=-1)


def test_worker_applies_for_themselves(world, open_project):
    enrollment = enrollment_apply_self(actor=world.users["worker_1"], project=open_project,
                                       wage_before=3000)
    assert (enrollment.worker, enrollment.status, enrollment.wage_before) == (
        world.worker_1, "applied", 3000)
    assert AuditEntry.objects.get(action="enrollment.apply").actor == world.users["worker_1"]


def test_self_application_is_checked_for_eligibility(world, open_project):
    enrollment_apply_self(actor=world.users["worker_1"], project=open_project)
    with pytest.raises(ValidationError, match="Already has an enrollment"):
        enrollment_apply_self(actor=world.users["worker_1"], project=open_project)


@pytest.mark.parametrize("role", ["inst_1", "county_a", "bureau"])
def test_officers_do_not_use_self_application(world, open_project, role):
    with pytest.raises(PermissionDenied):
        enrollment_apply_self(actor=world.users[role], project=open_project)


def test_admit_sets_admitted_at_and_audits(world, open_project):
    applied = enroll(open_project, status="applied")
    enrollment_admit(actor=world.users["inst_1"], enrollment=applied)
    applied.refresh_from_db()
    assert applied.status == "enrolled" and applied.admitted_at is not None
    assert AuditEntry.objects.filter(action="enrollment.admit", object_pk=applied.pk).exists()


def test_admit_refused_when_project_is_full(world):
    small = project(world, "enrolling", capacity=2)
    enroll(small)
    enroll(small, status="completed")
    waiting = enroll(small, status="applied")
    with pytest.raises(ValidationError, match="The project is full: 2 of 2 places are taken."):
        enrollment_admit(actor=world.users["county_a"], enrollment=waiting)
    assert Enrollment.objects.get(pk=waiting.pk).status == "applied"


def test_dropped_workers_free_their_place(world):
    small = project(world, "enrolling", capacity=1)
    enroll(small, status="dropped")
    waiting = enroll(small, status="applied")
    enrollment_admit(actor=world.users["county_a"], enrollment=waiting)
    assert waiting.status == "enrolled"


def test_admit_checks_eligibility_again(world, open_project):
    applied = enroll(open_project, world.worker_1, status="applied")
    other = project(world, "enrolling", subsidy_per_person=500, name="同期项目")
    enroll(other, world.worker_1)
    with pytest.raises(ValidationError, match="“同期项目”"):
        enrollment_admit(actor=world.users["inst_1"], enrollment=applied)


def test_admit_only_while_enrolling(world):
    running = project(world, "training")
    applied = enroll(running, status="applied")
    with pytest.raises(ValidationError, match="only while the project is enrolling"):
        enrollment_admit(actor=world.users["inst_1"], enrollment=applied)


def test_admitting_twice_is_an_illegal_move(world, open_project):
    admitted = enroll(open_project)
    with pytest.raises(ValidationError, match="cannot move from"):
        enrollment_admit(actor=world.users["inst_1"], enrollment=admitted)


@pytest.mark.parametrize("role", ["inst_2", "county_b", "dept_1", "worker_1"])
def test_admit_refused_outside_the_project(world, open_project, role):
    applied = enroll(open_project, status="applied")
    with pytest.raises(PermissionDenied):
        enrollment_admit(actor=world.users[role], enrollment=applied)


def test_admit_all_reports_who_was_not_admitted_and_why(world):
    small = project(world, "enrolling", capacity=2)
    first = enroll(small, status="applied")
    too_old = enroll(small, WorkerFactory(region=world.county_a, birth_date=date(1950, 1, 1)),
                     status="applied")
    second = enroll(small, status="applied")
    late = enroll(small, status="applied")
    report = enrollment_admit_all(actor=world.users["inst_1"], project=small)
    assert report.admitted == [first, second]
    refused = {e.pk: reasons for e, reasons in report.refused}
    assert set(refused) == {too_old.pk, late.pk}
    assert "above the maximum age of 60" in refused[too_old.pk][0]
    assert refused[late.pk] == ["The project is full: 2 of 2 places are taken."]
    assert Enrollment.objects.get(pk=late.pk).status == "applied"


def test_admit_all_refused_unless_enrolling(world):
    with pytest.raises(ValidationError, match="only while the project is enrolling"):
        enrollment_admit_all(actor=world.users["inst_1"], project=project(world, "approved"))


def test_drop_needs_a_reason_and_keeps_it(world, open_project):
    enrolled = enroll(open_project)
    with pytest.raises(ValidationError, match="Say why"):
        enrollment_drop(actor=world.users["inst_1"], enrollment=enrolled, reason="  ")
    enrollment_drop(actor=world.users["inst_1"], enrollment=enrolled, reason="外出务工")
    assert Enrollment.objects.get(pk=enrolled.pk).status == "dropped"
    assert StateChange.objects.get(object_pk=enrolled.pk, to_state="dropped").reason == "外出务工"
    entry = AuditEntry.objects.get(action="enrollment.drop", object_pk=enrolled.pk)
    assert entry.after == {"status": "dropped", "reason": "外出务工"}


def test_completed_enrollment_cannot_be_dropped(world, open_project):
    done = enroll(open_project, status="completed")
    with pytest.raises(ValidationError, match="cannot move from"):
        enrollment_drop(actor=world.users["bureau"], enrollment=done, reason="x")


def test_drop_refused_outside_the_project(world, open_project):
    with pytest.raises(PermissionDenied):
        enrollment_drop(actor=world.users["inst_2"], enrollment=enroll(open_project), reason="x")
