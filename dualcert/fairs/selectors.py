"""Scoped reads of job fairs: fairs, booths, pre-matched candidates, check-ins and results."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from dualcert.core.models import StateChange
from dualcert.core.scoping import Role, get_for, scope_for
from dualcert.demand.models import Employer, JobDemand
from dualcert.employment.matching import Candidate, candidates_for_demand
from dualcert.employment.models import Referral
from dualcert.employment.selectors import worker_shown_to
from dualcert.fairs.models import Booth, FairCheckIn, FairReferral, JobFair

FAIR_ROLES = (Role.BUREAU, Role.COUNTY, Role.EMPLOYER, Role.WORKER)
OFFICER_ROLES = (Role.BUREAU, Role.COUNTY)
# Candidates ranked per demand beyond the list shown, so that visitors who checked in but
# rank lower still appear. Up to 50 costs the same as 20: matching scores a pool of at least
# 200 rows either way.
PREMATCH_WINDOW = 50
INTERVIEWED = ("interviewed", "offered", "hired")
OFFERED = ("offered", "hired")
HIRED = ("hired",)


def _count_of(queryset: QuerySet[Any]) -> Coalesce:
    counted = queryset.order_by().values("fair_id").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def fair_visible_to(user: Any) -> QuerySet[JobFair]:
    """Fairs in the user's scope, with their county and the counts a list row shows."""
    return JobFair.objects.visible_to(user).select_related("region").annotate(
        booth_count=_count_of(Booth.objects.filter(fair=OuterRef("pk"))),
        visitor_count=_count_of(FairCheckIn.objects.filter(fair=OuterRef("pk"))),
    )


def fair_list_for(user: Any, *, status: str = "") -> QuerySet[JobFair]:
    """The fairs page: roles with no part in fairs get 403."""
    if scope_for(user).role not in FAIR_ROLES:
        raise PermissionDenied
    fairs = fair_visible_to(user)
    if status in JobFair.Status.values:
        fairs = fairs.filter(status=status)
    return fairs.order_by("-day", "-pk")


def fair_get_for(user: Any, public_id: UUID | str, *, write: bool = False) -> JobFair:
    """One fair: not visible → 404; visible but not organised by the user (write) → 403."""
    return get_for(JobFair.objects.select_related("region"), user, public_id, write=write)


def fair_for_officers(user: Any, public_id: UUID | str) -> JobFair:
    """A fair whose desk and results officers use: other roles that see it get 403."""
    fair = fair_get_for(user, public_id)
    if scope_for(user).role not in OFFICER_ROLES:
        raise PermissionDenied
    return fair


def booths_of(fair: JobFair) -> QuerySet[Booth]:
    """The fair's booths with their employer and job demands (two queries)."""
    demands = JobDemand.objects.select_related("region").order_by("title", "pk")
    return fair.booths.select_related("employer").prefetch_related(
        Prefetch("demands", queryset=demands)
    ).order_by("number", "employer__name", "pk")


def booth_get_for(user: Any, fair: JobFair, public_id: UUID | str) -> Booth:
    """One booth of a visible fair; another fair's booth or a bad id → 404."""
    try:
        return booths_of(fair).get(public_id=public_id)
    except (Booth.DoesNotExist, ValueError) as exc:
        raise Http404("booth") from exc


def booth_for_candidates(user: Any, fair: JobFair, public_id: UUID | str) -> Booth:
    """A booth whose pre-matched candidates the user may see: officers and its own employer."""
    booth = booth_get_for(user, fair, public_id)
    scope = scope_for(user)
    if scope.role in OFFICER_ROLES:
        return booth
    if scope.role == Role.EMPLOYER and scope.employer_id == booth.employer_id:
        return booth
    raise PermissionDenied


def own_booth(user: Any, fair: JobFair) -> Booth | None:
    """The signed-in employer's booth at the fair, if any."""
    scope = scope_for(user)
    if scope.role != Role.EMPLOYER:
        return None
    return fair.booths.filter(employer_id=scope.employer_id).first()


def employers_without_booth(user: Any, fair: JobFair) -> QuerySet[Employer]:
    """Employers in the user's scope that have no booth at the fair yet (for the add form)."""
    return Employer.objects.visible_to(user).exclude(booths__fair=fair).order_by("name")


def demands_for_booth(booth: Booth) -> QuerySet[JobDemand]:
    """The booth's employer's open demands not yet on the booth."""
    return JobDemand.objects.filter(
        employer_id=booth.employer_id, status=JobDemand.Status.OPEN
    ).exclude(booths=booth).order_by("title", "pk")


def open_demands_of(employer: Employer) -> QuerySet[JobDemand]:
    """An employer's open job demands (what a new booth brings)."""
    return JobDemand.objects.filter(employer=employer, status=JobDemand.Status.OPEN)


def demand_of_employer(booth: Booth, public_id: UUID | str) -> JobDemand:
    """A job demand named in a booth form: only the booth employer's own, else 404."""
    try:
        return JobDemand.objects.get(employer_id=booth.employer_id, public_id=public_id)
    except (JobDemand.DoesNotExist, ValueError) as exc:
        raise Http404("job demand") from exc


def booth_demand(booth: Booth, public_id: UUID | str) -> JobDemand:
    """A demand offered at the booth (loaded with the booth), else 404."""
    for demand in booth.demands.all():
        if str(demand.public_id) == str(public_id):
            return demand
    raise Http404("job demand")


def checkin_of(fair: JobFair, worker_id: int) -> FairCheckIn | None:
    return FairCheckIn.objects.filter(fair=fair, worker_id=worker_id).first()


def checkins_recent(fair: JobFair, *, limit: int = 20) -> list[FairCheckIn]:
    """The latest check-ins for the desk, newest first."""
    return list(fair.checkins.select_related("worker", "worker__region")[:limit])


# ---- pre-matched candidate lists ------------------------------------------------------------

@dataclass
class PrematchRow:
    rank: int
    candidate: Candidate
    referral: Referral | None
    checked_in: bool
    shown: bool = True


@dataclass
class DemandPrematch:
    demand: JobDemand
    rows: list[PrematchRow]
    # Visitors who checked in and rank below the list shown.
    also_here: list[PrematchRow] = field(default_factory=list)


@dataclass
class BoothPrematch:
    booth: Booth
    demands: list[DemandPrematch]


def _ranked(demands: Sequence[JobDemand], today: date, window: int) -> dict[int, list[Candidate]]:
    return {d.pk: candidates_for_demand(demand=d, today=today, limit=window) for d in demands}


def fair_prematch(
    *, fair: JobFair, today: date, limit: int = 20, booths: Sequence[Booth] | None = None,
    viewer: Any = None,
) -> list[BoothPrematch]:
    """Per booth and job demand, the ranked candidates, who among them checked in, and the
    referral each already has.

    Queries: the booths and their demands (2, unless given), five per demand (matching),
    then one for the referrals and one for the check-ins of all candidates together — none
    per candidate. With `viewer`, each row says whether the viewer may see the name.
    """
    booths = list(booths_of(fair)) if booths is None else list(booths)
    demands = [d for b in booths for d in b.demands.all()]
    window = max(limit, PREMATCH_WINDOW)
    ranked = _ranked(demands, today, window)
    worker_ids = {c.worker.pk for ranking in ranked.values() for c in ranking}
    referrals = {
        (r.demand_id, r.worker_id): r
        for r in Referral.objects.filter(demand__in=demands, worker_id__in=worker_ids)
    } if worker_ids else {}
    here = set(
        fair.checkins.filter(worker_id__in=worker_ids).values_list("worker_id", flat=True)
    ) if worker_ids else set()
    result = []
    for booth in booths:
        lists = []
        for demand in booth.demands.all():
            rows = [_row(rank, c, referrals.get((demand.pk, c.worker.pk)), here, viewer)
                    for rank, c in enumerate(ranked[demand.pk], start=1)]
            lists.append(DemandPrematch(
                demand, rows[:limit], [r for r in rows[limit:] if r.checked_in]))
        result.append(BoothPrematch(booth, lists))
    return result


def _row(rank: int, candidate: Candidate, referral: Referral | None, here: set[int],
         viewer: Any) -> PrematchRow:
    shown = True if viewer is None else worker_shown_to(viewer, referral, candidate.worker)
    return PrematchRow(rank, candidate, referral, candidate.worker.pk in here, shown)


# ---- results --------------------------------------------------------------------------------

@dataclass
class ResultRow:
    """Referrals made at a booth (or the whole fair) and how far they got."""

    referrals: int = 0
    workers: int = 0
    interviewed: int = 0
    offered: int = 0
    hired: int = 0


@dataclass
class BoothResult:
    booth: Booth
    figures: ResultRow


@dataclass
class FairResults:
    fair: JobFair
    visitors: int
    visitors_referred: int
    booths: list[BoothResult]
    totals: ResultRow


def _reached(states: tuple[str, ...], referral_type: ContentType) -> Q:
    """The referral is in one of the states now or its history went through one of them
    (an interview counts even when the worker later declined)."""
    moves = StateChange.objects.filter(
        content_type=referral_type, object_pk=OuterRef("referral_id"), to_state__in=states
    )
    return Q(referral__status__in=states) | Q(Exists(moves))


def _figures(referral_type: ContentType) -> dict[str, Any]:
    return {
        "referrals": Count("pk"),
        "workers": Count("referral__worker_id", distinct=True),
        "interviewed": Count("pk", filter=_reached(INTERVIEWED, referral_type)),
        "offered": Count("pk", filter=_reached(OFFERED, referral_type)),
        "hired": Count("pk", filter=_reached(HIRED, referral_type)),
    }


def fair_results(*, fair: JobFair, employer_id: int | None = None) -> FairResults:
    """Visitors, and per booth and in total the referrals made at the fair, interviews,
    offers and hires. Five queries whatever the number of booths and referrals.

    With `employer_id`, only that employer's booth (what an employer sees of the results).
    """
    referral_type = ContentType.objects.get_for_model(Referral)
    booths = list(fair.booths.select_related("employer").order_by("number", "employer__name"))
    links = FairReferral.objects.filter(fair=fair)
    if employer_id is not None:
        booths = [b for b in booths if b.employer_id == employer_id]
        links = links.filter(booth__employer_id=employer_id)
    per_booth = {row.pop("booth_id"): ResultRow(**row) for row in
                 links.order_by().values("booth_id").annotate(**_figures(referral_type))}
    visited = fair.checkins.values("worker_id")
    totals = links.aggregate(
        **_figures(referral_type),
        visitors_referred=Count("referral__worker_id", distinct=True,
                                filter=Q(referral__worker_id__in=visited)),
    )
    visitors_referred = totals.pop("visitors_referred")
    return FairResults(
        fair=fair, visitors=fair.checkins.count(), visitors_referred=visitors_referred,
        booths=[BoothResult(b, per_booth.get(b.pk, ResultRow())) for b in booths],
        totals=ResultRow(**totals),
    )
