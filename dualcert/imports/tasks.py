"""Background tasks of imports: they take ids, load, and call one service."""

from django_tasks import task

from dualcert.imports.services import import_batch_run


@task()
def run_import_batch(batch_id: int) -> str:
    """Run a queued import batch; returns its final status."""
    batch = import_batch_run(batch_id=batch_id)
    return batch.status if batch is not None else "skipped"
