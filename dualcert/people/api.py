"""JSON API of the people stage (same services and selectors as the pages).

ID numbers travel only in request bodies (registration, lookup), never in a URL, and
responses carry the masked form only.
"""

from datetime import date
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from dualcert.catalog.selectors import county_visible_to, target_group_visible_to
from dualcert.core.api_errors import REFUSALS
from dualcert.people import selectors
from dualcert.people.models import Worker
from dualcert.people.services import worker_register

router = Router(tags=["people"])


class WorkerOut(Schema):
    public_id: UUID
    name: str
    id_number_masked: str
    gender: str
    birth_date: date
    region_code: str
    region: str
    education: int
    target_groups: list[str]
    consent_recommend: bool
    expected_wage: int | None
    available_from: date | None

    @staticmethod
    def resolve_region_code(obj: Worker) -> str:
        return obj.region.code

    @staticmethod
    def resolve_region(obj: Worker) -> str:
        return obj.region.name

    @staticmethod
    def resolve_target_groups(obj: Worker) -> list[str]:
        return [g.code for g in obj.target_groups.all()]


class WorkerIn(Schema):
    name: str
    id_number: str
    region_code: str
    phone: str = ""
    village: str = ""
    education: int = 2
    target_groups: list[str] = []
    consent_recommend: bool | None = None
    expected_wage: int | None = None
    available_from: date | None = None


class IdNumberIn(Schema):
    id_number: str


@router.get("/workers", response=list[WorkerOut], url_name="people_workers")
@paginate(PageNumberPagination, page_size=50)
def workers(request: HttpRequest, q: str = "") -> Any:
    """Workers in the caller's scope, optionally by name."""
    return selectors.worker_search(selectors.worker_visible_to(request.user), name=q)


@router.post("/workers/lookup", response={200: list[WorkerOut], **REFUSALS},
             url_name="people_worker_lookup")
def worker_lookup(request: HttpRequest, payload: IdNumberIn) -> list[Worker]:
    """The visible worker with this ID number (posted, so it never lands in a URL or log)."""
    return list(selectors.worker_find_by_id_number(request.user, payload.id_number))


def _register_arguments(request: HttpRequest, payload: WorkerIn) -> dict[str, Any]:
    region = county_visible_to(request.user).filter(code=payload.region_code).first()
    if region is None:
        raise ValidationError(
            _("There is no county with the code %(code)s.") % {"code": payload.region_code}
        )
    groups = list(target_group_visible_to(request.user).filter(code__in=payload.target_groups))
    if len(groups) != len(set(payload.target_groups)):
        raise ValidationError(_("One of the target group codes is unknown."))
    data = payload.dict(exclude={"region_code", "target_groups"})
    return {**data, "region": region, "target_groups": groups}


@router.post("/workers", response={201: WorkerOut, **REFUSALS}, url_name="people_worker_create")
def worker_create(request: HttpRequest, payload: WorkerIn) -> Any:
    """Register a worker, or update the one with the same ID number (worker_register)."""
    worker = worker_register(actor=request.user, **_register_arguments(request, payload))
    return Status(201, worker)


@router.get("/workers/{public_id}", response={200: WorkerOut, **REFUSALS},
            url_name="people_worker")
def worker(request: HttpRequest, public_id: UUID) -> Worker:
    """One worker with the masked ID number (404 when not visible)."""
    return selectors.worker_get_for(request.user, public_id)
