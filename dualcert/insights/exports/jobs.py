"""Request an export, run it in the background, keep its file.

An export holds personal data, so each request is audited (who, which kind, which filters)
and its file is seen only by the requester and the bureau. The rows are read again when the
job runs, under the requester's scope as it is then.
"""

import logging
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dualcert.core.audit import audit_record
from dualcert.core.jobs import forget_old_files, job_claim, job_fail, job_finish, progress_set
from dualcert.core.scoping import Role, scope_for
from dualcert.core.xlsx import SheetData, write_xlsx
from dualcert.insights.exports import headers as h
from dualcert.insights.exports.figures import figures_clean, figures_sheets
from dualcert.insights.exports.lists import EXPORTING_ROLES, LIST_EXPORTS
from dualcert.insights.models import ExportJob

logger = logging.getLogger(__name__)
Kind = ExportJob.Kind
# The roles `figure_scope_for` gives figures to.
FIGURE_ROLES = (Role.BUREAU, Role.COUNTY, Role.DEPARTMENT)


def may_export(user: Any, kind: str) -> bool:
    """Whether the user's role exports lists (staff roles; the figures: who sees them)."""
    role = scope_for(user).role
    if kind == Kind.FIGURES:
        return role in FIGURE_ROLES
    return kind in LIST_EXPORTS and role in EXPORTING_ROLES


def export_file(job: ExportJob) -> Path:
    """Where a job's workbook is kept (outside the database)."""
    return Path(settings.EXPORT_DIR) / f"{job.public_id}.xlsx"


def export_file_name(job: ExportJob) -> str:
    """The download's name: the kind and when it was asked for, never a person's name."""
    made = timezone.localtime(job.created_at)
    return f"{job.kind}-{made:%Y%m%d-%H%M}.xlsx"


def _clean(actor: Any, kind: str, filters: Mapping[str, Any]) -> dict[str, str]:
    if kind not in Kind.values:
        raise Http404("no such export")
    if not may_export(actor, kind):
        raise PermissionDenied(_("Your role may not export this list."))
    if kind == Kind.FIGURES:
        return figures_clean(actor, filters)
    return LIST_EXPORTS[kind].clean(actor, filters)


@transaction.atomic
def export_request(
    *, actor: Any, kind: str, filters: Mapping[str, Any], language: str = ""
) -> ExportJob:
    """Queue an export of a list page (with its filters) or of the figures (audited).

    The filters are checked through the page's own selectors first: a project or sitting the
    actor may not see is a 404, a role without the list a 403. The task is queued after
    commit, so a worker never looks for a job that is not there yet.
    """
    from dualcert.insights.tasks import run_export

    params = _clean(actor, kind, filters)
    forget_old_files(Path(settings.EXPORT_DIR), days=settings.IMPORT_KEEP_DAYS)
    job = ExportJob.objects.create(kind=kind, params=params, requested_by=actor,
                                   language=language or translation.get_language() or "")
    audit_record(actor=actor, action="export.request", obj=job,
                 after={"kind": kind, "params": params})
    transaction.on_commit(lambda: run_export.enqueue(job_id=job.pk))
    return job


def _sheets(job: ExportJob, user: Any) -> tuple[list[SheetData], int]:
    """The job's sheets and how many rows they will have (for the progress bar)."""
    if job.kind == Kind.FIGURES:
        sheets = figures_sheets(user, job.params)
        return sheets, sum(len(list(sheet.rows)) for sheet in sheets)  # small, in memory
    export = LIST_EXPORTS[job.kind]
    listed = export.build(user, job.params)
    sheet, title = h.LIST_SHEETS[job.kind]
    made = timezone.localtime()
    title = " · ".join(filter(None, [title, listed.subject,
                                     f"{h.MADE} {made:%Y-%m-%d %H:%M}"]))
    return [SheetData(sheet, export.columns, listed.rows, title=title)], listed.count


def _write(job: ExportJob, user: Any) -> int:
    directory = Path(settings.EXPORT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    # Written next to its final name and renamed, so a download never sees half a file.
    descriptor, temporary = tempfile.mkstemp(dir=directory, suffix=".part")
    os.close(descriptor)
    try:
        with translation.override(h.EXPORT_LANGUAGE):
            sheets, total = _sheets(job, user)
            progress_set(job, done=0, total=total)

            def on_row(done: int) -> None:
                progress_set(job, done=min(done, total), total=max(total, done))

            written = write_xlsx(Path(temporary), sheets, on_row=on_row)
        os.replace(temporary, export_file(job))
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return written


def _export(job: ExportJob) -> None:
    user = job.requested_by
    if user is None or not may_export(user, job.kind):
        raise PermissionDenied
    written = _write(job, user)
    job_finish(job, total=written, done=written)


def export_job_run(*, job_id: int) -> ExportJob | None:
    """Write a queued export's workbook; a refusal or an error ends the job failed.

    The job is claimed (queued → running) first, so a task delivered twice writes once.
    """
    job: ExportJob | None = job_claim(ExportJob, job_id)
    if job is None:
        return None
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            _export(job)
        except (PermissionDenied, Http404, ValidationError):
            job_fail(job, _("You may no longer see what this export was to hold, so it was "
                            "not made. Ask for it again from the list page."))
        except Exception:
            logger.exception("export job %s failed", job.public_id)
            job_fail(job, _("The export failed because of an error in the system. It has "
                            "been logged; try again later or tell the administrator."))
    return job
