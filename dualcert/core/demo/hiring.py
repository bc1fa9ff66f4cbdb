"""Referrals of dual-certified workers to the demands their project answered, and hires."""

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from dualcert.core.demo.context import DemoContext
from dualcert.core.demo.projects import DemandRow
from dualcert.core.demo.trail import Trail
from dualcert.core.demo.writer import at
from dualcert.demand.models import JobDemand
from dualcert.employment.followups import due_date_for
from dualcert.employment.matching import AVAILABLE_POINTS, CERTIFICATE_POINTS, COUNTY_POINTS
from dualcert.employment.models import FollowUp, Placement, Referral

if TYPE_CHECKING:
    from dualcert.core.demo.history import ProjectPlan

# How referrals end once the demand has closed, and where they stand while it is open.
FINAL = {"hired": 62, "declined": 20, "rejected": 18}
OPEN = {"recommended": 15, "applied": 15, "interviewed": 10, "offered": 10, "hired": 30,
        "declined": 10, "rejected": 10}
PATHS = {
    "recommended": ["recommended"],
    "applied": ["recommended", "applied"],
    "interviewed": ["recommended", "applied", "interviewed"],
    "offered": ["recommended", "applied", "interviewed", "offered"],
    "hired": ["recommended", "applied", "interviewed", "offered", "hired"],
    "declined": ["recommended", "applied", "declined"],
    "rejected": ["recommended", "applied", "interviewed", "rejected"],
}
CONTRACTS = {Placement.Contract.FIXED: 60, Placement.Contract.OPEN: 25,
             Placement.Contract.SEASONAL: 15}
REFERRAL_COLUMNS = (
    "id", "demand", "worker", "status", "score", "reasons", "applied_at", "created_at",
    "updated_at",
)
PLACEMENT_COLUMNS = (
    "referral", "worker", "employer", "start_date", "monthly_wage", "contract_type",
    "created_at", "updated_at",
)

FOLLOWUP_COLUMNS = (
    "id", "placement", "months", "due_date", "status", "still_employed", "monthly_wage_now",
    "left_reason", "recorded_at", "created_at", "updated_at",
)
# Of the workers followed up at each checkpoint, how many are still in the job (a worker who
# left stays left); how many follow-ups are recorded at all once a week has passed.
STILL_EMPLOYED = {3: 0.9, 6: 0.85, 12: 0.85}
RECORDED = 0.9
LEFT_REASONS = ("换了工作", "回乡务农", "合同到期", "家庭原因", "外出务工")


@dataclass
class ReferralRow:
    """A referral with the days it moved along its path (first entry: when it was made)."""

    demand: DemandRow
    worker: int
    status: str
    score: int
    reasons: list[str]
    times: list[datetime]
    pk: int = 0

    @property
    def applied_at(self) -> datetime | None:
        path = PATHS[self.status]
        return self.times[path.index("applied")] if "applied" in path else None

    @property
    def last_day(self) -> date:
        return self.times[-1].date()

    def row(self) -> tuple:
        return (self.pk, self.demand.pk, self.worker, self.status, self.score, self.reasons,
                self.applied_at, self.times[0], self.times[-1])


def match_reasons(demand: DemandRow, worker_county: str | None) -> tuple[int, list[str]]:
    """Score and reasons as the matching rules state them, for a worker holding both
    required certificates, available now (`worker_county` None: the job's own county)."""
    score = CERTIFICATE_POINTS + AVAILABLE_POINTS
    reasons = [_("Holds %(held)d of the %(total)d required certificates (+%(points)d).")
               % {"held": 2, "total": 2, "points": CERTIFICATE_POINTS}]
    if worker_county is None:
        score += COUNTY_POINTS
        reasons.append(_("Lives in the job's county (+%(points)d).") % {"points": COUNTY_POINTS})
    else:
        reasons.append(_("Lives in another county (%(county)s).") % {"county": worker_county})
    reasons.append(_("Available now (+%(points)d).") % {"points": AVAILABLE_POINTS})
    return score, reasons


def referral(rng: random.Random, demand: DemandRow, worker: int, status: str, day: date, *,
             until: date, worker_county: str | None = None) -> ReferralRow:
    """A referral made on `day`, moved along its path a few days a step (never after `until`)."""
    times = [at(day, rng.randrange(9, 18))]
    for _step in PATHS[status][1:]:
        day = min(day + timedelta(days=rng.randint(2, 6)), until)
        times.append(at(day, 15))
    score, reasons = match_reasons(demand, worker_county)
    return ReferralRow(demand, worker, status, score, reasons, times)


def insert_referrals(ctx: DemoContext, made: list[ReferralRow], trail: Trail) -> None:
    """Write referrals and their state changes."""
    for pk, item in zip(ctx.writer.ids(Referral, len(made)), made, strict=True):
        item.pk = pk
        trail.path(Referral, pk, PATHS[item.status], item.times[1:])
    ctx.writer.insert(Referral, REFERRAL_COLUMNS, [r.row() for r in made])


def placement_row(rng: random.Random, item: ReferralRow, start: date) -> tuple:
    demand = item.demand
    low, high = max(4000, demand.wage_min), min(8000, max(demand.wage_max, 4000))
    contract = rng.choices(list(CONTRACTS), list(CONTRACTS.values()))[0]
    return (item.pk, item.worker, demand.employer_id, start, rng.randrange(low, high + 1, 100),
            contract, at(start, 9), at(start, 9))


def _referrals(ctx: DemoContext, rng: random.Random, chunk: list["ProjectPlan"]
               ) -> list[ReferralRow]:
    made = []
    counties = {c.pk: c.name for c in ctx.catalogue.counties}
    yesterday = ctx.today - timedelta(days=1)
    for plan in chunk:
        for cand in plan.candidates:
            featured = plan.featured and cand.index == ctx.orgs["demo_worker"]
            if featured or not cand.dual or not ctx.pool.consent[cand.index]:
                continue
            if rng.random() > 0.8:
                continue
            demand = rng.choice(plan.demands)
            table = FINAL if demand.deadline < ctx.today else OPEN
            status = rng.choices(list(table), list(table.values()))[0]
            county = ctx.pool.county[cand.index]
            made.append(referral(
                rng, demand, cand.worker, status,
                plan.issue_day + timedelta(days=rng.randint(1, 10)), until=yesterday,
                worker_county=None if county == demand.region_id else counties.get(county)))
    return made


def hire(ctx: DemoContext, rng: random.Random, chunk: list["ProjectPlan"], trail: Trail) -> None:
    """Referrals, their state changes, placements for the hired, and the demands' status."""
    yesterday = ctx.today - timedelta(days=1)
    made = _referrals(ctx, rng, chunk)
    insert_referrals(ctx, made, trail)
    placed: list[tuple] = []
    hires: dict[int, list[date]] = {}
    for item in made:
        if item.status == Referral.Status.HIRED:
            start = min(item.last_day + timedelta(days=rng.randint(3, 20)), yesterday)
            placed.append(placement_row(rng, item, start))
            hires.setdefault(item.demand.pk, []).append(item.last_day)
    placements = ctx.writer.insert(Placement, PLACEMENT_COLUMNS, placed)
    follow_up(ctx, rng, list(zip(placements, placed, strict=True)), trail)
    close_demands(ctx, [d for plan in chunk for d in plan.demands], hires, trail)


def follow_up(ctx: DemoContext, rng: random.Random, placed: list[tuple[int, tuple]],
              trail: Trail) -> None:
    """Each placement's 3-, 6- and 12-month follow-ups: recorded a few days after falling
    due (most of them), the rest still due; wages rise a little, some workers leave."""
    rows: list[tuple] = []
    ids = iter(ctx.writer.ids(FollowUp, len(placed) * len(FollowUp.CHECKPOINTS)))
    for placement, row in placed:
        start, wage, left = row[3], row[4], ""
        for months in FollowUp.CHECKPOINTS:
            pk, due = next(ids), due_date_for(start, months)
            recorded = at(due + timedelta(days=rng.randint(0, 6)), 15)
            if recorded.date() >= ctx.today or rng.random() > RECORDED:
                rows.append((pk, placement, months, due, "due", None, None, "", None,
                             at(start, 9), at(start, 9)))
                continue
            if not left and rng.random() > STILL_EMPLOYED[months]:
                left = rng.choice(LEFT_REASONS)
            wage = wage if left else int(wage * rng.uniform(1.0, 1.08)) // 100 * 100
            rows.append((pk, placement, months, due, "done", not left,
                         None if left else wage, left, recorded, at(start, 9), recorded))
            trail.path(FollowUp, pk, ["due", "done"], [recorded])
    ctx.writer.insert(FollowUp, FOLLOWUP_COLUMNS, rows)


def close_demands(ctx: DemoContext, demands: list[DemandRow], hires: dict[int, list[date]],
                  trail: Trail) -> None:
    """Filled when hires reach the headcount; closed once the deadline has passed."""
    changed: dict[str, list[int]] = {}
    for demand in demands:
        hired = sorted(hires.get(demand.pk, []))
        if len(hired) >= demand.headcount:
            demand.status = JobDemand.Status.FILLED
            when = at(hired[demand.headcount - 1], 16)
        elif demand.deadline < ctx.today:
            demand.status = JobDemand.Status.CLOSED
            when = at(demand.deadline, 23, 30)
        else:
            continue
        trail.path(JobDemand, demand.pk, ["open", demand.status], [when])
        changed.setdefault(demand.status, []).append(demand.pk)
    for status, pks in changed.items():
        JobDemand.objects.filter(pk__in=pks).update(status=status)
