"""Input and output schemas of the employment API."""

from datetime import date, datetime
from uuid import UUID

from ninja import Schema


class CandidateOut(Schema):
    rank: int
    worker_id: UUID
    name: str | None
    id_number_masked: str | None
    county: str
    score: int
    qualified: bool
    priority: bool
    reasons: list[str]
    missing: list[str]
    certificates: list[str]
    # The counting certificates, to check with the verify endpoint (no numbers before the
    # worker applies).
    certificate_ids: list[UUID] = []
    referral_id: UUID | None
    referral_status: str | None


class ReferralOut(Schema):
    id: UUID
    demand_id: UUID
    demand_title: str
    employer: str
    worker_name: str | None
    worker_county: str
    status: str
    score: int
    reasons: list[str]
    applied_at: datetime | None
    moves: list[str]


class ReferralPage(Schema):
    count: int
    page: int
    pages: int
    items: list[ReferralOut]


class RecommendIn(Schema):
    worker_id: UUID


class MoveIn(Schema):
    reason: str = ""


class HireIn(Schema):
    start_date: date
    monthly_wage: int
    contract_type: str = "fixed"


class PlacementOut(Schema):
    id: UUID
    referral_id: UUID
    start_date: date
    monthly_wage: int
    contract_type: str
    demand_status: str


class FollowUpOut(Schema):
    id: UUID
    placement_id: UUID
    worker_name: str
    worker_id_number_masked: str
    employer: str
    start_date: date
    months: int
    due_date: date
    status: str
    overdue: bool
    still_employed: bool | None
    monthly_wage_now: int | None
    left_reason: str


class FollowUpRecordIn(Schema):
    still_employed: bool
    monthly_wage_now: int | None = None
    left_reason: str = ""


class UnreachableIn(Schema):
    reason: str


class JobMatchOut(Schema):
    demand_id: UUID
    title: str
    employer: str
    county: str
    place: str
    wage_min: int
    wage_max: int
    deadline: date
    score: int
    reasons: list[str]
    missing: list[str]
    referral_id: UUID | None
    referral_status: str | None
    may_apply: bool


class GapOut(Schema):
    certificate_type: str
    certificate_name: str
    project_ids: list[UUID]


class JobAfterTrainingOut(JobMatchOut):
    gaps: list[GapOut]


class ProjectNearOut(Schema):
    id: UUID
    name: str
    county: str
    place: str
    institution: str
    start_date: date
    end_date: date
    certificates: list[str]
    enrollment_status: str | None


class ApplicationOut(Schema):
    id: UUID
    demand_id: UUID
    demand_title: str
    employer: str
    status: str
    last_change: datetime


class WorkerJobsOut(Schema):
    consent_recommend: bool
    qualifying: list[JobMatchOut]
    after_training: list[JobAfterTrainingOut]
    projects_near: list[ProjectNearOut]
    applications: list[ApplicationOut]


class CertificateCheckOut(Schema):
    certificate_id: UUID
    certificate_type: str
    certificate_name: str
    status: str
    expires_on: date | None
    verdict: str
    verdict_label: str
    signed: bool
