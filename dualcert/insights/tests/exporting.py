"""Helpers of the export tests: ask for an export as a page does, and read the file back."""

from pathlib import Path
from typing import Any

from django.urls import reverse
from python_calamine import CalamineWorkbook

from dualcert.insights.exports.jobs import export_file
from dualcert.insights.models import ExportJob

TITLE_ROWS = 1  # the title line above the header


def start(client: Any, kind: str, capture: Any, **filters: Any) -> Any:
    """POST the list page's "Export to Excel" button; the task runs at commit."""
    with capture(execute=True):
        return client.post(reverse("insights:export_start", kwargs={"kind": kind}), filters)


def latest_job() -> ExportJob:
    return ExportJob.objects.order_by("-id").first()  # type: ignore[return-value]


def sheet_rows(path: Path, name: str | None = None) -> list[list[Any]]:
    book = CalamineWorkbook.from_path(str(path))
    sheet = book.get_sheet_by_name(name) if name else book.get_sheet_by_index(0)
    return sheet.to_python()


def exported(client: Any, kind: str, capture: Any, **filters: Any) -> tuple[ExportJob, list[Any]]:
    """Export and return the job and its first sheet: [title row, header row, *data rows]."""
    response = start(client, kind, capture, **filters)
    assert response.status_code == 302, response.status_code
    job = latest_job()
    assert job.status == "done", job.error
    return job, sheet_rows(export_file(job))


def table(rows: list[Any]) -> list[dict[str, Any]]:
    """The data rows as dicts by header."""
    header = rows[TITLE_ROWS]
    return [dict(zip(header, row, strict=True)) for row in rows[TITLE_ROWS + 1:]]


def job_url(name: str, job: ExportJob) -> str:
    return reverse(f"insights:{name}", kwargs={"public_id": job.public_id})
