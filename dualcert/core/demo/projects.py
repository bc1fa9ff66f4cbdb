"""Building blocks shared by past and current projects: project rows, demands, curricula."""

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from dualcert.core.demo.context import DemoContext, PathwayInfo
from dualcert.core.demo.curriculum import Curriculum
from dualcert.core.demo.names import county_short
from dualcert.core.demo.writer import at, working_days
from dualcert.demand.models import Employer, JobDemand
from dualcert.training.models import Attendance, Institution, Module, Session, TrainingProject

JOB_TITLES = {
    "PW-ELEC": "电工", "PW-WELD": "焊工", "PW-FORK": "叉车司机", "PW-SECU": "保安员",
    "PW-BELEC": "建筑电工", "PW-FREIGHT": "货车司机",
}
# Placeholder subsidies per person by skill level, for the bureau to set as policy rows.
SUBSIDY_BY_LEVEL = {5: 1200, 4: 1600, 3: 2000}
PROJECT_COLUMNS = (
    "id", "code", "name", "pathway", "institution", "region", "place", "capacity",
    "subsidy_per_person", "completion_threshold", "start_date", "end_date", "status",
    "created_at", "updated_at",
)
DEMAND_COLUMNS = (
    "id", "employer", "title", "occupation", "headcount", "wage_min", "wage_max", "region",
    "place", "deadline", "status", "created_at", "updated_at",
)
MODULE_COLUMNS = (
    "id", "project", "order", "name", "theory_hours", "practical_hours", "created_at",
    "updated_at",
)
SESSION_COLUMNS = ("id", "project", "module", "day", "topic", "hours", "created_at", "updated_at")
ATTENDANCE_COLUMNS = ("session", "enrollment", "present", "created_at", "updated_at")


@dataclass
class ProjectSpec:
    info: PathwayInfo
    institution: Institution
    start: date
    curriculum: Curriculum
    status: str
    capacity: int
    days: list[date] = field(init=False)

    def __post_init__(self) -> None:
        self.days = working_days(self.start, len(self.curriculum.sessions))

    @property
    def end(self) -> date:
        return self.days[-1] if self.days else self.start + timedelta(days=20)


@dataclass
class DemandRow:
    pk: int
    employer_id: int
    region_id: int
    region_name: str
    headcount: int
    wage_min: int
    wage_max: int
    deadline: date
    status: str = JobDemand.Status.OPEN


@dataclass
class SessionRow:
    pk: int
    day: date
    hours: int


def insert_project(ctx: DemoContext, spec: ProjectSpec, *, created: date, updated: date) -> int:
    """Write one project for `spec`; returns its key."""
    return insert_projects(ctx, [(spec, created, updated)])[0]


def insert_projects(ctx: DemoContext, specs: list[tuple[ProjectSpec, date, date]]) -> list[int]:
    ids = ctx.writer.ids(TrainingProject, len(specs))
    rows = []
    for pk, (spec, created, updated) in zip(ids, specs, strict=True):
        county, year = spec.institution.region, spec.start.year
        run = ctx.next_seq(f"demo-run:{county.pk}:{spec.info.code}:{year}")
        # Numbered as `project_create` numbers them: XM<year created>-<nnnn>.
        code = f"XM{created.year}-{ctx.next_seq(f'project-{created.year}'):04d}"
        rows.append((
            pk, code,
            f"{county_short(county.name)}{spec.info.pathway.name}培训班（{year}年第{run}期）",
            spec.info.pathway.pk, spec.institution.pk, county.pk, f"{spec.institution.name}实训楼",
            spec.capacity, SUBSIDY_BY_LEVEL.get(spec.info.skill.level or 5, 1200), 90,
            spec.start, spec.end, spec.status, at(created, 9), at(updated, 17),
        ))
    ctx.writer.insert(TrainingProject, PROJECT_COLUMNS, rows)
    return list(ids)


def employer_for(ctx: DemoContext, rng: random.Random, county_pk: int, pathway: str) -> Employer:
    """An employer of the county, preferably one in the pathway's trade."""
    employers = [e for e in ctx.orgs["employers"] if e.region_id == county_pk]
    in_trade = [e for e in employers if ctx.trade(e) == pathway]
    return rng.choice(in_trade or employers)


def insert_demands(
    ctx: DemoContext, rng: random.Random,
    wanted: Sequence[tuple[PathwayInfo, Employer, date, date, int | None]],
) -> list[DemandRow]:
    """Open demands (pathway, employer, created, deadline, answering project or None).

    Each requires both certificate types of its pathway.
    """
    ids = ctx.writer.ids(JobDemand, len(wanted))
    rows, made, required, answers = [], [], [], []
    for pk, (info, employer, created, deadline, project) in zip(ids, wanted, strict=True):
        wage_min = rng.randrange(4000, 6001, 500)
        demand = DemandRow(pk, employer.pk, employer.region_id, employer.region.name,
                           rng.randint(6, 20), wage_min,
                           min(8000, wage_min + rng.randrange(1000, 2001, 500)), deadline)
        made.append(demand)
        rows.append((pk, employer.pk, JOB_TITLES.get(info.code, info.skill.name),
                     info.skill.occupation_id, demand.headcount, demand.wage_min,
                     demand.wage_max, employer.region_id, employer.address, deadline,
                     demand.status, at(created, 11), at(created, 11)))
        required += [(pk, t.pk) for t in info.types]
        if project is not None:
            answers.append((project, pk))
    ctx.writer.insert(JobDemand, DEMAND_COLUMNS, rows)
    ctx.writer.insert(JobDemand.required_certificates.through,
                      ("jobdemand", "certificatetype"), required)
    ctx.writer.insert(TrainingProject.demands.through, ("trainingproject", "jobdemand"), answers)
    return made


def insert_curricula(
    ctx: DemoContext, plans: Sequence[tuple[int, Curriculum, list[date] | None, datetime]],
) -> dict[int, list[SessionRow]]:
    """Modules (with the items they cover) and, where days are given, sessions."""
    modules, links, sessions, made = [], [], [], {}
    for project, curriculum, days, created in plans:
        module_ids = ctx.writer.ids(Module, len(curriculum.modules))
        for pk, m in zip(module_ids, curriculum.modules, strict=True):
            modules.append((pk, project, m.order, m.name[:128], m.theory_hours,
                            m.practical_hours, created, created))
            links += [(pk, item.pk) for item in m.items]
        if not days:
            continue
        session_ids = ctx.writer.ids(Session, len(days))
        made[project] = [SessionRow(pk, day, s.hours) for pk, s, day in
                         zip(session_ids, curriculum.sessions, days, strict=True)]
        sessions += [(pk, project, module_ids[s.module], day, s.topic, s.hours, created, created)
                     for pk, s, day in zip(session_ids, curriculum.sessions, days, strict=True)]
    ctx.writer.insert(Module, MODULE_COLUMNS, modules)
    ctx.writer.insert(Module.requirement_items.through, ("module", "requirementitem"), links)
    ctx.writer.insert(Session, SESSION_COLUMNS, sessions)
    return made


def attendance_rows(sessions: list[SessionRow], enrollment: int,
                    flags: list[bool | None]) -> list[tuple[int, int, bool, datetime, datetime]]:
    """Attendance for the sessions a candidate was enrolled for (None: no row)."""
    return [(s.pk, enrollment, flag, at(s.day, 18), at(s.day, 18))
            for s, flag in zip(sessions, flags, strict=False) if flag is not None]


def insert_attendance(ctx: DemoContext, rows: list[tuple[int, int, bool, datetime, datetime]]
                      ) -> None:
    ctx.writer.insert(Attendance, ATTENDANCE_COLUMNS, rows)


def attendance_flags(rng: random.Random, sessions: list[SessionRow], *, threshold: int = 90,
                     perfect: bool = False) -> list[bool | None]:
    """A completer's attendance: mostly full, a few absences within the allowed share."""
    flags: list[bool | None] = [True] * len(sessions)
    if perfect or rng.random() < 0.7:
        return flags
    budget = sum(s.hours for s in sessions) * (100 - threshold) // 100
    for index in rng.sample(range(len(sessions)), k=min(2, len(sessions))):
        if sessions[index].hours <= budget:
            flags[index] = False
            budget -= sessions[index].hours
    return flags


def dropout_flags(rng: random.Random, sessions: list[SessionRow]) -> list[bool | None]:
    """A drop-out attended the first sessions, then stopped coming."""
    stay = rng.randint(1, max(1, len(sessions) // 2))
    return [True] * stay + [None] * (len(sessions) - stay)


def attended(sessions: list[SessionRow], flags: list[bool | None]) -> int:
    return sum(s.hours for s, f in zip(sessions, flags, strict=False) if f)
