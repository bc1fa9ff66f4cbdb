"""Files and requests the imports page tests share: rosters, uploads, mappings, runs."""

import re
from datetime import datetime
from pathlib import Path
from typing import Any

from django.test import Client
from django.urls import reverse

from dualcert.imports.models import ImportBatch, ImportRowError
from tests.page_reading import body, errors
from tests.sheets import roster_rows, write_xlsx_openpyxl, wrong_check_digit

INDEX = reverse("imports:index")
# Not one of the ID number's synonyms, so the guesser leaves it for the officer to map.
ODD_ID_HEADER = "居民证件编号"
ID_COLUMN = 1  # roster_rows puts the ID number second
PHONE_COLUMN = 3


def roster(tmp_path: Path, n: int = 5, *, seed: int = 1, id_header: str | None = None,
           title: bool = True, bad: bool = False, name: str = "roster.xlsx") -> tuple[Path, list]:
    """A county A roster of `n` good rows; `bad` adds a wrong check digit and an ID that
    Excel turned into a number (rows 2 and 4 of the data)."""
    rows = roster_rows(n, seed=seed, counties=["昌吉市"])
    if id_header:
        rows[0][ID_COLUMN] = id_header
    if bad:
        rows.insert(2, list(rows[1]))
        rows[2][ID_COLUMN] = wrong_check_digit(roster_rows(n + 1, seed=seed + 100,
                                                           counties=["昌吉市"])[-1][ID_COLUMN])
        rows.insert(4, list(rows[3]))
        mangled = roster_rows(n + 2, seed=seed + 200, counties=["昌吉市"])[-1][ID_COLUMN]
        rows[4][ID_COLUMN] = float(mangled.replace("X", "0"))
    if title:
        rows.insert(0, ["2026年昌吉市劳动力培训花名册"])
    return write_xlsx_openpyxl(tmp_path / name, rows), rows


def upload(client: Client, path: Path, *, kind: str = "workers", project: Any = None) -> Any:
    data: dict[str, Any] = {"kind": kind}
    if project is not None:
        data["project"] = str(project.public_id)
    with path.open("rb") as handle:
        data["file"] = handle
        return client.post(INDEX, data)


def latest() -> ImportBatch:
    return ImportBatch.objects.order_by("-id").first()  # type: ignore[return-value]


def batch_url(batch: ImportBatch) -> str:
    return reverse("imports:batch", args=[batch.public_id])


def mapping_data(batch: ImportBatch, *, action: str = "save", mode: str = "all-or-nothing",
                 dry_run: bool = False, **columns: str) -> dict[str, Any]:
    data: dict[str, Any] = {f"col_{c}": key for c, key in batch.mapping.items()}
    data.update(columns)
    data.update(action=action, mode=mode)
    if dry_run:
        data["dry_run"] = "on"
    return data


def run(client: Client, batch: ImportBatch, capture: Any, **kwargs: Any) -> Any:
    """Press “Import” and, once the task has run after the commit, open the report."""
    with capture(execute=True):
        response = client.post(batch_url(batch), mapping_data(batch, action="import", **kwargs))
    assert response.status_code == 302, errors(response)
    return client.get(response["Location"])


def figures(response: Any) -> dict[str, int]:
    return {name: int(value) for name, value in re.findall(
        r'data-figure="(\w+)"><b>(\d+)</b>', body(response))}


def nothing_kept(tmp_path: Path) -> bool:
    folder = tmp_path / "imports"
    return not ImportBatch.objects.exists() and (
        not folder.exists() or not any(folder.iterdir()))



def done_batch(user: Any, *, refused: int = 0, project: Any = None) -> ImportBatch:
    batch = ImportBatch.objects.create(
        requested_by=user, kind="enrollments" if project else "workers", project=project,
        file_name="roster.xlsx", file_format="xlsx", headers=["姓名", "身份证号码"],
        mapping={"0": "name", "1": "id_number"}, status="done", rows_read=refused + 3,
        created=3, refused=refused, finished_at=datetime.now().astimezone(),
    )
    ImportRowError.objects.bulk_create(
        ImportRowError(batch=batch, row_number=n + 3, reasons=["The ID number is empty."])
        for n in range(refused))
    return batch

