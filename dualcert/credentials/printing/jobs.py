"""Batch printing of a project's certificates: request a print job, run it, keep its file."""

import logging
import os
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dualcert.core.audit import audit_record
from dualcert.core.jobs import job_claim, job_fail, job_finish
from dualcert.core.scoping import Role, scope_for
from dualcert.credentials.models import PrintJob
from dualcert.credentials.printing.documents import batch_pdf, sheets
from dualcert.credentials.printing.fonts import cjk_font
from dualcert.credentials.printing.selectors import project_certificates
from dualcert.training.models import TrainingProject

logger = logging.getLogger(__name__)
# Roles that print certificates; each sees only its own projects (the project's scoping).
PRINTING_ROLES = (Role.BUREAU, Role.COUNTY, Role.DEPARTMENT, Role.INSTITUTION)


def may_print_project(user: Any, project: TrainingProject) -> bool:
    """The bureau, the project's county, the permit's department or the project's institution.

    `project` was fetched through the project's scoping, so the role decides.
    """
    return scope_for(user).has(*PRINTING_ROLES)


def require_print_project(user: Any, project: TrainingProject) -> None:
    if not may_print_project(user, project):
        raise PermissionDenied(
            _("Only the bureau, the project's county, the permit's department or the "
              "training institution may print the project's certificates.")
        )


def print_file(job: PrintJob) -> Path:
    """Where a job's PDF is kept (outside the database)."""
    return Path(settings.PRINT_DIR) / f"{job.public_id}.pdf"


@transaction.atomic
def print_job_request(*, actor: Any, project: TrainingProject, language: str = "") -> PrintJob:
    """Queue a batch print of the project's certificates the actor may see (audited).

    The task is queued after commit, so a worker never looks for a job that is not there yet.
    """
    from dualcert.credentials.tasks import print_project_certificates

    require_print_project(actor, project)
    job = PrintJob.objects.create(project=project, requested_by=actor)
    audit_record(actor=actor, action="print_job.request", obj=job,
                 after={"project": str(project.public_id)})
    language = language or translation.get_language() or ""
    transaction.on_commit(lambda: print_project_certificates.enqueue(job_id=job.pk,
                                                                     language=language))
    return job


def _write(job: PrintJob, content: bytes) -> None:
    directory = Path(settings.PRINT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    # Written next to its final name and renamed, so a download never sees half a file.
    descriptor, temporary = tempfile.mkstemp(dir=directory, suffix=".part")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
        os.replace(temporary, print_file(job))
    except OSError:
        Path(temporary).unlink(missing_ok=True)
        raise


def _print(job: PrintJob) -> None:
    cjk_font()  # refuse before any work when there is no font
    pages = sheets(project_certificates(job.requested_by, job.project))
    if not pages:
        raise ValidationError(_("The project has no certificates you may print yet."),
                              code="nothing_to_print")
    count = sum(len(page) for page in pages)
    PrintJob.objects.filter(pk=job.pk).update(total=len(pages), certificates=count)

    def progress(done: int) -> None:
        PrintJob.objects.filter(pk=job.pk).update(done=done, updated_at=timezone.now())

    _write(job, batch_pdf(pages, title=f"{job.project.code} · {count}", on_page=progress))
    job.refresh_from_db(fields=["total", "done", "certificates"])
    job_finish(job)


def print_job_run(*, job_id: int, language: str = "") -> PrintJob | None:
    """Print a queued job's PDF; a refusal or an error ends the job failed, with its message.

    The job is claimed (queued → running) first, so a task delivered twice prints once.
    """
    job: PrintJob | None = job_claim(PrintJob, job_id, related=("project",))
    if job is None:
        return None
    with translation.override(language or settings.LANGUAGE_CODE):
        try:
            _print(job)
        except ValidationError as exc:
            job_fail(job, " ".join(exc.messages))
        except Exception:
            logger.exception("print job %s failed", job.public_id)
            job_fail(job, _("Printing failed because of an error in the system. It has been "
                         "logged; try again later or tell the administrator."))
    return job
