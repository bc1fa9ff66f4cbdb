"""`dualcert import`: the same import from the command line, with exit codes for scripts."""

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from python_calamine import CalamineWorkbook

from dualcert.imports.models import ImportBatch
from dualcert.imports.tests.test_engine import _file, _roster
from dualcert.people.models import Worker


def _run(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("import", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue(), err.getvalue()
    except CommandError as refused:
        return refused.returncode, out.getvalue(), str(refused)
    return 0, out.getvalue(), err.getvalue()


def test_a_clean_roster_imports_with_exit_zero_and_a_report(world: Any, tmp_path: Path) -> None:
    path = _file(tmp_path, _roster(world, 5))
    code, out, err = _run("workers", str(path), "--user", "county_a")
    assert code == 0
    assert "5 rows read: 5 created" in out
    assert "5 of 5 rows" in err
    assert Worker.objects.filter(region=world.county_a).count() == 5 + 1


def test_refused_rows_exit_one_list_the_reasons_and_write_the_error_sheet(
    world: Any, tmp_path: Path,
) -> None:
    path = _file(tmp_path, _roster(world, 5, bad=2))
    code, out, _err = _run("workers", str(path), "--user", "county_a", "--mode", "keep-good")
    assert code == 1
    assert "3 created" in out and "2 refused" in out
    assert "Row 3:" in out and "Row 4:" in out
    sheet_path = Path(str(path) + ".errors.xlsx")
    assert f"Error sheet: {sheet_path}" in out
    book = CalamineWorkbook.from_path(str(sheet_path))
    sheet: list[list[Any]] = book.get_sheet_by_index(0).to_python()
    assert [int(row[0]) for row in sheet[1:]] == [3, 4]


def test_all_or_nothing_with_refused_rows_says_nothing_was_written(
    world: Any, tmp_path: Path,
) -> None:
    before = Worker.objects.count()
    path = _file(tmp_path, _roster(world, 4, bad=1))
    code, out, _err = _run("workers", str(path), "--user", "county_a",
                           "--errors", str(tmp_path / "fix-me.xlsx"))
    assert code == 1
    assert "Nothing was written" in out
    assert (tmp_path / "fix-me.xlsx").is_file()
    assert Worker.objects.count() == before


def test_dry_run_reports_and_writes_nothing(world: Any, tmp_path: Path) -> None:
    before = Worker.objects.count()
    code, out, _err = _run("workers", str(_file(tmp_path, _roster(world, 3))), "--user",
                           "county_a", "--dry-run")
    assert code == 0 and "Trial run" in out
    assert Worker.objects.count() == before


def test_json_report_names_each_refused_row(world: Any, tmp_path: Path) -> None:
    path = _file(tmp_path, _roster(world, 3, bad=1))
    code, out, _err = _run("workers", str(path), "--user", "county_a", "--json",
                           "--mode", "keep-good")
    report = json.loads(out)
    assert code == 1
    assert (report["created"], report["refused"], report["written"]) == (2, 1, True)
    assert list(report["refusals"]) == ["3"]


def test_map_feeds_a_field_from_a_column_the_guess_did_not_know(
    world: Any, tmp_path: Path,
) -> None:
    rows = _roster(world, 3)
    rows[0][1] = "居民证件"  # not a header the import knows
    rows[0][0] = "姓名"
    path = _file(tmp_path, rows)
    code, _out, err = _run("workers", str(path), "--user", "county_a")
    assert code == 2 and "required" in err
    code, out, _err = _run("workers", str(path), "--user", "county_a",
                           "--map", "居民证件=id_number")
    assert code == 0, out
    assert "3 created" in out


@pytest.mark.parametrize(("args", "message"), [
    ((), "Say which account imports"),
    (("--user", "nobody"), "No active account"),
    (("--user", "employer_1"), "may not register"),
])
def test_the_whole_batch_is_refused_with_exit_two_and_a_reason(
    world: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...],
    message: str,
) -> None:
    monkeypatch.delenv("DUALCERT_USER", raising=False)
    path = _file(tmp_path, _roster(world, 2))
    with pytest.raises(CommandError, match=message) as refused:
        call_command("import", "workers", str(path), *args, stdout=StringIO(),
                     stderr=StringIO())
    assert refused.value.returncode == 2
    assert not ImportBatch.objects.exclude(status=ImportBatch.Status.PREPARED).exists()


def test_an_unknown_project_or_missing_file_is_refused_with_exit_two(
    world: Any, tmp_path: Path,
) -> None:
    path = _file(tmp_path, _roster(world, 2))
    with pytest.raises(CommandError, match="No project") as refused:
        call_command("import", "enrollments", str(path), "--user", "inst_1", "--project",
                     world.project_2.code, stdout=StringIO(), stderr=StringIO())
    assert refused.value.returncode == 2
    with pytest.raises(CommandError, match="No file"):
        call_command("import", "workers", str(tmp_path / "missing.xlsx"), "--user",
                     "county_a", stdout=StringIO(), stderr=StringIO())
