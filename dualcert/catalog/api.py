"""JSON API of the catalog stage (same services and selectors as the pages)."""

from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from dualcert.catalog.models import CertificateType, Pathway
from dualcert.catalog.selectors import pathway_get_for, pathway_visible_to
from dualcert.core.api_errors import REFUSALS

router = Router(tags=["catalog"])


class RequirementItemOut(Schema):
    code: str
    name: str
    theory_hours: int
    practical_hours: int
    fact_status: str


class CertificateTypeOut(Schema):
    public_id: UUID
    code: str
    name: str
    kind: str
    department: str
    occupation_code: str | None
    level: int | None
    validity_years: int | None
    review_interval_years: int | None
    min_age: int
    max_age: int | None
    education_required: int
    theory_pass: int
    practical_pass: int
    standard_fee: int
    fact_status: str
    source: str
    requirement_items: list[RequirementItemOut]

    @staticmethod
    def resolve_department(obj: CertificateType) -> str:
        return obj.department.name

    @staticmethod
    def resolve_occupation_code(obj: CertificateType) -> str | None:
        return obj.occupation.code if obj.occupation else None

    @staticmethod
    def resolve_requirement_items(obj: CertificateType) -> list[RequirementItemOut]:
        return list(obj.requirement_items.all())  # type: ignore[arg-type]


class PathwayOut(Schema):
    public_id: UUID
    code: str
    name: str
    agreement: str
    active: bool
    fact_status: str
    source: str
    skill_certificate: CertificateTypeOut
    permit: CertificateTypeOut


@router.get("/pathways", response=list[PathwayOut], url_name="catalog_pathways")
@paginate(PageNumberPagination, page_size=50)
def pathways(request: HttpRequest) -> list[Pathway]:
    """Every pathway with both certificate types and their requirement items."""
    return pathway_visible_to(request.user)  # type: ignore[return-value]


@router.get("/pathways/{public_id}", response={200: PathwayOut, **REFUSALS},
            url_name="catalog_pathway")
def pathway(request: HttpRequest, public_id: UUID) -> Pathway:
    """One pathway (404 when unknown)."""
    return pathway_get_for(request.user, public_id)
