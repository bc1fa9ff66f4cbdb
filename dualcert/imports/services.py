"""Imports as use cases: upload a file, fix its column mapping, start it, run it, report it."""

import logging
import os
import tempfile
import traceback
from collections.abc import Callable
from itertools import islice
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dualcert.core.audit import audit_record
from dualcert.core.jobs import (
    forget_old_files,
    job_claim,
    job_fail,
    job_finish,
    job_stalled,
    progress_set,
)
from dualcert.core.models import Job
from dualcert.core.scoping import scope_for
from dualcert.core.workflow import transition
from dualcert.imports import engine
from dualcert.imports.errorsheet import write_error_sheet
from dualcert.imports.headers import find_header, missing_required
from dualcert.imports.kinds import Kind, RunContext, kind_for
from dualcert.imports.models import ImportBatch, ImportRowError
from dualcert.imports.reading import count_rows, detect_format, open_rows

logger = logging.getLogger(__name__)
Status = Job.Status
PREVIEW_ROWS = 10
HEADER_SEARCH_ROWS = 15
BATCH_FIELDS = ("kind", "mode", "dry_run", "mapping", "header_row")


def stored_file(batch: ImportBatch) -> Path:
    """Where the uploaded file of a batch is kept (named by the batch, never by the upload)."""
    return Path(settings.IMPORT_DIR) / f"{batch.public_id}.{batch.file_format}"


def error_sheet_file(batch: ImportBatch) -> Path:
    return Path(settings.IMPORT_DIR) / f"{batch.public_id}-errors.xlsx"


def _kind(key: str) -> Kind:
    try:
        return kind_for(key)
    except KeyError:
        raise ValidationError(_("Choose what the file holds."), code="kind") from None


def _context(kind: Kind, actor: Any, project: Any) -> RunContext:
    if kind.needs_project and project is None:
        raise ValidationError(_("Choose the training project the file is for."),
                              code="project")
    return RunContext(actor=actor, project=project if kind.needs_project else None)


def _store(upload: IO[bytes], suffix: str) -> Path:
    directory = Path(settings.IMPORT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    limit = settings.IMPORT_MAX_MB * 1024 * 1024
    descriptor, name = tempfile.mkstemp(dir=directory, suffix=suffix)
    size = 0
    with os.fdopen(descriptor, "wb") as handle:
        while block := upload.read(1024 * 1024):
            size += len(block)
            if size > limit:
                handle.close()
                Path(name).unlink(missing_ok=True)
                raise ValidationError(
                    _("The file is larger than %(limit)d MB. Split it into smaller files.")
                    % {"limit": settings.IMPORT_MAX_MB}, code="too_large")
            handle.write(block)
    if size == 0:
        Path(name).unlink(missing_ok=True)
        raise ValidationError(_("The file is empty."), code="empty")
    return Path(name)


def _guess_mapping(kind: Kind, project: Any, path: Path, file_format: str
                   ) -> tuple[int, list[str], dict[str, str]]:
    first_rows = list(islice(open_rows(path, file_format), HEADER_SEARCH_ROWS))
    if not first_rows:
        raise ValidationError(_("The file has no rows."), code="empty")
    guess = find_header(first_rows, kind.fields, look_at=HEADER_SEARCH_ROWS)
    mapping = dict(guess.mapping)
    dynamic = getattr(kind, "dynamic_fields", None)
    if dynamic is not None:
        for index, key in dynamic(guess.headers, project).items():
            mapping.setdefault(index, key)
    return guess.row_number, guess.headers, {str(i): key for i, key in mapping.items()}


@transaction.atomic
def import_batch_upload(
    *, actor: Any, kind: str, upload: IO[bytes], file_name: str, project: Any = None,
    language: str = "",
) -> ImportBatch:
    """Keep an uploaded file and guess its header row and column mapping (nothing imported).

    The batch waits (“prepared”) for the officer to check the mapping in the preview. The
    kind's own checks (role, project state) refuse the file at once, before anyone maps it.
    """
    chosen = _kind(kind)
    chosen.check(_context(chosen, actor, project))
    forget_old_files(Path(settings.IMPORT_DIR), days=settings.IMPORT_KEEP_DAYS)
    temporary = _store(upload, Path(file_name).suffix.lower()[:8])
    try:
        file_format = detect_format(temporary, file_name)
        header_row, headers, mapping = _guess_mapping(chosen, project, temporary, file_format)
        batch = ImportBatch.objects.create(
            requested_by=actor, kind=chosen.key, project=project if chosen.needs_project else None,
            file_name=Path(file_name).name[:255], file_format=file_format,
            header_row=header_row, headers=headers, mapping=mapping, status=Status.PREPARED,
            language=language or translation.get_language() or "",
        )
        os.replace(temporary, stored_file(batch))
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    audit_record(actor=actor, action="import.upload", obj=batch,
                 after={"kind": batch.kind, "format": file_format,
                        "project": str(project.public_id) if batch.project_id else None})
    return batch


def _check_mapping(kind: Kind, batch: ImportBatch, mapping: dict[str, str]) -> dict[str, str]:
    allowed = {spec.key for spec in kind.fields} | {key for key, _label in field_choices(batch)}
    cleaned = {str(int(col)): key for col, key in mapping.items() if key}
    unknown = set(cleaned.values()) - allowed
    if unknown:
        raise ValidationError(_("Unknown field in the mapping: %(fields)s.")
                              % {"fields": ", ".join(sorted(unknown))}, code="mapping")
    keys = list(cleaned.values())
    twice = sorted({key for key in keys if keys.count(key) > 1})
    if twice:
        labels = "、".join(str(label) for key, label in field_choices(batch) if key in twice)
        raise ValidationError(_("Each field can come from one column only: %(fields)s is "
                                "chosen more than once.") % {"fields": labels}, code="mapping")
    missing = missing_required({int(c): k for c, k in cleaned.items()}, kind.fields)
    if missing:
        raise ValidationError(
            _("These columns are required: %(fields)s. Choose the column that holds each.")
            % {"fields": "、".join(str(spec.label) for spec in missing)}, code="mapping")
    return cleaned


def _require_prepared(actor: Any, batch: ImportBatch) -> None:
    if batch.requested_by_id != getattr(actor, "pk", None):
        raise PermissionDenied(_("Only the person who uploaded the file may import it."))
    if batch.status != Status.PREPARED:
        raise ValidationError(_("This import has already started; upload the file again to "
                                "import it once more."), code="started")


@transaction.atomic
def import_batch_configure(
    *, actor: Any, batch: ImportBatch, mapping: dict[str, str], mode: str, dry_run: bool,
) -> ImportBatch:
    """Keep the officer's column mapping and choices; refused if a required field is unmapped."""
    _require_prepared(actor, batch)
    if mode not in ImportBatch.Mode.values:
        raise ValidationError(_("Choose all-or-nothing or keep-the-good-rows."), code="mode")
    batch.mapping = _check_mapping(kind_for(batch.kind), batch, mapping)
    batch.mode, batch.dry_run = mode, dry_run
    ImportBatch.objects.filter(pk=batch.pk).update(
        mapping=batch.mapping, mode=mode, dry_run=dry_run, updated_at=timezone.now())
    return batch


def _queue(actor: Any, batch: ImportBatch) -> None:
    _require_prepared(actor, batch)
    _check_mapping(kind_for(batch.kind), batch, batch.mapping)
    transition(batch, to=Status.QUEUED, actor=actor, allowed=ImportBatch.TRANSITIONS)
    audit_record(actor=actor, action="import.start", obj=batch,
                 after={"mode": batch.mode, "dry_run": batch.dry_run})


@transaction.atomic
def import_batch_start(*, actor: Any, batch: ImportBatch) -> ImportBatch:
    """Queue a prepared batch; the task runs after commit (in the background in production)."""
    from dualcert.imports.tasks import run_import_batch

    _queue(actor, batch)
    transaction.on_commit(lambda: run_import_batch.enqueue(batch_id=batch.pk))
    return batch


def import_batch_run_here(
    *, actor: Any, batch: ImportBatch, on_progress: Callable[[int, int], None] | None = None,
) -> engine.Report | None:
    """Run a prepared batch in this process, as the `dualcert import` command does."""
    with transaction.atomic():
        _queue(actor, batch)
    claimed: ImportBatch | None = job_claim(ImportBatch, batch.pk, related=("project",))
    if claimed is None:
        raise ValidationError(_("Another process has started this import."), code="started")
    report = import_batch_execute(claimed, on_progress=on_progress)
    batch.refresh_from_db()
    return report


def field_choices(batch: ImportBatch) -> list[tuple[str, str]]:
    """Every field a column of this batch may feed: the kind's, plus e.g. sessions by date."""
    kind = kind_for(batch.kind)
    choices = [(spec.key, str(spec.label)) for spec in kind.fields]
    extra = getattr(kind, "extra_choices", None)
    if extra is not None:
        choices += [(key, str(label)) for key, label in extra(batch.project)]
    return choices


def _plan(batch: ImportBatch, path: Path | None = None) -> engine.Plan:
    return engine.Plan(
        path=path or stored_file(batch), file_format=batch.file_format,
        header_row=batch.header_row, mapping={int(c): k for c, k in batch.mapping.items()},
        keep_good=batch.mode == ImportBatch.Mode.KEEP_GOOD, dry_run=batch.dry_run,
    )


def _keep_report(batch: ImportBatch, report: engine.Report) -> None:
    ImportRowError.objects.filter(batch=batch).delete()
    ImportRowError.objects.bulk_create(
        (ImportRowError(batch=batch, row_number=number, reasons=list(reasons))
         for number, reasons in sorted(report.refusals.items())), batch_size=2000)


def _unexpected(batch: ImportBatch, exc: BaseException) -> str:
    # The message may quote a cell (a name, a number): only the place of the fault is logged.
    frames = "".join(traceback.format_tb(exc.__traceback__))
    logger.error("import %s failed with %s\n%s", batch.public_id, type(exc).__name__, frames)
    return _("The import stopped because of an error in the system; nothing was written. "
             "It has been logged: try again later or tell the administrator.")


def import_batch_execute(
    batch: ImportBatch, *, path: Path | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> engine.Report | None:
    """Run a claimed (running) batch to its end, keep its report and make its error sheet.

    Returns the report, or None when the batch as a whole was refused or failed (its error
    says why). Used by the background task and the `dualcert import` command alike.
    """
    kind = kind_for(batch.kind)
    plan = _plan(batch, path)
    total = count_rows(plan.path, plan.file_format) - batch.header_row
    ImportBatch.objects.filter(pk=batch.pk).update(total=max(total, 0))

    def progress(done: int, of: int) -> None:
        progress_set(batch, done=done, total=of)
        if on_progress is not None:
            on_progress(done, of)

    with translation.override(batch.language or settings.LANGUAGE_CODE):
        try:
            report = engine.run(kind, _context(kind, batch.requested_by, batch.project), plan,
                                on_progress=progress, total=max(total, 0))
        except (ValidationError, PermissionDenied) as exc:
            message = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            job_fail(batch, message)
            return None
        except Exception as exc:
            job_fail(batch, _unexpected(batch, exc))
            return None
        _keep_report(batch, report)
        if report.refusals:
            error_sheet_write(batch, error_sheet_file(batch), report, source=plan.path)
        job_finish(batch, done=report.rows_read, total=report.rows_read, **report.figures())
    audit_record(actor=batch.requested_by, action="import.finish", obj=batch,
                 after=report.figures())
    return report


def import_batch_give_up(*, actor: Any, batch: ImportBatch) -> ImportBatch:
    """End a batch whose run has stopped without a word (its process was killed): it is
    marked failed, and since its one transaction died with the process, nothing of it was
    written. Its uploader or the bureau may do this once it has been silent long enough."""
    if batch.requested_by_id != getattr(actor, "pk", None) and not scope_for(actor).is_bureau:
        raise PermissionDenied(_("Only the person who uploaded the file may do this."))
    if not job_stalled(batch):
        raise ValidationError(_("This import is still running or has ended; wait for it."),
                              code="not_stalled")
    job_fail(batch, _("The import stopped before it finished (the process running it ended), "
                      "so nothing from it was written. Upload the file again."))
    audit_record(actor=actor, action="import.give_up", obj=batch)
    return batch


def import_batch_run(*, batch_id: int) -> ImportBatch | None:
    """Claim a queued batch and run it (a batch delivered twice runs once)."""
    batch: ImportBatch | None = job_claim(ImportBatch, batch_id, related=("project",))
    if batch is None:
        return None
    import_batch_execute(batch)
    return batch


def error_sheet_write(batch: ImportBatch, target: Path, report: engine.Report,
                      *, source: Path) -> Path:
    """The refused rows as they were uploaded, with their row number and the reasons."""
    write_error_sheet(batch, target, report.refusals, source=source)
    return target
