"""Headline figures and project funnels, computed with a fixed number of aggregate queries.

Definitions (what the bureau reports):
- training person-times: enrollments that were admitted (`admitted_at` set), drop-outs included;
- completed: enrollments with status completed;
- dual-certified workers: distinct workers with a score sheet whose results of both of the
  pathway's certificate types have an issued certificate;
- certificates by type: issued certificates per certificate type;
- fees saved: the permit type's standard fee over permits issued from a sitting (what workers
  would have paid on their own);
- subsidy spent: the project's subsidy per person over completed enrollments;
- employment rate: certified workers with a placement starting on or after the issue date of
  their first certificate, over certified workers (percent, one decimal);
- median wage before / after: of those placed certified workers, the wage before training
  recorded on their first enrollment that has one, and the wage of their first such placement.
Per-county rows use the worker's county.
"""

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet, Sum, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext as _

from dualcert.assessment.models import Result, Score
from dualcert.catalog.models import CertificateType, Department, Region
from dualcert.core.scoping import Role, get_for, scope_for
from dualcert.credentials.models import Certificate
from dualcert.employment.models import Placement
from dualcert.people.models import Worker
from dualcert.training.models import Enrollment, TrainingProject


@dataclass(frozen=True)
class FigureScope:
    """The slice of data a user's figures cover: a worker county and/or a department."""

    label: str
    region_id: int | None = None
    department_id: int | None = None
    per_county: bool = False

    def q(self, *, worker: str, project: str) -> Q:
        """The filter for a model reaching the worker and the project through these paths."""
        q = Q()
        if self.region_id is not None:
            q &= Q(**{f"{worker}region_id": self.region_id})
        if self.department_id is not None:
            q &= Q(**{f"{project}pathway__permit__department_id": self.department_id})
        return q


def figure_scope_for(user: Any, *, county: Region | None = None) -> FigureScope:
    """Bureau: the prefecture (or one county); county officer: own county; department officer:
    projects on pathways whose permit is theirs. Other roles: PermissionDenied."""
    scope = scope_for(user)
    region_id = county.pk if county is not None else None
    if scope.is_bureau:
        label = county.name if county is not None else _("Prefecture")
        return FigureScope(label=label, region_id=region_id, per_county=county is None)
    if scope.role == Role.COUNTY:
        if region_id is not None and region_id != scope.region_id:
            raise PermissionDenied
        own = Region.objects.get(pk=scope.region_id or 0)
        return FigureScope(label=own.name, region_id=own.pk)
    if scope.role == Role.DEPARTMENT:
        department = Department.objects.get(pk=scope.department_id or 0)
        label = department.name if county is None else f"{department.name} · {county.name}"
        return FigureScope(label=label, region_id=region_id, department_id=department.pk)
    raise PermissionDenied


@dataclass
class Figures:
    person_times: int = 0
    completed: int = 0
    dual_certified: int = 0
    certificates: int = 0
    fees_saved: int = 0
    subsidy_spent: int = 0
    certified: int = 0
    placed: int = 0
    wage_before: int | None = None
    wage_after: int | None = None

    @property
    def employment_rate(self) -> Decimal | None:
        """Placed ÷ certified workers, in percent with one decimal; None without any."""
        return percentage(self.placed, self.certified)


@dataclass
class CountyRow:
    region: Region
    figures: Figures


@dataclass
class TypeRow:
    code: str
    name: str
    kind: str
    count: int


@dataclass
class Headline:
    label: str
    totals: Figures
    counties: list[CountyRow] = field(default_factory=list)
    by_type: list[TypeRow] = field(default_factory=list)


def percentage(part: int, whole: int) -> Decimal | None:
    """part ÷ whole in percent, rounded half up to one decimal; None when whole is 0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def median_yuan(values: Iterable[int | None]) -> int | None:
    """The median of the recorded values in whole yuan (halves rounded up); None if none."""
    recorded = [v for v in values if v is not None]
    if not recorded:
        return None
    return int(Decimal(str(statistics.median(recorded))).quantize(Decimal(1), ROUND_HALF_UP))


def dual_certified_q() -> Q:
    """Score sheets whose results of both pathway types have an issued certificate."""
    def issued(type_path: str) -> Exists:
        return Exists(Certificate.objects.filter(
            result__score=OuterRef("pk"), result__certificate_type=OuterRef(type_path)
        ))

    return Q(issued("enrollment__project__pathway__skill_certificate")) & Q(
        issued("enrollment__project__pathway__permit")
    )


def _certificates(fs: FigureScope) -> QuerySet[Certificate]:
    return Certificate.objects.filter(
        fs.q(worker="worker__", project="result__score__enrollment__project__")
    )


def _dual_certified_scores(fs: FigureScope) -> QuerySet[Result]:
    """Ids of the score sheets in scope with an issued certificate for both pathway types:
    one GROUP BY score sheet over the results that have a certificate."""
    pathway = "score__enrollment__project__pathway__"
    return (
        Result.objects.filter(
            fs.q(worker="score__enrollment__worker__", project="score__enrollment__project__"),
            certificate__isnull=False,
        )
        .values("score_id").order_by()
        .annotate(
            skill=Count("pk", filter=Q(certificate_type=F(f"{pathway}skill_certificate"))),
            permit=Count("pk", filter=Q(certificate_type=F(f"{pathway}permit"))),
        )
        .filter(skill__gt=0, permit__gt=0).values("score_id")
    )


def _add_enrollments(fs: FigureScope, rows: dict[int, Figures]) -> None:
    """Person-times, completions, subsidy and dual-certified workers per county: one pass
    over the enrollments in scope (a score sheet belongs to one enrollment)."""
    completed = Q(status=Enrollment.Status.COMPLETED)
    dual = Q(score__in=_dual_certified_scores(fs))
    qs = (
        Enrollment.objects.filter(fs.q(worker="worker__", project="project__"))
        .values("worker__region_id").order_by()
        .annotate(
            person_times=Count("pk", filter=Q(admitted_at__isnull=False)),
            completed=Count("pk", filter=completed),
            subsidy=Sum("project__subsidy_per_person", filter=completed),
            dual=Count("worker_id", distinct=True, filter=dual),
        )
    )
    for row in qs:
        figures = rows[row["worker__region_id"]]
        figures.person_times = row["person_times"]
        figures.completed = row["completed"]
        figures.subsidy_spent = row["subsidy"] or 0
        figures.dual_certified = row["dual"]


def _add_certificates(fs: FigureScope, rows: dict[int, Figures]) -> list[TypeRow]:
    from_sitting_permit = Q(
        result__isnull=False, certificate_type__kind=CertificateType.Kind.PERMIT
    )
    qs = (
        _certificates(fs)
        .values("worker__region_id", "certificate_type__code", "certificate_type__name",
                "certificate_type__kind").order_by()
        .annotate(n=Count("pk"), fees=Sum("certificate_type__standard_fee",
                                          filter=from_sitting_permit))
    )
    by_type: dict[str, TypeRow] = {}
    for row in qs:
        figures = rows[row["worker__region_id"]]
        figures.certificates += row["n"]
        figures.fees_saved += row["fees"] or 0
        code = row["certificate_type__code"]
        if code not in by_type:
            by_type[code] = TypeRow(code, row["certificate_type__name"],
                                    row["certificate_type__kind"], 0)
        by_type[code].count += row["n"]
    return sorted(by_type.values(), key=lambda t: (t.kind, t.code))


WageRow = tuple[int, int | None, int | None]


def _first_issued(fs: FigureScope) -> dict[int, tuple[int, date]]:
    """Worker → (county, issue date of the first certificate in scope): one GROUP BY."""
    qs = (
        _certificates(fs).values("worker_id").order_by()
        .annotate(region=Min("worker__region_id"), first=Min("issued_on"))
        .values_list("worker_id", "region", "first")
    )
    return {worker: (region, first) for worker, region, first in qs}


def _wages_after(fs: FigureScope, first: dict[int, tuple[int, date]]) -> dict[int, int]:
    """Worker → wage of the first placement (by start date, then id) on or after the
    worker's first certificate, for certified workers with such a placement."""
    holders = _certificates(fs).values("worker_id")
    qs = (
        Placement.objects.filter(worker_id__in=holders)
        .values_list("worker_id", "start_date", "monthly_wage")
        .order_by("worker_id", "start_date", "pk")
    )
    wages: dict[int, int] = {}
    for worker, start, wage in qs:
        if worker not in wages and start >= first[worker][1]:
            wages[worker] = wage
    return wages


def _wages_before(fs: FigureScope) -> dict[int, int]:
    """Worker → wage before training on the worker's first enrollment in scope that has one
    (by creation, then id), for workers holding a certificate in scope."""
    qs = (
        Enrollment.objects.filter(fs.q(worker="worker__", project="project__"))
        .filter(wage_before__isnull=False, worker_id__in=_certificates(fs).values("worker_id"))
        .annotate(rank=Window(RowNumber(), partition_by=[F("worker_id")],
                              order_by=[F("created_at").asc(), F("pk").asc()]))
        .filter(rank=1).values_list("worker_id", "wage_before").order_by()
    )
    return dict(qs)


def _add_employment(fs: FigureScope, rows: dict[int, Figures]) -> list[WageRow]:
    """Certified and placed workers per county; (county, wage before, wage after) of each
    placed certified worker. Three queries."""
    first = _first_issued(fs)
    after = _wages_after(fs, first)
    before = _wages_before(fs)
    for region, _first in first.values():
        rows[region].certified += 1
    wages: list[WageRow] = []
    for worker, wage in after.items():
        region = first[worker][0]
        rows[region].placed += 1
        wages.append((region, before.get(worker), wage))
    return wages


def _totals(rows: Iterable[Figures]) -> Figures:
    total = Figures()
    for f in rows:
        for name in ("person_times", "completed", "dual_certified", "certificates",
                     "fees_saved", "subsidy_spent", "certified", "placed"):
            setattr(total, name, getattr(total, name) + getattr(f, name))
    return total


def headline_figures(user: Any, *, county: Region | None = None) -> Headline:
    """The headline figures of the user's scope; per-county rows for the whole prefecture.

    Six queries whatever the number of rows, each a single pass of joins and GROUP BY (no
    per-worker subqueries). PermissionDenied for roles without figures.
    """
    fs = figure_scope_for(user, county=county)
    rows: dict[int, Figures] = defaultdict(Figures)
    _add_enrollments(fs, rows)
    by_type = _add_certificates(fs, rows)
    wages = _add_employment(fs, rows)
    totals = _totals(rows.values())
    totals.wage_before = median_yuan(w[1] for w in wages)
    totals.wage_after = median_yuan(w[2] for w in wages)
    counties = _county_rows(rows, wages) if fs.per_county else []
    return Headline(label=fs.label, totals=totals, counties=counties, by_type=by_type)


def _county_rows(
    rows: dict[int, Figures], wages: list[WageRow]
) -> list[CountyRow]:
    """Every current county of the prefecture, plus any other county the data names."""
    by_region: dict[int, list[WageRow]] = defaultdict(list)
    for wage in wages:
        by_region[wage[0]].append(wage)
    for region_id, figures in rows.items():
        figures.wage_before = median_yuan(w[1] for w in by_region[region_id])
        figures.wage_after = median_yuan(w[2] for w in by_region[region_id])
    regions = Region.objects.filter(
        Q(level=Region.Level.COUNTY, retired=False) | Q(pk__in=list(rows))
    ).order_by("code")
    return [CountyRow(region, rows.get(region.pk) or Figures()) for region in regions]


FILTER_ROLES = (Role.BUREAU, Role.DEPARTMENT)


def may_filter_by_county(user: Any) -> bool:
    """Bureau and department officers may narrow their figures to one county."""
    return scope_for(user).role in FILTER_ROLES


def counties_for_filter(user: Any) -> QuerySet[Region]:
    """The counties a user may narrow the figures to (bureau and department officers)."""
    if not may_filter_by_county(user):
        return Region.objects.none()
    return Region.objects.visible_to(user).filter(
        level=Region.Level.COUNTY, retired=False
    ).order_by("code")


def funnel_project_get_for(user: Any, public_id: UUID | str) -> TrainingProject:
    """A project whose funnel the user may see: anyone who sees the project; else 404."""
    return get_for(
        TrainingProject.objects.select_related("pathway", "institution", "region"),
        user, public_id,
    )


def projects_for_dashboard(user: Any) -> QuerySet[TrainingProject]:
    """The projects in the user's scope, newest first, for links to their funnels."""
    return TrainingProject.objects.visible_to(user).select_related(
        "pathway", "region", "institution"
    ).order_by("-start_date", "code")


@dataclass
class FunnelStep:
    key: str
    label: str
    count: int
    share_of_previous: Decimal | None
    width: int  # percent of the largest step, for the bar


def project_funnel(project: TrainingProject) -> list[FunnelStep]:
    """Demand headcount → enrolled → completed → assessed → dual-certified → hired.

    The project must come from a scoped read (`get_for`); four queries. Hired counts the
    distinct admitted workers of the project who have a placement.
    """
    headcount = project.demands.aggregate(total=Sum("headcount"))["total"] or 0
    enrollments = project.enrollments.aggregate(
        enrolled=Count("pk", filter=Q(admitted_at__isnull=False)),
        completed=Count("pk", filter=Q(status=Enrollment.Status.COMPLETED)),
    )
    scores = Score.objects.filter(enrollment__project=project).aggregate(
        assessed=Count("pk", filter=Q(absent=False)),
        dual=Count("pk", filter=dual_certified_q()),
    )
    hired = Worker.objects.filter(
        Exists(Enrollment.objects.filter(
            worker=OuterRef("pk"), project=project, admitted_at__isnull=False
        )),
        Exists(Placement.objects.filter(worker=OuterRef("pk"))),
    ).count()
    counts = [
        ("headcount", _("Demand headcount"), headcount),
        ("enrolled", _("Enrolled"), enrollments["enrolled"]),
        ("completed", _("Completed training"), enrollments["completed"]),
        ("assessed", _("Assessed"), scores["assessed"]),
        ("dual_certified", _("Dual-certified"), scores["dual"]),
        ("hired", _("Hired"), hired),
    ]
    return _steps(counts)


def _steps(counts: list[tuple[str, str, int]]) -> list[FunnelStep]:
    largest = max((c for _k, _l, c in counts), default=0)
    steps: list[FunnelStep] = []
    previous: int | None = None
    for key, label, count in counts:
        share = percentage(count, previous) if previous is not None else None
        width = round(count * 100 / largest) if largest else 0
        steps.append(FunnelStep(key, label, count, share, width))
        previous = count
    return steps
