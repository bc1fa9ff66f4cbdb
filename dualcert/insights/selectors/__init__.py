"""Scoped reads of the insights stage: headline figures, breakdowns, funnels and exports.

The definitions of the figures are in `grouping.py`.
"""

from dualcert.insights.selectors.breakdowns import Breakdown, BreakdownRow, figure_breakdown
from dualcert.insights.selectors.exports import (
    export_job_get_for,
    export_jobs_for,
)
from dualcert.insights.selectors.figures import (
    FILTER_ROLES,
    CountyRow,
    Figures,
    FigureScope,
    Headline,
    TypeRow,
    counties_for_filter,
    dual_certified_q,
    figure_scope_for,
    may_filter_by_county,
    median_yuan,
    percentage,
)
from dualcert.insights.selectors.funnels import (
    FunnelStep,
    funnel_project_get_for,
    project_funnel,
    projects_for_dashboard,
)
from dualcert.insights.selectors.grouping import (
    GROUPINGS,
    Dimension,
    headline_figures,
    month_of,
)

__all__ = [
    "FILTER_ROLES", "GROUPINGS", "Breakdown", "BreakdownRow", "CountyRow", "Dimension",
    "FigureScope", "Figures", "FunnelStep", "Headline", "TypeRow", "counties_for_filter",
    "dual_certified_q", "export_job_get_for", "export_jobs_for", "figure_breakdown",
    "figure_scope_for", "funnel_project_get_for", "headline_figures", "may_filter_by_county",
    "median_yuan", "month_of", "percentage", "project_funnel", "projects_for_dashboard",
]
