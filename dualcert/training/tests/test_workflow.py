import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dualcert.assessment.models import Sitting
from dualcert.core.models import AuditEntry, StateChange
from dualcert.training.models import Enrollment, Module, TrainingProject
from dualcert.training.services import (
    module_add,
    module_update,
    project_approve,
    project_close,
    project_finish_training,
    project_move,
    project_moves_for,
    project_open_enrollment,
    project_return_to_draft,
    project_start_training,
)
from dualcert.training.tests.builders import cover_fully, enroll, items_of, project, set_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(world, electrician):
    return project(world, pathway=electrician)


def test_approval_refused_without_modules(world, draft):
    with pytest.raises(ValidationError) as refused:
        project_approve(actor=world.users["bureau"], project=draft)
    assert refused.value.messages[0].startswith("The curriculum has no modules yet")
    assert len(refused.value.messages) == 1 + 8  # and every item short in both parts


def test_approval_refused_listing_each_gap_exactly(world, draft, electrician):
    items = items_of(electrician)
    module_add(actor=world.users["inst_1"], project=draft, name="安全与理论", order=1,
               theory_hours=12, practical_hours=6,
               requirement_items=[items["理论基础"], items["安全技术"]])
    module_add(actor=world.users["inst_1"], project=draft, name="实操", order=2,
               theory_hours=4, practical_hours=24,
               requirement_items=[items["实操技能"], items["实际操作"]])
    with pytest.raises(ValidationError) as refused:
        project_approve(actor=world.users["county_a"], project=draft)
    assert refused.value.messages == [
        "低压电工作业 · 安全技术: theory 12 of 24 hours (12 short)",
        "低压电工作业 · 安全技术: practical 6 of 8 hours (2 short)",
        "低压电工作业 · 实际操作: theory 4 of 8 hours (4 short)",
    ]
    assert TrainingProject.objects.get(pk=draft.pk).status == "draft"


def test_approval_refused_while_permit_hours_short(world, draft, electrician):
    modules = cover_fully(draft)
    permit_practice = next(m for m in modules if m.name == "模块 实际操作")
    Module.objects.filter(pk=permit_practice.pk).update(practical_hours=23)
    with pytest.raises(ValidationError) as refused:
        project_approve(actor=world.users["bureau"], project=draft)
    assert refused.value.messages == ["低压电工作业 · 实际操作: practical 23 of 24 hours (1 short)"]


def test_fixed_curriculum_then_approved(world, draft, electrician):
    items = items_of(electrician)
    fused = module_add(actor=world.users["inst_1"], project=draft, name="理论", order=1,
                       theory_hours=20, practical_hours=8,
                       requirement_items=[items["理论基础"], items["安全技术"]])
    module_add(actor=world.users["inst_1"], project=draft, name="实操", order=2,
               theory_hours=8, practical_hours=24,
               requirement_items=[items["实操技能"], items["实际操作"]])
    with pytest.raises(ValidationError, match="theory 20 of 24 hours"):
        project_approve(actor=world.users["county_a"], project=draft)
    module_update(actor=world.users["inst_1"], module=fused, name="理论", order=1,
                  theory_hours=24, practical_hours=8,
                  requirement_items=[items["理论基础"], items["安全技术"]])
    project_approve(actor=world.users["county_a"], project=draft)
    assert TrainingProject.objects.get(pk=draft.pk).status == "approved"
    change = StateChange.objects.get(object_pk=draft.pk, to_state="approved")
    assert change.actor == world.users["county_a"] and change.from_state == "draft"
    assert AuditEntry.objects.filter(action="project.approve", object_pk=draft.pk).exists()


@pytest.mark.parametrize("role", ["county_b", "inst_1", "dept_1", "worker_1", "outsider"])
def test_only_bureau_or_own_county_may_approve(world, draft, role):
    cover_fully(draft)
    with pytest.raises(PermissionDenied):
        project_approve(actor=world.users[role], project=draft)
    assert TrainingProject.objects.get(pk=draft.pk).status == "draft"


def test_return_to_draft_reopens_the_curriculum(world, draft, electrician):
    cover_fully(draft)
    project_approve(actor=world.users["bureau"], project=draft)
    with pytest.raises(ValidationError, match="only while the project is a draft"):
        module_add(actor=world.users["inst_1"], project=draft, name="补充", order=9,
                   theory_hours=2, practical_hours=0)
    project_return_to_draft(actor=world.users["county_a"], project=draft, reason="补充课时")
    module_add(actor=world.users["inst_1"], project=draft, name="补充", order=9,
               theory_hours=2, practical_hours=0)
    assert draft.modules.count() == 5
    assert StateChange.objects.get(object_pk=draft.pk, to_state="draft").reason == "补充课时"


@pytest.mark.parametrize(("status", "move"), [
    ("approved", "approve"),
    ("draft", "open_enrollment"),
    ("draft", "return_to_draft"),
    ("enrolling", "return_to_draft"),
    ("approved", "start_training"),
    ("enrolling", "finish_training"),
    ("training", "close"),
    ("closed", "approve"),
    ("closed", "open_enrollment"),
])
def test_illegal_moves_are_refused(world, draft, status, move):
    cover_fully(draft)
    enroll(draft)
    set_status(draft, status)
    with pytest.raises(ValidationError, match="cannot move from"):
        project_move(actor=world.users["bureau"], project=draft, name=move)
    assert TrainingProject.objects.get(pk=draft.pk).status == status


def test_unknown_move_is_refused(world, draft):
    with pytest.raises(ValidationError, match="Unknown project action"):
        project_move(actor=world.users["bureau"], project=draft, name="publish")


def test_stale_object_cannot_move_twice(world, draft):
    cover_fully(draft)
    stale = TrainingProject.objects.get(pk=draft.pk)
    project_approve(actor=world.users["bureau"], project=draft)
    with pytest.raises(ValidationError, match="cannot move from"):
        project_approve(actor=world.users["county_a"], project=stale)
    assert StateChange.objects.filter(object_pk=draft.pk, to_state="approved").count() == 1


def test_open_enrollment_is_for_officers(world):
    approved = project(world, "approved")
    with pytest.raises(PermissionDenied):
        project_open_enrollment(actor=world.users["inst_1"], project=approved)
    project_open_enrollment(actor=world.users["county_a"], project=approved)
    assert approved.status == "enrolling"


def test_start_training_needs_an_enrolled_worker(world):
    enrolling = project(world, "enrolling")
    enroll(enrolling, status="applied")
    with pytest.raises(ValidationError, match="Admit at least one applicant"):
        project_start_training(actor=world.users["inst_1"], project=enrolling)
    assert TrainingProject.objects.get(pk=enrolling.pk).status == "enrolling"


def test_start_training_drops_applicants_not_admitted(world):
    enrolling = project(world, "enrolling")
    admitted = enroll(enrolling)
    waiting = enroll(enrolling, status="applied")
    project_start_training(actor=world.users["inst_1"], project=enrolling)
    assert TrainingProject.objects.get(pk=enrolling.pk).status == "training"
    assert Enrollment.objects.get(pk=admitted.pk).status == "enrolled"
    assert Enrollment.objects.get(pk=waiting.pk).status == "dropped"
    change = StateChange.objects.get(object_pk=waiting.pk, to_state="dropped")
    assert change.reason == "not admitted before training started"


@pytest.mark.parametrize("role", ["inst_2", "county_b", "dept_1", "worker_1"])
def test_start_training_refused_to_outsiders_of_the_project(world, role):
    enrolling = project(world, "enrolling")
    enroll(enrolling)
    with pytest.raises(PermissionDenied):
        project_start_training(actor=world.users[role], project=enrolling)


@pytest.fixture
def training_40h(world):
    """A project in training whose curriculum totals 40 hours: 90% needs 36."""
    running = project(world, "training")
    Module.objects.create(project=running, name="全部", theory_hours=15, practical_hours=25)
    return running


def test_exactly_the_threshold_completes_and_just_below_drops(world, training_40h):
    exactly = enroll(training_40h, attended_hours=36)
    below = enroll(training_40h, attended_hours=35)
    more = enroll(training_40h, attended_hours=40)
    project_finish_training(actor=world.users["inst_1"], project=training_40h)
    statuses = dict(Enrollment.objects.filter(project=training_40h).values_list("pk", "status"))
    assert statuses == {exactly.pk: "completed", below.pk: "dropped", more.pk: "completed"}
    reason = StateChange.objects.get(object_pk=below.pk, to_state="dropped").reason
    assert reason == "attended 35 of the 36 hours needed to complete"
    assert TrainingProject.objects.get(pk=training_40h.pk).status == "assessing"


def test_fractional_threshold_hours_are_not_rounded_down(world, training_40h):
    TrainingProject.objects.filter(pk=training_40h.pk).update(completion_threshold=91)
    training_40h.refresh_from_db()
    short = enroll(training_40h, attended_hours=36)  # 91% of 40 is 36.4
    project_finish_training(actor=world.users["bureau"], project=training_40h)
    assert Enrollment.objects.get(pk=short.pk).status == "dropped"
    assert "36 of the 36.4 hours" in StateChange.objects.get(object_pk=short.pk).reason


def test_finish_training_leaves_dropped_enrollments_alone(world, training_40h):
    gone = enroll(training_40h, status="dropped", attended_hours=40)
    project_finish_training(actor=world.users["inst_1"], project=training_40h)
    assert Enrollment.objects.get(pk=gone.pk).status == "dropped"


def test_close_refused_without_sitting(world):
    assessing = project(world, "assessing")
    with pytest.raises(ValidationError, match="no sitting is scheduled yet"):
        project_close(actor=world.users["bureau"], project=assessing)


def _sitting(world, project_, status):
    return Sitting.objects.create(
        project=project_, evaluation_body=world.body_1, day=project_.end_date, place="考场",
        skill_examiner="甲", permit_examiner="乙", status=status,
    )


def test_close_refused_until_sitting_confirmed(world):
    assessing = project(world, "assessing")
    _sitting(world, assessing, "scored")
    with pytest.raises(ValidationError, match="the sitting is “scored”"):
        project_close(actor=world.users["county_a"], project=assessing)
    Sitting.objects.filter(project=assessing).update(status="confirmed")
    project_close(actor=world.users["county_a"], project=assessing)
    assert TrainingProject.objects.get(pk=assessing.pk).status == "closed"


def test_institution_may_not_close(world):
    assessing = project(world, "assessing")
    _sitting(world, assessing, "confirmed")
    with pytest.raises(PermissionDenied):
        project_close(actor=world.users["inst_1"], project=assessing)


@pytest.mark.parametrize(("role", "status", "moves"), [
    ("bureau", "draft", ["approve"]),
    ("county_a", "approved", ["return_to_draft", "open_enrollment"]),
    ("county_b", "approved", []),
    ("inst_1", "approved", []),
    ("inst_1", "enrolling", ["start_training"]),
    ("inst_1", "training", ["finish_training"]),
    ("inst_2", "training", []),
    ("county_a", "assessing", ["close"]),
    ("dept_1", "draft", []),
    ("worker_1", "enrolling", []),
])
def test_moves_offered_match_the_role(world, role, status, moves):
    subject = project(world, status)
    assert [m.name for m in project_moves_for(world.users[role], subject)] == moves
