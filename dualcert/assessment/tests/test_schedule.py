from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dualcert.assessment.models import Sitting
from dualcert.assessment.services import sitting_schedule
from dualcert.assessment.tests.helpers import assessing
from dualcert.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _schedule(world, actor, project=None, **overrides):
    project = project or world.project_1
    values = {
        "evaluation_body": world.body_1, "day": project.start_date + timedelta(days=30),
        "place": "昌吉市职业技能鉴定中心", "skill_examiner": "考评员甲",
        "permit_examiner": "考评员乙", **overrides,
    }
    return sitting_schedule(actor=actor, project=project, **values)


@pytest.mark.parametrize("who", ["bureau", "county_a"])
def test_bureau_or_own_county_schedules_one_sitting_with_both_examiners(world, who):
    assessing(world.project_1, "training")
    sitting = _schedule(world, world.users[who])
    assert sitting.status == Sitting.Status.SCHEDULED
    assert (sitting.skill_examiner, sitting.permit_examiner) == ("考评员甲", "考评员乙")
    assert AuditEntry.objects.filter(action="sitting.schedule", object_pk=sitting.pk).exists()


@pytest.mark.parametrize("who", ["county_b", "dept_1", "inst_1", "eval_1", "employer_1",
                                 "worker_1", "outsider"])
def test_other_roles_may_not_schedule(world, who):
    assessing(world.project_1)
    with pytest.raises(PermissionDenied):
        _schedule(world, world.users[who])
    assert not Sitting.objects.exists()


def test_second_sitting_for_a_project_is_refused_clearly(world):
    assessing(world.project_1)
    _schedule(world, world.users["bureau"])
    with pytest.raises(ValidationError, match="already has its sitting"):
        _schedule(world, world.users["county_a"], evaluation_body=world.body_2)
    assert Sitting.objects.count() == 1


@pytest.mark.parametrize("status", ["draft", "approved", "enrolling", "closed"])
def test_sitting_refused_unless_project_training_or_assessing(world, status):
    assessing(world.project_1, status)
    with pytest.raises(ValidationError, match="only while the project is in training"):
        _schedule(world, world.users["bureau"])


@pytest.mark.parametrize("field", ["skill_examiner", "permit_examiner", "place"])
def test_each_examiner_and_the_place_are_required(world, field):
    assessing(world.project_1)
    with pytest.raises(ValidationError) as caught:
        _schedule(world, world.users["bureau"], **{field: "   "})
    assert field in caught.value.message_dict


def test_evaluation_body_is_required(world):
    assessing(world.project_1)
    with pytest.raises(ValidationError) as caught:
        _schedule(world, world.users["bureau"], evaluation_body=None)
    assert "evaluation_body" in caught.value.message_dict


def test_sitting_before_the_project_starts_is_refused(world):
    assessing(world.project_1)
    with pytest.raises(ValidationError, match="before the project starts"):
        _schedule(world, world.users["bureau"], day=world.project_1.start_date - timedelta(days=1))
