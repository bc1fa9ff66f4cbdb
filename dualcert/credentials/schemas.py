"""Input and output schemas of the credentials API."""

from datetime import date
from typing import Any
from uuid import UUID

from ninja import Schema


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
