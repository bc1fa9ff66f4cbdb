import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dualcert.assessment.models import Result, Sitting
from dualcert.assessment.services import (
    score_record,
    sitting_confirm,
    sitting_reopen,
    sitting_submit,
)
from dualcert.assessment.tests.helpers import enroll, scored, sitting_for
from dualcert.core.models import AuditEntry, StateChange

pytestmark = pytest.mark.django_db


def _results(sitting):
    return {
        (r.score.enrollment_id, r.certificate_type.kind): r
        for r in Result.objects.filter(score__sitting=sitting).select_related(
            "score", "certificate_type")
    }


def test_submit_judges_each_certificate_by_its_own_pass_marks(world):
    # Skill type passes at 60/60, the permit at 80/80 (tests/factories.py).
    sitting = scored(world, [(90, 85, False), (70, 85, False), (85, 59, False), (None, None, True)])
    sitting.refresh_from_db()
    assert sitting.status == Sitting.Status.SCORED
    results = _results(sitting)
    e1, e2, e3, e4 = sitting.project.enrollments.order_by("id").values_list("id", flat=True)
    assert results[e1, "skill"].passed and results[e1, "permit"].passed
    assert results[e2, "skill"].passed and not results[e2, "permit"].passed
    assert not results[e3, "skill"].passed and not results[e3, "permit"].passed
    assert not results[e4, "skill"].passed and not results[e4, "permit"].passed
    assert (results[e2, "permit"].theory_pass, results[e2, "permit"].practical_pass) == (80, 80)
    assert len(results) == 8
    assert AuditEntry.objects.filter(action="result.create").count() == 8


def test_pass_marks_are_snapshotted_at_submission(world):
    sitting = scored(world, [(80, 80, False)])
    permit = sitting.project.pathway.permit
    permit.theory_pass = 90
    permit.save()
    result = Result.objects.get(score__sitting=sitting, certificate_type=permit)
    assert result.theory_pass == 80 and result.passed


def test_submit_refused_naming_candidates_without_a_score_sheet(world):
    sitting = sitting_for(world)
    a, b, c = enroll(sitting.project, 3)
    enroll(sitting.project, 1, status="dropped")  # a drop-out needs no sheet
    score_record(actor=world.users["eval_1"], sitting=sitting, enrollment=a, theory=80,
                 practical=80)
    with pytest.raises(ValidationError) as caught:
        sitting_submit(actor=world.users["eval_1"], sitting=sitting)
    message = caught.value.messages[0]
    assert b.worker.name in message and c.worker.name in message
    assert a.worker.name not in message
    sitting.refresh_from_db()
    assert sitting.status == Sitting.Status.SCHEDULED and not Result.objects.exists()


def test_submit_refused_without_any_completed_candidate(world):
    sitting = sitting_for(world)
    with pytest.raises(ValidationError, match="nothing to submit"):
        sitting_submit(actor=world.users["eval_1"], sitting=sitting)


@pytest.mark.parametrize("who", ["eval_2", "bureau", "dept_1", "county_a"])
def test_only_the_sittings_evaluator_may_submit(world, who):
    sitting = sitting_for(world)
    (a,) = enroll(sitting.project, 1)
    score_record(actor=world.users["eval_1"], sitting=sitting, enrollment=a, theory=80,
                 practical=80)
    with pytest.raises(PermissionDenied):
        sitting_submit(actor=world.users[who], sitting=sitting)


def test_submitting_twice_is_an_illegal_move(world):
    sitting = scored(world, [(80, 80, False)])
    with pytest.raises(ValidationError, match="cannot move"):
        sitting_submit(actor=world.users["eval_1"], sitting=sitting)
    assert Result.objects.count() == 2


def test_reopen_deletes_unconfirmed_results_and_allows_corrections(world):
    sitting = scored(world, [(70, 70, False)])
    sitting_reopen(actor=world.users["eval_1"], sitting=sitting, reason="typing error")
    sitting.refresh_from_db()
    assert sitting.status == Sitting.Status.SCHEDULED and not Result.objects.exists()
    assert AuditEntry.objects.filter(action="result.delete").count() == 2
    enrollment = sitting.project.enrollments.get()
    score_record(actor=world.users["eval_1"], sitting=sitting, enrollment=enrollment, theory=85,
                 practical=85)
    sitting_submit(actor=world.users["eval_1"], sitting=sitting)
    assert all(r.passed for r in Result.objects.all())


def test_reopen_by_another_evaluator_is_refused(world):
    sitting = scored(world, [(70, 70, False)])
    with pytest.raises(PermissionDenied):
        sitting_reopen(actor=world.users["eval_2"], sitting=sitting)


def test_reopen_refused_for_a_scheduled_or_confirmed_sitting(world):
    scheduled = sitting_for(world, 2)
    with pytest.raises(ValidationError, match="cannot move"):
        sitting_reopen(actor=world.users["eval_2"], sitting=scheduled)
    sitting = scored(world, [(70, 70, False)])
    sitting_confirm(actor=world.users["dept_1"], sitting=sitting)
    with pytest.raises(ValidationError, match="cannot move"):
        sitting_reopen(actor=world.users["eval_1"], sitting=sitting)
    assert Result.objects.filter(confirmed_at__isnull=False).count() == 2


@pytest.mark.parametrize("who", ["dept_1", "bureau"])
def test_permit_department_or_bureau_confirms_results(world, who):
    sitting = scored(world, [(90, 90, False), (50, 50, False)])
    sitting_confirm(actor=world.users[who], sitting=sitting)
    sitting.refresh_from_db()
    assert sitting.status == Sitting.Status.CONFIRMED
    assert sitting.confirmed_by == world.users[who]
    assert not Result.objects.filter(confirmed_at__isnull=True).exists()
    assert AuditEntry.objects.filter(action="result.confirm").count() == 4
    assert StateChange.objects.filter(to_state="confirmed", actor=world.users[who]).exists()


@pytest.mark.parametrize("who", ["dept_2", "county_a", "eval_1", "inst_1"])
def test_confirm_by_another_department_or_role_is_refused(world, who):
    sitting = scored(world, [(90, 90, False)])
    with pytest.raises(PermissionDenied):
        sitting_confirm(actor=world.users[who], sitting=sitting)
    sitting.refresh_from_db()
    assert sitting.status == Sitting.Status.SCORED


def test_confirm_refused_before_the_sheet_is_submitted(world):
    sitting = sitting_for(world)
    with pytest.raises(ValidationError, match="cannot move"):
        sitting_confirm(actor=world.users["dept_1"], sitting=sitting)
