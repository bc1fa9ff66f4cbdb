"""Every headline figure grouped by one dimension, in a fixed number of GROUP BY queries.

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
  recorded on their first enrollment that has one, and the wage of their first such placement;
- retention at 6 and 12 months and the median wage at the latest follow-up: see
  `retention.py` (headline figures and their county rows only; these figures are read from
  the follow-ups and leave the ones above unchanged).

Dimensions: the worker's county; the occupation and the pathway of the project (a certificate
without a sitting: its own occupation, no pathway); the worker's target groups (a worker in
several counts in each); the month, in Beijing time, of the event a figure counts — admission
for the enrollment figures, issue for certificates and fees, the first certificate for
certified workers, the hire for placed workers and wages after. A certified worker belongs to
the group of their first certificate in scope (by issue date, then id).
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Count, F, IntegerField, Q, QuerySet, Sum, Value, Window
from django.db.models.functions import Coalesce, RowNumber, TruncMonth
from django.utils.translation import gettext_lazy as _

from dualcert.assessment.models import Result
from dualcert.catalog.models import CertificateType, Region
from dualcert.credentials.models import Certificate
from dualcert.employment.models import Placement
from dualcert.insights.selectors.figures import (
    COUNTED,
    CountyRow,
    Figures,
    FigureScope,
    Headline,
    TypeRow,
    figure_scope_for,
    median_yuan,
)
from dualcert.insights.selectors.retention import add_followups
from dualcert.people.models import Worker
from dualcert.training.models import Enrollment


class Dimension(models.TextChoices):
    COUNTY = "county", _("County")
    OCCUPATION = "occupation", _("Occupation")
    PATHWAY = "pathway", _("Pathway")
    TARGET_GROUP = "target_group", _("Target group")
    MONTH = "month", _("Month")


BEIJING = ZoneInfo(settings.TIME_ZONE)  # Asia/Shanghai, the official time in Xinjiang
_SKILL_OCCUPATION = "pathway__skill_certificate__occupation_id"
_SITTING_PROJECT = "result__score__enrollment__project__"


@dataclass(frozen=True)
class Grouping:
    """How one dimension groups an enrollment row and a certificate row (query expressions).

    `multi`: a worker may fall in several groups (their target groups), read in one more
    query; `by_month`: groups are months (the first day of each), and placed workers and
    wages after go to the month of the hire rather than to the worker's group.
    """

    enrollment: Any
    certificate: Any
    multi: bool = False
    by_month: bool = False


GROUPINGS: dict[str, Grouping] = {
    Dimension.COUNTY: Grouping(F("worker__region_id"), F("worker__region_id")),
    Dimension.OCCUPATION: Grouping(
        F(f"project__{_SKILL_OCCUPATION}"),
        Coalesce(F(f"{_SITTING_PROJECT}{_SKILL_OCCUPATION}"), F("certificate_type__occupation_id")),
    ),
    Dimension.PATHWAY: Grouping(F("project__pathway_id"), F(f"{_SITTING_PROJECT}pathway_id")),
    Dimension.TARGET_GROUP: Grouping(
        F("worker__target_groups"), F("worker__target_groups"), multi=True
    ),
    Dimension.MONTH: Grouping(
        TruncMonth("admitted_at", tzinfo=BEIJING), TruncMonth("issued_on"), by_month=True
    ),
}


def month_of(value: date | datetime | None) -> date | None:
    """The first day of the value's month (a moment is taken in Beijing time)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        value = value.astimezone(BEIJING).date() if value.tzinfo else value.date()
    return value.replace(day=1)


def _key(grouping: Grouping, value: Any) -> Any:
    return month_of(value) if grouping.by_month else value


Rows = dict[Any, Figures]
Types = dict[Any, dict[str, int]]  # group → certificate type code → issued


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


def _add_enrollments(fs: FigureScope, rows: Rows, grouping: Grouping) -> None:
    """Person-times, completions, subsidy and dual-certified workers per group: one pass
    over the enrollments in scope (a score sheet belongs to one enrollment)."""
    completed = Q(status=Enrollment.Status.COMPLETED)
    dual = Q(score__in=_dual_certified_scores(fs))
    qs = (
        Enrollment.objects.filter(fs.q(worker="worker__", project="project__"))
        .values(group=grouping.enrollment).order_by()
        .annotate(
            person_times=Count("pk", filter=Q(admitted_at__isnull=False)),
            completed=Count("pk", filter=completed),
            subsidy=Sum("project__subsidy_per_person", filter=completed),
            dual=Count("worker_id", distinct=True, filter=dual),
        )
    )
    for row in qs:
        figures = rows[_key(grouping, row["group"])]
        figures.person_times += row["person_times"]
        figures.completed += row["completed"]
        figures.subsidy_spent += row["subsidy"] or 0
        figures.dual_certified += row["dual"]


def _add_certificates(
    fs: FigureScope, rows: Rows, grouping: Grouping
) -> tuple[Types, list[TypeRow]]:
    """Certificates and fees saved per group, and issued certificates per type: one query."""
    from_sitting_permit = Q(
        result__isnull=False, certificate_type__kind=CertificateType.Kind.PERMIT
    )
    qs = (
        _certificates(fs)
        .values("certificate_type__code", "certificate_type__name", "certificate_type__kind",
                group=grouping.certificate).order_by()
        .annotate(n=Count("pk"), fees=Sum("certificate_type__standard_fee",
                                          filter=from_sitting_permit))
    )
    per_group: Types = defaultdict(lambda: defaultdict(int))
    by_type: dict[str, TypeRow] = {}
    for row in qs:
        key = _key(grouping, row["group"])
        figures = rows[key]
        figures.certificates += row["n"]
        figures.fees_saved += row["fees"] or 0
        code = row["certificate_type__code"]
        per_group[key][code] += row["n"]
        if code not in by_type:
            by_type[code] = TypeRow(code, row["certificate_type__name"],
                                    row["certificate_type__kind"], 0)
        by_type[code].count += row["n"]
    return per_group, sorted(by_type.values(), key=lambda t: (t.kind, t.code))


WageRow = tuple[tuple[Any, ...], int | None, int | None]  # (groups, wage before, wage after)


def _first_certificates(fs: FigureScope, grouping: Grouping) -> dict[int, tuple[date, Any]]:
    """Worker → (issue date, group) of the worker's first certificate in scope (by issue
    date, then id): one query. A multi-group dimension reads the groups in `_worker_groups`."""
    group = Value(None, output_field=IntegerField()) if grouping.multi else grouping.certificate
    qs = (
        _certificates(fs)
        .annotate(group=group, rank=Window(RowNumber(), partition_by=[F("worker_id")],
                                           order_by=[F("issued_on").asc(), F("pk").asc()]))
        .filter(rank=1).values_list("worker_id", "issued_on", "group").order_by()
    )
    return {worker: (first, _key(grouping, key)) for worker, first, key in qs}


def _worker_groups(
    first: dict[int, tuple[date, Any]], grouping: Grouping
) -> dict[int, tuple[Any, ...]]:
    """Worker → the groups a certified worker counts in (one query for target groups)."""
    if not grouping.multi:
        return {worker: (key,) for worker, (_first, key) in first.items()}
    groups: dict[int, list[Any]] = defaultdict(list)
    rows = Worker.objects.filter(pk__in=list(first)).values_list("pk", "target_groups")
    for worker, group in rows.order_by():
        groups[worker].append(group)
    return {worker: tuple(keys) for worker, keys in groups.items()}


def _wages_after(fs: FigureScope, first: dict[int, tuple[date, Any]]
                 ) -> dict[int, tuple[date, int]]:
    """Worker → (start, wage) of the first placement (by start date, then id) on or after
    the worker's first certificate, for certified workers with such a placement."""
    holders = _certificates(fs).values("worker_id")
    qs = (
        Placement.objects.filter(worker_id__in=holders)
        .values_list("worker_id", "start_date", "monthly_wage")
        .order_by("worker_id", "start_date", "pk")
    )
    wages: dict[int, tuple[date, int]] = {}
    for worker, start, wage in qs:
        if worker not in wages and start >= first[worker][0]:
            wages[worker] = (start, wage)
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


def _add_employment(fs: FigureScope, rows: Rows, grouping: Grouping) -> list[WageRow]:
    """Certified and placed workers per group; (groups, wage before, wage after) of each
    placed certified worker. Three queries (four for target groups)."""
    first = _first_certificates(fs, grouping)
    groups = _worker_groups(first, grouping)
    after = _wages_after(fs, first)
    before = _wages_before(fs)
    for keys in groups.values():
        for key in keys:
            rows[key].certified += 1
    wages: list[WageRow] = []
    for worker, (start, wage) in after.items():
        keys = (month_of(start),) if grouping.by_month else groups[worker]
        for key in keys:
            rows[key].placed += 1
        wages.append((keys, before.get(worker), wage))
    return wages


def totals_of(rows: Iterable[Figures]) -> Figures:
    """The counted figures of the rows added up (medians are not: they do not add)."""
    total = Figures()
    for f in rows:
        for name in COUNTED:
            setattr(total, name, getattr(total, name) + getattr(f, name))
    return total


@dataclass
class Grouped:
    rows: Rows
    types: Types
    by_type: list[TypeRow]
    wages: list[WageRow]


def figures_grouped(fs: FigureScope, grouping: Grouping) -> Grouped:
    """Every figure per group of one dimension: five queries (six for target groups), each a
    single pass of joins and GROUP BY, whatever the number of rows."""
    rows: Rows = defaultdict(Figures)
    _add_enrollments(fs, rows, grouping)
    types, by_type = _add_certificates(fs, rows, grouping)
    wages = _add_employment(fs, rows, grouping)
    by_group: dict[Any, list[WageRow]] = defaultdict(list)
    for wage in wages:
        for key in wage[0]:
            by_group[key].append(wage)
    for key, figures in rows.items():
        figures.wage_before = median_yuan(w[1] for w in by_group[key])
        figures.wage_after = median_yuan(w[2] for w in by_group[key])
    return Grouped(rows, types, by_type, wages)


def headline_figures(user: Any, *, county: Region | None = None) -> Headline:
    """The headline figures of the user's scope; per-county rows for the whole prefecture.

    Seven queries whatever the number of rows, each a single pass of joins and GROUP BY (no
    per-worker subqueries). PermissionDenied for roles without figures.
    """
    fs = figure_scope_for(user, county=county)
    grouped = figures_grouped(fs, GROUPINGS[Dimension.COUNTY])
    # Every worker has one county, so the county rows add up to the totals.
    totals = totals_of(grouped.rows.values())
    totals.wage_before = median_yuan(w[1] for w in grouped.wages)
    totals.wage_after = median_yuan(w[2] for w in grouped.wages)
    add_followups(_certificates(fs), grouped.rows, totals)
    counties = _county_rows(grouped.rows) if fs.per_county else []
    return Headline(label=fs.label, totals=totals, counties=counties, by_type=grouped.by_type)


def _county_rows(rows: Rows) -> list[CountyRow]:
    """Every current county of the prefecture, plus any other county the data names."""
    regions = Region.objects.filter(
        Q(level=Region.Level.COUNTY, retired=False) | Q(pk__in=[k for k in rows if k])
    ).order_by("code")
    return [CountyRow(region, rows.get(region.pk) or Figures()) for region in regions]
