"""Matching: rank the workers who could fill a job demand, with every point explained.

A candidate has agreed to be recommended and holds at least one valid certificate that the
demand asks for, directly or through a recognition rule, or will soon hold one: they are
enrolled in a project under way (training or assessing) whose pathway leads to it. Workers
who hold every required certificate come first, then those who will once their project ends,
then the rest. The score (0–100) counts only certificates held today and adds up:

    required certificates held   share × 60
    same county                  +15   (same township +5 when the demand names one)
    available now                +10
    expected wage ≤ offered max  +5
    priority target group        +5

The database filters and ranks with the same score (ranking.py), so the number of queries
is fixed and only a bounded pool of rows reaches Python, where the reasons are written.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import (
    Prefetch,
    Q,
    QuerySet,
)
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from dualcert.catalog.models import CertificateType, RecognitionRule
from dualcert.credentials.models import Certificate
from dualcert.demand.models import JobDemand
from dualcert.employment.models import MatchEntry
from dualcert.employment.ranking import (
    AVAILABLE_POINTS,
    CERTIFICATE_POINTS,
    COUNTY_POINTS,
    PRIORITY_POINTS,
    TOWNSHIP_POINTS,
    WAGE_POINTS,
    Ranked,
    ranked_workers,
)
from dualcert.people.models import Worker
from dualcert.training.models import Enrollment, TrainingProject

# Rows read past the list's end, to fill the places of workers the index names but the
# live tables no longer count (a refresh that has not reached them).
SPARE = 10


@dataclass
class Candidate:
    """One worker ranked for a demand, with the score explained sentence by sentence."""

    worker: Worker
    score: int
    qualified: bool
    reasons: list[str]
    missing: list[CertificateType]
    certificates: list[Certificate] = field(default_factory=list)
    priority: bool = False
    # Missing types the worker will hold after a project under way, with that project.
    soon: list[tuple[CertificateType, TrainingProject]] = field(default_factory=list)

    @property
    def is_candidate(self) -> bool:
        """Holds, or is in training for, at least one certificate that counts."""
        return bool(self.certificates or self.soon)

    @property
    def qualified_soon(self) -> bool:
        """Lacks some required certificates today, but every one of them is being trained for."""
        return not self.qualified and len(self.soon) == len(self.missing)


@dataclass(frozen=True)
class Requirements:
    """The demand's required types and, for each, the type ids that count as it."""

    types: list[CertificateType]
    accepted: dict[int, frozenset[int]]

    @property
    def accepted_ids(self) -> set[int]:
        return set().union(*self.accepted.values()) if self.accepted else set()


def requirements_for(demand: JobDemand) -> Requirements:
    """The required certificate types and recognition rules (two queries)."""
    types = list(demand.required_certificates.order_by("kind", "code"))
    accepted: dict[int, set[int]] = {t.pk: {t.pk} for t in types}
    rules = RecognitionRule.objects.filter(counts_as__in=types).values_list(
        "held_id", "counts_as_id"
    )
    for held_id, counts_as_id in rules:
        accepted[counts_as_id].add(held_id)
    return Requirements(types=types, accepted={k: frozenset(v) for k, v in accepted.items()})


def valid_certificates(today: date) -> QuerySet[Certificate]:
    """Certificates that count today: status valid and not past their end date."""
    return Certificate.objects.filter(status=Certificate.Status.VALID).filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=today)
    )


# Enrolled in (or finished the training of) a project that is under way: its certificates
# follow the assessment.
TRAINING_NOW = {
    "status__in": [Enrollment.Status.ENROLLED, Enrollment.Status.COMPLETED],
    "project__status__in": [TrainingProject.Status.TRAINING, TrainingProject.Status.ASSESSING],
}


def with_match_details(qs: QuerySet[Worker], today: date) -> QuerySet[Worker]:
    certificates = (
        valid_certificates(today).select_related("certificate_type").order_by("issued_on", "pk")
    )
    training = Enrollment.objects.filter(**TRAINING_NOW).select_related(
        "project", "project__pathway").order_by("project__end_date", "pk")
    return qs.select_related("region", "township").prefetch_related(
        Prefetch("certificates", queryset=certificates, to_attr="valid_certificates"),
        Prefetch("target_groups", to_attr="groups"),
        Prefetch("enrollments", queryset=training, to_attr="training_now"),
    )


def candidate_pool(demand: JobDemand, req: Requirements, today: date) -> QuerySet[Worker]:
    """Consenting workers the match index names for the demand: holding a certificate that
    counts towards it and is valid today, or in training for one in a project under way
    (any valid certificate when the demand asks for none). Writes that act on a candidate
    check the live tables again (`candidate_for_worker`)."""
    rows = MatchEntry.objects.filter(
        Q(held=False) | Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    rows = (rows.filter(certificate_type_id__in=req.accepted_ids) if req.types
            else rows.filter(held=True))
    return Worker.objects.filter(consent_recommend=True, pk__in=rows.values("worker_id"))


def ranked_pool(demand: JobDemand, req: Requirements, today: date, size: int) -> list[Ranked]:
    """The best `size` candidates as the database ranks them (by score, before names)."""
    accepted = [req.accepted[t.pk] for t in req.types]
    return ranked_workers(demand, accepted, today, size)


def candidates_for_demand(*, demand: JobDemand, today: date, limit: int = 50) -> list[Candidate]:
    """The best `limit` candidates for a demand: qualified first, then qualified once their
    training ends, then score, priority, name.

    Seven queries whatever the number of workers: required types, recognition rules, the
    ranking over the match index, and the chosen workers with their certificates, target
    groups and training under way, read live: a worker the index still names after they
    withdrew consent or lost a certificate is dropped or scored as they stand now.
    """
    req = requirements_for(demand)
    ids = [r.worker_id for r in ranked_pool(demand, req, today, limit + SPARE)]
    position = {pk: index for index, pk in enumerate(ids)}
    live = Worker.objects.filter(pk__in=ids, consent_recommend=True)
    rows = with_match_details(live, today) if ids else []
    scored = [c for c in (score_worker(w, demand=demand, req=req, today=today) for w in rows)
              if c.is_candidate]
    # The database's name order (its collation) breaks the remaining ties.
    return sorted(scored, key=lambda c: (*rank_key(c)[:4], position[c.worker.pk]))[:limit]


def candidate_for_worker(*, demand: JobDemand, worker: Worker, today: date) -> Candidate:
    """Score one worker for a demand, whether or not they are a candidate (five queries)."""
    req = requirements_for(demand)
    loaded = with_match_details(Worker.objects.filter(pk=worker.pk), today).get()
    return score_worker(loaded, demand=demand, req=req, today=today)


def rank_key(candidate: Candidate) -> tuple[bool, bool, int, bool, str, int]:
    """Qualified first, then qualified once training ends, then higher score, then priority
    group, then name."""
    return (
        not candidate.qualified, not (candidate.qualified or candidate.qualified_soon),
        -candidate.score, not candidate.priority, candidate.worker.name, candidate.worker.pk,
    )


def score_worker(worker: Worker, *, demand: JobDemand, req: Requirements, today: date) -> Candidate:
    """Score a worker loaded with `valid_certificates`, `groups` and, to see certificates
    coming from training under way, `training_now` (no queries)."""
    held_certs: list[Certificate] = worker.valid_certificates  # type: ignore[attr-defined]
    training: list[Enrollment] = getattr(worker, "training_now", [])
    counting, missing, soon, reasons = _certificate_part(held_certs, training, req)
    score = _share_points(len(req.types) - len(missing), len(req.types))
    for points, reason in (
        _place_part(worker, demand),
        _availability_part(worker, today),
        _wage_part(worker, demand),
        _priority_part(worker),
    ):
        score += points
        if reason:
            reasons.append(reason)
    priority = any(g.priority for g in worker.groups)  # type: ignore[attr-defined]
    return Candidate(
        worker=worker, score=score, qualified=not missing, reasons=reasons, missing=missing,
        certificates=counting, priority=priority, soon=soon,
    )


def _share_points(held: int, total: int) -> int:
    if total == 0:
        return CERTIFICATE_POINTS
    # Round half up in integers: 60 × held / total.
    return (2 * CERTIFICATE_POINTS * held + total) // (2 * total)


def _certificate_part(
    held: list[Certificate], training: list[Enrollment], req: Requirements
) -> tuple[list[Certificate], list[CertificateType],
           list[tuple[CertificateType, TrainingProject]], list[str]]:
    """The certificates that count, the required types missing (and of those, the ones a
    project under way leads to), and the reasons for each."""
    if not req.types:
        reason = _("The job requires no particular certificate (+%(points)d).") % {
            "points": CERTIFICATE_POINTS
        }
        return held, [], [], [reason]
    counting: list[Certificate] = []
    missing: list[CertificateType] = []
    soon: list[tuple[CertificateType, TrainingProject]] = []
    notes: list[str] = []
    for required in req.types:
        match = _certificate_for(required, held, req)
        if match is not None:
            counting.append(match)
            if match.certificate_type_id != required.pk:
                notes.append(
                    _("“%(held)s” is recognised as “%(required)s”.")
                    % {"held": match.certificate_type.name, "required": required.name}
                )
            continue
        missing.append(required)
        project = _project_towards(req.accepted[required.pk], training)
        if project is None:
            notes.append(_("Lacks the required certificate “%(name)s”.") % {"name": required.name})
            continue
        soon.append((required, project))
        notes.append(_(
            "Lacks the required certificate “%(name)s” today; will hold it after the project "
            "“%(project)s” (training ends %(date)s)."
        ) % {"name": required.name, "project": project.name,
             "date": date_format(project.end_date, "SHORT_DATE_FORMAT")})
    total = len(req.types)
    summary = _("Holds %(held)d of the %(total)d required certificates (+%(points)d).") % {
        "held": total - len(missing), "total": total,
        "points": _share_points(total - len(missing), total),
    }
    return counting, missing, soon, [summary, *notes]


def _project_towards(accepted: frozenset[int], training: list[Enrollment]
                     ) -> TrainingProject | None:
    """The first-ending project under way whose pathway leads to one of these types."""
    return next((e.project for e in training
                 if {e.project.pathway.skill_certificate_id, e.project.pathway.permit_id}
                 & accepted), None)


def _certificate_for(
    required: CertificateType, held: list[Certificate], req: Requirements
) -> Certificate | None:
    """The worker's certificate of the required type itself, else a recognised equivalent."""
    direct = [c for c in held if c.certificate_type_id == required.pk]
    if direct:
        return direct[0]
    return next((c for c in held if c.certificate_type_id in req.accepted[required.pk]), None)


def _place_part(worker: Worker, demand: JobDemand) -> tuple[int, str]:
    if worker.region_id != demand.region_id:
        return 0, _("Lives in another county (%(county)s).") % {"county": worker.region.name}
    township_id = getattr(demand, "township_id", None)
    if township_id and worker.township_id == township_id:
        return COUNTY_POINTS + TOWNSHIP_POINTS, _(
            "Lives in the job's county and township (+%(points)d)."
        ) % {"points": COUNTY_POINTS + TOWNSHIP_POINTS}
    return COUNTY_POINTS, _("Lives in the job's county (+%(points)d).") % {"points": COUNTY_POINTS}


def _availability_part(worker: Worker, today: date) -> tuple[int, str]:
    if worker.available_from is None or worker.available_from <= today:
        return AVAILABLE_POINTS, _("Available now (+%(points)d).") % {"points": AVAILABLE_POINTS}
    return 0, _("Available from %(date)s.") % {
        "date": date_format(worker.available_from, "SHORT_DATE_FORMAT")
    }


def _wage_part(worker: Worker, demand: JobDemand) -> tuple[int, str]:
    if worker.expected_wage is None:
        return 0, _("Expected wage not recorded.")
    values = {"wage": worker.expected_wage, "max": demand.wage_max, "points": WAGE_POINTS}
    if worker.expected_wage <= demand.wage_max:
        return WAGE_POINTS, _(
            "Expects %(wage)d yuan a month, within the pay offered (+%(points)d)."
        ) % values
    return 0, _("Expects %(wage)d yuan a month, more than the %(max)d yuan offered.") % values


def _priority_part(worker: Worker) -> tuple[int, str]:
    names = [g.name for g in worker.groups if g.priority]  # type: ignore[attr-defined]
    if not names:
        return 0, ""
    return PRIORITY_POINTS, _("Belongs to a priority group: %(groups)s (+%(points)d).") % {
        "groups": "、".join(names), "points": PRIORITY_POINTS,
    }
