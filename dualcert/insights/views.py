"""Insights pages: the headline figures of a scope, a project's funnel, and exports."""

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from dualcert.core.jobs import progress_of
from dualcert.core.views import PRIVATE, XLSX, private_download
from dualcert.insights import selectors
from dualcert.insights.exports import jobs
from dualcert.insights.forms import DashboardForm
from dualcert.insights.models import ExportJob


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """KPI cards, per-county rows (bureau) or a chosen breakdown, certificates by type, and
    project funnels."""
    may_filter = selectors.may_filter_by_county(request.user)
    form = DashboardForm(request.GET or None, counties=selectors.counties_for_filter(request.user),
                         county_field=may_filter)
    filters = form.cleaned_data if form.is_valid() else {}
    county, by = filters.get("county"), filters.get("by") or ""
    headline = selectors.headline_figures(request.user, county=county)
    # The county rows the headline already has are the county breakdown: not read twice.
    breakdown = None
    if by and not (by == selectors.Dimension.COUNTY and headline.counties):
        breakdown = selectors.figure_breakdown(request.user, by, county=county)
    page = Paginator(selectors.projects_for_dashboard(request.user), 50).get_page(
        request.GET.get("page")
    )
    query = urlencode({k: v for k, v in (("county", county.public_id if county else ""),
                                         ("by", by)) if v})
    return render(request, "insights/dashboard.html", {
        "headline": headline, "form": form, "page": page, "query": query,
        "breakdown": breakdown, "county": county,
        "breakdown_label": selectors.Dimension(by).label.lower() if breakdown else "",
    })


@login_required
def funnel(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """A project's funnel, for whoever may see the project."""
    project = selectors.funnel_project_get_for(request.user, public_id)
    return render(request, "insights/funnel.html", {
        "project": project, "steps": selectors.project_funnel(project),
    })


# -- exports -------------------------------------------------------------------------------------



@login_required
@require_POST
def export_start(request: HttpRequest, kind: str) -> HttpResponse:
    """Queue an export of a list page with its filters (POSTed by its button); show progress."""
    job = jobs.export_request(actor=request.user, kind=kind, filters=request.POST,
                              language=getattr(request, "LANGUAGE_CODE", ""))
    return redirect("insights:export_job", public_id=job.public_id)


@login_required
def export_job(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """An export's progress; htmx polls the status partial, without JS the page refreshes."""
    job = selectors.export_job_get_for(request.user, public_id)
    context = {"job": job, "progress": progress_of(job), "finished": job.finished,
               "file_kept": jobs.export_file(job).is_file()}
    if getattr(request, "htmx", False):
        response = render(request, "insights/export_job.html#status", context)
    else:
        response = render(request, "insights/export_job.html", context)
    response["Cache-Control"] = PRIVATE
    return response


@login_required
def export_download(request: HttpRequest, public_id: UUID) -> FileResponse:
    """The finished workbook (404 until it is done, or when its file was cleared away)."""
    job = selectors.export_job_get_for(request.user, public_id)
    return private_download(jobs.export_file(job), filename=jobs.export_file_name(job),
                            content_type=XLSX, ready=job.status == ExportJob.Status.DONE)


@login_required
def exports(request: HttpRequest) -> HttpResponse:
    """The user's recent exports, to come back to a download."""
    rows = [(job, jobs.export_file(job).is_file()) for job in
            selectors.export_jobs_for(request.user)]
    response = render(request, "insights/exports.html", {"rows": rows})
    response["Cache-Control"] = PRIVATE
    return response
