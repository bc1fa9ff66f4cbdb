"""JSON API of the employment stage (same services and selectors as the pages)."""

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from django.core.paginator import Paginator
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status

from dualcert.core.api_errors import REFUSALS
from dualcert.credentials import verifications
from dualcert.employment import followups, selectors, services
from dualcert.employment.for_worker import JobMatch, demands_for_worker
from dualcert.employment.matching import candidates_for_demand
from dualcert.employment.models import FollowUp, Referral
from dualcert.employment.schemas import (
    ApplicationOut,
    CandidateOut,
    CertificateCheckOut,
    FollowUpOut,
    FollowUpRecordIn,
    GapOut,
    HireIn,
    JobAfterTrainingOut,
    JobMatchOut,
    MoveIn,
    PlacementOut,
    ProjectNearOut,
    RecommendIn,
    ReferralOut,
    ReferralPage,
    UnreachableIn,
    WorkerJobsOut,
)
from dualcert.training.models import TrainingProject

router = Router(tags=["employment"])


def _referral_out(request: HttpRequest, referral: Referral) -> ReferralOut:
    shown = selectors.worker_shown_to(request.user, referral)
    return ReferralOut(
        id=referral.public_id, demand_id=referral.demand.public_id,
        demand_title=referral.demand.title, employer=referral.demand.employer.name,
        worker_name=referral.worker.name if shown else None,
        worker_county=referral.worker.region.name, status=referral.status,
        score=referral.score, reasons=referral.reasons, applied_at=referral.applied_at,
        moves=services.referral_moves_for(request.user, referral),
    )


@router.get("/demands/{demand_id}/candidates", response={200: list[CandidateOut], **REFUSALS})
def demand_candidates(request: HttpRequest, demand_id: UUID) -> list[CandidateOut]:
    """The ranked candidates of a demand (officers in scope and the demand's employer)."""
    demand = selectors.demand_for_candidates(request.user, demand_id)
    ranked = candidates_for_demand(demand=demand, today=timezone.localdate())
    existing = selectors.referrals_by_worker(demand, [c.worker.pk for c in ranked])
    rows = []
    for rank, c in enumerate(ranked, start=1):
        referral = existing.get(c.worker.pk)
        shown = selectors.worker_shown_to(request.user, referral, c.worker)
        rows.append(CandidateOut(
            rank=rank, worker_id=c.worker.public_id, name=c.worker.name if shown else None,
            id_number_masked=c.worker.id_number_masked if shown else None,
            county=c.worker.region.name, score=c.score, qualified=c.qualified,
            priority=c.priority, reasons=c.reasons, missing=[t.code for t in c.missing],
            certificates=[cert.certificate_type.code for cert in c.certificates],
            certificate_ids=[cert.public_id for cert in c.certificates],
            referral_id=referral.public_id if referral else None,
            referral_status=referral.status if referral else None,
        ))
    return rows


def _job_fields(match: JobMatch) -> dict[str, Any]:
    demand, referral = match.demand, match.referral
    return {
        "demand_id": demand.public_id, "title": demand.title, "employer": demand.employer.name,
        "county": demand.region.name, "place": demand.place, "wage_min": demand.wage_min,
        "wage_max": demand.wage_max, "deadline": demand.deadline,
        "score": match.candidate.score, "reasons": match.candidate.reasons,
        "missing": [t.code for t in match.candidate.missing],
        "referral_id": referral.public_id if referral else None,
        "referral_status": referral.status if referral else None,
        "may_apply": match.may_apply,
    }


def _project_near_out(project: TrainingProject) -> ProjectNearOut:
    pathway = project.pathway
    enrollment = getattr(project, "my_enrollment", None)
    return ProjectNearOut(
        id=project.public_id, name=project.name, county=project.region.name,
        place=project.place, institution=project.institution.name,
        start_date=project.start_date, end_date=project.end_date,
        certificates=[pathway.skill_certificate.code, pathway.permit.code],
        enrollment_status=enrollment.status if enrollment else None,
    )


@router.get("/jobs", response={200: WorkerJobsOut, **REFUSALS})
def my_jobs(request: HttpRequest) -> WorkerJobsOut:
    """A signed-in worker's jobs: those they qualify for, those training nearby would open,
    the projects enrolling nearby and their applications (other roles: 403)."""
    worker = selectors.own_worker(request.user)
    jobs = demands_for_worker(worker=worker, today=timezone.localdate())
    return WorkerJobsOut(
        consent_recommend=jobs.worker.consent_recommend,
        qualifying=[JobMatchOut(**_job_fields(m)) for m in jobs.qualifying],
        after_training=[
            JobAfterTrainingOut(**_job_fields(m), gaps=[
                GapOut(certificate_type=g.certificate_type.code,
                       certificate_name=g.certificate_type.name,
                       project_ids=[p.public_id for p in g.projects])
                for g in m.gaps
            ]) for m in jobs.after_training
        ],
        projects_near=[_project_near_out(p) for p in jobs.projects_near],
        applications=[
            ApplicationOut(id=r.public_id, demand_id=r.demand.public_id,
                           demand_title=r.demand.title, employer=r.demand.employer.name,
                           status=r.status, last_change=r.updated_at)
            for r in jobs.applications
        ],
    )


@router.post("/demands/{demand_id}/certificates/{certificate_id}/verify",
             response={200: CertificateCheckOut, **REFUSALS})
def demand_certificate_verify(
    request: HttpRequest, demand_id: UUID, certificate_id: UUID
) -> CertificateCheckOut:
    """Check a candidate's (or applicant's) certificate now: signature, revocation, expiry
    and the register; logged for the holder. Officers in scope and the demand's employer."""
    demand = selectors.demand_for_candidates(request.user, demand_id)
    certificate = selectors.candidate_certificate_get(demand, certificate_id)
    check = verifications.certificate_check_now(actor=request.user, certificate=certificate,
                                            today=timezone.localdate())
    return CertificateCheckOut(
        certificate_id=certificate.public_id, certificate_type=certificate.certificate_type.code,
        certificate_name=certificate.certificate_type.name, status=certificate.status,
        expires_on=certificate.expires_on, verdict=check.verdict,
        verdict_label=str(check.verdict.label), signed=check.signed,
    )


@router.post("/demands/{demand_id}/referrals", response={201: ReferralOut, **REFUSALS})
def demand_recommend(
    request: HttpRequest, demand_id: UUID, payload: RecommendIn
) -> Status[ReferralOut]:
    """Recommend (officer) or invite (employer) a candidate."""
    demand = selectors.demand_for_candidates(request.user, demand_id)
    worker = selectors.worker_for_referral(request.user, demand, payload.worker_id)
    referral = services.referral_recommend(actor=request.user, demand=demand, worker=worker)
    out = _referral_out(request, selectors.referral_get_for(request.user, referral.public_id))
    return Status(201, out)


@router.post("/demands/{demand_id}/apply", response={200: ReferralOut, **REFUSALS})
def demand_apply(request: HttpRequest, demand_id: UUID) -> ReferralOut:
    """A signed-in worker applies for an open demand."""
    demand = selectors.demand_to_apply(request.user, demand_id)
    referral = services.referral_apply_self(actor=request.user, demand=demand)
    return _referral_out(request, selectors.referral_get_for(request.user, referral.public_id))


@router.get("/referrals", response={200: ReferralPage, **REFUSALS})
def referral_list(request: HttpRequest, status: str = "", page: int = 1) -> ReferralPage:
    """Referrals in the user's scope, 50 a page, most recently changed first."""
    qs = selectors.referral_list_for(request.user, status=status)
    current = Paginator(qs, 50).get_page(page)
    return ReferralPage(
        count=current.paginator.count, page=current.number, pages=current.paginator.num_pages,
        items=[_referral_out(request, r) for r in current],
    )


@router.get("/referrals/{public_id}", response={200: ReferralOut, **REFUSALS})
def referral_detail(request: HttpRequest, public_id: UUID) -> ReferralOut:
    """One referral in scope."""
    return _referral_out(request, selectors.referral_get_for(request.user, public_id))


def _move(request: HttpRequest, public_id: UUID, service: Callable[..., Any],
          payload: MoveIn) -> ReferralOut:
    referral = selectors.referral_get_for(request.user, public_id)
    service(actor=request.user, referral=referral, reason=payload.reason)
    return _referral_out(request, referral)


@router.post("/referrals/{public_id}/apply", response={200: ReferralOut, **REFUSALS})
def referral_apply(request: HttpRequest, public_id: UUID, payload: MoveIn) -> ReferralOut:
    """The worker (or an officer on their behalf) applies: recommended → applied."""
    return _move(request, public_id, services.referral_apply, payload)


@router.post("/referrals/{public_id}/interview", response={200: ReferralOut, **REFUSALS})
def referral_interview(request: HttpRequest, public_id: UUID, payload: MoveIn) -> ReferralOut:
    """The employer records the interview: applied → interviewed."""
    return _move(request, public_id, services.referral_interview, payload)


@router.post("/referrals/{public_id}/offer", response={200: ReferralOut, **REFUSALS})
def referral_offer(request: HttpRequest, public_id: UUID, payload: MoveIn) -> ReferralOut:
    """The employer offers the job: interviewed → offered."""
    return _move(request, public_id, services.referral_offer, payload)


@router.post("/referrals/{public_id}/reject", response={200: ReferralOut, **REFUSALS})
def referral_reject(request: HttpRequest, public_id: UUID, payload: MoveIn) -> ReferralOut:
    """The employer turns the worker down."""
    return _move(request, public_id, services.referral_reject, payload)


@router.post("/referrals/{public_id}/decline", response={200: ReferralOut, **REFUSALS})
def referral_decline(request: HttpRequest, public_id: UUID, payload: MoveIn) -> ReferralOut:
    """The worker (or an officer on their word) declines."""
    return _move(request, public_id, services.referral_decline, payload)


@router.post("/referrals/{public_id}/hire", response={201: PlacementOut, **REFUSALS})
def referral_hire(
    request: HttpRequest, public_id: UUID, payload: HireIn
) -> Status[PlacementOut]:
    """The employer hires: offered → hired, a placement; fills the demand at its headcount."""
    referral = selectors.referral_get_for(request.user, public_id)
    placement = services.referral_hire(actor=request.user, referral=referral, **payload.dict())
    return Status(201, PlacementOut(
        id=placement.public_id, referral_id=referral.public_id, start_date=placement.start_date,
        monthly_wage=placement.monthly_wage, contract_type=placement.contract_type,
        demand_status=referral.demand.status,
    ))


def _followup_out(followup: FollowUp, today: date) -> FollowUpOut:
    placement = followup.placement
    return FollowUpOut(
        id=followup.public_id, placement_id=placement.public_id,
        worker_name=placement.worker.name,
        worker_id_number_masked=placement.worker.id_number_masked,
        employer=placement.employer.name, start_date=placement.start_date,
        months=followup.months, due_date=followup.due_date, status=followup.status,
        overdue=followup.status == FollowUp.Status.DUE and followup.due_date < today,
        still_employed=followup.still_employed, monthly_wage_now=followup.monthly_wage_now,
        left_reason=followup.left_reason,
    )


@router.get("/followups", response={200: list[FollowUpOut], **REFUSALS})
def followup_list(request: HttpRequest) -> list[FollowUpOut]:
    """The worklist: due and overdue follow-ups first, then those due within 14 days."""
    today = timezone.localdate()
    rows = followups.followups_due_for(request.user, today=today)
    return [_followup_out(row.followup, today) for row in rows]


@router.post("/followups/{public_id}/record", response={200: FollowUpOut, **REFUSALS})
def followup_record(
    request: HttpRequest, public_id: UUID, payload: FollowUpRecordIn
) -> FollowUpOut:
    """Record (or, within 30 days, correct) a due follow-up's outcome."""
    followup = followups.followup_get_for(request.user, public_id)
    followups.followup_record(actor=request.user, followup=followup, **payload.dict())
    return _followup_out(followup, timezone.localdate())


@router.post("/followups/{public_id}/unreachable", response={200: FollowUpOut, **REFUSALS})
def followup_unreachable(
    request: HttpRequest, public_id: UUID, payload: UnreachableIn
) -> FollowUpOut:
    """Mark a due follow-up's worker as not reachable."""
    followup = followups.followup_get_for(request.user, public_id)
    followups.followup_mark_unreachable(actor=request.user, followup=followup,
                                        reason=payload.reason)
    return _followup_out(followup, timezone.localdate())
