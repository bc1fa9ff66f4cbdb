"""Reverse matching: the open jobs that fit one worker, and the training that would make more fit.

A job qualifies when the worker validly holds every certificate it requires, directly or
through a recognition rule; it is ranked by the same score employers see (`score_worker`).
A job whose missing certificates the enrolling projects of the worker's county would give
(directly or through recognition) is shown with those projects.

The database does the filtering: from the types the worker's certificates count as, and the
types the nearby projects would add, it keeps only the open demands whose every required type
is among them. The number of queries is fixed, whatever the number of demands.

Consent to be recommended is about employers finding the worker; a worker always sees the
jobs that fit them.
"""

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import (
    Case,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    prefetch_related_objects,
)

from dualcert.catalog.models import CertificateType, RecognitionRule
from dualcert.credentials.models import Certificate
from dualcert.demand.models import JobDemand
from dualcert.employment.matching import (
    COUNTY_POINTS,
    WAGE_POINTS,
    Candidate,
    Requirements,
    score_worker,
    with_match_details,
)
from dualcert.employment.models import Referral
from dualcert.people.models import Worker
from dualcert.training.models import Enrollment, TrainingProject

# For the jobs that qualify, SQL ranks by the part of the score that differs between demands
# (every required certificate is held), so it ranks exactly as the score does. For the jobs
# after training the share of certificates held differs too, so Python re-ranks a pool of
# this many times the limit that SQL ranked by place and wage.
POOL_FACTOR = 2


@dataclass
class JobMatch:
    """An open demand ranked for the worker, with the worker's referral to it if any."""

    demand: JobDemand
    candidate: Candidate
    referral: Referral | None = None

    @property
    def may_apply(self) -> bool:
        """No application yet (an unanswered invitation still takes one)."""
        return self.referral is None or self.referral.status == Referral.Status.RECOMMENDED


@dataclass
class Gap:
    """A required certificate the worker lacks, and the projects nearby that give it."""

    certificate_type: CertificateType
    projects: list[TrainingProject]


@dataclass
class JobAfterTraining(JobMatch):
    gaps: list[Gap] = field(default_factory=list)


@dataclass
class WorkerJobs:
    worker: Worker
    qualifying: list[JobMatch]
    after_training: list[JobAfterTraining]
    projects_near: list[TrainingProject]
    applications: list[Referral]


class Recognition:
    """Every recognition rule, read once: which types a held type counts as."""

    def __init__(self, rules: Iterable[tuple[int, int]]) -> None:
        self.counts_as: dict[int, set[int]] = defaultdict(set)
        self.accepted_for: dict[int, set[int]] = defaultdict(set)
        for held_id, counts_as_id in rules:
            self.counts_as[held_id].add(counts_as_id)
            self.accepted_for[counts_as_id].add(held_id)

    def covered(self, type_ids: Iterable[int]) -> set[int]:
        """The types themselves and every type they count as."""
        ids = set(type_ids)
        return ids.union(*(self.counts_as[pk] for pk in ids))

    def requirements(self, demand: JobDemand) -> Requirements:
        """The demand's `Requirements` from its prefetched `required_types` (no query)."""
        required: list[CertificateType] = demand.required_types  # type: ignore[attr-defined]
        types = sorted(required, key=lambda t: (t.kind, t.code))
        return Requirements(types=types, accepted={
            t.pk: frozenset({t.pk, *self.accepted_for[t.pk]}) for t in types
        })


def _open_demands(today: date) -> QuerySet[JobDemand]:
    return JobDemand.objects.filter(status=JobDemand.Status.OPEN, deadline__gte=today)


def _requires_other_than(type_ids: Collection[int]) -> Q:
    """Demands requiring some type that is not among `type_ids`."""
    through = JobDemand.required_certificates.through.objects
    return Q(pk__in=through.exclude(certificatetype_id__in=type_ids).values("jobdemand_id"))


def _requires_only(type_ids: Collection[int]) -> Q:
    """Demands whose every required type is among `type_ids` (also those requiring none)."""
    return ~_requires_other_than(type_ids)


def _points(condition: Q, points: int) -> Case:
    return Case(When(condition, then=Value(points)), default=Value(0), output_field=IntegerField())


def _ranked(qs: QuerySet[JobDemand], worker: Worker, size: int) -> list[JobDemand]:
    """The first `size` demands by the place and wage parts of `score_worker`, in SQL."""
    place = _points(Q(region_id=worker.region_id), COUNTY_POINTS)
    wage = (_points(Q(wage_max__gte=worker.expected_wage), WAGE_POINTS)
            if worker.expected_wage is not None else Value(0))
    ranked = qs.annotate(pre_score=place + wage).select_related("employer", "region")
    return list(ranked.order_by("-pre_score", "deadline", "pk")[:size])


def _same_township(worker: Worker, project: TrainingProject) -> bool:
    # Projects name no township of their own: their training place, written out as an
    # address, names it when it is in the worker's township.
    township = worker.township
    return township is not None and bool(township.name) and township.name in project.place


def projects_near(worker: Worker) -> list[TrainingProject]:
    """Projects enrolling in the worker's county: the worker's township first, then soonest."""
    projects = (
        TrainingProject.objects.filter(status=TrainingProject.Status.ENROLLING,
                                       region_id=worker.region_id)
        .select_related("pathway__skill_certificate", "pathway__permit", "institution", "region")
    )
    return sorted(projects, key=lambda p: (not _same_township(worker, p), p.start_date, p.pk))


def _mark_enrollments(worker: Worker, projects: list[TrainingProject]) -> None:
    """Set `my_enrollment` on each project: the worker's enrollment in it, or None."""
    mine = {e.project_id: e for e in
            Enrollment.objects.filter(worker=worker, project__in=[p.pk for p in projects])}
    for project in projects:
        project.my_enrollment = mine.get(project.pk)  # type: ignore[attr-defined]


def _gives(project: TrainingProject, recognition: Recognition) -> set[int]:
    pathway = project.pathway
    return recognition.covered({pathway.skill_certificate_id, pathway.permit_id})


def _gaps(missing: list[CertificateType],
          gives: list[tuple[TrainingProject, set[int]]]) -> list[Gap] | None:
    """Each missing type with the projects giving it; None when one has no project."""
    gaps = [Gap(t, [p for p, types in gives if t.pk in types]) for t in missing]
    return gaps if all(gap.projects for gap in gaps) else None


def _rank_key(match: JobMatch) -> tuple[int, date, int]:
    return (-match.candidate.score, match.demand.deadline, match.demand.pk)


def _demand_pools(worker: Worker, held: set[int], trainable: set[int], today: date,
                  limit: int) -> tuple[list[JobDemand], list[JobDemand]]:
    """The ranked open demands the worker qualifies for, and those training would open; with
    their required types (three queries)."""
    fitting = _ranked(_open_demands(today).filter(_requires_only(held)), worker, limit)
    after = (_ranked(_open_demands(today).filter(_requires_only(trainable))
                     .filter(_requires_other_than(held)), worker, limit * POOL_FACTOR)
             if trainable != held else [])
    prefetch_related_objects([*fitting, *after], Prefetch(
        "required_certificates", queryset=CertificateType.objects.all(), to_attr="required_types"))
    return fitting, after


def demands_for_worker(*, worker: Worker, today: date, limit: int = 30) -> WorkerJobs:
    """The open jobs the worker qualifies for, those training nearby would open, the projects
    enrolling nearby and the worker's applications.

    A fixed number of queries whatever the number of demands: the worker as matching loads
    it (certificates, groups), the recognition rules, the projects nearby and the worker's
    enrollments in them, the two ranked demand pools, their required types, and the
    worker's referrals.
    """
    # Loaded as matching loads its candidates, so the score and reasons are the same.
    loaded = with_match_details(Worker.objects.filter(pk=worker.pk), today).get()
    recognition = Recognition(RecognitionRule.objects.values_list("held_id", "counts_as_id"))
    certificates: list[Certificate] = loaded.valid_certificates  # type: ignore[attr-defined]
    held = recognition.covered(c.certificate_type_id for c in certificates)
    near = projects_near(loaded)
    _mark_enrollments(loaded, near)
    gives = [(p, _gives(p, recognition)) for p in near]
    fitting, after = _demand_pools(loaded, held, held.union(*(t for _p, t in gives)), today,
                                   limit)
    applications = list(
        Referral.objects.filter(worker=loaded)
        .select_related("demand__employer", "demand__region").order_by("-updated_at", "-pk")
    )
    by_demand = {r.demand_id: r for r in applications}

    def scored(demand: JobDemand) -> Candidate:
        req = recognition.requirements(demand)
        return score_worker(loaded, demand=demand, req=req, today=today)

    qualifying = [JobMatch(d, scored(d), by_demand.get(d.pk)) for d in fitting]
    after_training = []
    for demand in after:
        candidate = scored(demand)
        gaps = _gaps(candidate.missing, gives)
        if gaps is not None:
            after_training.append(JobAfterTraining(demand, candidate, by_demand.get(demand.pk),
                                                   gaps))
    return WorkerJobs(
        worker=loaded,
        qualifying=sorted(qualifying, key=_rank_key)[:limit],
        after_training=sorted(after_training, key=_rank_key)[:limit],
        projects_near=near,
        applications=applications,
    )
