"""Writes of the employment stage: referrals of workers to job demands, and hires.

Every move of a referral goes through `core.workflow.transition` with `Referral.TRANSITIONS`,
checks the actor's part in the referral first, and is audited.
"""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dualcert.core.audit import audit_record, snapshot
from dualcert.core.scoping import Role, Scope, scope_for
from dualcert.core.workflow import transition
from dualcert.demand.models import JobDemand
from dualcert.employment.followups import followups_schedule
from dualcert.employment.matching import candidate_for_worker
from dualcert.employment.models import Placement, Referral
from dualcert.people.models import Worker

WORKER = "worker"
OFFICER = "officer"
EMPLOYER = "employer"

# verb → (target state, the parties who may make that move)
MOVES: dict[str, tuple[str, frozenset[str]]] = {
    "apply": (Referral.Status.APPLIED, frozenset({WORKER, OFFICER})),
    "interview": (Referral.Status.INTERVIEWED, frozenset({EMPLOYER})),
    "offer": (Referral.Status.OFFERED, frozenset({EMPLOYER})),
    "reject": (Referral.Status.REJECTED, frozenset({EMPLOYER})),
    "decline": (Referral.Status.DECLINED, frozenset({WORKER, OFFICER})),
    "hire": (Referral.Status.HIRED, frozenset({EMPLOYER})),
}
_REFUSALS = {
    frozenset({WORKER, OFFICER}): gettext_lazy(
        "Only the worker, or an employment officer on their behalf, may do this."
    ),
    frozenset({EMPLOYER}): gettext_lazy("Only the employer who posted this job may do this."),
}
PLACEMENT_FIELDS = ("referral_id", "worker_id", "employer_id", "start_date", "monthly_wage",
                    "contract_type")


def _is_officer_for(scope: Scope, demand: JobDemand, worker: Worker) -> bool:
    if scope.is_bureau:
        return True
    return scope.role == Role.COUNTY and scope.region_id in (demand.region_id, worker.region_id)


def parties_of(actor: Any, referral: Referral) -> set[str]:
    """The parts the actor plays in a referral: the worker, an officer, the employer."""
    scope = scope_for(actor)
    parties = set()
    if scope.role == Role.WORKER and scope.worker_id == referral.worker_id:
        parties.add(WORKER)
    if _is_officer_for(scope, referral.demand, referral.worker):
        parties.add(OFFICER)
    if scope.role == Role.EMPLOYER and scope.employer_id == referral.demand.employer_id:
        parties.add(EMPLOYER)
    return parties


def referral_moves_for(actor: Any, referral: Referral) -> list[str]:
    """The verbs this actor may use on the referral in its current state (for buttons)."""
    parties = parties_of(actor, referral)
    allowed = Referral.TRANSITIONS[referral.status]
    return [verb for verb, (to, who) in MOVES.items() if to in allowed and parties & who]


def _check_open(demand: JobDemand) -> None:
    if demand.status != JobDemand.Status.OPEN:
        raise ValidationError(
            _("This job demand is %(status)s; only open demands take referrals and applications.")
            % {"status": demand.get_status_display()},
            code="demand_not_open",
        )


def _require(actor: Any, referral: Referral, verb: str) -> None:
    who = MOVES[verb][1]
    if not parties_of(actor, referral) & who:
        raise PermissionDenied(str(_REFUSALS[who]))


def _move(actor: Any, referral: Referral, verb: str, *, reason: str = "",
          extra: dict[str, Any] | None = None) -> Referral:
    _require(actor, referral, verb)
    to = MOVES[verb][0]
    before = snapshot(referral, ["status"])
    transition(referral, to=to, actor=actor, allowed=Referral.TRANSITIONS, reason=reason,
               extra=extra)
    audit_record(actor=actor, action=f"referral.{verb}", obj=referral, before=before,
                 after=snapshot(referral, ["status"]))
    return referral


def _create(actor: Any, demand: JobDemand, worker: Worker, *, require_candidate: bool) -> Referral:
    """A new referral at "recommended", scored by the matching rules; refuses duplicates."""
    existing = Referral.objects.filter(demand=demand, worker=worker).first()
    if existing is not None:
        raise ValidationError(
            _("This worker is already referred to this job (status: %(status)s).")
            % {"status": existing.get_status_display()},
            code="duplicate",
        )
    match = candidate_for_worker(demand=demand, worker=worker, today=timezone.localdate())
    if require_candidate and not match.is_candidate:
        raise ValidationError(
            _("This worker holds no valid certificate that this job asks for."),
            code="not_candidate",
        )
    try:
        with transaction.atomic():
            referral = Referral.objects.create(
                demand=demand, worker=worker, score=match.score, reasons=match.reasons
            )
    except IntegrityError as exc:  # the same referral created meanwhile by someone else
        raise ValidationError(
            _("This worker was referred to this job meanwhile; reload the page."), code="duplicate"
        ) from exc
    audit_record(actor=actor, action="referral.create", obj=referral,
                 after=snapshot(referral, ["demand_id", "worker_id", "status", "score"]))
    return referral


@transaction.atomic
def referral_recommend(*, actor: Any, demand: JobDemand, worker: Worker) -> Referral:
    """Recommend a worker for a demand (officer), or invite them (the demand's employer).

    Refused unless the worker agreed to be recommended, the demand is open, the worker holds a
    certificate the demand asks for and is not already referred to it. The match score and its
    reasons are stored with the referral.
    """
    scope = scope_for(actor)
    employer = scope.role == Role.EMPLOYER and scope.employer_id == demand.employer_id
    if not (employer or _is_officer_for(scope, demand, worker)):
        raise PermissionDenied(
            _("Only an employment officer or the employer who posted this job may recommend "
              "workers to it.")
        )
    _check_open(demand)
    if not worker.consent_recommend:
        raise ValidationError(
            _("This worker has not agreed to be recommended to employers; record their consent "
              "first."),
            code="no_consent",
        )
    return _create(actor, demand, worker, require_candidate=True)


@transaction.atomic
def referral_apply_self(*, actor: Any, demand: JobDemand) -> Referral:
    """A signed-in worker applies for a demand in one tap (creating the referral if needed)."""
    scope = scope_for(actor)
    if scope.role != Role.WORKER or not scope.worker_id:
        raise PermissionDenied(_("Only a worker signed in to their own account may apply."))
    _check_open(demand)
    worker = Worker.objects.get(pk=scope.worker_id)
    referral = Referral.objects.filter(demand=demand, worker=worker).select_related(
        "demand", "worker").first()
    if referral is None:
        referral = _create(actor, demand, worker, require_candidate=False)
    elif referral.status != Referral.Status.RECOMMENDED:
        raise ValidationError(
            _("You have already applied for this job (status: %(status)s).")
            % {"status": referral.get_status_display()},
            code="already_applied",
        )
    return _move(actor, referral, "apply", reason=_("Applied directly."),
                 extra={"applied_at": timezone.now()})


@transaction.atomic
def referral_apply(*, actor: Any, referral: Referral, reason: str = "") -> Referral:
    """The worker (or an officer on their behalf) applies after being recommended or invited."""
    _require(actor, referral, "apply")
    _check_open(referral.demand)
    return _move(actor, referral, "apply", reason=reason, extra={"applied_at": timezone.now()})


@transaction.atomic
def referral_interview(*, actor: Any, referral: Referral, reason: str = "") -> Referral:
    """The demand's employer records that the applicant was interviewed."""
    return _move(actor, referral, "interview", reason=reason)


@transaction.atomic
def referral_offer(*, actor: Any, referral: Referral, reason: str = "") -> Referral:
    """The demand's employer offers the job after an interview."""
    return _move(actor, referral, "offer", reason=reason)


@transaction.atomic
def referral_reject(*, actor: Any, referral: Referral, reason: str = "") -> Referral:
    """The demand's employer turns the worker down (before an offer)."""
    return _move(actor, referral, "reject", reason=reason)


@transaction.atomic
def referral_decline(*, actor: Any, referral: Referral, reason: str = "") -> Referral:
    """The worker (or an officer on their word) declines the recommendation, job or offer."""
    return _move(actor, referral, "decline", reason=reason)


def _check_hire_terms(
    start_date: date | None, monthly_wage: int | None, contract_type: str
) -> None:
    if start_date is None:
        raise ValidationError(_("Enter the start date of the job."), code="start_date")
    if monthly_wage is None or monthly_wage < 1:
        raise ValidationError(
            _("Enter the monthly wage in whole yuan (at least 1)."), code="monthly_wage"
        )
    if contract_type not in Placement.Contract.values:
        raise ValidationError(_("Choose the kind of contract."), code="contract_type")


@transaction.atomic
def referral_hire(
    *, actor: Any, referral: Referral, start_date: date, monthly_wage: int, contract_type: str,
) -> Placement:
    """The employer hires the worker it offered the job: the referral becomes a Placement.

    When the demand's hires reach its headcount, the demand moves from open to filled. The
    placement's 3-, 6- and 12-month follow-ups are scheduled in the same transaction.
    """
    _require(actor, referral, "hire")
    _check_hire_terms(start_date, monthly_wage, contract_type)
    demand = JobDemand.objects.select_for_update().get(pk=referral.demand_id)
    referral.demand = demand  # the caller sees the demand's state after the hire
    if demand.status != JobDemand.Status.OPEN:
        raise ValidationError(
            _("This job demand is %(status)s, so no more hires can be recorded; reopen it or "
              "raise its headcount first.") % {"status": demand.get_status_display()},
            code="demand_not_open",
        )
    _move(actor, referral, "hire")
    placement = Placement.objects.create(
        referral=referral, worker_id=referral.worker_id, employer_id=demand.employer_id,
        start_date=start_date, monthly_wage=monthly_wage, contract_type=contract_type,
    )
    audit_record(actor=actor, action="placement.create", obj=placement,
                 after=snapshot(placement, PLACEMENT_FIELDS))
    followups_schedule(placement)
    _fill_when_complete(actor, demand)
    return placement


def _fill_when_complete(actor: Any, demand: JobDemand) -> None:
    hires = Placement.objects.filter(referral__demand=demand).count()
    if hires < demand.headcount:
        return
    before = snapshot(demand, ["status"])
    reason = _("All %(headcount)d positions are filled.") % {"headcount": demand.headcount}
    transition(demand, to=JobDemand.Status.FILLED, actor=actor, allowed=JobDemand.TRANSITIONS,
               reason=reason)
    audit_record(actor=actor, action="demand.fill", obj=demand, before=before,
                 after=snapshot(demand, ["status"]))
