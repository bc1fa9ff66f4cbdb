"""Input and output schemas of the credentials API."""

from datetime import date
from typing import Any
from uuid import UUID

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from dualcert.credentials.signing.verify import Verdict


class CertificateOut(Schema):
    public_id: UUID
    number: str
    certificate_type: str
    certificate_type_name: str
    holder_name: str
    holder_id_number: str
    issuer_name: str
    issued_on: date
    expires_on: date | None
    review_due: date | None
    status: str

    @staticmethod
    def resolve_certificate_type(obj: Any) -> str:
        return obj.certificate_type.code

    @staticmethod
    def resolve_certificate_type_name(obj: Any) -> str:
        return obj.certificate_type.name

    @staticmethod
    def resolve_holder_name(obj: Any) -> str:
        return obj.worker.name

    @staticmethod
    def resolve_holder_id_number(obj: Any) -> str:
        return obj.worker.id_number_masked


class LookupIn(Schema):
    number: str
    holder_name: str


class RevokeIn(Schema):
    reason: str = ""


class IssueSummaryOut(Schema):
    issued: int
    skipped: int
    dual_certified: int
    single_certified: int
    retakes: int
    not_certified: int


MAX_BATCH = 1000


class VerifyIn(Schema):
    payload: str = Field(
        description="A signed payload (“DC1:…”) or a URL carrying it after “#”, as in the QR code."
    )


class VerifyBatchIn(Schema):
    payloads: list[str] = Field(
        description=f"1 to {MAX_BATCH:,} payloads or URLs; the results come back in this order.",
        json_schema_extra={"minItems": 1, "maxItems": MAX_BATCH},
    )

    @field_validator("payloads")
    @classmethod
    def one_to_a_thousand(cls, payloads: list[str]) -> list[str]:
        if not payloads:
            raise PydanticCustomError("batch_empty", str(_("Send at least one payload.")))
        if len(payloads) > MAX_BATCH:
            raise PydanticCustomError("batch_too_large", str(
                _("A batch holds at most %(max)s payloads; this one has %(count)s. Split it "
                  "into several calls.") % {"max": f"{MAX_BATCH:,}", "count": f"{len(payloads):,}"}
            ))
        return payloads


class VerifiedCertificateOut(Schema):
    """The certificate as its payload states it; only a valid verdict vouches for it."""

    number: str
    type_code: str
    type_name: str
    kind: str = Field(description="skill (skill-level certificate) or permit")
    holder_name: str
    holder_id_masked: str
    occupation: str
    level: str
    permit_item: str
    issuer_name: str
    issued_on: str = Field(description="ISO date")
    expires_on: str | None = Field(description="ISO date; null when it does not expire")


class VerifiedIssuerOut(Schema):
    code: str
    name: str


class VerificationOut(Schema):
    verdict: Verdict
    verdict_label: str
    certificate: VerifiedCertificateOut | None = Field(
        description="null when the payload could not be read"
    )
    issuer: VerifiedIssuerOut | None = Field(
        description="the issuer of the signing key; null when the key is not on the trust list"
    )
    kid: str | None = Field(description="the signing key's id, as on the trust list")
    trust_list_version: int
    revocations_version: int
