"""Role × object matrix: each role sees exactly its rows of every scoped model."""

from datetime import UTC, date, datetime

import pytest

from dualcert.assessment.models import Result, Score, Sitting
from dualcert.credentials.models import Certificate
from dualcert.demand.models import JobDemand
from dualcert.employment.models import Placement, Referral
from dualcert.people.models import Worker
from dualcert.training.models import Enrollment, TrainingProject

pytestmark = pytest.mark.django_db

ROLES = ["bureau", "county_a", "dept_1", "inst_1", "eval_1", "employer_1", "worker_1", "outsider"]


def _chain(world, n: int) -> dict:
    """Enrollment → sitting → score → permit result → certificate → referral → placement."""
    project, worker = getattr(world, f"project_{n}"), getattr(world, f"worker_{n}")
    body, demand = getattr(world, f"body_{n}"), getattr(world, f"demand_{n}")
    enrollment = Enrollment.objects.create(project=project, worker=worker, status="completed")
    sitting = Sitting.objects.create(
        project=project, evaluation_body=body, day=date(2026, 6, 1), place="考点",
        skill_examiner="甲", permit_examiner="乙",
    )
    score = Score.objects.create(sitting=sitting, enrollment=enrollment, theory=90, practical=90)
    permit = project.pathway.permit
    result = Result.objects.create(score=score, certificate_type=permit, passed=True,
                                   theory_pass=80, practical_pass=80)
    certificate = Certificate.objects.create(
        number=f"T2026{n:06d}", certificate_type=permit, worker=worker, result=result,
        issuer_name="应急管理局", issued_on=date(2026, 6, 10),
    )
    referral = Referral.objects.create(demand=demand, worker=worker, status="hired",
                                       applied_at=datetime(2026, 6, 12, tzinfo=UTC))
    placement = Placement.objects.create(referral=referral, worker=worker, employer=demand.employer,
                                         start_date=date(2026, 7, 1), monthly_wage=6200)
    return {"project": project, "worker": worker, "demand": demand, "enrollment": enrollment,
            "sitting": sitting, "score": score, "result": result, "certificate": certificate,
            "referral": referral, "placement": placement}


@pytest.fixture
def chains(world):
    return {1: _chain(world, 1), 2: _chain(world, 2)}


# Which of the two chains each role may see, per model ("" = none, "12" = both).
VISIBLE = {
    TrainingProject: {"bureau": "12", "county_a": "1", "dept_1": "1", "inst_1": "1", "eval_1": "1",
                      "employer_1": "1", "worker_1": "1", "outsider": ""},
    Worker: {"bureau": "12", "county_a": "1", "dept_1": "1", "inst_1": "1", "eval_1": "1",
             "employer_1": "1", "worker_1": "1", "outsider": ""},
    JobDemand: {"bureau": "12", "county_a": "1", "dept_1": "1", "inst_1": "1", "eval_1": "",
                "employer_1": "1", "worker_1": "12", "outsider": ""},
    Enrollment: {"bureau": "12", "county_a": "1", "dept_1": "1", "inst_1": "1", "eval_1": "1",
                 "employer_1": "1", "worker_1": "1", "outsider": ""},
    Sitting: {"bureau": "12", "county_a": "1", "dept_1": "1", "inst_1": "1", "eval_1": "1",
              "employer_1": "1", "worker_1": "1", "outsider": ""},
    Score: {"bureau": "12", "county_a": "1", "dept_1": "1", "inst_1": "1", "eval_1": "1",
            "employer_1": "1", "worker_1": "1", "outsider": ""},
    Result: {"bureau": "12", "county_a": "1", "dept_1": "1", "inst_1": "1", "eval_1": "1",
             "employer_1": "1", "worker_1": "1", "outsider": ""},
    Certificate: {"bureau": "12", "county_a": "1", "dept_1": "1", "inst_1": "1", "eval_1": "1",
                  "employer_1": "1", "worker_1": "1", "outsider": ""},
    Referral: {"bureau": "12", "county_a": "1", "dept_1": "", "inst_1": "", "eval_1": "",
               "employer_1": "1", "worker_1": "1", "outsider": ""},
    Placement: {"bureau": "12", "county_a": "1", "dept_1": "", "inst_1": "", "eval_1": "",
                "employer_1": "1", "worker_1": "1", "outsider": ""},
}

KEY = {TrainingProject: "project", Worker: "worker", JobDemand: "demand", Enrollment: "enrollment",
       Sitting: "sitting", Score: "score", Result: "result", Certificate: "certificate",
       Referral: "referral", Placement: "placement"}


@pytest.mark.parametrize("model", list(VISIBLE), ids=lambda m: m.__name__)
@pytest.mark.parametrize("role", ROLES)
def test_role_sees_exactly_its_rows(world, chains, model, role):
    expected = {chains[int(n)][KEY[model]].pk for n in VISIBLE[model][role]}
    seen = set(model.objects.visible_to(world.users[role]).values_list("pk", flat=True))
    assert seen == expected


WRITABLE_PROJECTS = {"bureau": "12", "county_a": "1", "inst_1": "1"}


@pytest.mark.parametrize("role", ROLES)
def test_only_bureau_county_and_institution_may_change_a_project(world, chains, role):
    expected = {chains[int(n)]["project"].pk for n in WRITABLE_PROJECTS.get(role, "")}
    seen = set(TrainingProject.objects.writable_by(world.users[role]).values_list("pk", flat=True))
    assert seen == expected
