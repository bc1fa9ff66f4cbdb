"""JSON API of job fairs (same services and selectors as the pages)."""

from dataclasses import asdict
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest
from ninja import Router, Status

from dualcert.core.api_errors import REFUSALS
from dualcert.core.scoping import Role, scope_for
from dualcert.fairs import selectors, services
from dualcert.fairs.models import Booth, JobFair
from dualcert.fairs.schemas import (
    BoothOut,
    BoothResultOut,
    CheckInIn,
    CheckInOut,
    DemandAtBoothOut,
    FairDetailOut,
    FairOut,
    FiguresOut,
    ResultsOut,
)

router = Router(tags=["fairs"])


def _fair_fields(fair: JobFair, booths: int, visitors: int) -> dict:
    return {
        "id": fair.public_id, "name": fair.name, "day": fair.day, "opens_at": fair.opens_at,
        "closes_at": fair.closes_at, "place": fair.place, "campaign": fair.campaign,
        "county": fair.region.name if fair.region else None, "organiser": fair.organiser,
        "status": fair.status, "booths": booths, "visitors": visitors,
    }


def _booth_out(booth: Booth) -> BoothOut:
    return BoothOut(id=booth.public_id, number=booth.number, employer=booth.employer.name,
                    demands=[DemandAtBoothOut(
                        id=d.public_id, title=d.title, headcount=d.headcount,
                        wage_min=d.wage_min, wage_max=d.wage_max, status=d.status,
                    ) for d in booth.demands.all()])


@router.get("/", response={200: list[FairOut], **REFUSALS})
def fair_list(request: HttpRequest, status: str = "", page: int = 1) -> list[FairOut]:
    """Fairs in the user's scope, 50 a page, latest first."""
    fairs = Paginator(selectors.fair_list_for(request.user, status=status), 50).get_page(page)
    return [FairOut(**_fair_fields(f, f.booth_count, f.visitor_count))  # type: ignore[attr-defined]
            for f in fairs]


@router.get("/{public_id}", response={200: FairDetailOut, **REFUSALS})
def fair_detail(request: HttpRequest, public_id: UUID) -> FairDetailOut:
    """One fair with its booths and the job demands offered at each."""
    fair = selectors.fair_get_for(request.user, public_id)
    booths = list(selectors.booths_of(fair))
    return FairDetailOut(**_fair_fields(fair, len(booths), fair.checkins.count()),
                         booth_list=[_booth_out(b) for b in booths])


@router.post("/{public_id}/checkins", response={201: CheckInOut, **REFUSALS})
def fair_checkin(request: HttpRequest, public_id: UUID, payload: CheckInIn) -> Status[CheckInOut]:
    """The check-in desk: the scanned text of a worker's fair pass (officers, open fair)."""
    fair = selectors.fair_for_officers(request.user, public_id)
    checkin = services.checkin_by_pass(actor=request.user, fair=fair, text=payload.scanned)
    return Status(201, CheckInOut(
        id=checkin.public_id, fair_id=fair.public_id, worker_id=checkin.worker.public_id,
        worker_name=checkin.worker.name,
        worker_id_number_masked=checkin.worker.id_number_masked, at=checkin.at,
        method=checkin.method,
    ))


@router.get("/{public_id}/results", response={200: ResultsOut, **REFUSALS})
def fair_results(request: HttpRequest, public_id: UUID) -> ResultsOut:
    """Visitors, referrals made at the fair, interviews, offers and hires, per booth and total.

    An employer gets its own booth only.
    """
    fair = selectors.fair_get_for(request.user, public_id)
    scope = scope_for(request.user)
    if scope.role in selectors.OFFICER_ROLES:
        results = selectors.fair_results(fair=fair)
    elif scope.role == Role.EMPLOYER:
        results = selectors.fair_results(fair=fair, employer_id=scope.employer_id)
    else:
        raise PermissionDenied
    officer = scope.role in selectors.OFFICER_ROLES
    return ResultsOut(
        fair_id=fair.public_id, visitors=results.visitors,
        visitors_referred=results.visitors_referred if officer else None,
        booths=[BoothResultOut(booth_id=r.booth.public_id, number=r.booth.number,
                               employer=r.booth.employer.name,
                               figures=FiguresOut(**asdict(r.figures)))
                for r in results.booths],
        totals=FiguresOut(**asdict(results.totals)),
    )
