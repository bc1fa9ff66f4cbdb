"""Input and output schemas of the job fairs API."""

from datetime import date, datetime, time
from uuid import UUID

from ninja import Schema


class FairOut(Schema):
    id: UUID
    name: str
    day: date
    opens_at: time
    closes_at: time
    place: str
    campaign: str
    county: str | None
    organiser: str
    status: str
    booths: int
    visitors: int


class DemandAtBoothOut(Schema):
    id: UUID
    title: str
    headcount: int
    wage_min: int
    wage_max: int
    status: str


class BoothOut(Schema):
    id: UUID
    number: str
    employer: str
    demands: list[DemandAtBoothOut]


class FairDetailOut(FairOut):
    booth_list: list[BoothOut]


class CheckInIn(Schema):
    scanned: str


class CheckInOut(Schema):
    id: UUID
    fair_id: UUID
    worker_id: UUID
    worker_name: str
    worker_id_number_masked: str
    at: datetime
    method: str


class FiguresOut(Schema):
    referrals: int
    workers: int
    interviewed: int
    offered: int
    hired: int


class BoothResultOut(Schema):
    booth_id: UUID
    number: str
    employer: str
    figures: FiguresOut


class ResultsOut(Schema):
    fair_id: UUID
    visitors: int
    visitors_referred: int | None
    booths: list[BoothResultOut]
    totals: FiguresOut
