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
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils.translation import gettext as _

from dualcert.assessment.models import Score
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


def _certified_workers(fs: FigureScope) -> QuerySet[Worker]:
    """Workers holding a certificate in scope, with the issue date of their first one."""
    mine = _certificates(fs).filter(worker=OuterRef("pk"))
    first = mine.order_by("issued_on").values("issued_on")[:1]
    return Worker.objects.filter(Exists(mine)).annotate(first_issued=Subquery(first))


def _placed_after_first() -> Q:
    return Q(Exists(Placement.objects.filter(
        worker=OuterRef("pk"), start_date__gte=OuterRef("first_issued")
    )))


def _add_enrollments(fs: FigureScope, rows: dict[int, Figures]) -> None:
    completed = Q(status=Enrollment.Status.COMPLETED)
    qs = (
        Enrollment.objects.filter(fs.q(worker="worker__", project="project__"))
        .values("worker__region_id").order_by()
        .annotate(
            person_times=Count("pk", filter=Q(admitted_at__isnull=False)),
            completed=Count("pk", filter=completed),
            subsidy=Sum("project__subsidy_per_person", filter=completed),
        )
    )
    for row in qs:
        figures = rows[row["worker__region_id"]]
        figures.person_times = row["person_times"]
        figures.completed = row["completed"]
        figures.subsidy_spent = row["subsidy"] or 0


def _add_dual_certified(fs: FigureScope, rows: dict[int, Figures]) -> None:
    qs = (
        Score.objects.filter(fs.q(worker="enrollment__worker__", project="enrollment__project__"))
        .filter(dual_certified_q())
        .values("enrollment__worker__region_id").order_by()
        .annotate(n=Count("enrollment__worker", distinct=True))
    )
    for row in qs:
        rows[row["enrollment__worker__region_id"]].dual_certified = row["n"]


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


def _add_employment(fs: FigureScope, rows: dict[int, Figures]) -> None:
    counts = (
        _certified_workers(fs).values("region_id").order_by()
        .annotate(certified=Count("pk"), placed=Count("pk", filter=_placed_after_first()))
    )
    for row in counts:
        rows[row["region_id"]].certified = row["certified"]
        rows[row["region_id"]].placed = row["placed"]


def _wage_rows(fs: FigureScope) -> list[tuple[int, int | None, int | None]]:
    """(county, wage before, wage after) of each placed certified worker (one query)."""
    before = (
        Enrollment.objects.filter(fs.q(worker="worker__", project="project__"))
        .filter(worker=OuterRef("pk"), wage_before__isnull=False)
        .order_by("created_at", "pk").values("wage_before")[:1]
    )
    after = (
        Placement.objects.filter(worker=OuterRef("pk"), start_date__gte=OuterRef("first_issued"))
        .order_by("start_date", "pk").values("monthly_wage")[:1]
    )
    qs = (
        _certified_workers(fs).filter(_placed_after_first())
        .annotate(wage_before=Subquery(before), wage_after=Subquery(after))
        .values_list("region_id", "wage_before", "wage_after").order_by()
    )
    return list(qs)


def _totals(rows: Iterable[Figures]) -> Figures:
    total = Figures()
    for f in rows:
        for name in ("person_times", "completed", "dual_certified", "certificates",
                     "fees_saved", "subsidy_spent", "certified", "placed"):
            setattr(total, name, getattr(total, name) + getattr(f, name))
    return total


def headline_figures(user: Any, *, county: Region | None = None) -> Headline:
    """The headline figures of the user's scope; per-county rows for the whole prefecture.

    Seven queries whatever the number of rows. PermissionDenied for roles without figures.
    """
    fs = figure_scope_for(user, county=county)
    rows: dict[int, Figures] = defaultdict(Figures)
    _add_enrollments(fs, rows)
    _add_dual_certified(fs, rows)
    by_type = _add_certificates(fs, rows)
    _add_employment(fs, rows)
    wages = _wage_rows(fs)
    totals = _totals(rows.values())
    totals.wage_before = median_yuan(w[1] for w in wages)
    totals.wage_after = median_yuan(w[2] for w in wages)
    counties = _county_rows(rows, wages) if fs.per_county else []
    return Headline(label=fs.label, totals=totals, counties=counties, by_type=by_type)


def _county_rows(
    rows: dict[int, Figures], wages: list[tuple[int, int | None, int | None]]
) -> list[CountyRow]:
    """Every current county of the prefecture, plus any other county the data names."""
    by_region: dict[int, list[tuple[int, int | None, int | None]]] = defaultdict(list)
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
