"""JSON API of the demand stage (same services and selectors as the pages)."""

from datetime import date
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from dualcert.catalog.selectors import (
    certificate_types_by_code,
    county_visible_to,
    occupation_visible_to,
)
from dualcert.core.api_errors import REFUSALS
from dualcert.demand import selectors
from dualcert.demand.models import JobDemand
from dualcert.demand.services import demand_close, demand_create

router = Router(tags=["demand"])


class DemandOut(Schema):
    public_id: UUID
    title: str
    employer_id: UUID
    employer: str
    occupation_code: str
    occupation: str
    required_certificates: list[str]
    headcount: int
    wage_min: int
    wage_max: int
    region_code: str
    region: str
    place: str
    deadline: date
    status: str

    @staticmethod
    def resolve_employer_id(obj: JobDemand) -> UUID:
        return obj.employer.public_id

    @staticmethod
    def resolve_employer(obj: JobDemand) -> str:
        return obj.employer.name

    @staticmethod
    def resolve_occupation_code(obj: JobDemand) -> str:
        return obj.occupation.code

    @staticmethod
    def resolve_occupation(obj: JobDemand) -> str:
        return obj.occupation.name

    @staticmethod
    def resolve_required_certificates(obj: JobDemand) -> list[str]:
        return [c.code for c in obj.required_certificates.all()]

    @staticmethod
    def resolve_region_code(obj: JobDemand) -> str:
        return obj.region.code

    @staticmethod
    def resolve_region(obj: JobDemand) -> str:
        return obj.region.name


class DemandIn(Schema):
    employer_id: UUID | None = None
    title: str
    occupation_code: str
    required_certificates: list[str] = []
    headcount: int
    wage_min: int
    wage_max: int
    region_code: str
    place: str = ""
    deadline: date


class CloseIn(Schema):
    reason: str = ""


def _create_arguments(request: HttpRequest, payload: DemandIn) -> dict[str, Any]:
    user = request.user
    employer = None
    if payload.employer_id is not None:
        employer = selectors.employer_visible_to(user).filter(public_id=payload.employer_id).first()
        if employer is None:
            raise ValidationError(_("There is no employer with this id that you may see."))
    occupation = occupation_visible_to(user).filter(code=payload.occupation_code).first()
    region = county_visible_to(user).filter(code=payload.region_code).first()
    if occupation is None or region is None:
        raise ValidationError(_("Unknown occupation code or county code."))
    certificates, missing = certificate_types_by_code(user, payload.required_certificates)
    if missing:
        raise ValidationError(_("These certificate type codes are not in the catalogue: %(codes)s.")
                              % {"codes": ", ".join(missing)})
    data = payload.dict(include={"title", "headcount", "wage_min", "wage_max", "place", "deadline"})
    return {**data, "employer": employer, "occupation": occupation, "region": region,
            "required_certificates": certificates}


@router.get("/demands", response=list[DemandOut], url_name="demand_demands")
@paginate(PageNumberPagination, page_size=50)
def demands(request: HttpRequest, status: str = "") -> Any:
    """Job demands in the caller's scope (a worker's: the open ones)."""
    return selectors.demand_filter(selectors.demand_visible_to(request.user), status=status)


@router.post("/demands", response={201: DemandOut, **REFUSALS}, url_name="demand_create")
def demand_create_endpoint(request: HttpRequest, payload: DemandIn) -> Any:
    """Post a job demand (an employer for itself; the bureau or a county officer for one)."""
    demand = demand_create(actor=request.user, **_create_arguments(request, payload))
    return Status(201, selectors.demand_visible_to(request.user).get(pk=demand.pk))


@router.get("/demands/{public_id}", response={200: DemandOut, **REFUSALS},
            url_name="demand_demand")
def demand(request: HttpRequest, public_id: UUID) -> JobDemand:
    """One job demand (404 when not visible)."""
    return selectors.demand_get_for(request.user, public_id)


@router.post("/demands/{public_id}/close", response={200: DemandOut, **REFUSALS},
             url_name="demand_close")
def demand_close_endpoint(request: HttpRequest, public_id: UUID, payload: CloseIn) -> JobDemand:
    """Close an open or filled job demand."""
    obj = selectors.demand_get_for(request.user, public_id, write=True)
    return demand_close(actor=request.user, demand=obj, reason=payload.reason)
