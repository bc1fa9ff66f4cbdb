"""Background jobs (imports, exports): claim, finish or fail one, and report its progress.

Progress goes to the cache so that another process (the page server) can read it while the
job's own transaction is still open; the job row gets the final figures when it ends.
"""

import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.utils import timezone

from dualcert.core.models import Job
from dualcert.core.workflow import transition

PROGRESS_CACHE = "progress"
PROGRESS_SECONDS = 24 * 3600
# A running job reports progress every few seconds; one silent this long has lost its process
# (killed, machine restarted). Its transaction was rolled back with it.
STALL_AFTER = timedelta(minutes=10)


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    at: float | None = None  # when the job last said how far it had got (epoch seconds)

    @property
    def percent(self) -> int:
        if not self.total:
            return 0
        return min(100, self.done * 100 // self.total)


def _key(job: Job) -> str:
    return f"job-progress:{job._meta.label_lower}:{job.public_id}"


def progress_set(job: Job, *, done: int, total: int) -> None:
    """Say how far a running job has got (readable at once from any process)."""
    caches[PROGRESS_CACHE].set(_key(job), (done, total, time.time()), PROGRESS_SECONDS)


def progress_of(job: Job) -> Progress:
    """How far the job has got: the row's figures once it has ended, else the cache's."""
    if job.status in (Job.Status.DONE, Job.Status.FAILED):
        return Progress(done=job.done, total=job.total)
    done, total, at = caches[PROGRESS_CACHE].get(_key(job), (job.done, job.total, None))
    return Progress(done=done, total=total, at=at)


def job_stalled(job: Job) -> bool:
    """A running job that has shown no sign of life for STALL_AFTER: its process is gone."""
    if job.status != Job.Status.RUNNING:
        return False
    last = progress_of(job).at or job.updated_at.timestamp()
    return time.time() - last > STALL_AFTER.total_seconds()


def forget_old_files(directory: Path, *, days: int) -> None:
    """Delete the files in `directory` older than `days` days: uploads, error sheets and
    exports hold personal data. Called at each new request for one, so no scheduler is needed."""
    if not directory.is_dir():
        return
    cutoff = time.time() - timedelta(days=days).total_seconds()
    for path in directory.iterdir():
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


# The functions below take a Job, or a model with the same fields and states (PrintJob).
def job_claim(model: type[Any], job_id: int, *, related: tuple[str, ...] = ()) -> Any:
    """Move a queued job to running, or None when it is gone or another worker has it.

    `related` names the relations the job's run reads, fetched with it."""
    job = model._default_manager.select_related("requested_by__membership", *related) \
        .filter(pk=job_id, status=Job.Status.QUEUED).first()
    if job is None:
        return None
    try:
        transition(job, to=Job.Status.RUNNING, actor=job.requested_by,
                   allowed=model.TRANSITIONS)
    except ValidationError:
        return None  # another worker claimed it first
    return job


def job_finish(job: Any, **figures: Any) -> None:
    """The job ended well: keep its final figures on the row."""
    transition(job, to=Job.Status.DONE, actor=job.requested_by, allowed=type(job).TRANSITIONS,
               extra={"finished_at": timezone.now(), **figures})


def job_fail(job: Any, message: str, **figures: Any) -> None:
    """The job ended without its result; `message` tells the user what happened."""
    transition(job, to=Job.Status.FAILED, actor=job.requested_by,
               allowed=type(job).TRANSITIONS, reason=message[:500],
               extra={"error": message, "finished_at": timezone.now(), **figures})
