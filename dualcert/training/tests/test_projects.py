import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dualcert.core.models import AuditEntry
from dualcert.core.workflow import history
from dualcert.demand.models import JobDemand
from dualcert.training.models import TrainingProject
from dualcert.training.services import project_create
from dualcert.training.tests.builders import END, START, days
from tests.factories import JobDemandFactory, PathwayFactory

pytestmark = pytest.mark.django_db


def _create(world, actor, **overrides):
    fields = dict(
        name="电工双证班", pathway=world.pathway_1, institution=world.inst_1, place="实训楼",
        demands=[world.demand_1], capacity=30, subsidy_per_person=1200, start_date=START,
        end_date=END,
    )
    fields.update(overrides)
    return project_create(actor=actor, **fields)


def test_county_officer_creates_draft_in_own_county_numbered_by_year(world):
    first = _create(world, world.users["county_a"], region=world.county_b)
    second = _create(world, world.users["county_a"])
    assert first.region == world.county_a  # the officer's own county, whatever was passed
    assert (first.code, second.code) == ("XM2026-0001", "XM2026-0002")
    assert first.status == TrainingProject.Status.DRAFT and first.completion_threshold == 90
    assert list(first.demands.all()) == [world.demand_1]
    entry = AuditEntry.objects.get(action="project.create", object_pk=first.pk)
    assert entry.actor == world.users["county_a"] and entry.after["code"] == "XM2026-0001"


def test_bureau_creates_project_in_the_county_it_names(world):
    made = _create(world, world.users["bureau"], region=world.county_b, demands=[world.demand_2])
    assert made.region == world.county_b


def test_bureau_must_name_the_county(world):
    with pytest.raises(ValidationError, match="Choose the county"):
        _create(world, world.users["bureau"])


@pytest.mark.parametrize("role", ["inst_1", "dept_1", "employer_1", "worker_1", "outsider"])
def test_other_roles_may_not_create_projects(world, role):
    with pytest.raises(PermissionDenied):
        _create(world, world.users[role], region=world.county_a)
    assert not TrainingProject.objects.filter(name="电工双证班").exists()


def test_create_lists_every_bad_input_at_once(world):
    with pytest.raises(ValidationError) as refused:
        _create(world, world.users["county_a"], name="  ", start_date=END, end_date=START,
                capacity=0, completion_threshold=0, subsidy_per_person=-1)
    assert refused.value.messages == [
        "The project needs a name.",
        f"The end date ({START}) is before the start date ({END}).",
        "The capacity must be at least 1 person.",
        "The subsidy per person cannot be negative.",
        "The attendance needed to complete must be between 1 and 100 percent.",
    ]


def test_one_day_project_is_allowed(world):
    assert _create(world, world.users["county_a"], end_date=START).end_date == START


def test_create_refuses_demand_the_officer_cannot_see(world):
    with pytest.raises(ValidationError, match=f"“{world.demand_2.title}” is not one you can see"):
        _create(world, world.users["county_a"], demands=[world.demand_2])


def test_create_refuses_demand_that_is_not_open(world):
    filled = JobDemandFactory(employer=world.employer_1, title="焊工", status="filled")
    with pytest.raises(ValidationError, match="“焊工” is filled; only open demands"):
        _create(world, world.users["county_a"], demands=[filled])


def test_create_refuses_inactive_pathway(world):
    old = PathwayFactory(name="旧路径", active=False)
    with pytest.raises(ValidationError, match="“旧路径” is no longer active"):
        _create(world, world.users["county_a"], pathway=old)


def test_create_without_demands_is_allowed(world):
    made = _create(world, world.users["county_a"], demands=[])
    assert made.demands.count() == 0


def test_a_refused_create_uses_no_project_number(world):
    with pytest.raises(ValidationError):
        _create(world, world.users["county_a"], capacity=0)
    assert _create(world, world.users["county_a"]).code == "XM2026-0001"


def test_project_code_follows_the_year_of_creation(world, time_machine):
    time_machine.move_to("2027-01-05 10:00 +0800", tick=False)
    made = _create(world, world.users["county_a"], start_date=START + days(400),
                   end_date=END + days(400))
    assert made.code == "XM2027-0001"


def test_created_project_history_is_empty_until_a_move(world):
    made = _create(world, world.users["county_a"])
    assert list(history(made)) == []
    assert JobDemand.objects.get(pk=world.demand_1.pk).status == "open"
