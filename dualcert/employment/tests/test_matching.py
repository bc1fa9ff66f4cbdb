from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from dualcert.catalog.models import RecognitionRule, TargetGroup
from dualcert.credentials.models import Certificate
from dualcert.employment.matching import (
    candidate_for_worker,
    candidates_for_demand,
    ranked_pool,
    requirements_for,
)
from dualcert.employment.tests.factories import CertificateFactory
from dualcert.training.models import Enrollment
from tests.factories import (
    CertificateTypeFactory,
    JobDemandFactory,
    PathwayFactory,
    TrainingProjectFactory,
    WorkerFactory,
)

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 1)


@dataclass
class Job:
    demand: Any
    skill: Any
    permit: Any


@pytest.fixture
def job(world: Any) -> Job:
    skill = CertificateTypeFactory(skill=True, name="电工（五级）")
    permit = CertificateTypeFactory(name="低压电工作业")
    demand: Any = JobDemandFactory(employer=world.employer_1, wage_min=5000, wage_max=7000)
    demand.required_certificates.set([skill, permit])
    return Job(demand, skill, permit)


def certified(job: Job, *, types: tuple[str, ...] = ("skill", "permit"), **worker: Any) -> Any:
    person = WorkerFactory(**worker)
    for kind in types:
        CertificateFactory(worker=person, certificate_type=getattr(job, kind))
    return person


def ranked(job: Job, **kwargs: Any) -> list[Any]:
    with translation.override("en"):
        return candidates_for_demand(demand=job.demand, today=TODAY, **kwargs)


def by_worker(candidates: list[Any]) -> dict[int, Any]:
    return {c.worker.pk: c for c in candidates}


def test_worker_lacking_the_required_permit_is_never_qualified_and_the_permit_is_named(world, job):
    skill_only = certified(job, types=("skill",), region=world.county_a, expected_wage=5000)
    skill_only.target_groups.add(TargetGroup.objects.create(code="tp", name="脱贫", priority=True))
    both = certified(job, region=world.county_b, available_from=TODAY + timedelta(days=90))
    candidates = ranked(job)
    lacking = by_worker(candidates)[skill_only.pk]
    assert lacking.qualified is False
    assert lacking.missing == [job.permit]
    assert "Lacks the required certificate “低压电工作业”." in lacking.reasons
    # A qualified worker ranks first even with fewer points.
    assert [c.worker for c in candidates] == [both, skill_only]
    assert by_worker(candidates)[both.pk].score < lacking.score


@pytest.mark.parametrize("state", [
    {"status": Certificate.Status.REVOKED},
    {"status": Certificate.Status.EXPIRED},
    {"expires_on": TODAY - timedelta(days=1)},
])
def test_expired_or_revoked_certificates_do_not_count(world, job, state):
    person = WorkerFactory(region=world.county_a)
    CertificateFactory(worker=person, certificate_type=job.skill, **state)
    CertificateFactory(worker=person, certificate_type=job.permit, **state)
    assert person.pk not in by_worker(ranked(job))


def test_expired_permit_leaves_a_valid_skill_holder_unqualified(world, job):
    person = certified(job, types=("skill",), region=world.county_a)
    CertificateFactory(worker=person, certificate_type=job.permit,
                       issued_on=date(2019, 1, 1), expires_on=TODAY - timedelta(days=1))
    candidate = by_worker(ranked(job))[person.pk]
    assert candidate.qualified is False and candidate.missing == [job.permit]


def test_certificate_valid_until_today_still_counts(world, job):
    person = certified(job, types=("skill",), region=world.county_a)
    CertificateFactory(worker=person, certificate_type=job.permit,
                       issued_on=date(2020, 3, 1), expires_on=TODAY)
    assert by_worker(ranked(job))[person.pk].qualified is True


def test_recognised_equivalent_counts_as_the_required_permit(world, job):
    older = CertificateTypeFactory(name="电工作业（旧版）")
    RecognitionRule.objects.create(held=older, counts_as=job.permit)
    person = certified(job, types=("skill",), region=world.county_a)
    CertificateFactory(worker=person, certificate_type=older)
    candidate = by_worker(ranked(job))[person.pk]
    assert candidate.qualified is True and candidate.missing == []
    assert "“电工作业（旧版）” is recognised as “低压电工作业”." in candidate.reasons


def test_recognised_equivalent_alone_makes_a_worker_a_candidate(world, job):
    older = CertificateTypeFactory(name="电工作业（旧版）")
    RecognitionRule.objects.create(held=older, counts_as=job.permit)
    person = WorkerFactory(region=world.county_a)
    CertificateFactory(worker=person, certificate_type=older)
    candidate = by_worker(ranked(job))[person.pk]
    assert candidate.missing == [job.skill] and candidate.score >= 30


def test_unrelated_certificate_does_not_make_a_candidate(world, job):
    person = WorkerFactory(region=world.county_a)
    CertificateFactory(worker=person, certificate_type=CertificateTypeFactory())
    assert person.pk not in by_worker(ranked(job))


def test_workers_who_did_not_consent_never_appear(world, job):
    refused = certified(job, region=world.county_a, consent_recommend=False)
    agreed = certified(job, region=world.county_a)
    found = by_worker(ranked(job))
    assert refused.pk not in found and agreed.pk in found


def test_ranking_order_and_scores(world, job):
    priority = TargetGroup.objects.create(code="tp", name="脱贫劳动力", priority=True)
    plain_group = TargetGroup.objects.create(code="grad", name="高校毕业生", priority=False)
    local = dict(region=world.county_a, expected_wage=6000)
    # 60 + 15 + 10 + 5 + 5 = 95
    best = certified(job, name="Best", **local)
    best.target_groups.add(priority)
    # 60 + 15 + 10 + 0 + 5 = 90, priority group wins the tie with `tied_plain`
    tied_priority = certified(job, name="Zed", region=world.county_a, expected_wage=9000)
    tied_priority.target_groups.add(priority)
    # 60 + 15 + 10 + 5 = 90
    tied_plain = certified(job, name="Amy", **local)
    tied_plain.target_groups.add(plain_group)
    # Same 90 points, no priority: name decides between Amy and Bob.
    bob = certified(job, name="Bob", **local)
    # 60 + 0 + 0 + 0 = 60: other county, available later, expects more, but qualified
    far = certified(job, name="Far", region=world.county_b, expected_wage=9000,
                    available_from=TODAY + timedelta(days=30))
    # 30 + 15 + 10 + 5 + 5 = 65 but lacking a certificate
    half = certified(job, types=("skill",), name="Half", **local)
    half.target_groups.add(priority)
    candidates = ranked(job)
    assert [c.worker for c in candidates] == [best, tied_priority, tied_plain, bob, far, half]
    assert [c.score for c in candidates] == [95, 90, 90, 90, 60, 65]
    assert [c.qualified for c in candidates] == [True] * 5 + [False]
    # The database ranks by the very same score, so its pool cut never drops a better worker.
    pool = ranked_pool(job.demand, requirements_for(job.demand), TODAY, 50)
    assert [(r.worker_id, r.score) for r in pool] == [(c.worker.pk, c.score) for c in candidates]


def test_reasons_explain_every_point(world, job):
    group = TargetGroup.objects.create(code="tp", name="脱贫劳动力", priority=True)
    person = certified(job, region=world.county_a, expected_wage=6500)
    person.target_groups.add(group)
    assert ranked(job)[0].reasons == [
        "Holds 2 of the 2 required certificates (+60).",
        "Lives in the job's county (+15).",
        "Available now (+10).",
        "Expects 6500 yuan a month, within the pay offered (+5).",
        "Belongs to a priority group: 脱贫劳动力 (+5).",
    ]


def test_reasons_name_what_costs_points(world, job):
    certified(job, types=("permit",), region=world.county_b, expected_wage=8000,
              available_from=date(2026, 4, 1))
    with translation.override("en"):
        reasons = ranked(job)[0].reasons
    assert reasons[0] == "Holds 1 of the 2 required certificates (+30)."
    assert "Lacks the required certificate “电工（五级）”." in reasons
    assert f"Lives in another county ({world.county_b.name})." in reasons
    assert "Expects 8000 yuan a month, more than the 7000 yuan offered." in reasons
    assert any(r.startswith("Available from ") for r in reasons)


def test_two_of_three_required_certificates_give_forty_points(world, job):
    third = CertificateTypeFactory()
    job.demand.required_certificates.add(third)
    person = certified(job, types=("skill", "permit"), region=world.county_b)
    found = ranked(job)[0]
    assert found.worker == person and found.score == 40 + 10 and not found.qualified
    pool = ranked_pool(job.demand, requirements_for(job.demand), TODAY, 50)
    assert [r.score for r in pool] == [50]


def test_demand_without_required_certificates_takes_any_valid_holder(world):
    demand = JobDemandFactory(employer=world.employer_1)
    holder = WorkerFactory(region=world.county_a)
    CertificateFactory(worker=holder, certificate_type=CertificateTypeFactory())
    WorkerFactory(region=world.county_a)  # holds nothing
    found = candidates_for_demand(demand=demand, today=TODAY)
    assert [c.worker for c in found] == [holder] and found[0].qualified


def test_limit_caps_the_list(world, job):
    for _ in range(4):
        certified(job, region=world.county_a)
    assert len(ranked(job, limit=3)) == 3


def test_candidate_for_worker_scores_one_worker_like_the_list(world, job):
    person = certified(job, region=world.county_a, expected_wage=6000)
    listed = ranked(job)[0]
    with translation.override("en"):
        single = candidate_for_worker(demand=job.demand, worker=person, today=TODAY)
    assert (single.score, single.reasons, single.qualified) == (
        listed.score, listed.reasons, listed.qualified)


def _count_queries(job: Job) -> int:
    with CaptureQueriesContext(connection) as ctx:
        ranked(job)
    return len(ctx.captured_queries)


def test_number_of_queries_does_not_grow_with_candidates(world, job):
    group = TargetGroup.objects.create(code="tp", name="脱贫劳动力", priority=True)
    for _ in range(3):
        certified(job, region=world.county_a).target_groups.add(group)
    few = _count_queries(job)
    for _ in range(7):
        certified(job, region=world.county_b).target_groups.add(group)
    assert _count_queries(job) == few == 8


def in_training(job: Job, *, project_status: str = "training", status: str = "enrolled",
                **worker: Any) -> Any:
    """A worker enrolled in a project whose pathway leads to the job's two certificates."""
    person: Any = WorkerFactory(**worker)
    pathway = PathwayFactory(skill_certificate=job.skill, permit=job.permit)
    project: Any = TrainingProjectFactory(pathway=pathway, status=project_status,
                                     start_date=TODAY - timedelta(days=20),
                                     end_date=TODAY + timedelta(days=20), name="电工班")
    Enrollment.objects.create(project=project, worker=person, status=status)
    return person


def test_worker_in_training_for_the_permit_ranks_after_the_qualified_and_before_the_lacking(
    world, job
):
    qualified = certified(job, region=world.county_b, expected_wage=9000)
    lacking = certified(job, types=("skill",), region=world.county_a)
    learner = in_training(job, region=world.county_a)
    candidates = ranked(job)
    assert [c.worker for c in candidates] == [qualified, learner, lacking]
    soon = by_worker(candidates)[learner.pk]
    assert soon.qualified is False and soon.qualified_soon is True and soon.is_candidate
    assert soon.missing == [job.permit, job.skill]
    assert [(t, p.name) for t, p in soon.soon] == [(job.permit, "电工班"), (job.skill, "电工班")]
    assert any(r.startswith("Lacks the required certificate “低压电工作业” today; will hold it "
                            "after the project “电工班”") for r in soon.reasons)
    # Certificates not yet held earn no points: 0 + 15 (county) + 10 (available now).
    assert soon.score == 25
    pool = ranked_pool(job.demand, requirements_for(job.demand), TODAY, 50)
    assert [(r.worker_id, r.score) for r in pool] == [(c.worker.pk, c.score) for c in candidates]


@pytest.mark.parametrize(("project_status", "status"), [
    ("enrolling", "enrolled"),  # not under way yet
    ("closed", "completed"),  # over: what it gave is a certificate or nothing
    ("training", "dropped"),
    ("training", "applied"),  # not admitted
])
def test_training_that_is_not_under_way_gives_no_coming_certificate(
    world, job, project_status, status
):
    in_training(job, project_status=project_status, status=status, region=world.county_a)
    assert ranked(job) == []


def test_training_towards_a_recognised_equivalent_counts_as_coming(world, job):
    older = CertificateTypeFactory(name="低压电工作业（旧版）")
    RecognitionRule.objects.create(held=older, counts_as=job.permit)
    person = certified(job, types=("skill",), region=world.county_a)
    project: Any = TrainingProjectFactory(
        pathway=PathwayFactory(permit=older), status="assessing", name="复审班")
    Enrollment.objects.create(project=project, worker=person, status="completed")
    found = by_worker(ranked(job))[person.pk]
    assert found.qualified_soon and [(t, p.name) for t, p in found.soon] == [(job.permit, "复审班")]


def test_worker_in_training_without_consent_is_not_a_candidate(world, job):
    in_training(job, region=world.county_a, consent_recommend=False)
    assert ranked(job) == []


def test_a_short_list_is_the_head_of_the_long_one_even_when_names_break_the_ties(world, job):
    for name in ("Cat", "阿依古丽", "Bob", "Ann", "巴合提"):
        certified(job, name=name, region=world.county_a)  # all 85 points, all qualified
    certified(job, types=("permit",), name="Aaron", region=world.county_a)
    full = ranked(job)
    for limit in (1, 2, 3, 5):
        assert [c.worker.pk for c in ranked(job, limit=limit)] == [
            c.worker.pk for c in full[:limit]]
