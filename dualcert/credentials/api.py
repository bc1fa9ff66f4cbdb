"""JSON API of the credentials stage (same services and selectors as the pages)."""

import json
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import django_auth

from dualcert.assessment.selectors import sitting_get_for
from dualcert.core.api_errors import REFUSALS, ErrorOut
from dualcert.core.scoping import scope_for
from dualcert.core.tokens import ApiTokenAuth, called_with_token
from dualcert.credentials import selectors, services
from dualcert.credentials.models import Certificate
from dualcert.credentials.schemas import (
    CertificateOut,
    IssueSummaryOut,
    LookupIn,
    RevokeIn,
    VerificationOut,
    VerifyBatchIn,
    VerifyIn,
)
from dualcert.credentials.verifications import outcome_fields, verifications_record

router = Router(tags=["credentials"])

# The verification endpoints come first: they take most of the API's traffic, and URL
# patterns are tried in order.
VERIFY_AUTH = [ApiTokenAuth(), django_auth]
# 400: a body that is not JSON; 422: JSON of the wrong shape (no payload, too many).
VERIFY_RESPONSES: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut}


def _require_verifier(request: HttpRequest) -> None:
    if not called_with_token(request) and scope_for(request.user).role is None:
        raise PermissionDenied(_("Only accounts with a role, or programs with an API token, "
                                 "may verify certificates here."))


def _json(body: Any) -> HttpResponse:
    # Written out here, not through ninja's response validation, which cost about a quarter
    # of a verification call (bench/verify.py); the tests check these bodies against the
    # declared schemas.
    return HttpResponse(json.dumps(body, ensure_ascii=False), content_type="application/json")


@router.post("/verify", response={200: VerificationOut, **VERIFY_RESPONSES}, auth=VERIFY_AUTH)
def verify_certificate(request: HttpRequest, body: VerifyIn) -> HttpResponse:
    """Verify one signed payload (or the URL of a certificate's QR code); the check is logged.

    Call it signed in (session and CSRF token, as the pages do) or with
    `Authorization: Bearer <API token>`.
    """
    _require_verifier(request)
    checked = verifications_record(actor=request.user, texts=[body.payload])
    return _json(outcome_fields(checked.outcomes[0], checked.trust))


@router.post("/verify/batch", response={200: list[VerificationOut], **VERIFY_RESPONSES},
             auth=VERIFY_AUTH)
def verify_certificates(request: HttpRequest, body: VerifyBatchIn) -> HttpResponse:
    """Verify up to 1,000 payloads in one call; one result per payload, in the same order."""
    _require_verifier(request)
    checked = verifications_record(actor=request.user, texts=body.payloads)
    return _json([outcome_fields(outcome, checked.trust) for outcome in checked.outcomes])



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
