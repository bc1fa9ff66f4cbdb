"""The JSON API of imports and exports: the same services as the pages, the same refusals."""

from pathlib import Path
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from dualcert.imports.models import ImportBatch
from dualcert.imports.tests.page_helpers import roster
from dualcert.people.models import Worker

BATCHES = "/api/imports/batches"
EXPORTS = "/api/insights/exports"


def _upload(client: Any, path: Path, *, kind: str = "workers") -> Any:
    with path.open("rb") as handle:
        return client.post(BATCHES, {"kind": kind, "file": handle})


def test_upload_returns_the_prepared_batch_with_its_guessed_mapping_and_fields(
    world: Any, tmp_path: Path, client_for: Any,
) -> None:
    path, rows = roster(tmp_path, 3)
    response = _upload(client_for(world.users["county_a"]), path)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["kind"], body["header_row"]) == ("prepared", "workers", 2)
    assert body["headers"][:2] == ["姓名", "身份证号码"]
    assert body["mapping"]["1"] == "id_number"
    required = {f["key"] for f in body["fields"] if f["required"]}
    assert required == {"name", "id_number"}


def test_start_with_the_guessed_mapping_imports_and_the_batch_reports_it(
    world: Any, tmp_path: Path, client_for: Any, django_capture_on_commit_callbacks: Any,
) -> None:
    client = client_for(world.users["county_a"])
    path, _rows = roster(tmp_path, 4)
    public_id = _upload(client, path).json()["public_id"]
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(f"{BATCHES}/{public_id}/start", {"mode": "keep-good"},
                              content_type="application/json")
    assert started.status_code == 202, started.content
    body = client.get(f"{BATCHES}/{public_id}").json()
    assert (body["status"], body["created"], body["refused"], body["written"]) == (
        "done", 4, 0, True)
    assert body["error_sheet_url"] is None
    assert Worker.objects.filter(region=world.county_a).count() == 4 + 1


def test_refused_rows_are_listed_with_their_reasons_and_the_error_sheet_address(
    world: Any, tmp_path: Path, client_for: Any, django_capture_on_commit_callbacks: Any,
) -> None:
    client = client_for(world.users["county_a"])
    path, _rows = roster(tmp_path, 3, bad=True)
    public_id = _upload(client, path).json()["public_id"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{BATCHES}/{public_id}/start", {"mode": "keep-good"},
                    content_type="application/json")
    body = client.get(f"{BATCHES}/{public_id}").json()
    assert (body["created"], body["refused"]) == (3, 2)
    errors = client.get(f"{BATCHES}/{public_id}/errors").json()["items"]
    assert [e["row"] for e in errors] == [4, 6]
    assert "check digit" in errors[0]["reasons"][0]
    assert "turned into a number by Excel" in errors[1]["reasons"][0]
    sheet = client.get(body["error_sheet_url"])
    assert sheet.status_code == 200
    (tmp_path / "errors.xlsx").write_bytes(b"".join(sheet.streaming_content))
    rows: list[list[Any]] = CalamineWorkbook.from_path(
        str(tmp_path / "errors.xlsx")).get_sheet_by_index(0).to_python()
    assert [int(r[0]) for r in rows[1:]] == [4, 6]


def test_start_with_a_required_field_unmapped_is_refused_and_nothing_starts(
    world: Any, tmp_path: Path, client_for: Any,
) -> None:
    client = client_for(world.users["county_a"])
    path, _rows = roster(tmp_path, 2)
    body = _upload(client, path).json()
    mapping = {c: k for c, k in body["mapping"].items() if k != "id_number"}
    refused = client.post(f"{BATCHES}/{body['public_id']}/start", {"mapping": mapping},
                          content_type="application/json")
    assert refused.status_code == 400
    assert "required" in refused.json()["detail"][0]
    assert ImportBatch.objects.get().status == "prepared"


@pytest.mark.parametrize(("persona", "kind", "status"), [
    ("employer_1", "workers", 403),
    ("county_a", "nonsense", 400),
    ("county_a", "enrollments", 400),  # no project chosen
])
def test_an_upload_the_role_or_the_kind_does_not_allow_is_refused(
    world: Any, tmp_path: Path, client_for: Any, persona: str, kind: str, status: int,
) -> None:
    path, _rows = roster(tmp_path, 2)
    response = _upload(client_for(world.users[persona]), path, kind=kind)
    assert response.status_code == status
    assert response.json()["detail"]
    assert not ImportBatch.objects.exists()


def test_another_users_batch_is_404_and_the_list_holds_only_ones_own(
    world: Any, tmp_path: Path, client_for: Any, client: Any,
    django_assert_max_num_queries: Any,
) -> None:
    path, _rows = roster(tmp_path, 2)
    public_id = _upload(client_for(world.users["county_a"]), path).json()["public_id"]
    _upload(client_for(world.users["county_a"]), path)
    other = client_for(world.users["county_b"])
    assert other.get(f"{BATCHES}/{public_id}").status_code == 404
    assert other.get(f"{BATCHES}/{public_id}/errors").status_code == 404
    assert other.get(BATCHES).json()["count"] == 0
    owner = client_for(world.users["county_a"])
    with django_assert_max_num_queries(6):
        assert owner.get(BATCHES).json()["count"] == 2


def test_an_export_is_requested_made_and_downloaded_through_the_api(
    world: Any, tmp_path: Path, client_for: Any, django_capture_on_commit_callbacks: Any,
) -> None:
    client = client_for(world.users["county_a"])
    with django_capture_on_commit_callbacks(execute=True):
        requested = client.post(EXPORTS, {"kind": "workers", "filters": {}},
                                content_type="application/json")
    assert requested.status_code == 202, requested.content
    body = client.get(f"{EXPORTS}/{requested.json()['public_id']}").json()
    assert (body["status"], body["kind"]) == ("done", "workers")
    download = client.get(body["download_url"])
    (tmp_path / "workers.xlsx").write_bytes(b"".join(download.streaming_content))
    rows: list[list[Any]] = CalamineWorkbook.from_path(
        str(tmp_path / "workers.xlsx")).get_sheet_by_index(0).to_python()
    assert world.worker_1.name in [row[0] for row in rows]
    assert world.worker_2.name not in [row[0] for row in rows]
    assert client_for(world.users["county_b"]).get(
        f"{EXPORTS}/{body['public_id']}").status_code == 404


@pytest.mark.parametrize(("persona", "kind", "status"), [
    ("worker_1", "workers", 403),
    ("county_a", "nonsense", 404),
])
def test_an_export_the_role_may_not_have_is_refused(
    world: Any, client_for: Any, persona: str, kind: str, status: int,
) -> None:
    response = client_for(world.users[persona]).post(
        EXPORTS, {"kind": kind, "filters": {}}, content_type="application/json")
    assert response.status_code == status
