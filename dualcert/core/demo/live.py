"""The current projects: exactly one in each state before "closed", plus open job demands."""

import random
from datetime import timedelta

from dualcert.assessment.models import Sitting
from dualcert.core.demo import hiring
from dualcert.core.demo.context import CHANGJI, DemoContext, PathwayInfo
from dualcert.core.demo.curriculum import fused_curriculum
from dualcert.core.demo.outcomes import SITTING_COLUMNS
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
    insert_project,
)
from dualcert.core.demo.trail import Trail
from dualcert.core.demo.writer import at, working_days
from dualcert.training.models import Enrollment, TrainingProject

STATES = ("draft", "approved", "enrolling", "training", "assessing")
# state → (pathway, start in days from today, days from today of creation and later moves)
LIVE = {
    "assessing": ("PW-ELEC", -45, (-90, -80, -75)),
    "training": ("PW-FORK", -7, (-60, -50, -45)),
    "enrolling": ("PW-BELEC", 14, (-40, -30, -25)),
    "approved": ("PW-SECU", 30, (-20, -10)),
    "draft": ("PW-WELD", 60, (-3,)),
}
SIZES = {"assessing": 24, "training": 24, "enrolling": 20}
ENROLLMENT_COLUMNS = (
    "id", "project", "worker", "status", "wage_before", "attended_hours", "admitted_at",
    "created_at", "updated_at",
)


def _spec(ctx: DemoContext, state: str) -> ProjectSpec:
    code, offset, _ = LIVE[state]
    info = ctx.catalogue.pathways[code]
    start = working_days(ctx.today + timedelta(days=offset), 1)[0]
    curriculum = fused_curriculum(info, leave_out_last_permit_item=state == "draft")
    return ProjectSpec(info, ctx.orgs["school"], start, curriculum, state, 30)


def _project_trail(ctx: DemoContext, trail: Trail, project: int, state: str,
                   spec: ProjectSpec) -> None:
    moves = [at(ctx.today + timedelta(days=d)) for d in LIVE[state][2][1:]]
    if state in ("training", "assessing"):
        moves.append(at(spec.start, 8))
    if state == "assessing":
        moves.append(at(spec.end + timedelta(days=1)))
    if moves:
        trail.path(TrainingProject, project, STATES[:2], moves[:1], ctx.users["bureau"].pk)
        trail.path(TrainingProject, project, STATES[1:len(moves) + 1], moves[1:])


def _pick(ctx: DemoContext, rng: random.Random, spec: ProjectSpec, count: int) -> list[int]:
    pool = ctx.pool
    local = [i for i in pool.by_county.get(ctx.catalogue.county(CHANGJI).pk, [])
             if i != ctx.orgs["demo_worker"]]
    rng.shuffle(local)
    chosen: list[int] = []
    for index in local:
        if len(chosen) >= count:
            break
        if (pool.registered[index] <= ctx.today - timedelta(days=3)
                and pool.eligible(index, spec.info, spec.start)):
            chosen.append(index)
    return chosen


def _status(state: str, n: int) -> str:
    if state == "enrolling":
        return "applied" if n % 2 else "enrolled"
    if state == "assessing":
        return "dropped" if n in (5, 17) else "completed"
    return "dropped" if n == 7 else "enrolled"


def _enrol(ctx: DemoContext, rng: random.Random, state: str, spec: ProjectSpec, project: int,
           sessions: list[SessionRow], trail: Trail) -> None:
    past = [s for s in sessions if s.day < ctx.today]
    picked = _pick(ctx, rng, spec, SIZES[state])
    rows, attendance = [], []
    for n, (pk, index) in enumerate(zip(ctx.writer.ids(Enrollment, len(picked)), picked,
                                        strict=True)):
        status = _status(state, n)
        flags = (dropout_flags(rng, past) if status == "dropped" else
                 attendance_flags(rng, past) if past else [])
        applied = at(min(spec.start, ctx.today) - timedelta(days=rng.randint(8, 20)))
        admitted = None if status == "applied" else applied + timedelta(days=rng.randint(1, 5))
        rows.append((pk, project, ctx.pool.pk[index], status, rng.randrange(2000, 4501, 100),
                     attended(past, flags), admitted, applied, applied))
        attendance += attendance_rows(past, pk, flags)
        ctx.pool.free_after[index] = spec.end + timedelta(days=14)
        if admitted is not None:
            path, times = ["applied", "enrolled"], [admitted]
            if status in ("completed", "dropped"):
                kept = [s.day for s, f in zip(past, flags, strict=False) if f is not None]
                left = spec.end if status == "completed" or not kept else kept[-1]
                path.append(status)
                times.append(at(left + timedelta(days=1)))
            trail.path(Enrollment, pk, path, times)
    if state == "enrolling":
        when = at(ctx.today - timedelta(days=2), 20)
        # The demo worker applies for the next level: 电工 L4 with the 建筑电工 permit.
        rows.append((ctx.writer.ids(Enrollment, 1)[0], project,
                     ctx.pool.pk[ctx.orgs["demo_worker"]], "applied", 4200, 0, None, when, when))
    ctx.writer.insert(Enrollment, ENROLLMENT_COLUMNS, rows)
    insert_attendance(ctx, attendance)


def _schedule_sitting(ctx: DemoContext, rng: random.Random, project: int,
                      spec: ProjectSpec) -> None:
    names = ctx.names("live-examiners")
    day = working_days(ctx.today + timedelta(days=7), 1)[0]
    created = at(spec.end + timedelta(days=1))
    ctx.writer.insert(Sitting, SITTING_COLUMNS, [(
        ctx.writer.ids(Sitting, 1)[0], project, ctx.orgs["bodies"][0].pk, day,
        f"{spec.institution.name}考点", names.person(rng.choice("MF")),
        names.person(rng.choice("MF")), Sitting.Status.SCHEDULED, None, created, created,
    )])


def build_live(ctx: DemoContext) -> None:
    """One project in each state, at the demo school, with people and demands to match."""
    rng = ctx.rng("live")
    trail = Trail()
    for state in ("assessing", "training", "enrolling", "approved", "draft"):
        spec = _spec(ctx, state)
        created = ctx.today + timedelta(days=LIVE[state][2][0])
        project = insert_project(ctx, spec, created=created, updated=ctx.today)
        _project_trail(ctx, trail, project, state, spec)
        days = None if state == "draft" else spec.days
        sessions = insert_curricula(ctx, [(project, spec.curriculum, days, at(created, 9))])
        employer = (ctx.orgs["employer"] if state == "assessing"
                    else employer_for(ctx, rng, spec.institution.region_id, spec.info.code))
        ctx.orgs[f"demand:{state}"] = insert_demands(ctx, rng, [(
            spec.info, employer, created - timedelta(days=10), ctx.today + timedelta(days=60),
            project)])[0]
        if state in SIZES:
            _enrol(ctx, rng, state, spec, project, sessions.get(project, []), trail)
        if state == "assessing":
            _schedule_sitting(ctx, rng, project, spec)
    trail.flush(ctx.writer)


def open_demands(ctx: DemoContext) -> None:
    """Every employer has one open demand in its trade; recent certified workers referred."""
    rng = ctx.rng("open-demands")
    wanted = []
    for employer in ctx.orgs["employers"]:
        code = ctx.trade(employer)
        if code in ctx.catalogue.pathways:
            wanted.append((ctx.catalogue.pathways[code], employer,
                           ctx.today - timedelta(days=rng.randint(5, 40)),
                           ctx.today + timedelta(days=rng.randint(20, 90)), None))
    demands = insert_demands(ctx, rng, wanted)
    elec = ctx.catalogue.pathways["PW-ELEC"]
    _refer(ctx, rng, [*zip(demands, [w[0] for w in wanted], strict=True),
                      (ctx.orgs["demand:assessing"], elec)])


def _refer(ctx: DemoContext, rng: random.Random, demands: list[tuple[DemandRow, PathwayInfo]]
           ) -> None:
    demo = ctx.orgs["demo_worker"]
    made = []
    for demand, info in demands:
        recent = {i for i in ctx.pool.certified.get((demand.region_id, info.code), [])[-12:]
                  if ctx.pool.consent[i] and i != demo}
        for index in rng.sample(sorted(recent), k=min(3, len(recent))):
            status = rng.choice(["recommended", "applied", "interviewed"])
            made.append(hiring.referral(rng, demand, ctx.pool.pk[index], status,
                                        ctx.today - timedelta(days=12), until=ctx.today))
    made.append(hiring.referral(rng, ctx.orgs["demand:assessing"], ctx.pool.pk[demo], "offered",
                                ctx.today - timedelta(days=20), until=ctx.today))
    trail = Trail()
    hiring.insert_referrals(ctx, made, trail)
    trail.flush(ctx.writer)
