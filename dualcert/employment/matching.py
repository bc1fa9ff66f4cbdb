"""Matching: rank the workers who could fill a job demand, with every point explained.

A candidate has agreed to be recommended and holds at least one valid certificate that the
demand asks for, directly or through a recognition rule. The score (0–100) adds up:

    required certificates held   share × 60
    same county                  +15   (same township +5 when the demand names one)
    available now                +10
    expected wage ≤ offered max  +5
    priority target group        +5

The database filters and ranks with the same score, so the number of queries is fixed and
only a bounded pool of rows reaches Python, where the reasons are written.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import (
    Case,
    F,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from dualcert.catalog.models import CertificateType, RecognitionRule
from dualcert.credentials.models import Certificate
from dualcert.demand.models import JobDemand
from dualcert.people.models import Worker

CERTIFICATE_POINTS = 60
COUNTY_POINTS = 15
TOWNSHIP_POINTS = 5
AVAILABLE_POINTS = 10
WAGE_POINTS = 5
PRIORITY_POINTS = 5
# SQL computes the same score as Python and ranks by it, so the pool scored in Python only
# has to absorb ties at its edge, where the database's name collation may differ from Python's.
POOL_FACTOR = 4
MIN_POOL = 200
MAX_POOL = 2000


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

    @property
    def is_candidate(self) -> bool:
        """Holds at least one certificate that counts towards the demand."""
        return bool(self.certificates)


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


def _points(condition: Q, points: int) -> Case:
    return Case(When(condition, then=Value(points)), default=Value(0), output_field=IntegerField())


# Membership tests below are uncorrelated `IN (subquery)`: the database builds each list once
# per query. Correlated EXISTS made SQLite walk a certificate type's index for every worker.
def _in_priority_group() -> Q:
    groups = Worker.target_groups.through.objects.filter(targetgroup__priority=True)
    return Q(pk__in=groups.values("worker_id"))


def _held_count(req: Requirements, today: date) -> Any:
    """SQL: how many required types the worker covers (all of them when none is required)."""
    if not req.types:
        return Value(1, output_field=IntegerField())
    total: Any = Value(0, output_field=IntegerField())
    for ids in req.accepted.values():
        holders = valid_certificates(today).filter(certificate_type_id__in=ids)
        total = total + _points(Q(pk__in=holders.values("worker_id")), 1)
    return total


def _pre_scored(qs: QuerySet[Worker], demand: JobDemand, req: Requirements, today: date) -> Any:
    """Annotate the score exactly as `score_worker` computes it, and whether all are held."""
    n = max(1, len(req.types))
    # Integer division on both SQLite and PostgreSQL: the same round-half-up as _share_points.
    held_points = (F("held_n") * (2 * CERTIFICATE_POINTS) + Value(n)) / Value(2 * n)
    township_id = getattr(demand, "township_id", None)
    others = (
        _points(Q(region_id=demand.region_id), COUNTY_POINTS)
        + (_points(Q(township_id=township_id), TOWNSHIP_POINTS) if township_id else Value(0))
        + _points(Q(available_from__isnull=True) | Q(available_from__lte=today), AVAILABLE_POINTS)
        + _points(Q(expected_wage__lte=demand.wage_max), WAGE_POINTS)
        + _points(Q(is_priority=1), PRIORITY_POINTS)
    )
    priority = _points(_in_priority_group(), 1)
    return qs.annotate(held_n=_held_count(req, today), is_priority=priority).annotate(
        pre_score=held_points + others,
        all_held=_points(Q(held_n__gte=n), 1),
    )


def _with_details(qs: QuerySet[Worker], today: date) -> QuerySet[Worker]:
    certificates = (
        valid_certificates(today).select_related("certificate_type").order_by("issued_on", "pk")
    )
    return qs.select_related("region", "township").prefetch_related(
        Prefetch("certificates", queryset=certificates, to_attr="valid_certificates"),
        Prefetch("target_groups", to_attr="groups"),
    )


def candidate_pool(demand: JobDemand, req: Requirements, today: date) -> QuerySet[Worker]:
    """Consenting workers holding a valid certificate that counts towards the demand."""
    holders = valid_certificates(today)
    if req.types:
        holders = holders.filter(certificate_type_id__in=req.accepted_ids)
    return Worker.objects.filter(consent_recommend=True, pk__in=holders.values("worker_id"))


def ranked_pool(demand: JobDemand, req: Requirements, today: date) -> QuerySet[Worker]:
    """The candidates ranked in SQL, annotated with `pre_score` (= the final score)."""
    pool = _pre_scored(candidate_pool(demand, req, today), demand, req, today)
    return pool.order_by("-all_held", "-pre_score", "-is_priority", "name", "pk")


def candidates_for_demand(*, demand: JobDemand, today: date, limit: int = 50) -> list[Candidate]:
    """The best `limit` candidates for a demand: qualified first, then score, priority, name.

    Five queries whatever the number of workers: required types, recognition rules, the
    pre-ranked pool, and the pool's certificates and target groups.
    """
    req = requirements_for(demand)
    pool_size = min(max(limit * POOL_FACTOR, MIN_POOL), MAX_POOL)
    rows = _with_details(ranked_pool(demand, req, today), today)[:pool_size]
    scored = [score_worker(w, demand=demand, req=req, today=today) for w in rows]
    ranked = sorted(scored, key=rank_key)
    return ranked[:limit]


def candidate_for_worker(*, demand: JobDemand, worker: Worker, today: date) -> Candidate:
    """Score one worker for a demand, whether or not they are a candidate (four queries)."""
    req = requirements_for(demand)
    loaded = _with_details(Worker.objects.filter(pk=worker.pk), today).get()
    return score_worker(loaded, demand=demand, req=req, today=today)


def rank_key(candidate: Candidate) -> tuple[bool, int, bool, str, int]:
    """Qualified first, then higher score, then priority group, then name."""
    return (
        not candidate.qualified, -candidate.score, not candidate.priority,
        candidate.worker.name, candidate.worker.pk,
    )


def score_worker(worker: Worker, *, demand: JobDemand, req: Requirements, today: date) -> Candidate:
    """Score a worker loaded with `valid_certificates` and `groups` (no queries)."""
    held_certs: list[Certificate] = worker.valid_certificates  # type: ignore[attr-defined]
    counting, missing, reasons = _certificate_part(held_certs, req)
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
        certificates=counting, priority=priority,
    )


def _share_points(held: int, total: int) -> int:
    if total == 0:
        return CERTIFICATE_POINTS
    # Round half up in integers: 60 × held / total.
    return (2 * CERTIFICATE_POINTS * held + total) // (2 * total)


def _certificate_part(
    held: list[Certificate], req: Requirements
) -> tuple[list[Certificate], list[CertificateType], list[str]]:
    """The certificates that count, the required types missing, and the reasons for both."""
    if not req.types:
        reason = _("The job requires no particular certificate (+%(points)d).") % {
            "points": CERTIFICATE_POINTS
        }
        return held, [], [reason]
    counting: list[Certificate] = []
    missing: list[CertificateType] = []
    notes: list[str] = []
    for required in req.types:
        match = _certificate_for(required, held, req)
        if match is None:
            missing.append(required)
            notes.append(_("Lacks the required certificate “%(name)s”.") % {"name": required.name})
            continue
        counting.append(match)
        if match.certificate_type_id != required.pk:
            notes.append(
                _("“%(held)s” is recognised as “%(required)s”.")
                % {"held": match.certificate_type.name, "required": required.name}
            )
    total = len(req.types)
    summary = _("Holds %(held)d of the %(total)d required certificates (+%(points)d).") % {
        "held": total - len(missing), "total": total,
        "points": _share_points(total - len(missing), total),
    }
    return counting, missing, [summary, *notes]


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
