"""The headline figures broken down by county, occupation, pathway, target group or month."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from dualcert.catalog.models import Occupation, Pathway, Region, TargetGroup
from dualcert.insights.selectors.figures import (
    COUNTED,
    Figures,
    FigureScope,
    TypeRow,
    figure_scope_for,
)
from dualcert.insights.selectors.grouping import GROUPINGS, Dimension, Rows, figures_grouped


@dataclass
class BreakdownRow:
    """One group: its id (a month's first day for months; None for "none of them"), the code
    and name it is shown by, its figures and its certificates by type code."""

    key: Any
    code: str
    label: str
    figures: Figures
    by_type: dict[str, int] = field(default_factory=dict)


@dataclass
class Breakdown:
    dimension: str
    label: str  # the scope: the prefecture, a county or a department
    rows: list[BreakdownRow]
    types: list[TypeRow]

    @property
    def adds_up(self) -> bool:
        """Whether the rows' counts add up to the totals: not for target groups, where a
        worker may be in several groups or in none."""
        return self.dimension != Dimension.TARGET_GROUP

    @property
    def shows_rate(self) -> bool:
        """Month rows count certified workers by their first certificate and placed workers
        by their hire, two different sets of people: their ratio is not a rate."""
        return self.dimension != Dimension.MONTH


def figure_breakdown(
    user: Any, dimension: str, *, county: Region | None = None
) -> Breakdown:
    """The user's headline figures per group of `dimension` (a `Dimension` value).

    A fixed number of queries whatever the number of rows (at most eight); the same scope as
    `headline_figures` (PermissionDenied for roles without figures).
    """
    fs = figure_scope_for(user, county=county)
    grouped = figures_grouped(fs, GROUPINGS[dimension])
    groups = list(_labelled(dimension, fs, grouped.rows))
    rows = [BreakdownRow(key, code, label, grouped.rows.get(key) or Figures(),
                         dict(grouped.types.get(key, {})))
            for key, code, label in groups]
    none = grouped.rows.get(None)
    if none is not None and any(getattr(none, name) for name in COUNTED):
        rows.append(BreakdownRow(None, "", _none_label(dimension), none,
                                 dict(grouped.types.get(None, {}))))
    return Breakdown(dimension, fs.label, rows, grouped.by_type)


Group = tuple[Any, str, str]  # key, code, label


def _labelled(dimension: str, fs: FigureScope, rows: Rows) -> Iterator[Group]:
    keys = [key for key in rows if key is not None]
    if dimension == Dimension.MONTH:
        return _months(keys)
    if dimension == Dimension.COUNTY:
        every = Q(level=Region.Level.COUNTY, retired=False) if fs.per_county else Q(pk__in=[])
        regions = Region.objects.filter(every | Q(pk__in=keys))
        return _named(regions)
    if dimension == Dimension.OCCUPATION:
        return _named(Occupation.objects.filter(pk__in=keys))
    if dimension == Dimension.PATHWAY:
        return _named(Pathway.objects.filter(pk__in=keys))
    # Every target group is listed, with zeros where nobody is in it: the report shows them all.
    return _named(TargetGroup.objects.all())


def _named(rows: Iterable[Any]) -> Iterator[Group]:
    for row in sorted(rows, key=lambda r: r.code):
        yield row.pk, row.code, row.name


def _months(keys: list[date]) -> Iterator[Group]:
    """Every month from the first to the last with data, so a quiet month shows as zeros."""
    if not keys:
        return
    month, last = min(keys), max(keys)
    while month <= last:
        yield month, f"{month:%Y-%m}", f"{month:%Y-%m}"
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _none_label(dimension: str) -> str:
    return {
        Dimension.COUNTY: _("No county"),
        Dimension.OCCUPATION: _("No occupation"),
        Dimension.PATHWAY: _("Certificates not from a sitting"),
        Dimension.TARGET_GROUP: _("In no target group"),
        Dimension.MONTH: _("No date"),
    }[Dimension(dimension)]
