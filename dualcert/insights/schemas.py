"""Output schemas of the insights API."""

from decimal import Decimal

from ninja import Schema


class FiguresOut(Schema):
    person_times: int
    completed: int
    dual_certified: int
    certificates: int
    fees_saved: int
    subsidy_spent: int
    certified: int
    placed: int
    employment_rate: Decimal | None
    wage_before: int | None
    wage_after: int | None


class CountyOut(Schema):
    code: str
    name: str
    figures: FiguresOut


class TypeOut(Schema):
    code: str
    name: str
    kind: str
    count: int


class RetentionOut(Schema):
    """Figures from the follow-ups of placements (kept apart from `totals`, whose fields
    clients already rely on)."""

    followed_3: int
    retained_3: int
    retention_3: Decimal | None
    followed_6: int
    retained_6: int
    retention_6: Decimal | None
    followed_12: int
    retained_12: int
    retention_12: Decimal | None
    wage_followup: int | None


class HeadlineOut(Schema):
    label: str
    totals: FiguresOut
    counties: list[CountyOut]
    by_type: list[TypeOut]
    retention: RetentionOut | None = None


class FunnelStepOut(Schema):
    key: str
    label: str
    count: int
    share_of_previous: Decimal | None


class FunnelOut(Schema):
    project_id: str
    project: str
    steps: list[FunnelStepOut]
