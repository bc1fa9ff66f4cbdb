"""Employment pages: referrals, the candidates of a demand, a referral's moves and the hire,
and the follow-ups of placements."""

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dualcert.core.scoping import Role, scope_for
from dualcert.core.workflow import history
from dualcert.credentials import verifications
from dualcert.demand.models import JobDemand
from dualcert.employment import followups, selectors, services
from dualcert.employment.for_worker import demands_for_worker
from dualcert.employment.forms import (
    FollowUpForm,
    HireForm,
    MoveForm,
    RecommendForm,
    StatusFilterForm,
    UnreachableForm,
)
from dualcert.employment.matching import Candidate, candidates_for_demand
from dualcert.employment.models import FollowUp, Referral

MOVE_SERVICES = {
    "apply": services.referral_apply,
    "interview": services.referral_interview,
    "offer": services.referral_offer,
    "reject": services.referral_reject,
    "decline": services.referral_decline,
}


@dataclass
class CandidateRow:
    rank: int
    candidate: Candidate
    referral: Referral | None
    shown: bool


def _refusal(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@login_required
def referral_list(request: HttpRequest) -> HttpResponse:
    """Referrals in scope: an employer's applicants, a worker's applications, an officer's all."""
    form = StatusFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    referrals = selectors.referral_list_for(request.user, status=status)
    page = Paginator(referrals, 50).get_page(request.GET.get("page"))
    rows = [(r, selectors.worker_shown_to(request.user, r)) for r in page]
    return render(request, "employment/referral_list.html", {
        "form": form, "page": page, "rows": rows, "query": f"status={status}" if status else "",
        "is_worker": scope_for(request.user).role == Role.WORKER,
    })


@login_required
def candidates(request: HttpRequest, demand_id: UUID) -> HttpResponse:
    """The ranked candidates of a demand; names reach the employer only after they apply."""
    demand = selectors.demand_for_candidates(request.user, demand_id)
    ranked = candidates_for_demand(demand=demand, today=timezone.localdate())
    referrals = selectors.demand_referrals(demand)
    existing = {r.worker_id: r for r in referrals}
    rows = []
    for rank, candidate in enumerate(ranked, start=1):
        referral = existing.get(candidate.worker.pk)
        rows.append(CandidateRow(rank, candidate, referral,
                                 selectors.worker_shown_to(request.user, referral,
                                                           candidate.worker)))
    return render(request, "employment/candidates.html", {
        "demand": demand, "rows": rows, "can_refer": demand.status == JobDemand.Status.OPEN,
        # Those who applied stay listed whatever they hold or later say about consent.
        "applicants": [r for r in referrals if r.applied_at is not None],
        "is_employer": scope_for(request.user).role == Role.EMPLOYER,
        "is_county": scope_for(request.user).role == Role.COUNTY,
    })


@login_required
@require_POST
def recommend(request: HttpRequest, demand_id: UUID) -> HttpResponse:
    """Recommend (officer) or invite (employer) one candidate."""
    demand = selectors.demand_for_candidates(request.user, demand_id)
    form = RecommendForm(request.POST)
    if not form.is_valid():
        raise Http404(_("worker"))
    worker = selectors.worker_for_referral(request.user, demand, form.cleaned_data["worker"])
    try:
        services.referral_recommend(actor=request.user, demand=demand, worker=worker)
    except ValidationError as exc:
        messages.error(request, _refusal(exc))
    else:
        messages.success(request, _("The candidate was recommended for this job."))
    return redirect("employment:candidates", demand_id=demand.public_id)


def _check_message(request: HttpRequest, check: verifications.CertificateCheck) -> None:
    """Say what the check found, naming the certificate's type (never its number)."""
    certificate = check.certificate
    values = {"type": certificate.certificate_type.name, "verdict": check.verdict.label,
              "until": (date_format(certificate.expires_on, "SHORT_DATE_FORMAT")
                        if certificate.expires_on else _("no expiry"))}
    unsigned = "" if check.signed else " " + _(
        "It carries no signed code, so only the register was checked.")
    if check.valid:
        messages.success(request, _(
            "“%(type)s” checked just now: valid (valid until %(until)s). The issuer's signature "
            "holds and the certificate is neither revoked nor expired.") % values + unsigned)
    else:
        messages.error(request, _(
            "“%(type)s” checked just now: %(verdict)s. Do not rely on this certificate.")
            % values + unsigned)


@login_required
@require_POST
def verify_candidate_certificate(request: HttpRequest, demand_id: UUID,
                                 certificate_id: UUID) -> HttpResponse:
    """Check a candidate's certificate now, from the demand's candidates page."""
    demand = selectors.demand_for_candidates(request.user, demand_id)
    certificate = selectors.candidate_certificate_get(demand, certificate_id)
    _check_message(request, verifications.certificate_check_now(
        actor=request.user, certificate=certificate, today=timezone.localdate()))
    url = reverse("employment:candidates", kwargs={"demand_id": demand.public_id})
    return redirect(f"{url}#cert-{certificate.public_id}")


@login_required
@require_POST
def verify_referral_certificate(request: HttpRequest, public_id: UUID,
                                certificate_id: UUID) -> HttpResponse:
    """Check a referred worker's certificate now, from the referral's page."""
    referral = selectors.referral_get_for(request.user, public_id)
    demand = selectors.demand_for_candidates(request.user, referral.demand.public_id)
    certificate = selectors.candidate_certificate_get(demand, certificate_id,
                                                      worker=referral.worker)
    _check_message(request, verifications.certificate_check_now(
        actor=request.user, certificate=certificate, today=timezone.localdate()))
    url = reverse("employment:referral", kwargs={"public_id": referral.public_id})
    return redirect(f"{url}#cert-{certificate.public_id}")


@login_required
@require_POST
def apply(request: HttpRequest, demand_id: UUID) -> HttpResponse:
    """A signed-in worker applies for an open demand in one tap."""
    demand = selectors.demand_to_apply(request.user, demand_id)
    try:
        referral = services.referral_apply_self(actor=request.user, demand=demand)
    except ValidationError as exc:
        messages.error(request, _refusal(exc))
        return redirect("employment:referrals")
    messages.success(request, _("You applied for this job. The employer can now see your name."))
    return redirect("employment:referral", public_id=referral.public_id)


@login_required
def my_jobs(request: HttpRequest) -> HttpResponse:
    """A worker's phone page: jobs that fit, jobs after training, training near, applications."""
    worker = selectors.own_worker(request.user)
    jobs = demands_for_worker(worker=worker, today=timezone.localdate())
    return render(request, "employment/my_jobs.html", {"jobs": jobs, "worker": jobs.worker})


def _status_label(status: str) -> str:
    return str(Referral.Status(status).label) if status in Referral.Status.values else status


def _detail_context(request: HttpRequest, referral: Referral, hire_form: HireForm | None) -> dict:
    moves = services.referral_moves_for(request.user, referral)
    shown = selectors.worker_shown_to(request.user, referral)
    return {
        "referral": referral,
        "moves": [m for m in moves if m != "hire"],
        "can_hire": "hire" in moves,
        "hire_form": hire_form or HireForm(),
        "move_form": MoveForm(),
        "shown": shown,
        "id_number": selectors.id_number_shown_to(request.user, referral.worker) if shown else "",
        "history": [
            (change, _status_label(change.from_state), _status_label(change.to_state))
            for change in selectors.referral_history(referral)
        ],
        "show_actors": scope_for(request.user).role in (Role.BUREAU, Role.COUNTY),
        "placement": getattr(referral, "placement", None),
        "certificates": selectors.referral_certificates(request.user, referral),
        "sees_candidates": scope_for(request.user).role in selectors.CANDIDATE_ROLES,
        "is_worker": scope_for(request.user).role == Role.WORKER,
        "is_employer": services.EMPLOYER in services.parties_of(request.user, referral),
    }


@login_required
def referral_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """One referral: facts, reasons, the moves the user may make now, history."""
    referral = selectors.referral_get_for(request.user, public_id)
    return render(request, "employment/referral_detail.html",
                  _detail_context(request, referral, None))


@login_required
@require_POST
def referral_move(request: HttpRequest, public_id: UUID, verb: str) -> HttpResponse:
    """Apply, interview, offer, reject or decline (the service checks role and state)."""
    service = MOVE_SERVICES.get(verb)
    if service is None:
        raise Http404(verb)
    referral = selectors.referral_get_for(request.user, public_id)
    form = MoveForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        service(actor=request.user, referral=referral, reason=reason)
    except ValidationError as exc:
        messages.error(request, _refusal(exc))
    else:
        messages.success(request, _("Saved: %(status)s.") % {
            "status": referral.get_status_display()})
    return redirect("employment:referral", public_id=referral.public_id)


@login_required
@require_POST
def referral_hire(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The employer records the hire: start date, monthly wage, contract."""
    referral = selectors.referral_get_for(request.user, public_id)
    if services.EMPLOYER not in services.parties_of(request.user, referral):
        raise PermissionDenied
    form = HireForm(request.POST)
    if form.is_valid():
        try:
            services.referral_hire(actor=request.user, referral=referral, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The hire is recorded."))
            return redirect(reverse("employment:referral", kwargs={"public_id": public_id}))
    context: dict[str, Any] = _detail_context(request, referral, form)
    return render(request, "employment/referral_detail.html", context, status=400)


@login_required
def followup_list(request: HttpRequest) -> HttpResponse:
    """The county officer's worklist: due and overdue follow-ups, then those due soon."""
    today = timezone.localdate()
    rows = followups.followups_due_for(request.user, today=today)
    return render(request, "employment/followups.html", {
        "rows": rows, "today": today, "upcoming_days": followups.UPCOMING_DAYS,
    })


def _followup_page(request: HttpRequest, followup: FollowUp, *, form: FollowUpForm | None = None,
                   unreachable: UnreachableForm | None = None, status: int = 200) -> HttpResponse:
    today = timezone.localdate()
    return render(request, "employment/followups_record.html", {
        "followup": followup, "placement": followup.placement,
        "form": form or FollowUpForm(), "unreachable_form": unreachable or UnreachableForm(),
        "falls_due": followup.due_date > today,
        "overdue": followup.status == FollowUp.Status.DUE and followup.due_date < today,
        "history": [(c, _followup_label(c.from_state), _followup_label(c.to_state))
                    for c in history(followup)],
    }, status=status)


def _followup_label(status: str) -> str:
    return str(FollowUp.Status(status).label) if status in FollowUp.Status.values else status


@login_required
def followup_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """One follow-up with the form to record its outcome or mark the worker unreachable."""
    followup = followups.followup_get_for(request.user, public_id)
    if request.method != "POST":
        return _followup_page(request, followup)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            followups.followup_record(actor=request.user, followup=followup, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The follow-up is recorded."))
            return redirect("employment:followups")
    return _followup_page(request, followup, form=form, status=400)


@login_required
@require_POST
def followup_unreachable(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Mark a due follow-up's worker as not reachable, saying how they were tried."""
    followup = followups.followup_get_for(request.user, public_id)
    form = UnreachableForm(request.POST)
    if form.is_valid():
        try:
            followups.followup_mark_unreachable(actor=request.user, followup=followup,
                                                reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The worker is marked as not reachable."))
            return redirect("employment:followups")
    return _followup_page(request, followup, unreachable=form, status=400)
