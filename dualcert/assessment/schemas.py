"""Input and output schemas of the assessment API."""

from datetime import date
from typing import Any
from uuid import UUID

from ninja import Schema


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
