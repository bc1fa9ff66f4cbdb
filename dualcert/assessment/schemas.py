"""Input and output schemas of the assessment API, and how a refusal is answered."""

from datetime import date
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Schema, Status


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


def refusal(exc: ValidationError | PermissionDenied) -> Status[ErrorOut]:
    """A refused service call: 400 with the messages, or 403."""
    if isinstance(exc, PermissionDenied):
        return Status(403, ErrorOut(detail=str(exc) or _("You may not do this.")))
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return Status(400, ErrorOut(detail=" ".join(exc.messages), errors=errors))


class SittingOut(Schema):
    public_id: UUID
    project: UUID
    project_code: str
    project_name: str
    evaluation_body: str
    day: date
    place: str
    skill_examiner: str
    permit_examiner: str
    status: str

    @staticmethod
    def resolve_project(obj: Any) -> UUID:
        return obj.project.public_id

    @staticmethod
    def resolve_project_code(obj: Any) -> str:
        return obj.project.code

    @staticmethod
    def resolve_project_name(obj: Any) -> str:
        return obj.project.name

    @staticmethod
    def resolve_evaluation_body(obj: Any) -> str:
        return obj.evaluation_body.name


class ScoreLineIn(Schema):
    enrollment: UUID
    theory: int | None = None
    practical: int | None = None
    absent: bool = False


class ScoreSheetIn(Schema):
    rows: list[ScoreLineIn]


class ScoreOut(Schema):
    enrollment: UUID
    theory: int | None
    practical: int | None
    absent: bool

    @staticmethod
    def resolve_enrollment(obj: Any) -> UUID:
        return obj.enrollment.public_id


class ResultOut(Schema):
    enrollment: UUID
    certificate_type: str
    passed: bool
    theory_pass: int
    practical_pass: int

    @staticmethod
    def resolve_enrollment(obj: Any) -> UUID:
        return obj.score.enrollment.public_id

    @staticmethod
    def resolve_certificate_type(obj: Any) -> str:
        return obj.certificate_type.code
