"""JSON API of the credentials stage (same services and selectors as the pages)."""

from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest
from ninja import Router
from ninja.pagination import LimitOffsetPagination, paginate

from dualcert.assessment.selectors import sitting_get_for
from dualcert.core.api_errors import REFUSALS
from dualcert.credentials import selectors, services
from dualcert.credentials.models import Certificate
from dualcert.credentials.schemas import CertificateOut, IssueSummaryOut, LookupIn, RevokeIn

router = Router(tags=["credentials"])


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


@router.post("/lookup", response={200: CertificateOut, **REFUSALS})
def lookup_certificate(request: HttpRequest, query: LookupIn) -> Certificate:
    """Verify a certificate: the number and the holder's name must both match (else 404)."""
    certificate = selectors.certificate_lookup(number=query.number, holder_name=query.holder_name)
    if certificate is None:
        raise Http404
    return certificate


@router.post("/sittings/{public_id}/issue", response={200: IssueSummaryOut, **REFUSALS})
def issue_certificates(request: HttpRequest, public_id: UUID) -> Any:
    """Issue the certificates a confirmed sitting earned (running it again issues nothing new)."""
    sitting = sitting_get_for(request.user, public_id)
    return services.certificates_issue(actor=request.user, sitting=sitting)


@router.post("/certificates/{public_id}/revoke", response={200: CertificateOut, **REFUSALS})
def revoke_certificate(request: HttpRequest, public_id: UUID, body: RevokeIn) -> Any:
    """Revoke a certificate with a reason (bureau admin or the certificate's department)."""
    certificate = selectors.certificate_get_for(request.user, public_id, write=True)
    return services.certificate_revoke(actor=request.user, certificate=certificate,
                                       reason=body.reason)
