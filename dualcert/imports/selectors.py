"""Every scoped read of the imports pages: batches, their refused rows, the preview, the kinds."""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import islice
from typing import Any
from uuid import UUID

from django.db.models import QuerySet

from dualcert.core.scoping import get_for, scope_for
from dualcert.imports import cells
from dualcert.imports.fields import FieldSpec
from dualcert.imports.headers import data_rows
from dualcert.imports.kinds import Kind, all_kinds, kind_for
from dualcert.imports.models import ImportBatch, ImportRowError
from dualcert.imports.reading import open_rows
from dualcert.imports.services import PREVIEW_ROWS, stored_file
from dualcert.people import idnumber
from dualcert.training.models import TrainingProject
from dualcert.training.selectors import project_visible_to

RECENT_BATCHES = 20
# Projects an import can feed: enrolling (enrollments), training (attendance), assessing
# (scores). The kinds' own checks decide which kind fits which of them.
IMPORTABLE_STATES = (
    TrainingProject.Status.ENROLLING, TrainingProject.Status.TRAINING,
    TrainingProject.Status.ASSESSING,
)
# Cells that look like an ID number or a mobile number are masked in the preview even when
# their column is not (yet) mapped to one: the officer may not have mapped it yet.
_ID_LIKE = re.compile(r"^\d{15}$|^\d{17}[\dX]$")
_PHONE_LIKE = re.compile(r"^1\d{10}$")
_SHOWN_CHARS = 40


def import_batches_visible_to(user: Any) -> QuerySet[ImportBatch]:
    """The user's own imports (every import for the bureau), newest first."""
    return ImportBatch.objects.visible_to(user).select_related(
        "project", "requested_by").order_by("-created_at", "-id")


def import_batch_get_for(user: Any, public_id: UUID | str) -> ImportBatch:
    """One import batch: 404 unless it is the user's own (or the user is the bureau)."""
    return get_for(ImportBatch.objects.select_related("project", "requested_by"), user,
                   public_id)


def import_row_errors(batch: ImportBatch) -> QuerySet[ImportRowError]:
    """The refused rows of a batch the caller has already fetched through a selector."""
    return ImportRowError.objects.filter(batch=batch).order_by("row_number")


def import_projects_for(user: Any) -> QuerySet[TrainingProject]:
    """Visible projects that an import may feed (the upload form's project choices)."""
    return project_visible_to(user).filter(status__in=IMPORTABLE_STATES).order_by(
        "-start_date", "code")


def import_kinds_for(user: Any, projects: Iterable[TrainingProject]) -> list[Kind]:
    """The kinds the upload page offers the user: by role and, for a kind that needs a
    project, by the state of one of `projects` — no query, no lock; the upload's own check
    decides and refuses with the reason."""
    scope = scope_for(user)
    projects = list(projects)
    return [
        kind for kind in all_kinds().values()
        if any(kind.offered(scope, project)
               for project in (projects if kind.needs_project else [None]))
    ]


@dataclass(frozen=True)
class PreviewRow:
    number: int
    cells: list[str]


def _masked_phone(text: str) -> str:
    return "*" * max(len(text) - 4, 0) + text[-4:]


def _shown(value: Any, parse: str) -> str:
    if isinstance(value, float) and abs(value) >= 10 ** cells.EXCEL_DIGITS:
        return f"{value:.5E}"  # as Excel shows a mangled ID: the region digits only
    text = cells.text(value)
    compact = idnumber.normalise(text)
    if parse == "id" or _ID_LIKE.match(compact):
        return idnumber.mask(compact)
    if parse == "phone" or _PHONE_LIKE.match(compact):
        return _masked_phone(compact)
    return text if len(text) <= _SHOWN_CHARS else text[:_SHOWN_CHARS - 1] + "…"


def _parse_of(kind: Kind, mapping: Mapping[str, str]) -> dict[int, str]:
    specs: dict[str, FieldSpec] = {spec.key: spec for spec in kind.fields}
    return {int(column): specs[key].parse for column, key in mapping.items() if key in specs}


def import_preview(batch: ImportBatch, mapping: Mapping[str, str]) -> list[PreviewRow] | None:
    """The first data rows of the batch's file as the preview shows them, one cell per header;
    None when the file has been cleared away (uploads are kept IMPORT_KEEP_DAYS days).

    ID numbers and phone numbers are masked (by the column's field, and by their look in
    columns not mapped yet).
    """
    path = stored_file(batch)
    if not path.is_file():
        return None
    parse = _parse_of(kind_for(batch.kind), mapping)
    width = len(batch.headers)
    rows = data_rows(open_rows(path, batch.file_format), batch.header_row)
    preview = []
    for row in islice(rows, PREVIEW_ROWS):
        values = list(row.cells[:width]) + [None] * (width - len(row.cells))
        preview.append(PreviewRow(number=row.number, cells=[
            _shown(value, parse.get(index, "text")) for index, value in enumerate(values)]))
    close = getattr(rows, "close", None)
    if close is not None:
        close()  # let the reader release the file now, not when garbage is collected
    return preview
