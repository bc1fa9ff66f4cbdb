"""Scoped reads of employers and job demands."""

from typing import Any, cast
from uuid import UUID

from django.db.models import Q, QuerySet
from django.utils import timezone

from dualcert.catalog.models import Occupation, Region
from dualcert.core.scoping import ScopedQuerySet, get_for
from dualcert.demand.models import Employer, JobDemand
from dualcert.employment.models import Referral
from dualcert.training.models import TrainingProject


def demand_visible_to(user: Any) -> QuerySet[JobDemand]:
    """Job demands the user may see, with employer, county, occupation and certificates loaded."""
    return (
        JobDemand.objects.visible_to(user)
        .select_related("employer", "region", "occupation")
        .prefetch_related("required_certificates")
    )


def demand_get_for(user: Any, public_id: UUID | str, *, write: bool = False) -> JobDemand:
    """One job demand: 404 when not visible, 403 when visible but not writable."""
    return get_for(cast(ScopedQuerySet, demand_visible_to(user)), user, public_id, write=write)


def demand_filter(
    queryset: QuerySet[JobDemand], *, status: str = "", region: Region | None = None,
    occupation: Occupation | None = None, q: str = "",
) -> QuerySet[JobDemand]:
    """Narrow a list of demands by status, county, occupation and title/employer words."""
    if status:
        queryset = queryset.filter(status=status)
    if region is not None:
        queryset = queryset.filter(region=region)
    if occupation is not None:
        queryset = queryset.filter(occupation=occupation)
    words = " ".join(q.split())
    if words:
        queryset = queryset.filter(Q(title__icontains=words) | Q(employer__name__icontains=words))
    return queryset


def demand_offers(user: Any) -> QuerySet[JobDemand]:
    """Open demands a worker can still apply for, soonest deadline first."""
    return (
        demand_visible_to(user)
        .filter(status=JobDemand.Status.OPEN, deadline__gte=timezone.localdate())
        .order_by("deadline", "pk")
    )


def demand_ids_applied(user: Any) -> set[int]:
    """Ids of the demands the user (a worker) has already applied for.

    A referral still at "recommended" is an invitation the worker has not answered: the
    offer keeps its apply button (applying moves that referral on).
    """
    referrals = Referral.objects.visible_to(user).exclude(status=Referral.Status.RECOMMENDED)
    return set(referrals.values_list("demand_id", flat=True))


def demand_projects(user: Any, demand: JobDemand) -> QuerySet[TrainingProject]:
    """Training projects answering this demand that the user may see."""
    return (
        TrainingProject.objects.visible_to(user).filter(demands=demand)
        .select_related("institution", "pathway")
    )


def demand_may_edit(user: Any, demand: JobDemand) -> bool:
    """Whether the user may change or close this demand."""
    return JobDemand.objects.writable_by(user).filter(pk=demand.pk).exists()


def employer_visible_to(user: Any) -> QuerySet[Employer]:
    """Employers the user may see (and post demands for, when an officer)."""
    return Employer.objects.visible_to(user).select_related("region")
