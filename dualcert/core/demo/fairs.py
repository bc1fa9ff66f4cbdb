"""Job fairs of the demo: a closed spring fair with its results, one open today, one coming.

昌吉市's 春风行动 fair three weeks ago had booths of the county's employers, visitors who
checked in, and referrals made there at every stage, some ending in hires. A second 春风行动
fair is open today (the county officer can try the check-in desk; the demo worker can show
a pass or apply). A prefecture-wide 民营企业招聘月 fair is planned in two weeks.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from dualcert.core.demo import hiring
from dualcert.core.demo.context import CHANGJI, DemoContext
from dualcert.core.demo.projects import DemandRow
from dualcert.core.demo.trail import Trail
from dualcert.core.demo.writer import at
from dualcert.demand.models import JobDemand
from dualcert.employment.models import Placement, Referral
from dualcert.fairs.models import Booth, FairCheckIn, FairReferral, JobFair

# How the referrals made at the past fair stand now (three weeks on).
PAST = {"recommended": 10, "applied": 15, "interviewed": 15, "offered": 10, "hired": 25,
        "declined": 15, "rejected": 10}
CHANNELS = {"recommended": FairReferral.Channel.INVITED}
BOOTHS = 8
EXTRA_VISITORS = 30


@dataclass
class FairPlan:
    name: str
    county: str | None
    campaign: str
    days_from_today: int
    status: str
    place: str
    organiser: str
    booths: int


PLANS = (
    FairPlan("2026年春风行动昌吉市专场招聘会", CHANGJI, JobFair.Campaign.SPRING_BREEZE, -21,
             JobFair.Status.CLOSED, "昌吉市人力资源市场一楼大厅", "昌吉市人力资源和社会保障局",
             BOOTHS),
    FairPlan("春风行动昌吉市第二场招聘会", CHANGJI, JobFair.Campaign.SPRING_BREEZE, 0,
             JobFair.Status.OPEN, "昌吉市人民广场", "昌吉市人力资源和社会保障局", 6),
    FairPlan("民营企业招聘月全州专场招聘会", None, JobFair.Campaign.PRIVATE_ENTERPRISE, 14,
             JobFair.Status.PLANNED, "昌吉州会展中心", "昌吉州人力资源和社会保障局", 10),
)


def _open_demands(ctx: DemoContext, county: str | None) -> dict[int, list[JobDemand]]:
    """The open demands of the fair's employers (all counties for a prefecture-wide fair)."""
    demands = JobDemand.objects.filter(status=JobDemand.Status.OPEN).select_related("region")
    if county is not None:
        demands = demands.filter(employer__region=ctx.catalogue.county(county))
    by_employer: dict[int, list[JobDemand]] = {}
    for demand in demands.order_by("pk"):
        by_employer.setdefault(demand.employer_id, []).append(demand)
    return by_employer


def _booth_employers(ctx: DemoContext, rng: random.Random, plan: FairPlan,
                     by_employer: dict[int, list[JobDemand]]) -> list[int]:
    """The demo employer first (it has a booth at every fair), then others at random."""
    ids = sorted(by_employer)
    demo = ctx.orgs["employer"].pk
    others = [i for i in ids if i != demo]
    rng.shuffle(others)
    return ([demo] if demo in by_employer else []) + others[:plan.booths - 1]


def _fair(ctx: DemoContext, plan: FairPlan, trail: Trail) -> JobFair:
    day = ctx.today + timedelta(days=plan.days_from_today)
    organiser = ctx.users["bureau" if plan.county is None else "county"]
    created = at(min(day, ctx.today) - timedelta(days=20), 10)
    fair = JobFair(
        name=plan.name, day=day, place=plan.place, campaign=plan.campaign,
        region=ctx.catalogue.county(plan.county) if plan.county else None,
        organiser=plan.organiser, status=plan.status, created_by=organiser,
        created_at=created, updated_at=at(min(day, ctx.today), 9),
    )
    ctx.writer.create([fair])
    path = {"planned": ["planned"], "open": ["planned", "open"],
            "closed": ["planned", "open", "closed"]}[plan.status]
    trail.path(JobFair, fair.pk, path, [at(day, 9, 30), at(day, 16, 30)][:len(path) - 1],
               organiser.pk)
    return fair


def _booths(ctx: DemoContext, fair: JobFair, employers: list[int],
            by_employer: dict[int, list[JobDemand]]) -> list[Booth]:
    booths = [Booth(fair=fair, employer_id=e, number=f"{'AB'[i % 2]}{i // 2 + 1:02d}",
                    created_at=fair.created_at, updated_at=fair.created_at)
              for i, e in enumerate(employers)]
    ctx.writer.create(booths)
    links = [Booth.demands.through(booth_id=b.pk, jobdemand_id=d.pk)
             for b in booths for d in by_employer[b.employer_id]]
    ctx.writer.create(links)
    return booths


def _demand_row(demand: JobDemand) -> DemandRow:
    return DemandRow(demand.pk, demand.employer_id, demand.region_id, demand.region.name,
                     demand.headcount, demand.wage_min, demand.wage_max, demand.deadline)


def _check_ins(ctx: DemoContext, fair: JobFair, workers: list[int], day: date,
               rng: random.Random) -> None:
    latest = timezone.now()
    rows = []
    for worker in dict.fromkeys(workers):
        when = min(at(day, rng.randint(9, 11), rng.randrange(0, 60, 5)), latest)
        method = rng.choice(list(FairCheckIn.Method))
        rows.append(FairCheckIn(fair=fair, worker_id=worker, at=when, method=method,
                                by=None if method == "poster" else fair.created_by,
                                created_at=when, updated_at=when))
    ctx.writer.create(rows)


def _candidates(ctx: DemoContext, demand: JobDemand, taken: set[tuple[int, int]]) -> list[int]:
    """Consenting workers certified for the demand's trade, not yet referred to it."""
    code = ctx.trade(demand.employer)
    indices = ctx.pool.certified.get((demand.region_id, code), [])
    return [ctx.pool.pk[i] for i in indices
            if ctx.pool.consent[i] and (demand.pk, ctx.pool.pk[i]) not in taken
            and i != ctx.orgs["demo_worker"]]


def _referrals(ctx: DemoContext, rng: random.Random, fair: JobFair, booths: list[Booth],
               by_employer: dict[int, list[JobDemand]], table: dict[str, int],
               per_demand: int, trail: Trail) -> list[tuple[Booth, hiring.ReferralRow]]:
    demands = [d for b in booths for d in by_employer[b.employer_id]]
    taken = set(Referral.objects.filter(demand__in=demands).values_list("demand_id", "worker_id"))
    made: list[tuple[Booth, hiring.ReferralRow]] = []
    until = ctx.today - timedelta(days=1) if fair.day < ctx.today else ctx.today
    for booth in booths:
        for demand in by_employer[booth.employer_id]:
            pool = _candidates(ctx, demand, taken)
            for worker in rng.sample(pool, k=min(per_demand, len(pool))):
                status = rng.choices(list(table), list(table.values()))[0]
                item = hiring.referral(rng, _demand_row(demand), worker, status, fair.day,
                                       until=until)
                item.times[0] = at(fair.day, rng.randint(10, 15), rng.randrange(0, 60, 5))
                made.append((booth, item))
    hiring.insert_referrals(ctx, [item for _, item in made], trail)
    ctx.writer.create([FairReferral(
        fair=fair, booth=booth, referral_id=item.pk, by=None,
        channel=CHANNELS.get(item.status, rng.choice(list(FairReferral.Channel))),
        created_at=item.times[0], updated_at=item.times[0]) for booth, item in made])
    return made


def _hires(ctx: DemoContext, rng: random.Random, made: list[tuple[Booth, hiring.ReferralRow]],
           trail: Trail) -> None:
    yesterday = ctx.today - timedelta(days=1)
    placed = [hiring.placement_row(rng, item, min(item.last_day + timedelta(days=3), yesterday))
              for _, item in made if item.status == Referral.Status.HIRED]
    placements = ctx.writer.insert(Placement, hiring.PLACEMENT_COLUMNS, placed)
    hiring.follow_up(ctx, rng, list(zip(placements, placed, strict=True)), trail)


def _demo_worker(ctx: DemoContext) -> int:
    return ctx.pool.pk[ctx.orgs["demo_worker"]]


def build_fairs(ctx: DemoContext) -> None:
    """The three fairs of PLANS with booths; check-ins and referrals where they took place."""
    rng = ctx.rng("fairs")
    trail = Trail()
    for plan in PLANS:
        by_employer = _open_demands(ctx, plan.county)
        fair = _fair(ctx, plan, trail)
        booths = _booths(ctx, fair, _booth_employers(ctx, rng, plan, by_employer), by_employer)
        if plan.status == JobFair.Status.PLANNED:
            continue
        past = plan.status == JobFair.Status.CLOSED
        made = _referrals(ctx, rng, fair, booths, by_employer,
                          PAST if past else {"recommended": 2, "applied": 1},
                          5 if past else 2, trail)
        local = [i for i in ctx.pool.by_county.get(ctx.catalogue.county(CHANGJI).pk, [])
                 if i != ctx.orgs["demo_worker"]]
        extra = [ctx.pool.pk[i] for i in rng.sample(local, k=min(EXTRA_VISITORS, len(local)))]
        visitors = [item.worker for _, item in made if rng.random() < 0.9] + extra
        if past:
            visitors.append(_demo_worker(ctx))
            _hires(ctx, rng, made, trail)
        _check_ins(ctx, fair, visitors if past else visitors[:12], fair.day, rng)
    trail.flush(ctx.writer)
