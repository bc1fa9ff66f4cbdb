"""JSON API of the insights stage (same selectors as the pages)."""

from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Router, Schema, Status

from dualcert.catalog.models import Region
from dualcert.core.api_errors import REFUSALS
from dualcert.core.jobs import progress_of
from dualcert.insights import selectors
from dualcert.insights.exports import jobs as export_jobs
from dualcert.insights.models import ExportJob
from dualcert.insights.schemas import (
    CountyOut,
    FiguresOut,
    FunnelOut,
    FunnelStepOut,
    HeadlineOut,
    RetentionOut,
    TypeOut,
)
from dualcert.insights.selectors import Figures

router = Router(tags=["insights"])


def _figures_out(f: Figures) -> FiguresOut:
    return FiguresOut(
        person_times=f.person_times, completed=f.completed, dual_certified=f.dual_certified,
        certificates=f.certificates, fees_saved=f.fees_saved, subsidy_spent=f.subsidy_spent,
        certified=f.certified, placed=f.placed, employment_rate=f.employment_rate,
        wage_before=f.wage_before, wage_after=f.wage_after,
    )


def _retention_out(f: Figures) -> RetentionOut:
    return RetentionOut(
        followed_3=f.followed_3, retained_3=f.retained_3, retention_3=f.retention_3,
        followed_6=f.followed_6, retained_6=f.retained_6, retention_6=f.retention_6,
        followed_12=f.followed_12, retained_12=f.retained_12, retention_12=f.retention_12,
        wage_followup=f.wage_followup,
    )


def _county(request: HttpRequest, county: UUID | None) -> Region | None:
    if county is None:
        return None
    try:
        return selectors.counties_for_filter(request.user).get(public_id=county)
    except Region.DoesNotExist as exc:
        raise Http404("county") from exc


@router.get("/headline", response={200: HeadlineOut, **REFUSALS})
def headline(request: HttpRequest, county: UUID | None = None) -> HeadlineOut:
    """The headline figures of the user's scope (bureau, county and department officers)."""
    figures = selectors.headline_figures(request.user, county=_county(request, county))
    return HeadlineOut(
        label=figures.label,
        totals=_figures_out(figures.totals),
        counties=[CountyOut(code=r.region.code, name=r.region.name,
                            figures=_figures_out(r.figures)) for r in figures.counties],
        by_type=[TypeOut(code=t.code, name=t.name, kind=t.kind, count=t.count)
                 for t in figures.by_type],
        retention=_retention_out(figures.totals),
    )


@router.get("/projects/{public_id}/funnel", response={200: FunnelOut, **REFUSALS})
def funnel(request: HttpRequest, public_id: UUID) -> FunnelOut:
    """A project's funnel, for whoever may see the project."""
    project = selectors.funnel_project_get_for(request.user, public_id)
    steps = selectors.project_funnel(project)
    return FunnelOut(
        project_id=str(project.public_id), project=project.name,
        steps=[FunnelStepOut(key=s.key, label=s.label, count=s.count,
                             share_of_previous=s.share_of_previous) for s in steps],
    )


class ExportIn(Schema):
    kind: str  # workers | projects | enrollments | results | certificates | placements | figures
    filters: dict[str, str] = {}  # the list page's filters, as its query string names them


class ExportJobOut(Schema):
    public_id: UUID
    kind: str
    status: str
    error: str
    done: int
    total: int
    download_url: str | None


def _export_out(job: ExportJob) -> ExportJobOut:
    progress = progress_of(job)
    kept = job.status == ExportJob.Status.DONE and export_jobs.export_file(job).is_file()
    return ExportJobOut(
        public_id=job.public_id, kind=job.kind, status=job.status, error=job.error,
        done=progress.done, total=progress.total,
        download_url=reverse("insights:export_download", kwargs={"public_id": job.public_id})
        if kept else None,
    )


@router.post("/exports", response={202: ExportJobOut, **REFUSALS}, url_name="export_request")
def export_request(request: HttpRequest, payload: ExportIn) -> Any:
    """Ask for an .xlsx export of a list (with its filters) or of the headline figures; it is
    made in the background within the caller's scope."""
    job = export_jobs.export_request(actor=request.user, kind=payload.kind,
                                     filters=payload.filters,
                                     language=getattr(request, "LANGUAGE_CODE", ""))
    return Status(202, _export_out(selectors.export_job_get_for(request.user, job.public_id)))


@router.get("/exports/{public_id}", response={200: ExportJobOut, **REFUSALS},
            url_name="export_job")
def export_job(request: HttpRequest, public_id: UUID) -> ExportJobOut:
    """An export's status and progress, and its download address once it is made."""
    return _export_out(selectors.export_job_get_for(request.user, public_id))
