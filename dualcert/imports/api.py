"""JSON API of imports: the same upload, mapping, start and report as the pages.

Upload a file (multipart) → the batch comes back "prepared" with its guessed header row and
column mapping → start it, with the mapping as it is or corrected → follow its status and
progress → read its refused rows. The error sheet downloads from the batch's page address.
"""

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.urls import reverse
from ninja import File, Form, Router, Schema, Status, UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from dualcert.core.api_errors import REFUSALS
from dualcert.core.jobs import progress_of
from dualcert.imports import selectors, services
from dualcert.imports.kinds import kind_for
from dualcert.imports.models import ImportBatch
from dualcert.training.selectors import project_get_for

router = Router(tags=["imports"])


class FieldOut(Schema):
    key: str
    label: str
    required: bool


class _BatchFigures(Schema):
    public_id: UUID
    kind: str
    project_id: UUID | None
    file_format: str
    status: str
    mode: str
    dry_run: bool
    rows_read: int
    created: int
    updated: int
    unchanged: int
    duplicates: int
    refused: int
    written: bool


class BatchSummaryOut(_BatchFigures):
    @staticmethod
    def resolve_project_id(obj: ImportBatch) -> UUID | None:
        return obj.project.public_id if obj.project is not None else None


class BatchOut(_BatchFigures):
    header_row: int
    headers: list[str]
    mapping: dict[str, str]  # column index (from 0) → field key
    fields: list[FieldOut]  # what a column may feed
    error: str
    done: int
    total: int
    error_sheet_url: str | None


class StartIn(Schema):
    mapping: dict[str, str] | None = None  # None keeps the guessed (or saved) mapping
    mode: str = ImportBatch.Mode.ALL_OR_NOTHING
    dry_run: bool = False


class RowErrorOut(Schema):
    row: int
    reasons: list[str]


def _out(batch: ImportBatch) -> BatchOut:
    required = {spec.key for spec in kind_for(batch.kind).fields if spec.required}
    progress = progress_of(batch)
    sheet = None
    if batch.status == ImportBatch.Status.DONE and batch.refused:
        sheet = reverse("imports:batch_errors", kwargs={"public_id": batch.public_id})
    return BatchOut(
        public_id=batch.public_id, kind=batch.kind,
        project_id=batch.project.public_id if batch.project is not None else None,
        file_format=batch.file_format, header_row=batch.header_row,
        headers=[str(h) for h in batch.headers], mapping=dict(batch.mapping),
        fields=[FieldOut(key=key, label=label, required=key in required)
                for key, label in services.field_choices(batch)],
        mode=batch.mode, dry_run=batch.dry_run, status=batch.status, error=batch.error,
        done=progress.done, total=progress.total, rows_read=batch.rows_read,
        created=batch.created, updated=batch.updated, unchanged=batch.unchanged,
        duplicates=batch.duplicates, refused=batch.refused, written=batch.written,
        error_sheet_url=sheet,
    )


@router.post("/batches", response={201: BatchOut, **REFUSALS}, url_name="import_upload")
def upload(request: HttpRequest, file: File[UploadedFile], kind: Form[str],
           project_id: Form[UUID | None] = None) -> Any:
    """Upload a spreadsheet; nothing is imported until the batch is started."""
    project = project_get_for(request.user, project_id) if project_id else None
    batch = services.import_batch_upload(
        actor=request.user, kind=kind, upload=file, file_name=file.name or "upload",
        project=project, language=getattr(request, "LANGUAGE_CODE", ""))
    return Status(201, _out(selectors.import_batch_get_for(request.user, batch.public_id)))


@router.get("/batches", response=list[BatchSummaryOut], url_name="import_batches")
@paginate(PageNumberPagination, page_size=50)
def batches(request: HttpRequest) -> Any:
    """The caller's imports, newest first (every import for the bureau)."""
    return selectors.import_batches_visible_to(request.user)


@router.get("/batches/{public_id}", response={200: BatchOut, **REFUSALS},
            url_name="import_batch")
def batch(request: HttpRequest, public_id: UUID) -> BatchOut:
    """One import: its mapping, status, progress and figures (404 unless it is yours)."""
    return _out(selectors.import_batch_get_for(request.user, public_id))


@router.post("/batches/{public_id}/start", response={202: BatchOut, **REFUSALS},
             url_name="import_start")
def start(request: HttpRequest, public_id: UUID, payload: StartIn) -> Any:
    """Start a prepared import with its mapping (as guessed, or as given) and mode."""
    found = selectors.import_batch_get_for(request.user, public_id)
    services.import_batch_configure(
        actor=request.user, batch=found,
        mapping=found.mapping if payload.mapping is None else payload.mapping,
        mode=payload.mode, dry_run=payload.dry_run)
    services.import_batch_start(actor=request.user, batch=found)
    return Status(202, _out(selectors.import_batch_get_for(request.user, public_id)))


@router.get("/batches/{public_id}/errors", response={200: list[RowErrorOut], **REFUSALS},
            url_name="import_errors")
@paginate(PageNumberPagination, page_size=500)
def errors(request: HttpRequest, public_id: UUID) -> Any:
    """The refused rows of an import: the spreadsheet's row number and every reason."""
    found = selectors.import_batch_get_for(request.user, public_id)
    return [RowErrorOut(row=e.row_number, reasons=e.reasons)
            for e in selectors.import_row_errors(found).only("row_number", "reasons")]

