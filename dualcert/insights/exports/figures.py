"""The headline figures as a workbook: a totals sheet and one sheet per breakdown.

The figures are the dashboard's own (`headline_figures`, `figure_breakdown`) for the same
scope, so the file and the page never disagree. Each sheet's title names the scope and when
it was made; notes under each table say how the figures are counted and which rows do not
add up to the totals.
"""

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from dualcert.catalog.models import Region
from dualcert.core.scoping import scope_for
from dualcert.core.xlsx import Column, SheetData
from dualcert.insights.exports import headers as h
from dualcert.insights.forms import CountyFilterForm
from dualcert.insights.selectors import (
    Breakdown,
    BreakdownRow,
    Dimension,
    Figures,
    Headline,
    TypeRow,
    counties_for_filter,
    figure_breakdown,
    figure_scope_for,
    headline_figures,
)

NUMBER = 12


def _county(user: Any, data: Mapping[str, Any]) -> Region | None:
    """The county the dashboard would narrow to for these filters (None: the whole scope)."""
    form = CountyFilterForm(data, counties=counties_for_filter(user))
    return form.cleaned_data["county"] if form.is_valid() else None


def figures_clean(user: Any, data: Mapping[str, Any]) -> dict[str, str]:
    """The dashboard's county filter as params; PermissionDenied for roles without figures."""
    figure_scope_for(user)
    county = _county(user, data)
    return {"county": str(county.public_id)} if county is not None else {}


def figures_sheets(user: Any, params: Mapping[str, Any]) -> list[SheetData]:
    """Totals and the five breakdowns of the user's figures (a fixed number of queries)."""
    county = _county(user, params)
    headline = headline_figures(user, county=county)
    breakdowns = [figure_breakdown(user, d, county=county) for d in Dimension.values]
    whole = county is None and scope_for(user).is_bureau
    title = _title(h.PREFECTURE if whole else headline.label, timezone.localtime())
    return [_totals_sheet(headline, title),
            *(_breakdown_sheet(b, headline, title) for b in breakdowns)]


def _title(scope: str, made: datetime) -> str:
    return f"{h.FIGURES_TITLE} · {h.SCOPE}：{scope} · {h.MADE} {made:%Y-%m-%d %H:%M}"


def _rate(figures: Figures) -> float | None:
    rate: Decimal | None = figures.employment_rate
    return float(rate) if rate is not None else None


def _totals_sheet(headline: Headline, title: str) -> SheetData:
    t = headline.totals
    names = h.FIGURE_HEADERS
    rows: list[tuple[str, Any]] = [
        (names["person_times"], t.person_times), (names["completed"], t.completed),
        (names["dual_certified"], t.dual_certified), (names["certificates"], t.certificates),
        *((h.ISSUED_OF + kind.name, kind.count) for kind in headline.by_type),
        (names["fees_saved"], t.fees_saved), (names["subsidy_spent"], t.subsidy_spent),
        (names["certified"], t.certified), (names["placed"], t.placed),
        (names["employment_rate"], _rate(t)), (names["wage_before"], t.wage_before),
        (names["wage_after"], t.wage_after),
    ]
    return SheetData(h.TOTALS_SHEET, h.TOTALS_COLUMNS, rows, title=title,
                     notes=(h.NOTES_HEAD, *h.DEFINITIONS))


def _columns(breakdown: Breakdown, types: Sequence[TypeRow]) -> list[Column]:
    _sheet, group, _none = h.BREAKDOWN_SHEETS[breakdown.dimension]
    names = h.FIGURE_HEADERS
    columns = [Column(group, 24)]
    if breakdown.dimension != Dimension.MONTH:
        columns.append(Column(h.CODE, 12, text=True))
    columns += [Column(names[name], NUMBER) for name in
                ("person_times", "completed", "dual_certified", "certificates")]
    columns += [Column(h.ISSUED_OF + kind.name, NUMBER) for kind in types]
    columns += [Column(names[name], NUMBER) for name in
                ("fees_saved", "subsidy_spent", "certified", "placed", "employment_rate",
                 "wage_before", "wage_after")]
    return columns


def _cells(breakdown: Breakdown, types: Sequence[TypeRow], label: str, code: str,
           f: Figures, by_type: Mapping[str, int], *, rate: bool) -> list[Any]:
    cells: list[Any] = [label]
    if breakdown.dimension != Dimension.MONTH:
        cells.append(code)
    cells += [f.person_times, f.completed, f.dual_certified, f.certificates]
    cells += [by_type.get(kind.code, 0) for kind in types]
    cells += [f.fees_saved, f.subsidy_spent, f.certified, f.placed,
              _rate(f) if rate else None, f.wage_before, f.wage_after]
    return cells


def _breakdown_sheet(breakdown: Breakdown, headline: Headline, title: str) -> SheetData:
    name, _group, none_label = h.BREAKDOWN_SHEETS[breakdown.dimension]
    types = headline.by_type
    rows = [_row_cells(breakdown, types, row, none_label) for row in breakdown.rows]
    totals = {kind.code: kind.count for kind in types}
    rows.append(_cells(breakdown, types, h.TOTALS_SHEET, "", headline.totals, totals,
                       rate=True))
    return SheetData(name, _columns(breakdown, types), rows, title=title,
                     notes=(h.NOTES_HEAD, *h.BREAKDOWN_NOTES[breakdown.dimension]))


def _row_cells(breakdown: Breakdown, types: Sequence[TypeRow], row: BreakdownRow,
               none_label: str) -> list[Any]:
    label = row.label if row.key is not None else none_label
    return _cells(breakdown, types, label, row.code, row.figures, row.by_type,
                  rate=breakdown.shows_rate)
