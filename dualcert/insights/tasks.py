"""Background tasks of the insights stage: they take ids, load, and call one service."""

from django_tasks import task

from dualcert.insights.exports.jobs import export_job_run


@task()
def run_export(job_id: int) -> str:
    """Write a queued export's workbook; returns the job's final status."""
    job = export_job_run(job_id=job_id)
    return job.status if job is not None else "skipped"
