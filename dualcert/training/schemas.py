"""Input and output schemas of the training API."""

from datetime import date
from uuid import UUID

from ninja import Schema

from dualcert.catalog.models import Education
from dualcert.training.models import Enrollment, TrainingProject


class ProjectFields(Schema):
    public_id: UUID
    code: str
    name: str
    status: str
    pathway: str
    institution: str
    county: str
    place: str
    start_date: date
    end_date: date
    capacity: int
    admitted: int
    subsidy_per_person: int
    completion_threshold: int


class ProjectOut(ProjectFields):
    """A project read from the database (names of related rows resolved)."""

    @staticmethod
    def resolve_pathway(obj: TrainingProject) -> str:
        return obj.pathway.name

    @staticmethod
    def resolve_institution(obj: TrainingProject) -> str:
        return obj.institution.name

    @staticmethod
    def resolve_county(obj: TrainingProject) -> str:
        return obj.region.name

    @staticmethod
    def resolve_admitted(obj: TrainingProject) -> int:
        counted = getattr(obj, "admitted", None)
        if counted is not None:
            return int(counted)
        admitted = (Enrollment.Status.ENROLLED, Enrollment.Status.COMPLETED)
        return obj.enrollments.filter(status__in=admitted).count()


class CoverageOut(Schema):
    certificate: str
    item_code: str
    item: str
    required_theory: int
    covered_theory: int
    theory_short: int
    required_practical: int
    covered_practical: int
    practical_short: int


class ProjectDetailOut(ProjectFields):
    total_hours: int
    coverage: list[CoverageOut]
    moves: list[str]


class ProjectIn(Schema):
    name: str
    pathway: UUID
    institution: UUID
    region: UUID | None = None
    place: str = ""
    demands: list[UUID] = []
    capacity: int
    subsidy_per_person: int = 0
    completion_threshold: int = 90
    start_date: date
    end_date: date


class ModuleIn(Schema):
    name: str
    order: int = 1
    theory_hours: int
    practical_hours: int
    requirement_items: list[UUID] = []


class ModuleOut(Schema):
    public_id: UUID
    name: str
    order: int
    theory_hours: int
    practical_hours: int


class SessionIn(Schema):
    module: UUID | None = None
    day: date
    topic: str
    hours: int


class SessionOut(Schema):
    public_id: UUID
    day: date
    topic: str
    hours: int


class ApplyIn(Schema):
    name: str
    id_number: str
    region: UUID
    phone: str = ""
    education: Education = Education.JUNIOR
    wage_before: int | None = None
    consent_recommend: bool | None = None


class SelfApplyIn(Schema):
    wage_before: int | None = None


class EnrollmentOut(Schema):
    public_id: UUID
    worker: str
    id_number_masked: str
    status: str
    attended_hours: int

    @staticmethod
    def resolve_worker(obj: Enrollment) -> str:
        return obj.worker.name

    @staticmethod
    def resolve_id_number_masked(obj: Enrollment) -> str:
        return obj.worker.id_number_masked


class RefusedOut(Schema):
    enrollment: EnrollmentOut
    reasons: list[str]


class AdmitAllOut(Schema):
    admitted: list[EnrollmentOut]
    refused: list[RefusedOut]


class DropIn(Schema):
    reason: str


class AttendanceIn(Schema):
    present: list[UUID]


class AttendanceOut(Schema):
    present: int
    absent: int
