"""JSON API of the credentials stage (same services and selectors as the pages)."""

from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from dualcert.assessment.schemas import ErrorOut, refusal
from dualcert.assessment.selectors import sitting_get_for
from dualcert.credentials import selectors, services
from dualcert.credentials.models import Certificate
from dualcert.credentials.schemas import CertificateOut, IssueSummaryOut, LookupIn, RevokeIn

router = Router(tags=["credentials"])
REFUSALS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


@router.get("/certificates", response=list[CertificateOut])
@paginate(LimitOffsetPagination)
def list_certificates(request: HttpRequest, certificate_type: str = "", status: str = "") -> Any:
    """The certificates the caller may see; filter by type code and status."""
    queryset = selectors.certificates_filtered(
        request.user, status=status if status in Certificate.Status.values else ""
    )
    if certificate_type:
        queryset = queryset.filter(certificate_type__code=certificate_type)
    return queryset


@router.post("/lookup", response={200: CertificateOut, 404: ErrorOut})
def lookup_certificate(request: HttpRequest, query: LookupIn) -> Any:
    """Verify a certificate: the number and the holder's name must both match."""
    certificate = selectors.certificate_lookup(number=query.number, holder_name=query.holder_name)
    if certificate is None:
        detail = _("No certificate with this number and holder's name.")
        return Status(404, ErrorOut(detail=detail))
    return certificate


@router.post("/sittings/{public_id}/issue", response={200: IssueSummaryOut, **REFUSALS})
def issue_certificates(request: HttpRequest, public_id: UUID) -> Any:
    """Issue the certificates a confirmed sitting earned (running it again issues nothing new)."""
    sitting = sitting_get_for(request.user, public_id)
    try:
        return services.certificates_issue(actor=request.user, sitting=sitting)
    except (ValidationError, PermissionDenied) as exc:
        return refusal(exc)


@router.post("/certificates/{public_id}/revoke", response={200: CertificateOut, **REFUSALS})
def revoke_certificate(request: HttpRequest, public_id: UUID, body: RevokeIn) -> Any:
    """Revoke a certificate with a reason (bureau admin or the certificate's department)."""
    try:
        certificate = selectors.certificate_get_for(request.user, public_id, write=True)
        return services.certificate_revoke(
            actor=request.user, certificate=certificate, reason=body.reason
        )
    except (ValidationError, PermissionDenied) as exc:
        return refusal(exc)
