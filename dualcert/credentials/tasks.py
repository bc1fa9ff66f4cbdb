"""Background tasks of the credentials stage: they take ids, load, and call one service."""

from django_tasks import task

from dualcert.credentials.printing.jobs import print_job_run


@task()
def print_project_certificates(job_id: int, language: str = "") -> str:
    """Print a queued batch print job into its PDF; returns the job's final status."""
    job = print_job_run(job_id=job_id, language=language)
    return job.status if job is not None else "skipped"
