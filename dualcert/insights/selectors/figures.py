"""The figures' scope and shapes: who sees which slice, the counted values, their rounding."""

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from dualcert.catalog.models import Department, Region
from dualcert.core.scoping import Role, scope_for
from dualcert.credentials.models import Certificate


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
    # From the follow-ups of placements (headline figures only; see grouping.py).
    followed_3: int = 0
    retained_3: int = 0
    followed_6: int = 0
    retained_6: int = 0
    followed_12: int = 0
    retained_12: int = 0
    wage_followup: int | None = None

    @property
    def employment_rate(self) -> Decimal | None:
        """Placed ÷ certified workers, in percent with one decimal; None without any."""
        return percentage(self.placed, self.certified)

    @property
    def retention_3(self) -> Decimal | None:
        """Still employed ÷ recorded 3-month follow-ups, in percent; None without any."""
        return percentage(self.retained_3, self.followed_3)

    @property
    def retention_6(self) -> Decimal | None:
        """Still employed ÷ recorded 6-month follow-ups, in percent; None without any."""
        return percentage(self.retained_6, self.followed_6)

    @property
    def retention_12(self) -> Decimal | None:
        """Still employed ÷ recorded 12-month follow-ups, in percent; None without any."""
        return percentage(self.retained_12, self.followed_12)


COUNTED = ("person_times", "completed", "dual_certified", "certificates", "fees_saved",
           "subsidy_spent", "certified", "placed")
# Kept apart from COUNTED: breakdowns by other dimensions do not read follow-ups.
FOLLOWED = ("followed_3", "retained_3", "followed_6", "retained_6", "followed_12",
            "retained_12")


@dataclass
class CountyRow:
    region: Region
    figures: Figures

    @property
    def code(self) -> str:
        return self.region.code

    @property
    def label(self) -> str:
        return self.region.name


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
