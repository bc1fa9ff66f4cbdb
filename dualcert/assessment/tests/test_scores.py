import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dualcert.assessment.models import Score, Sitting
from dualcert.assessment.services import ScoreRow, score_record, scores_record_sheet
from dualcert.assessment.tests.helpers import assessing, enroll, sitting_for
from dualcert.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def sitting(world):
    return sitting_for(world)


def _record(world, sitting, enrollment, theory=80, practical=70, absent=False, who="eval_1"):
    return score_record(actor=world.users[who], sitting=sitting, enrollment=enrollment,
                        theory=theory, practical=practical, absent=absent)


def test_evaluator_records_and_corrects_one_sheet_per_candidate_audited(world, sitting):
    (enrollment,) = enroll(sitting.project, 1)
    first = _record(world, sitting, enrollment, 55, 70)
    again = _record(world, sitting, enrollment, 65, 70)
    assert first.pk == again.pk and Score.objects.count() == 1
    assert (again.theory, again.practical) == (65, 70)
    actions = list(AuditEntry.objects.filter(object_pk=first.pk).values_list("action", "after"))
    assert ("score.update", {"theory": 65}) in actions
    assert any(action == "score.record" for action, _ in actions)


def test_recording_the_same_marks_again_adds_no_audit_row(world, sitting):
    (enrollment,) = enroll(sitting.project, 1)
    _record(world, sitting, enrollment)
    _record(world, sitting, enrollment)
    assert AuditEntry.objects.filter(action__startswith="score.").count() == 1


def test_absent_candidate_has_empty_marks(world, sitting):
    (enrollment,) = enroll(sitting.project, 1)
    score = _record(world, sitting, enrollment, 90, 90, absent=True)
    assert (score.theory, score.practical, score.absent) == (None, None, True)


@pytest.mark.parametrize(("field", "value"), [
    ("theory", 101), ("theory", -1), ("practical", 150), ("practical", 85.5),
    ("theory", "80"), ("practical", True), ("theory", None),
])
def test_marks_outside_whole_0_to_100_are_refused_naming_the_field(world, sitting, field, value):
    (enrollment,) = enroll(sitting.project, 1)
    marks = {"theory": 80, "practical": 80, field: value}
    with pytest.raises(ValidationError) as caught:
        _record(world, sitting, enrollment, **marks)
    assert list(caught.value.message_dict) == [field]
    assert field in caught.value.message_dict[field][0]
    assert not Score.objects.exists()


def test_marks_of_0_and_100_are_accepted(world, sitting):
    (enrollment,) = enroll(sitting.project, 1)
    score = _record(world, sitting, enrollment, 0, 100)
    assert (score.theory, score.practical) == (0, 100)


@pytest.mark.parametrize("status", ["applied", "enrolled", "dropped"])
def test_candidate_who_did_not_complete_cannot_be_scored(world, sitting, status):
    (enrollment,) = enroll(sitting.project, 1, status=status)
    with pytest.raises(ValidationError, match="has not completed the training"):
        _record(world, sitting, enrollment)


def test_enrollment_of_another_project_cannot_be_scored(world, sitting):
    (other,) = enroll(assessing(world.project_2), 1)
    with pytest.raises(ValidationError, match="not enrolled in this sitting's project"):
        _record(world, sitting, other)


@pytest.mark.parametrize("who", ["eval_2", "bureau", "county_a", "dept_1", "inst_1"])
def test_only_the_sittings_evaluation_body_may_record_scores(world, sitting, who):
    (enrollment,) = enroll(sitting.project, 1)
    with pytest.raises(PermissionDenied):
        _record(world, sitting, enrollment, who=who)


def test_scores_refused_while_project_is_not_assessing(world, sitting):
    (enrollment,) = enroll(sitting.project, 1)
    assessing(sitting.project, "training")
    with pytest.raises(ValidationError, match="only while the project is assessing"):
        _record(world, sitting, enrollment)


def test_scores_refused_once_the_sitting_is_submitted(world, sitting):
    (enrollment,) = enroll(sitting.project, 1)
    _record(world, sitting, enrollment)
    Sitting.objects.filter(pk=sitting.pk).update(status="scored")
    with pytest.raises(ValidationError, match="only while the sitting is scheduled"):
        _record(world, sitting, enrollment, 90, 90)


def test_score_sheet_is_saved_whole(world, sitting):
    a, b = enroll(sitting.project, 2)
    rows = [ScoreRow(a, 80, 90), ScoreRow(b, absent=True)]
    saved = scores_record_sheet(actor=world.users["eval_1"], sitting=sitting, rows=rows)
    assert len(saved) == 2 and Score.objects.count() == 2


def test_score_sheet_with_one_bad_line_saves_nothing_and_names_each_candidate(world, sitting):
    a, b, c = enroll(sitting.project, 3)
    (dropped,) = enroll(sitting.project, 1, status="dropped")
    rows = [ScoreRow(a, 80, 90), ScoreRow(b, 101, 90), ScoreRow(c, 70, None),
            ScoreRow(dropped, 60, 60)]
    with pytest.raises(ValidationError) as caught:
        scores_record_sheet(actor=world.users["eval_1"], sitting=sitting, rows=rows)
    errors = caught.value.message_dict
    assert set(errors) == {str(b.public_id), str(c.public_id), str(dropped.public_id)}
    assert "theory" in errors[str(b.public_id)][0]
    assert "practical" in errors[str(c.public_id)][0]
    assert not Score.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="score.").exists()


def test_score_sheet_listing_a_candidate_twice_is_refused(world, sitting):
    (a,) = enroll(sitting.project, 1)
    with pytest.raises(ValidationError, match="appears twice"):
        scores_record_sheet(actor=world.users["eval_1"], sitting=sitting,
                            rows=[ScoreRow(a, 80, 80), ScoreRow(a, 70, 70)])
    assert not Score.objects.exists()


def test_score_sheet_by_another_evaluator_is_refused(world, sitting):
    (a,) = enroll(sitting.project, 1)
    with pytest.raises(PermissionDenied):
        scores_record_sheet(actor=world.users["eval_2"], sitting=sitting,
                            rows=[ScoreRow(a, 80, 80)])
