"""The import engine: one transaction per batch, all-or-nothing or keep-good, exact reports."""

import logging
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from python_calamine import CalamineWorkbook

from dualcert.core.jobs import progress_of
from dualcert.core.models import AuditEntry
from dualcert.imports import services
from dualcert.imports.kinds.workers import WORKERS
from dualcert.imports.models import ImportBatch, ImportRowError
from dualcert.people.models import Worker
from tests.sheets import roster_rows, write_xlsx_openpyxl, wrong_check_digit


def _roster(world: Any, n: int = 6, *, bad: int = 0, seed: int = 7) -> list[list[Any]]:
    """A header and n workers of county A; the first `bad` have a wrong check digit."""
    rows = roster_rows(n, seed=seed, counties=[world.county_a.name])
    for row in rows[1:bad + 1]:
        row[1] = wrong_check_digit(row[1])
    return rows


def _file(tmp_path: Path, rows: list[list[Any]], name: str = "roster.xlsx") -> Path:
    return write_xlsx_openpyxl(tmp_path / name, [["2026年花名册"], *rows], text_columns=[1, 3],
                               merged=["A1:F1"])


def _import(actor: Any, path: Path, *, mode: str = "all-or-nothing", dry_run: bool = False,
            kind: str = "workers", project: Any = None) -> ImportBatch:
    with path.open("rb") as handle:
        batch = services.import_batch_upload(actor=actor, kind=kind, upload=handle,
                                             file_name=path.name, project=project)
    services.import_batch_configure(actor=actor, batch=batch, mapping=batch.mapping, mode=mode,
                                    dry_run=dry_run)
    services.import_batch_run_here(actor=actor, batch=batch)
    batch.refresh_from_db()
    return batch


def test_upload_guesses_the_header_below_a_merged_title_and_maps_every_column(
    world: Any, tmp_path: Path,
) -> None:
    path = _file(tmp_path, _roster(world))
    with path.open("rb") as handle:
        batch = services.import_batch_upload(actor=world.users["county_a"], kind="workers",
                                             upload=handle, file_name="花名册.xlsx")
    assert batch.status == ImportBatch.Status.PREPARED
    assert batch.header_row == 2
    assert set(batch.mapping.values()) == {spec.key for spec in WORKERS.fields}
    assert services.stored_file(batch).is_file()
    assert batch.public_id.hex not in batch.file_name


def test_all_or_nothing_with_a_refused_row_writes_nothing_and_reports_every_row(
    world: Any, tmp_path: Path,
) -> None:
    before = Worker.objects.count(), AuditEntry.objects.filter(action="worker.register").count()
    batch = _import(world.users["county_a"], _file(tmp_path, _roster(world, 6, bad=2)))
    assert batch.status == ImportBatch.Status.DONE
    assert (batch.rows_read, batch.created, batch.refused, batch.written) == (6, 4, 2, False)
    assert (Worker.objects.count(),
            AuditEntry.objects.filter(action="worker.register").count()) == before
    refused = list(ImportRowError.objects.filter(batch=batch))
    assert [row.row_number for row in refused] == [3, 4]
    assert all("check digit" in " ".join(row.reasons) for row in refused)


def test_keep_good_writes_exactly_the_rows_the_report_calls_created(
    world: Any, tmp_path: Path,
) -> None:
    before = Worker.objects.count()
    batch = _import(world.users["county_a"], _file(tmp_path, _roster(world, 6, bad=2)),
                    mode="keep-good")
    assert (batch.created, batch.refused, batch.written) == (4, 2, True)
    assert Worker.objects.count() == before + 4


def test_dry_run_checks_every_row_and_writes_nothing(world: Any, tmp_path: Path) -> None:
    before = Worker.objects.count()
    batch = _import(world.users["county_a"], _file(tmp_path, _roster(world, 5)), dry_run=True)
    assert (batch.rows_read, batch.created, batch.written) == (5, 5, False)
    assert Worker.objects.count() == before


def test_reimporting_the_same_file_changes_nothing(world: Any, tmp_path: Path) -> None:
    path = _file(tmp_path, _roster(world, 8))
    first = _import(world.users["county_a"], path)
    audit = AuditEntry.objects.count() - AuditEntry.objects.filter(action__startswith="import.") \
        .count()
    again = _import(world.users["county_a"], path)
    assert (first.created, again.created, again.updated, again.unchanged) == (8, 0, 0, 8)
    assert AuditEntry.objects.exclude(action__startswith="import.").count() == audit


def test_error_sheet_holds_the_refused_rows_as_uploaded_with_their_numbers_and_reasons(
    world: Any, tmp_path: Path,
) -> None:
    rows = _roster(world, 5, bad=1)
    batch = _import(world.users["county_a"], _file(tmp_path, rows), mode="keep-good")
    sheet: list[list[Any]] = CalamineWorkbook.from_path(str(services.error_sheet_file(batch))) \
        .get_sheet_by_index(0).to_python()
    assert sheet[0][0] == "原行号" and sheet[0][-1] == "错误原因"
    assert sheet[0][1:-1] == rows[0]
    assert len(sheet) == 2
    assert int(sheet[1][0]) == 3 and sheet[1][2] == rows[1][1]
    assert "check digit" in sheet[1][-1]


def test_a_failure_mid_way_rolls_the_whole_batch_back_and_logs_no_personal_data(
    world: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: Any,
) -> None:
    rows = _roster(world, 30)
    calls = {"n": 0}
    process = type(WORKERS).process

    def failing(self: Any, context: Any, chunk: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError(f"disk full while writing {chunk[0].values['name']}")
        return process(self, context, chunk)

    monkeypatch.setattr(type(WORKERS), "chunk_size", 10)
    monkeypatch.setattr(type(WORKERS), "process", failing)
    before = Worker.objects.count()
    with caplog.at_level(logging.ERROR):
        batch = _import(world.users["county_a"], _file(tmp_path, rows), mode="keep-good")
    assert batch.status == ImportBatch.Status.FAILED
    assert "nothing was written" in batch.error
    assert Worker.objects.count() == before
    logged = caplog.text
    assert "RuntimeError" in logged
    assert all(row[0] not in logged and row[1] not in logged for row in rows[1:])


def test_progress_is_reported_chunk_by_chunk_and_the_batch_keeps_the_final_figures(
    world: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(type(WORKERS), "chunk_size", 4)
    seen: list[tuple[int, int]] = []
    path = _file(tmp_path, _roster(world, 10))
    with path.open("rb") as handle:
        batch = services.import_batch_upload(actor=world.users["county_a"], kind="workers",
                                             upload=handle, file_name=path.name)
    services.import_batch_run_here(actor=world.users["county_a"], batch=batch,
                                   on_progress=lambda done, total: seen.append((done, total)))
    assert [done for done, _total in seen] == [4, 8, 10]
    assert all(total == 10 for _done, total in seen)
    assert progress_of(batch) == progress_of(batch).__class__(done=10, total=10)


def test_a_role_that_may_not_register_workers_is_refused_before_the_file_is_kept(
    world: Any, tmp_path: Path,
) -> None:
    path = _file(tmp_path, _roster(world, 2))
    with path.open("rb") as handle, pytest.raises(PermissionDenied):
        services.import_batch_upload(actor=world.users["employer_1"], kind="workers",
                                     upload=handle, file_name=path.name)
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize(("change", "message"), [
    ({"0": "nonsense"}, "Unknown field"),
    ({"0": "name", "1": "name"}, "more than once"),
    ({"1": ""}, "required"),
])
def test_a_mapping_with_an_unknown_doubled_or_missing_required_field_is_refused(
    world: Any, tmp_path: Path, change: dict[str, str], message: str,
) -> None:
    path = _file(tmp_path, _roster(world, 2))
    with path.open("rb") as handle:
        batch = services.import_batch_upload(actor=world.users["county_a"], kind="workers",
                                             upload=handle, file_name=path.name)
    mapping = {**batch.mapping, **change}
    with pytest.raises(ValidationError, match=message):
        services.import_batch_configure(actor=world.users["county_a"], batch=batch,
                                        mapping=mapping, mode="keep-good", dry_run=False)


def test_only_the_uploader_may_start_a_batch_and_only_once(world: Any, tmp_path: Path) -> None:
    path = _file(tmp_path, _roster(world, 2))
    with path.open("rb") as handle:
        batch = services.import_batch_upload(actor=world.users["county_a"], kind="workers",
                                             upload=handle, file_name=path.name)
    with pytest.raises(PermissionDenied):
        services.import_batch_start(actor=world.users["bureau"], batch=batch)
    services.import_batch_run_here(actor=world.users["county_a"], batch=batch)
    with pytest.raises(ValidationError, match="already started"):
        services.import_batch_start(actor=world.users["county_a"], batch=batch)


def test_a_file_without_any_recognised_header_is_refused_and_not_kept(
    world: Any, tmp_path: Path, settings: Any,
) -> None:
    path = write_xlsx_openpyxl(tmp_path / "x.xlsx", [["a", "b"], [1, 2]])
    with path.open("rb") as handle, pytest.raises(ValidationError):
        services.import_batch_upload(actor=world.users["county_a"], kind="workers",
                                     upload=handle, file_name=path.name)
    assert not ImportBatch.objects.exists()
    assert not any(Path(settings.IMPORT_DIR).glob("*"))
