"""Scoped reads of the employment stage."""

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from dualcert.core.models import StateChange
from dualcert.core.scoping import Role, get_for, scope_for
from dualcert.core.workflow import history
from dualcert.credentials.models import Certificate
from dualcert.demand.models import JobDemand
from dualcert.employment.matching import candidate_pool, requirements_for
from dualcert.employment.models import Placement, Referral
from dualcert.people.models import Worker
from dualcert.people.selectors import worker_own
from dualcert.people.services import id_number_for

REFERRAL_ROLES = (Role.BUREAU, Role.COUNTY, Role.EMPLOYER, Role.WORKER)
CANDIDATE_ROLES = (Role.BUREAU, Role.COUNTY, Role.EMPLOYER)


def referral_visible_to(user: Any) -> QuerySet[Referral]:
    """Referrals in the user's scope, with what a list row shows."""
    return Referral.objects.visible_to(user).select_related(
        "demand", "demand__employer", "demand__region", "worker", "worker__region", "placement"
    )


def referral_list_for(user: Any, *, status: str = "") -> QuerySet[Referral]:
    """The referrals page: roles with no part in referrals get 403."""
    if scope_for(user).role not in REFERRAL_ROLES:
        raise PermissionDenied
    qs = referral_visible_to(user)
    if status in Referral.Status.values:
        qs = qs.filter(status=status)
    return qs.order_by("-updated_at", "-pk")


def referral_get_for(user: Any, public_id: UUID | str, *, write: bool = False) -> Referral:
    """One referral: not visible → 404."""
    return get_for(Referral.objects.select_related(
        "demand", "demand__employer", "demand__region", "worker", "worker__region"
    ), user, public_id, write=write)


def placement_visible_to(user: Any) -> QuerySet[Placement]:
    """Placements in the user's scope."""
    return Placement.objects.visible_to(user).select_related("worker", "employer", "referral")


def referral_history(referral: Referral) -> QuerySet[StateChange]:
    """The referral's moves, oldest first."""
    return history(referral)


def demand_for_candidates(user: Any, public_id: UUID | str) -> JobDemand:
    """A demand whose candidates the user may see: officers in scope and its employer.

    Not visible → 404; visible to a role that does not match candidates (worker, institution,
    department) → 403.
    """
    demand = get_for(
        JobDemand.objects.select_related("employer", "region", "occupation"), user, public_id
    )
    if scope_for(user).role not in CANDIDATE_ROLES:
        raise PermissionDenied
    return demand


def demand_to_apply(user: Any, public_id: UUID | str) -> JobDemand:
    """A demand the user sees (a worker sees the open ones); not visible → 404."""
    return get_for(JobDemand.objects.select_related("employer"), user, public_id)


def referrals_by_worker(demand: JobDemand, worker_ids: Iterable[int]) -> dict[int, Referral]:
    """The demand's existing referrals of these workers, by worker id (one query)."""
    rows = Referral.objects.filter(demand=demand, worker_id__in=list(worker_ids))
    return {r.worker_id: r for r in rows}


def demand_referrals(demand: JobDemand) -> list[Referral]:
    """All the demand's referrals with their workers, latest move first (one query)."""
    return list(Referral.objects.filter(demand=demand).select_related("worker__region")
                .order_by("-updated_at", "-pk"))


def worker_for_referral(user: Any, demand: JobDemand, public_id: UUID | str) -> Worker:
    """The worker to recommend: one the user may see, or a candidate for this demand.

    Employers see no workers before a referral, so they reach a worker only as a candidate.
    """
    today = timezone.localdate()
    candidates = candidate_pool(demand, requirements_for(demand), today)
    visible = Worker.objects.visible_to(user)
    try:
        return Worker.objects.filter(
            Q(pk__in=visible.values("pk")) | Q(pk__in=candidates.values("pk"))
        ).get(public_id=public_id)
    except (Worker.DoesNotExist, ValidationError, ValueError) as exc:
        raise Http404(_("worker")) from exc


def own_worker(user: Any) -> Worker:
    """The signed-in worker's own record: other roles get 403, an account without one 404."""
    if scope_for(user).role != Role.WORKER:
        raise PermissionDenied
    return worker_own(user)


def id_number_shown_to(user: Any, worker: Worker) -> str:
    """The full ID number for the bureau, the worker and the worker's own county officer;
    the masked form for everyone else (a county officer of the demand's county included)."""
    scope = scope_for(user)
    if scope.role == Role.COUNTY and worker.region_id != scope.region_id:
        return worker.id_number_masked
    return id_number_for(user, worker)


def worker_shown_to(user: Any, referral: Referral | None, worker: Worker | None = None) -> bool:
    """Whether the user may see a candidate's name and masked ID.

    An employer: once the worker applied (or accepted the invitation). A county officer: the
    county's own workers, and anyone referred within the officer's scope. Others who reach a
    candidate (bureau, the worker): always.
    """
    scope = scope_for(user)
    if scope.role == Role.EMPLOYER:
        return referral is not None and referral.applied_at is not None
    if scope.role == Role.COUNTY and referral is None:
        return worker is not None and worker.region_id == scope.region_id
    return True


def _certificates_counting_for(demand: JobDemand) -> QuerySet[Certificate]:
    """Certificates of the types that count towards the demand (any type when none is asked)."""
    req = requirements_for(demand)
    certificates = Certificate.objects.select_related("certificate_type")
    if req.types:
        certificates = certificates.filter(certificate_type_id__in=req.accepted_ids)
    return certificates


def candidate_certificate_get(
    demand: JobDemand, public_id: UUID | str, *, worker: Worker | None = None
) -> Certificate:
    """A certificate that may be checked from the demand's candidates or referrals, else 404.

    It must count towards the demand and belong to a worker who agreed to be recommended or
    who applied for this demand (and to `worker`, when given). The caller has checked that the
    user may see the demand's candidates (`demand_for_candidates`).
    """
    applied = Referral.objects.filter(demand=demand, applied_at__isnull=False)
    certificates = _certificates_counting_for(demand).filter(
        Q(worker__consent_recommend=True) | Q(worker_id__in=applied.values("worker_id"))
    )
    if worker is not None:
        certificates = certificates.filter(worker=worker)
    try:
        return certificates.select_related("worker").get(public_id=public_id)
    except (Certificate.DoesNotExist, ValidationError, ValueError) as exc:
        raise Http404(_("certificate")) from exc


def referral_certificates(user: Any, referral: Referral) -> list[Certificate]:
    """The referred worker's certificates that count towards the demand, for the officers and
    the employer to check (none for others, nor once the worker withdrew consent without
    having applied)."""
    if scope_for(user).role not in CANDIDATE_ROLES:
        return []
    if not (referral.worker.consent_recommend or referral.applied_at is not None):
        return []
    certificates = _certificates_counting_for(referral.demand).filter(worker=referral.worker)
    return list(certificates.order_by("certificate_type__kind", "certificate_type__code", "pk"))
