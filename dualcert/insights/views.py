"""Insights pages: the headline figures of a scope and a project's funnel."""

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dualcert.insights import selectors
from dualcert.insights.forms import CountyFilterForm


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """KPI cards, per-county rows (bureau), certificates by type, and project funnels."""
    counties = selectors.counties_for_filter(request.user)
    form = CountyFilterForm(request.GET or None, counties=counties)
    county = form.cleaned_data["county"] if form.is_valid() else None
    headline = selectors.headline_figures(request.user, county=county)
    page = Paginator(selectors.projects_for_dashboard(request.user), 50).get_page(
        request.GET.get("page")
    )
    query = f"county={county.public_id}" if county else ""
    return render(request, "insights/dashboard.html", {
        "headline": headline, "form": form, "page": page, "query": query,
        "show_filter": selectors.may_filter_by_county(request.user),
    })


@login_required
def funnel(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """A project's funnel, for whoever may see the project."""
    project = selectors.funnel_project_get_for(request.user, public_id)
    return render(request, "insights/funnel.html", {
        "project": project, "steps": selectors.project_funnel(project),
    })
