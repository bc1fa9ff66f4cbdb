"""Closed projects, 2024 to a few months ago, each with its whole consistent history.

Projects are processed in date order so a worker is never in two overlapping subsidised
projects: each worker is busy from admission until their sitting.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from dualcert.assessment.models import EvaluationBody
from dualcert.catalog.models import Region
from dualcert.core.demo import hiring, outcomes
from dualcert.core.demo.context import DemoContext, PathwayInfo
from dualcert.core.demo.curriculum import fused_curriculum
from dualcert.core.demo.projects import (
    DemandRow,
    ProjectSpec,
    SessionRow,
    attendance_flags,
    attendance_rows,
    attended,
    dropout_flags,
    employer_for,
    insert_attendance,
    insert_curricula,
    insert_demands,
    insert_projects,
)
from dualcert.core.demo.trail import Trail
from dualcert.core.demo.writer import at
from dualcert.training.models import Enrollment, TrainingProject

FIRST_START = date(2024, 1, 8)
PATHWAY_WEIGHTS = {
    "PW-ELEC": 30, "PW-WELD": 20, "PW-FORK": 15, "PW-SECU": 15, "PW-BELEC": 10, "PW-FREIGHT": 10,
}
CHUNK = 40
PROJECT_STATES = ("draft", "approved", "enrolling", "training", "assessing", "closed")
ENROLLMENT_COLUMNS = (
    "id", "project", "worker", "status", "wage_before", "attended_hours", "admitted_at",
    "created_at", "updated_at",
)


@dataclass
class Candidate:
    index: int  # into the worker pool
    enrollment: int
    worker: int
    completed: bool
    dual: bool = False


@dataclass
class ProjectPlan:
    spec: ProjectSpec
    body: EvaluationBody
    size: int
    featured: bool = False
    project: int = 0
    sitting: int = 0
    demands: list[DemandRow] = field(default_factory=list)
    sessions: list[SessionRow] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    sitting_day: date = FIRST_START
    issue_day: date = FIRST_START

    @property
    def info(self) -> PathwayInfo:
        return self.spec.info

    @property
    def county(self) -> Region:
        return self.spec.institution.region


def _sizes(rng: random.Random, enrollments: int) -> list[int]:
    sizes: list[int] = []
    while sum(sizes) < enrollments:
        sizes.append(min(rng.randint(24, 45), enrollments - sum(sizes)))
    return sizes


def weekday(day: date) -> date:
    """The day itself, or the Monday after a weekend day."""
    return day + timedelta(days=7 - day.weekday()) if day.weekday() >= 5 else day


def plan_projects(ctx: DemoContext, enrollments: int) -> list[ProjectPlan]:
    """Sizes summing to `enrollments`, spread over the counties, pathways and two years."""
    rng = ctx.rng("history:plan")
    sizes = _sizes(rng, enrollments)
    last_start = ctx.today - timedelta(days=150)
    span = max((last_start - FIRST_START).days, 1)
    starts = sorted(weekday(FIRST_START + timedelta(days=rng.randrange(span))) for _ in sizes)
    pathways = [ctx.catalogue.pathways[c] for c in PATHWAY_WEIGHTS if c in ctx.catalogue.pathways]
    weights = [PATHWAY_WEIGHTS[p.code] for p in pathways]
    curricula = {p.code: fused_curriculum(p) for p in pathways}
    counties = list(ctx.catalogue.counties)
    rng.shuffle(counties)
    plans = []
    for n, (size, start) in enumerate(zip(sizes, starts, strict=True)):
        county = counties[n] if n < len(counties) else rng.choice(counties)
        info = rng.choices(pathways, weights)[0]
        institution = rng.choice([i for i in ctx.orgs["institutions"] if i.region_id == county.pk])
        spec = ProjectSpec(info, institution, start, curricula[info.code], "closed",
                           size + rng.randint(0, 8))
        plans.append(ProjectPlan(spec, rng.choice(ctx.orgs["bodies"]), size))
    if plans:
        _feature(ctx, plans[-1], curricula)
    return plans


def _feature(ctx: DemoContext, plan: ProjectPlan, curricula: dict) -> None:
    """The latest closed project is the demo accounts' own: their school, body and worker."""
    info = ctx.catalogue.pathways["PW-ELEC"]
    plan.spec = ProjectSpec(info, ctx.orgs["school"], plan.spec.start,
                            curricula.get(info.code) or fused_curriculum(info), "closed",
                            max(plan.size, 2) + 4)
    plan.body = ctx.orgs["bodies"][0]
    plan.featured = True


def build_history(ctx: DemoContext, enrollments: int) -> None:
    """Generate every closed project, in date order, in chunks written in bulk."""
    plans = plan_projects(ctx, enrollments)
    rng = ctx.rng("history")
    for first in range(0, len(plans), CHUNK):
        chunk = plans[first:first + CHUNK]
        trail = Trail()
        _create_projects(ctx, rng, chunk, trail)
        _create_demands(ctx, rng, chunk)
        _enrol(ctx, rng, chunk, trail)
        outcomes.assess(ctx, rng, chunk, trail)
        hiring.hire(ctx, rng, chunk, trail)
        trail.flush(ctx.writer)


def _create_projects(ctx: DemoContext, rng: random.Random, chunk: list[ProjectPlan],
                     trail: Trail) -> None:
    for plan in chunk:
        plan.sitting_day = weekday(plan.spec.end + timedelta(days=rng.randint(7, 14)))
        plan.issue_day = plan.sitting_day + timedelta(days=rng.randint(14, 28))
    ids = insert_projects(ctx, [(p.spec, p.spec.start - timedelta(days=60), p.issue_day)
                                for p in chunk])
    bureau = ctx.users["bureau"].pk
    curricula = []
    for plan, pk in zip(chunk, ids, strict=True):
        plan.project = pk
        start, end = plan.spec.start, plan.spec.end
        trail.path(TrainingProject, pk, PROJECT_STATES[:2], [at(start - timedelta(days=45))],
                   actor=bureau)
        times = [at(start - timedelta(days=40)), at(start, 8), at(end + timedelta(days=1)),
                 at(plan.issue_day, 16)]
        trail.path(TrainingProject, pk, PROJECT_STATES[1:], times)
        curricula.append((pk, plan.spec.curriculum, plan.spec.days,
                          at(start - timedelta(days=60), 9)))
    sessions = insert_curricula(ctx, curricula)
    for plan in chunk:
        plan.sessions = sessions[plan.project]


def _create_demands(ctx: DemoContext, rng: random.Random, chunk: list[ProjectPlan]) -> None:
    wanted, owners = [], []
    for plan in chunk:
        for n in range(1 if rng.random() < 0.7 else 2):
            employer = (ctx.orgs["employer"] if plan.featured and n == 0 else
                        employer_for(ctx, rng, plan.county.pk, plan.info.code))
            wanted.append((plan.info, employer, plan.spec.start - timedelta(days=75),
                           plan.sitting_day + timedelta(days=75), plan.project))
            owners.append(plan)
    for plan, demand in zip(owners, insert_demands(ctx, rng, wanted), strict=True):
        plan.demands.append(demand)


def _pick(ctx: DemoContext, rng: random.Random, plan: ProjectPlan) -> list[int]:
    pool, start = ctx.pool, plan.spec.start
    demo = ctx.orgs["demo_worker"]
    chosen = [demo] if plan.featured else []
    seen = {demo}
    local = pool.by_county.get(plan.county.pk, [])
    apply_by = start - timedelta(days=14)
    for _ in range(plan.size * 30):
        if len(chosen) >= plan.size:
            break
        index = rng.choice(local) if local and rng.random() < 0.85 else rng.randrange(len(pool))
        if index in seen:
            continue
        seen.add(index)
        if pool.registered[index] <= apply_by and pool.eligible(index, plan.info, start):
            chosen.append(index)
    return chosen


def _enrol(ctx: DemoContext, rng: random.Random, chunk: list[ProjectPlan], trail: Trail) -> None:
    rows: list[tuple] = []
    attendance: list[tuple] = []
    for plan in chunk:
        picked = _pick(ctx, rng, plan)
        for pk, index in zip(ctx.writer.ids(Enrollment, len(picked)), picked, strict=True):
            row, left = _enrollment(ctx, rng, plan, pk, index, attendance)
            rows.append(row)
            trail.path(Enrollment, pk, ["applied", "enrolled", row[3]], [row[6], at(left, 17)])
    ctx.writer.insert(Enrollment, ENROLLMENT_COLUMNS, rows)
    insert_attendance(ctx, attendance)


def _enrollment(ctx: DemoContext, rng: random.Random, plan: ProjectPlan, pk: int, index: int,
                attendance: list[tuple]) -> tuple[tuple, date]:
    """One enrollment row (completed or dropped) and its attendance; returns row and exit day."""
    start, end = plan.spec.start, plan.spec.end
    featured = plan.featured and index == ctx.orgs["demo_worker"]
    completed = featured or rng.random() > 0.06
    sessions = plan.sessions
    flags = (attendance_flags(rng, sessions, perfect=featured) if completed
             else dropout_flags(rng, sessions))
    last_day = sessions[sum(1 for f in flags if f is not None) - 1].day
    left = end + timedelta(days=1) if completed else last_day + timedelta(days=3)
    applied = at(start - timedelta(days=rng.randint(10, 30)), rng.randrange(9, 18))
    admitted = at(start - timedelta(days=rng.randint(2, 7)), rng.randrange(9, 18))
    worker = ctx.pool.pk[index]
    plan.candidates.append(Candidate(index, pk, worker, completed))
    ctx.pool.free_after[index] = plan.sitting_day if completed else left
    attendance += attendance_rows(sessions, pk, flags)
    wage = rng.randrange(2000, 4501, 100) if rng.random() < 0.85 else None
    status = "completed" if completed else "dropped"
    return (pk, plan.project, worker, status, wage, attended(sessions, flags), admitted, applied,
            at(left, 17)), left
