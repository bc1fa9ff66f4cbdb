"""Imports pages: upload a file, check its column mapping in the preview, follow the run,
read the report and download the error sheet."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from dualcert.core.jobs import job_stalled, progress_of
from dualcert.core.scoping import scope_for
from dualcert.core.views import XLSX, private_download
from dualcert.imports import selectors, services
from dualcert.imports.forms import MappingForm, UploadForm, column_letter
from dualcert.imports.headers import missing_required
from dualcert.imports.kinds import all_kinds, kind_for
from dualcert.imports.models import ImportBatch

PAGE_SIZE = 100
# Refusals of the upload coded as one of these are shown at that field; the rest (the file's
# format, size, header) above the form.
UPLOAD_FIELDS = ("kind", "project")
Status = ImportBatch.Status


def _require_role(request: HttpRequest) -> None:
    if scope_for(request.user).role is None:
        raise Http404("no role")


def _upload_form(request: HttpRequest, *, initial: dict[str, Any] | None = None,
                 bound: bool = False) -> UploadForm:
    projects = selectors.import_projects_for(request.user)
    kinds = selectors.import_kinds_for(request.user, projects)
    if bound:
        return UploadForm(request.POST, request.FILES, kinds=kinds, projects=projects)
    return UploadForm(kinds=kinds, projects=projects, initial=initial)


def _preselected(request: HttpRequest) -> dict[str, Any]:
    # Entry links (project page, sitting page, workers list) name the kind and the project.
    return {"kind": request.GET.get("kind", ""), "project": request.GET.get("project", "")}


def _upload(request: HttpRequest, form: UploadForm) -> ImportBatch | None:
    if not form.is_valid():
        return None
    upload = form.cleaned_data["file"]
    try:
        return services.import_batch_upload(
            actor=request.user, kind=form.cleaned_data["kind"], upload=upload,
            file_name=upload.name or "", project=form.cleaned_data.get("project"),
            language=getattr(request, "LANGUAGE_CODE", ""),
        )
    except ValidationError as exc:
        code = getattr(exc, "code", None)
        form.add_error(code if code in UPLOAD_FIELDS and code in form.fields else None, exc)
    except PermissionDenied as exc:
        form.add_error(None, str(exc) or _("You may not import this file."))
    return None


@login_required
@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    """Upload a file to import, and the user's recent imports to come back to."""
    _require_role(request)
    status = 200
    if request.method == "POST":
        form = _upload_form(request, bound=True)
        batch = _upload(request, form)
        if batch is not None:
            return redirect("imports:batch", public_id=batch.public_id)
        status = 400
    else:
        form = _upload_form(request, initial=_preselected(request))
    labels = {key: kind.label for key, kind in all_kinds().items()}
    batches = [
        (batch, labels.get(batch.kind, batch.kind))
        for batch in selectors.import_batches_visible_to(request.user)[:selectors.RECENT_BATCHES]
    ]
    return render(request, "imports/index.html", {"form": form, "batches": batches},
                  status=status)


@login_required
@require_http_methods(["GET", "POST"])
def batch_page(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """One import: its preview while prepared, its progress while running, then its report."""
    batch = selectors.import_batch_get_for(request.user, public_id)
    if request.method == "POST":
        return _configure(request, batch)
    if getattr(request, "htmx", False) and batch.status not in (Status.QUEUED, Status.RUNNING):
        return HttpResponseClientRefresh()  # the run has ended: show the whole report
    if batch.status == Status.PREPARED:
        return _render_preview(request, batch)
    if batch.status in (Status.QUEUED, Status.RUNNING):
        return _render_progress(request, batch)
    return _render_report(request, batch)


def _mapping_form(batch: ImportBatch, data: Any = None) -> MappingForm:
    return MappingForm(data, initial=MappingForm.initial_of(batch),
                       headers=[str(header) for header in batch.headers],
                       choices=services.field_choices(batch))


def _configure(request: HttpRequest, batch: ImportBatch) -> HttpResponse:
    form = _mapping_form(batch, request.POST)
    if not form.is_valid():
        return _render_preview(request, batch, form, status=400)
    starting = form.cleaned_data["action"] == "import"
    try:
        services.import_batch_configure(
            actor=request.user, batch=batch, mapping=form.mapping(),
            mode=form.cleaned_data["mode"], dry_run=form.cleaned_data["dry_run"])
        if starting:
            services.import_batch_start(actor=request.user, batch=batch)
    except ValidationError as exc:
        if getattr(exc, "code", None) == "started":  # a second click, or another tab
            messages.info(request, exc.messages[0])
            return redirect("imports:batch", public_id=batch.public_id)
        form.add_error(None, exc)
        return _render_preview(request, batch, form, status=400)
    if not starting:
        messages.success(request, _("The mapping is saved. Check the rows below, then import."))
    return redirect("imports:batch", public_id=batch.public_id)


def _render_preview(request: HttpRequest, batch: ImportBatch, form: MappingForm | None = None,
                    *, status: int = 200) -> HttpResponse:
    form = form or _mapping_form(batch)
    mapping = form.mapping() if form.is_bound else dict(batch.mapping)
    labels = dict(services.field_choices(batch))
    columns = [
        {"field": bound, "letter": column_letter(index), "header": header,
         "feeds": labels.get(mapping.get(str(index), ""), "")}
        for index, (bound, header) in enumerate(zip(form.columns(), batch.headers, strict=True))
    ]
    kind = kind_for(batch.kind)
    missing = missing_required({int(c): key for c, key in mapping.items()}, kind.fields)
    return render(request, "imports/preview.html", {
        "batch": batch, "kind": kind, "form": form, "columns": columns,
        "rows": selectors.import_preview(batch, mapping), "missing": missing,
        "may_configure": batch.requested_by_id == request.user.pk,
    }, status=status)


def _render_progress(request: HttpRequest, batch: ImportBatch) -> HttpResponse:
    context = {"batch": batch, "kind": kind_for(batch.kind), "progress": progress_of(batch),
               "stalled": job_stalled(batch)}
    if getattr(request, "htmx", False):
        return render(request, "imports/progress.html#status", context)
    return render(request, "imports/progress.html", context)


def _outcome(batch: ImportBatch) -> str:
    if batch.status == Status.FAILED:
        return batch.error
    if batch.dry_run:
        return _("Trial run: every row was checked and nothing was written.")
    if batch.refused and batch.mode == ImportBatch.Mode.ALL_OR_NOTHING:
        return _("All or nothing: some rows were refused, so nothing was written. Fix the "
                 "refused rows and upload the whole file again.")
    if batch.refused and batch.written:
        return _("The good rows are written; the refused rows are not. Fix them in the error "
                 "sheet and upload it.")
    if batch.refused:
        return _("Nothing was written: the refused rows are listed below, and the other rows "
                 "needed no change. Fix the refused rows in the error sheet and upload it.")
    if batch.written:
        return _("The import is written: every row is in the database.")
    return _("Nothing needed writing: every row was already in the database as it is.")


def _render_report(request: HttpRequest, batch: ImportBatch) -> HttpResponse:
    page = None
    if batch.refused:
        page = Paginator(selectors.import_row_errors(batch), PAGE_SIZE).get_page(
            request.GET.get("page"))
    project = batch.project.public_id if batch.project is not None else ""
    return render(request, "imports/report.html", {
        "batch": batch, "kind": kind_for(batch.kind), "page": page, "outcome": _outcome(batch),
        "has_error_sheet": batch.status == Status.DONE and batch.refused > 0
        and services.error_sheet_file(batch).is_file(),
        "form": _upload_form(request, initial={"kind": batch.kind, "project": project}),
    })


@login_required
@require_POST
def batch_give_up(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Mark a run that stopped without finishing as failed (nothing of it was written)."""
    batch = selectors.import_batch_get_for(request.user, public_id)
    try:
        services.import_batch_give_up(actor=request.user, batch=batch)
    except ValidationError as exc:
        messages.info(request, exc.messages[0])
    return redirect("imports:batch", public_id=batch.public_id)


@login_required
@require_GET
def batch_errors(request: HttpRequest, public_id: UUID) -> FileResponse:
    """The error sheet of a finished import (404 when no row was refused or it was cleared)."""
    batch = selectors.import_batch_get_for(request.user, public_id)
    made = timezone.localtime(batch.created_at)
    # Named by the kind and the time, never by the uploaded file: its name may be a person's.
    return private_download(services.error_sheet_file(batch), content_type=XLSX,
                            filename=f"errors-{batch.kind}-{made:%Y%m%d-%H%M}.xlsx",
                            ready=batch.status == Status.DONE)
