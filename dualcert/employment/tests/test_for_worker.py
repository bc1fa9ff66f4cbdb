"""Reverse matching: the open jobs that fit one worker, and the training that would open more."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from dualcert.catalog.models import RecognitionRule
from dualcert.credentials.models import Certificate
from dualcert.demand.models import JobDemand
from dualcert.employment.for_worker import WorkerJobs, demands_for_worker
from dualcert.employment.models import Referral
from dualcert.employment.tests.factories import CertificateFactory, ReferralFactory
from dualcert.training.models import Enrollment, TrainingProject
from tests.factories import (
    CertificateTypeFactory,
    EmployerFactory,
    InstitutionFactory,
    JobDemandFactory,
    PathwayFactory,
    RegionFactory,
    TrainingProjectFactory,
    WorkerFactory,
)

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 1)


@dataclass
class Setting:
    worker: Any
    skill: Any
    permit: Any
    county: Any


@pytest.fixture
def setting(world: Any) -> Setting:
    # The shared world's demands require nothing, so they would fit every worker.
    JobDemand.objects.filter(pk__in=[world.demand_1.pk, world.demand_2.pk]).update(
        status=JobDemand.Status.CLOSED)
    skill = CertificateTypeFactory(skill=True, name="电工（五级）")
    permit = CertificateTypeFactory(name="低压电工作业")
    worker = WorkerFactory(region=world.county_a, expected_wage=5000, consent_recommend=False)
    return Setting(worker, skill, permit, world.county_a)


def demand(*types: Any, region: Any = None, deadline: date = TODAY + timedelta(days=30),
           **fields: Any) -> Any:
    employer = EmployerFactory(region=region) if region is not None else EmployerFactory()
    made: Any = JobDemandFactory(employer=employer, deadline=deadline, **fields)
    made.required_certificates.set(types)
    return made


def holds(worker: Any, *types: Any, **fields: Any) -> None:
    for kind in types:
        CertificateFactory(worker=worker, certificate_type=kind, **fields)


def enrolling(permit: Any, *, region: Any, start: date = TODAY + timedelta(days=10),
              place: str = "", status: str = TrainingProject.Status.ENROLLING) -> Any:
    pathway = PathwayFactory(permit=permit)
    return TrainingProjectFactory(
        pathway=pathway, institution=InstitutionFactory(region=region), region=region,
        status=status, start_date=start, end_date=start + timedelta(days=30), place=place,
    )


def jobs_for(worker: Any, **kwargs: Any) -> WorkerJobs:
    with translation.override("en"):
        return demands_for_worker(worker=worker, today=TODAY, **kwargs)


def qualifying(worker: Any) -> list[Any]:
    return [m.demand for m in jobs_for(worker).qualifying]


# ---- qualifying --------------------------------------------------------------------------------

def test_a_job_qualifies_when_every_required_certificate_is_held_validly(setting):
    both = demand(setting.skill, setting.permit, region=setting.county)
    skill_only = demand(setting.skill, region=setting.county)
    free = demand(region=setting.county)
    lacking = demand(setting.skill, CertificateTypeFactory(), region=setting.county)
    holds(setting.worker, setting.skill, setting.permit)
    assert set(qualifying(setting.worker)) == {both, skill_only, free}
    assert lacking not in qualifying(setting.worker)


@pytest.mark.parametrize("fields", [
    {"status": Certificate.Status.EXPIRED},
    {"status": Certificate.Status.REVOKED},
    {"status": Certificate.Status.VALID, "issued_on": date(2020, 1, 1),
     "expires_on": TODAY - timedelta(days=1)},
], ids=["expired status", "revoked", "past its end date"])
def test_expired_and_revoked_certificates_never_qualify(setting, fields):
    wanted = demand(setting.permit, region=setting.county)
    holds(setting.worker, setting.permit, **fields)
    assert wanted not in qualifying(setting.worker)


def test_a_certificate_valid_until_today_still_qualifies(setting):
    wanted = demand(setting.permit, region=setting.county)
    holds(setting.worker, setting.permit, issued_on=date(2020, 1, 1), expires_on=TODAY)
    assert qualifying(setting.worker) == [wanted]


def test_a_recognised_equivalent_qualifies_and_the_reason_says_so(setting):
    older = CertificateTypeFactory(name="电工作业（旧版）")
    RecognitionRule.objects.create(held=older, counts_as=setting.permit)
    wanted = demand(setting.permit, region=setting.county)
    holds(setting.worker, older)
    [match] = jobs_for(setting.worker).qualifying
    assert match.demand == wanted and match.candidate.qualified
    assert "“电工作业（旧版）” is recognised as “低压电工作业”." in match.candidate.reasons


def test_a_recognition_rule_does_not_work_backwards(setting):
    newer = CertificateTypeFactory(name="电工作业（新版）")
    RecognitionRule.objects.create(held=setting.permit, counts_as=newer)
    demand(setting.permit, region=setting.county)
    wants_newer = demand(newer, region=setting.county)
    holds(setting.worker, newer)
    assert wants_newer in qualifying(setting.worker)
    assert len(qualifying(setting.worker)) == 1


def test_closed_filled_and_past_deadline_jobs_are_not_offered(setting):
    holds(setting.worker, setting.permit)
    open_one = demand(setting.permit, region=setting.county)
    demand(setting.permit, region=setting.county, status="filled")
    demand(setting.permit, region=setting.county, status="closed")
    demand(setting.permit, region=setting.county, deadline=TODAY - timedelta(days=1))
    last_day = demand(setting.permit, region=setting.county, deadline=TODAY)
    assert set(qualifying(setting.worker)) == {open_one, last_day}


def test_jobs_are_ranked_by_the_matching_score_then_deadline(setting, world):
    holds(setting.worker, setting.permit)
    away = demand(setting.permit, region=world.county_b, wage_max=9000)
    near_low_pay = demand(setting.permit, region=setting.county, wage_min=3000, wage_max=4000)
    near_later = demand(setting.permit, region=setting.county,
                        deadline=TODAY + timedelta(days=40))
    near_sooner = demand(setting.permit, region=setting.county)
    matches = jobs_for(setting.worker).qualifying
    assert [m.demand for m in matches] == [near_sooner, near_later, near_low_pay, away]
    assert [m.candidate.score for m in matches] == [90, 90, 85, 75]
    assert "Lives in the job's county (+15)." in matches[0].candidate.reasons


def test_a_worker_who_has_not_consented_still_sees_the_jobs_that_fit(setting):
    assert not setting.worker.consent_recommend
    wanted = demand(setting.permit, region=setting.county)
    holds(setting.worker, setting.permit)
    assert qualifying(setting.worker) == [wanted]


def test_the_limit_keeps_the_best_jobs(setting, world):
    holds(setting.worker, setting.permit)
    near = [demand(setting.permit, region=setting.county) for _ in range(3)]
    for _ in range(3):
        demand(setting.permit, region=world.county_b)
    got = [m.demand for m in jobs_for(setting.worker, limit=3).qualifying]
    assert got == near


def test_an_applied_job_carries_its_referral_and_takes_no_second_application(setting):
    holds(setting.worker, setting.permit)
    applied = demand(setting.permit, region=setting.county)
    invited = demand(setting.permit, region=setting.county)
    ReferralFactory(demand=applied, worker=setting.worker, status=Referral.Status.APPLIED)
    ReferralFactory(demand=invited, worker=setting.worker)
    matches = {m.demand: m for m in jobs_for(setting.worker).qualifying}
    assert matches[applied].referral.status == "applied" and not matches[applied].may_apply
    assert matches[invited].referral.status == "recommended" and matches[invited].may_apply


# ---- after training ------------------------------------------------------------------------

def test_a_missing_permit_is_named_with_the_enrolling_project_nearby_that_gives_it(setting):
    holds(setting.worker, setting.skill)
    wanted = demand(setting.skill, setting.permit, region=setting.county)
    project = enrolling(setting.permit, region=setting.county)
    jobs = jobs_for(setting.worker)
    assert jobs.qualifying == []
    [match] = jobs.after_training
    assert match.demand == wanted
    [gap] = match.gaps
    assert gap.certificate_type == setting.permit and gap.projects == [project]
    assert "Lacks the required certificate “低压电工作业”." in match.candidate.reasons


@pytest.mark.parametrize("where,status", [
    ("other county", TrainingProject.Status.ENROLLING),
    ("same county", TrainingProject.Status.APPROVED),
    ("same county", TrainingProject.Status.TRAINING),
])
def test_only_projects_enrolling_in_the_workers_county_count(setting, world, where, status):
    holds(setting.worker, setting.skill)
    demand(setting.skill, setting.permit, region=setting.county)
    region = world.county_b if where == "other county" else setting.county
    enrolling(setting.permit, region=region, status=status)
    jobs = jobs_for(setting.worker)
    assert jobs.after_training == [] and jobs.projects_near == []


def test_a_project_giving_a_recognised_equivalent_covers_the_missing_type(setting):
    newer = CertificateTypeFactory(name="低压电工作业（新版）")
    RecognitionRule.objects.create(held=setting.permit, counts_as=newer)
    wanted = demand(newer, region=setting.county)
    project = enrolling(setting.permit, region=setting.county)
    [match] = jobs_for(setting.worker).after_training
    assert match.demand == wanted and match.gaps[0].projects == [project]


def test_a_job_is_left_out_when_the_projects_nearby_cover_only_some_missing_types(setting):
    other = CertificateTypeFactory(name="焊工作业")
    demand(setting.permit, other, region=setting.county)
    enrolling(setting.permit, region=setting.county)
    assert jobs_for(setting.worker).after_training == []


def test_two_projects_together_may_cover_a_jobs_missing_types(setting):
    other = CertificateTypeFactory(name="焊工作业")
    wanted = demand(setting.permit, other, region=setting.county)
    first = enrolling(setting.permit, region=setting.county)
    second = enrolling(other, region=setting.county)
    [match] = jobs_for(setting.worker).after_training
    assert match.demand == wanted
    assert {g.certificate_type.pk: g.projects for g in match.gaps} == {
        setting.permit.pk: [first], other.pk: [second]}


def test_a_job_the_worker_already_qualifies_for_is_not_repeated_after_training(setting):
    holds(setting.worker, setting.permit)
    demand(setting.permit, region=setting.county)
    enrolling(setting.permit, region=setting.county)
    jobs = jobs_for(setting.worker)
    assert len(jobs.qualifying) == 1 and jobs.after_training == []


# ---- projects near --------------------------------------------------------------------------

def test_projects_near_list_the_workers_township_first_then_the_soonest(setting, world):
    township = RegionFactory(name="三工镇", level="township", parent=setting.county)
    setting.worker.township = township
    setting.worker.save()
    later = enrolling(setting.permit, region=setting.county, start=TODAY + timedelta(days=20))
    sooner = enrolling(setting.permit, region=setting.county, start=TODAY + timedelta(days=5))
    in_township = enrolling(setting.permit, region=setting.county,
                            start=TODAY + timedelta(days=40), place="昌吉市三工镇培训中心")
    enrolling(setting.permit, region=world.county_b)
    assert jobs_for(setting.worker).projects_near == [in_township, sooner, later]


def test_projects_near_carry_the_workers_own_enrollment(setting):
    project = enrolling(setting.permit, region=setting.county)
    Enrollment.objects.create(project=project, worker=setting.worker)
    [near] = jobs_for(setting.worker).projects_near
    assert near.my_enrollment.status == Enrollment.Status.APPLIED


# ---- queries -------------------------------------------------------------------------------

def _queries(worker: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        jobs_for(worker)
    return len(ctx.captured_queries)


def _add_jobs(setting: Setting, world: Any, n: int) -> None:
    for i in range(n):
        region = setting.county if i % 2 else world.county_b
        demand(setting.skill, region=region)
        demand(setting.skill, setting.permit, region=region)
        demand(CertificateTypeFactory(), region=region)


def test_the_number_of_queries_is_fixed_whatever_the_number_of_demands(setting, world):
    holds(setting.worker, setting.skill)
    enrolling(setting.permit, region=setting.county)
    ReferralFactory(demand=demand(setting.skill), worker=setting.worker, status="applied")
    _add_jobs(setting, world, 2)
    few = _queries(setting.worker)
    _add_jobs(setting, world, 8)
    assert _queries(setting.worker) == few <= 11
    jobs = jobs_for(setting.worker)
    assert len(jobs.qualifying) == 11 and len(jobs.after_training) == 10
