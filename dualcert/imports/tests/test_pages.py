"""The imports pages: upload, preview and mapping, report and error sheet, refusals."""

import re

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from dualcert.imports.models import ImportBatch
from dualcert.imports.services import stored_file
from dualcert.imports.tests.page_helpers import (
    ID_COLUMN,
    ODD_ID_HEADER,
    PHONE_COLUMN,
    batch_url,
    done_batch,
    figures,
    latest,
    mapping_data,
    nothing_kept,
    roster,
    run,
    upload,
)
from dualcert.people import idnumber
from dualcert.people.models import Worker
from dualcert.training.models import TrainingProject
from tests.factories import TrainingProjectFactory
from tests.page_reading import body, chosen, errors, flash
from tests.sheets import roster_rows, write_csv, write_xlsx_openpyxl


def test_upload_shows_the_guessed_mapping_and_masked_ids(world, client_for, tmp_path):
    path, rows = roster(tmp_path)
    client = client_for(world.users["county_a"])
    response = upload(client, path)
    batch = latest()
    assert response.status_code == 302 and response.url == batch_url(batch)
    assert batch.status == "prepared" and batch.header_row == 2  # the title row is skipped
    page = client.get(batch_url(batch))
    assert chosen(page, f"col_{ID_COLUMN}") == ["id_number"]
    assert chosen(page, "col_0") == ["name"]
    assert chosen(page, "mode") == ["all-or-nothing"]
    text = body(page)
    for row in rows[2:]:
        number = row[ID_COLUMN]
        assert number not in text and idnumber.mask(number) in text
        assert row[PHONE_COLUMN] not in text and "*******" + row[PHONE_COLUMN][-4:] in text
        assert row[0] in text
    assert 'id="missing"' not in text
    assert not Worker.objects.filter(region=world.county_a).exclude(pk=world.worker_1.pk).exists()


def test_cells_that_look_like_ids_are_masked_before_their_column_is_mapped(
        world, client_for, tmp_path):
    path, rows = roster(tmp_path, id_header=ODD_ID_HEADER)
    client = client_for(world.users["county_a"])
    upload(client, path)
    page = client.get(batch_url(latest()))
    assert chosen(page, f"col_{ID_COLUMN}") == [""]
    text = body(page)
    assert all(row[ID_COLUMN] not in text for row in rows[2:])
    assert idnumber.mask(rows[2][ID_COLUMN]) in text


def test_an_unrecognised_id_header_mapped_by_hand_imports(world, client_for, tmp_path,
                                                          django_capture_on_commit_callbacks):
    path, rows = roster(tmp_path, id_header=ODD_ID_HEADER)
    client = client_for(world.users["county_a"])
    upload(client, path)
    batch = latest()
    preview = client.get(batch_url(batch))
    assert "ID number" in re.search(r'id="missing">(.*?)</p>', body(preview), re.S).group(1)

    saved = client.post(batch_url(batch), mapping_data(batch, **{f"col_{ID_COLUMN}": "id_number"}))
    assert saved.status_code == 302
    batch.refresh_from_db()
    assert batch.mapping[str(ID_COLUMN)] == "id_number" and batch.status == "prepared"
    again = client.get(saved.url)
    assert ("success", "The mapping is saved. Check the rows below, then import.") in flash(again)
    assert chosen(again, f"col_{ID_COLUMN}") == ["id_number"]
    assert f"{ODD_ID_HEADER}<br><small class=\"feeds\">→ ID number</small>" in body(again)
    assert 'id="missing"' not in body(again)

    report = run(client, batch, django_capture_on_commit_callbacks)
    assert figures(report) == {"rows_read": 5, "created": 5, "updated": 0, "unchanged": 0,
                               "duplicates": 0, "refused": 0}
    assert "The import is written: every row is in the database." in body(report)
    hashes = {idnumber.lookup_hash(row[ID_COLUMN]) for row in rows[2:]}
    assert Worker.objects.filter(id_number_hash__in=hashes).count() == 5


def test_import_refused_while_a_required_field_is_unmapped(world, client_for, tmp_path):
    path, _rows = roster(tmp_path, id_header=ODD_ID_HEADER)
    client = client_for(world.users["county_a"])
    upload(client, path)
    batch = latest()
    response = client.post(batch_url(batch), mapping_data(batch, action="import"))
    assert response.status_code == 400
    assert errors(response) == ["These columns are required: ID number. Choose the column "
                                "that holds each."]
    batch.refresh_from_db()
    assert batch.status == "prepared" and str(ID_COLUMN) not in batch.mapping


def test_a_field_chosen_for_two_columns_is_refused(world, client_for, tmp_path):
    path, _rows = roster(tmp_path)
    client = client_for(world.users["county_a"])
    upload(client, path)
    batch = latest()
    before = dict(batch.mapping)
    response = client.post(batch_url(batch), mapping_data(batch, col_6="name"))
    assert response.status_code == 400
    assert errors(response) == ["Each field can come from one column only: Name is chosen "
                                "more than once."]
    # The page keeps what the officer chose, to correct it.
    assert chosen(response, "col_6") == ["name"]
    batch.refresh_from_db()
    assert batch.mapping == before


def test_an_unknown_field_in_the_post_is_refused_by_the_form(world, client_for, tmp_path):
    path, _rows = roster(tmp_path)
    client = client_for(world.users["county_a"])
    upload(client, path)
    batch = latest()
    response = client.post(batch_url(batch), mapping_data(batch, col_6="salary"))
    assert response.status_code == 400
    assert any("Select a valid choice" in e for e in errors(response))


def test_keep_good_rows_report_lists_refusals_and_the_error_sheet(
        world, client_for, tmp_path, django_capture_on_commit_callbacks):
    path, rows = roster(tmp_path, bad=True)
    client = client_for(world.users["county_a"])
    upload(client, path)
    batch = latest()
    report = run(client, batch, django_capture_on_commit_callbacks, mode="keep-good")
    assert figures(report) == {"rows_read": 7, "created": 5, "updated": 0, "unchanged": 0,
                               "duplicates": 0, "refused": 2}
    text = body(report)
    assert "The good rows are written; the refused rows are not." in text
    listed = re.findall(r'<tr><td class="num">(\d+)</td>', text)
    assert listed == ["4", "6"]  # the spreadsheet's own row numbers (title, header, data)
    assert "check digit is wrong" in text and "Format the column as text" in text

    response = client.get(reverse("imports:batch_errors", args=[batch.public_id]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert re.fullmatch(r'attachment; filename="errors-workers-\d{8}-\d{4}\.xlsx"',
                        response["Content-Disposition"])
    sheet_path = tmp_path / "errors.xlsx"
    sheet_path.write_bytes(b"".join(response.streaming_content))
    sheet = CalamineWorkbook.from_path(str(sheet_path)).get_sheet_by_index(0).to_python()
    assert sheet[0][0] == "原行号" and sheet[0][-1] == "错误原因"
    assert sheet[0][1:-1] == rows[1]  # the original headers
    assert [int(line[0]) for line in sheet[1:]] == [4, 6]
    assert "check digit is wrong" in sheet[1][-1]
    assert "turned into a number by Excel" in sheet[2][-1]
    assert sheet[1][1] == rows[3][0]  # the row as uploaded: its name


def test_all_or_nothing_with_refused_rows_writes_nothing(
        world, client_for, tmp_path, django_capture_on_commit_callbacks):
    path, _rows = roster(tmp_path, bad=True)
    client = client_for(world.users["county_a"])
    upload(client, path)
    batch = latest()
    workers_before = Worker.objects.count()
    report = run(client, batch, django_capture_on_commit_callbacks)
    assert figures(report)["refused"] == 2 and figures(report)["created"] == 5
    assert ("All or nothing: some rows were refused, so nothing was written. Fix the refused "
            "rows and upload the whole file again.") in body(report)
    assert Worker.objects.count() == workers_before
    assert reverse("imports:batch_errors", args=[batch.public_id]) in body(report)


def test_a_trial_run_writes_nothing_and_says_so(world, client_for, tmp_path,
                                                django_capture_on_commit_callbacks):
    path, _rows = roster(tmp_path)
    client = client_for(world.users["county_a"])
    upload(client, path)
    workers_before = Worker.objects.count()
    report = run(client, latest(), django_capture_on_commit_callbacks, dry_run=True)
    assert "Trial run: every row was checked and nothing was written." in body(report)
    assert Worker.objects.count() == workers_before


def test_reimporting_the_same_file_reports_every_row_unchanged(
        world, client_for, tmp_path, django_capture_on_commit_callbacks):
    path, _rows = roster(tmp_path)
    client = client_for(world.users["county_a"])
    upload(client, path)
    run(client, latest(), django_capture_on_commit_callbacks)
    upload(client, path)
    report = run(client, latest(), django_capture_on_commit_callbacks)
    assert figures(report)["unchanged"] == 5 and figures(report)["created"] == 0
    assert "Nothing needed writing" in body(report)


def test_the_report_offers_the_upload_of_the_fixed_file_preselected(
        world, client_for, tmp_path, django_capture_on_commit_callbacks):
    path, _rows = roster(tmp_path, bad=True)
    client = client_for(world.users["county_a"])
    upload(client, path)
    report = run(client, latest(), django_capture_on_commit_callbacks, mode="keep-good")
    assert "Upload the fixed file" in body(report)
    assert chosen(report, "kind") == ["workers"]
    assert 'enctype="multipart/form-data"' in body(report)


def test_no_error_sheet_when_no_row_was_refused(world, client_for, tmp_path,
                                                django_capture_on_commit_callbacks):
    path, _rows = roster(tmp_path)
    client = client_for(world.users["county_a"])
    upload(client, path)
    batch = latest()
    report = run(client, batch, django_capture_on_commit_callbacks)
    assert "Download the error sheet" not in body(report)
    errors_url = reverse("imports:batch_errors", args=[batch.public_id])
    assert client.get(errors_url).status_code == 404


def test_the_error_sheet_is_404_before_the_run(world, client_for, tmp_path):
    path, _rows = roster(tmp_path, bad=True)
    client = client_for(world.users["county_a"])
    upload(client, path)
    assert client.get(reverse("imports:batch_errors", args=[latest().public_id])).status_code \
        == 404


def test_the_preview_says_so_when_the_uploaded_file_was_cleared_away(world, client_for,
                                                                     tmp_path):
    path, _rows = roster(tmp_path)
    client = client_for(world.users["county_a"])
    upload(client, path)
    batch = latest()
    stored_file(batch).unlink()
    page = client.get(batch_url(batch))
    assert page.status_code == 200
    assert "The uploaded file is no longer kept. Upload it again to import it." in body(page)


# Refusals of the upload: the form comes back with the reason, nothing is kept.

def test_a_file_that_is_no_spreadsheet_is_refused(world, client_for, tmp_path):
    path = tmp_path / "notes.xlsx"
    path.write_bytes(b"\x00\x01 these are not the rows you are looking for")
    response = upload(client_for(world.users["county_a"]), path)
    assert response.status_code == 400 and errors(response)
    assert nothing_kept(tmp_path)


def test_a_sheet_without_a_header_row_is_refused(world, client_for, tmp_path):
    path = write_xlsx_openpyxl(tmp_path / "x.xlsx", [["a", "b"], [1, 2], [3, 4]])
    response = upload(client_for(world.users["county_a"]), path)
    assert response.status_code == 400
    assert any(e.startswith("No header row was found in the first") for e in errors(response))
    assert nothing_kept(tmp_path)


def test_a_file_over_the_size_limit_is_refused(world, client_for, tmp_path, settings):
    settings.IMPORT_MAX_MB = 0
    path, _rows = roster(tmp_path)
    response = upload(client_for(world.users["county_a"]), path)
    assert response.status_code == 400
    assert errors(response) == ["The file is larger than 0 MB. Split it into smaller files."]
    assert nothing_kept(tmp_path)


def test_enrollments_into_a_project_not_enrolling_are_refused(world, client_for, tmp_path):
    # Another project of the county enrolls, so the kind is offered; this one trains.
    TrainingProjectFactory(institution=world.inst_1, status="enrolling")
    TrainingProject.objects.filter(pk=world.project_1.pk).update(status="training")
    path, _rows = roster(tmp_path)
    response = upload(client_for(world.users["county_a"]), path, kind="enrollments",
                      project=world.project_1)
    assert response.status_code == 400
    assert any("only while the project is enrolling" in e for e in errors(response))
    assert nothing_kept(tmp_path)


def test_enrollments_need_a_project(world, client_for, tmp_path):
    TrainingProject.objects.filter(pk=world.project_1.pk).update(status="enrolling")
    path, _rows = roster(tmp_path)
    response = upload(client_for(world.users["county_a"]), path, kind="enrollments")
    assert response.status_code == 400
    assert errors(response) == ["Choose the training project the file is for."]
    assert nothing_kept(tmp_path)


def test_a_gbk_csv_uploads_like_a_workbook(world, client_for, tmp_path):
    rows = roster_rows(3, seed=5, counties=["昌吉市"])
    path = write_csv(tmp_path / "roster.csv", rows, encoding="gb18030")
    client = client_for(world.users["county_a"])
    assert upload(client, path).status_code == 302
    page = client.get(batch_url(latest()))
    assert chosen(page, "col_0") == ["name"] and rows[1][0] in body(page)


@pytest.mark.parametrize(("mode", "dry_run", "refused", "written", "sentence"), [
    ("keep-good", False, 2, True, "The good rows are written; the refused rows are not."),
    ("keep-good", False, 2, False, "Nothing was written: the refused rows are listed below"),
    ("all-or-nothing", False, 2, False, "All or nothing: some rows were refused, so nothing"),
    ("all-or-nothing", True, 0, False, "Trial run: every row was checked and nothing was"),
    ("all-or-nothing", False, 0, True, "The import is written: every row is in the database."),
    ("all-or-nothing", False, 0, False, "Nothing needed writing: every row was already"),
])
def test_the_report_says_in_one_sentence_what_was_written(
        world, client_for, mode, dry_run, refused, written, sentence):
    batch = done_batch(world.users["county_a"], refused=refused)
    ImportBatch.objects.filter(pk=batch.pk).update(mode=mode, dry_run=dry_run, written=written)
    report = client_for(world.users["county_a"]).get(batch_url(batch))
    outcome = re.search(r'<p class="outcome[^"]*" role="status">(.*?)</p>', body(report), re.S)
    assert outcome is not None and outcome.group(1).startswith(sentence)


def test_a_failed_import_shows_its_error_and_no_figures(world, client_for):
    batch = done_batch(world.users["county_a"])
    ImportBatch.objects.filter(pk=batch.pk).update(
        status="failed", error="The import stopped because of an error in the system.")
    report = client_for(world.users["county_a"]).get(batch_url(batch))
    assert '<div class="errors outcome" role="alert">The import stopped' in body(report)
    assert "data-figure" not in body(report) and "Upload the fixed file" not in body(report)

