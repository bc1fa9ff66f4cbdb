"""The imports pages' doors: who sees which kinds and batches, links in, queries, admin."""

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dualcert.assessment.tests.helpers import sitting_for
from dualcert.core.models import AuditEntry
from dualcert.imports.models import ImportBatch
from dualcert.imports.tests.page_helpers import (
    INDEX,
    batch_url,
    done_batch,
    latest,
    mapping_data,
    nothing_kept,
    roster,
    run,
    upload,
)
from dualcert.training.models import TrainingProject
from tests.page_reading import body, chosen, controls

# The upload page

def test_entry_links_preselect_the_kind_and_the_project(world, client_for):
    TrainingProject.objects.filter(pk=world.project_1.pk).update(status="enrolling")
    client = client_for(world.users["county_a"])
    page = client.get(INDEX, {"kind": "enrollments", "project": str(world.project_1.public_id)})
    assert chosen(page, "kind") == ["enrollments"]
    assert chosen(page, "project") == [str(world.project_1.public_id)]
    assert 'accept=".xlsx,.xls,.ods,.csv"' in body(page)


def test_the_help_names_the_recognised_columns_and_the_required_ones(world, client_for):
    page = client_for(world.users["county_a"]).get(INDEX)
    text = body(page)
    assert "姓名" in text and "身份证号码" in text and "title rows above it are skipped" in text
    assert re.search(r"ID number: .*?\(required\)", text)
    assert "Format ID number columns as text" in text


@pytest.mark.parametrize(("persona", "offered"), [
    ("county_a", ["workers", "enrollments"]),
    ("inst_1", ["workers", "enrollments"]),
    ("bureau", ["workers", "enrollments"]),
    ("inst_2", ["workers"]),
    ("eval_1", []),
    ("employer_1", []),
    ("worker_1", []),
])
def test_only_kinds_whose_check_passes_are_offered(world, client_for, persona, offered):
    TrainingProject.objects.filter(pk=world.project_1.pk).update(status="enrolling")
    page = client_for(world.users[persona]).get(INDEX)
    assert page.status_code == 200
    assert [c.value for c in controls(page, "kind")] == offered
    if not offered:
        assert "There is nothing you may import right now" in body(page)


def test_the_evaluator_of_a_scheduled_sitting_is_offered_its_score_sheet(world, client_for):
    sitting = sitting_for(world)
    evaluator = client_for(world.users["eval_1"])
    detail = evaluator.get(reverse("assessment:sitting", args=[sitting.public_id]))
    link = f"{INDEX}?kind=scores&amp;project={world.project_1.public_id}"
    assert f'href="{link}"' in body(detail)
    page = evaluator.get(INDEX, {"kind": "scores", "project": str(world.project_1.public_id)})
    assert [c.value for c in controls(page, "kind")] == ["scores"]
    assert chosen(page, "kind") == ["scores"]
    assert chosen(page, "project") == [str(world.project_1.public_id)]


def test_the_upload_page_is_404_without_a_role_and_needs_a_login(world, client_for, client):
    assert client.get(INDEX).status_code == 302
    assert client_for(world.users["outsider"]).get(INDEX).status_code == 404


def test_the_navigation_lists_imports_for_roles_that_import(world, client_for):
    for persona, listed in (("county_a", True), ("inst_1", True), ("eval_1", True),
                            ("bureau", True), ("dept_1", False), ("employer_1", False)):
        page = client_for(world.users[persona]).get(reverse("core:home"), follow=True)
        assert (f'href="{INDEX}"' in body(page)) is listed, persona


def test_entry_links_on_the_workers_list_and_the_project_page(world, client_for):
    client = client_for(world.users["county_a"])
    workers = client.get(reverse("people:workers"))
    assert f'href="{INDEX}?kind=workers"' in body(workers)
    project_url = reverse("training:project", args=[world.project_1.public_id])
    assert "Import enrollments" not in body(client.get(project_url))  # a draft project
    TrainingProject.objects.filter(pk=world.project_1.pk).update(status="enrolling")
    link = f"{INDEX}?kind=enrollments&amp;project={world.project_1.public_id}"
    assert f'href="{link}"' in body(client.get(project_url))
    TrainingProject.objects.filter(pk=world.project_1.pk).update(status="training")
    assert "?kind=attendance&amp;project=" in body(client.get(project_url))


def test_every_post_needs_the_csrf_token(world, tmp_path):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["county_a"])
    path, _rows = roster(tmp_path)
    assert upload(client, path).status_code == 403
    assert nothing_kept(tmp_path)


# Scoping: a batch is its uploader's (and the bureau's) only.

@pytest.fixture
def prepared(world, client_for, tmp_path) -> ImportBatch:
    path, _rows = roster(tmp_path, bad=True)
    upload(client_for(world.users["county_a"]), path)
    return latest()


@pytest.mark.parametrize("persona", ["county_b", "inst_1", "eval_1", "worker_1", "outsider"])
def test_another_users_batch_is_404(world, client, prepared, persona):
    client.force_login(world.users[persona])
    for url in (batch_url(prepared), reverse("imports:batch_errors", args=[prepared.public_id])):
        assert client.get(url).status_code == 404
    assert client.post(batch_url(prepared), mapping_data(prepared, action="import")) \
        .status_code == 404
    prepared.refresh_from_db()
    assert prepared.status == "prepared"


def test_anonymous_users_are_sent_to_sign_in(prepared):
    anonymous = Client()
    for url in (batch_url(prepared), reverse("imports:batch_errors", args=[prepared.public_id])):
        response = anonymous.get(url)
        assert response.status_code == 302 and "/login/" in response.url
    assert anonymous.post(batch_url(prepared), mapping_data(prepared, action="import")) \
        .status_code == 302
    prepared.refresh_from_db()
    assert prepared.status == "prepared"


def test_the_bureau_sees_a_batch_but_may_not_start_it(world, client, prepared):
    client.force_login(world.users["bureau"])
    page = client.get(batch_url(prepared))
    assert page.status_code == 200 and not controls(page, "mode")
    assert "Only the person who uploaded the file may import it." in body(page)
    response = client.post(batch_url(prepared), mapping_data(prepared, action="import"))
    assert response.status_code == 403
    prepared.refresh_from_db()
    assert prepared.status == "prepared"


def test_a_second_import_click_lands_on_the_batch(world, client_for, prepared,
                                                  django_capture_on_commit_callbacks):
    client = client_for(world.users["county_a"])
    run(client, prepared, django_capture_on_commit_callbacks, mode="keep-good")
    again = client.post(batch_url(prepared), mapping_data(prepared, action="import"))
    assert again.status_code == 302 and again.url == batch_url(prepared)
    prepared.refresh_from_db()
    assert prepared.status == "done" and prepared.created == 5


# Progress while the batch waits or runs

def test_progress_page_polls_and_refreshes_without_javascript(world, client_for, prepared):
    ImportBatch.objects.filter(pk=prepared.pk).update(status="running", total=40, done=10)
    client = client_for(world.users["county_a"])
    page = client.get(batch_url(prepared))
    text = body(page)
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in text
    assert f'hx-get="{batch_url(prepared)}" hx-trigger="every 1s"' in text
    assert "You may leave this page" in text
    partial = client.get(batch_url(prepared), headers={"HX-Request": "true"})
    assert body(partial).lstrip().startswith('<section class="card import-progress"')
    assert "<html" not in body(partial)


def test_the_poll_reloads_the_page_once_the_batch_has_ended(world, client_for, prepared):
    ImportBatch.objects.filter(pk=prepared.pk).update(status="failed", error="Stopped.")
    client = client_for(world.users["county_a"])
    poll = client.get(batch_url(prepared), headers={"HX-Request": "true"})
    assert poll["HX-Refresh"] == "true"
    page = client.get(batch_url(prepared))
    assert "Stopped." in body(page) and 'hx-trigger="every 1s"' not in body(page)


# Query counts

def test_the_imports_list_makes_the_same_queries_for_more_batches(
        world, client_for, django_assert_max_num_queries):
    TrainingProject.objects.filter(pk=world.project_1.pk).update(status="enrolling")
    user = world.users["county_a"]
    client = client_for(user)
    for project in (None, world.project_1):
        done_batch(user, project=project)
    # session, user, membership; projects (probed, then listed), the kinds' checks of the
    # project (its row, its sitting); the batches with their projects.
    with django_assert_max_num_queries(8) as few:
        assert client.get(INDEX).status_code == 200
    for _ in range(8):
        done_batch(user, project=world.project_1)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(INDEX)
    assert len(re.findall(rf'href="{INDEX}[0-9a-f-]{{36}}/"', body(page))) == 10


def test_the_report_pages_its_refused_rows_with_a_fixed_query_count(
        world, client_for, django_assert_max_num_queries):
    TrainingProject.objects.filter(pk=world.project_1.pk).update(status="enrolling")
    user = world.users["county_a"]
    batch = done_batch(user, refused=150)
    client = client_for(user)
    # The batch page's 4, the refused rows' count and page, the upload form's 4.
    with django_assert_max_num_queries(10):
        first = client.get(batch_url(batch))
    assert len(re.findall(r'<tr><td class="num">\d+</td>', body(first))) == 100
    assert "Page 1 of 2" in body(first)
    second = client.get(batch_url(batch), {"page": 2})
    rows = re.findall(r'<tr><td class="num">(\d+)</td>', body(second))
    assert len(rows) == 50 and rows[-1] == "152"


# The admin: the bureau admin reads batches, nobody changes them there.

def test_the_bureau_admin_reads_batches_in_the_admin_and_changes_none(world, client_for):
    boss = world.users["bureau"]
    boss.is_staff = True
    boss.save()
    batch = done_batch(world.users["county_a"], refused=2)
    client = client_for(boss)
    assert client.get(reverse("admin:imports_importbatch_changelist")).status_code == 200
    change_url = reverse("admin:imports_importbatch_change", args=[batch.pk])
    assert client.get(change_url).status_code == 200
    assert client.get(reverse("admin:imports_importbatch_add")).status_code == 403
    assert client.post(change_url, {"kind": "scores"}).status_code == 403
    delete_url = reverse("admin:imports_importbatch_delete", args=[batch.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    batch.refresh_from_db()
    assert batch.kind == "workers"


def test_other_staff_accounts_do_not_reach_the_imports_admin(world, client_for):
    officer = world.users["county_a"]
    officer.is_staff = True
    officer.save()
    response = client_for(officer).get(reverse("admin:imports_importbatch_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def _running(world: Any, tmp_path: Path, client_for: Any) -> ImportBatch:
    client = client_for(world.users["county_a"])
    path, _rows = roster(tmp_path)
    upload(client, path)
    batch = latest()
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.RUNNING)
    batch.refresh_from_db()
    return batch


def test_a_run_silent_for_ten_minutes_is_shown_stopped_and_its_uploader_marks_it_so(
    world: Any, tmp_path: Path, client_for: Any,
) -> None:
    batch = _running(world, tmp_path, client_for)
    client = client_for(world.users["county_a"])
    assert "no progress for more than ten minutes" not in body(client.get(batch_url(batch)))
    refused = client.post(reverse("imports:batch_give_up", args=[batch.public_id]), follow=True)
    assert "still running" in body(refused)
    with time_machine.travel(timezone.now() + timedelta(minutes=11), tick=False):
        assert "no progress for more than ten minutes" in body(client.get(batch_url(batch)))
        client.post(reverse("imports:batch_give_up", args=[batch.public_id]))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED
    assert "nothing from it was written" in batch.error
    assert AuditEntry.objects.filter(action="import.give_up", object_pk=batch.pk).exists()


def test_someone_else_cannot_mark_an_import_stopped(
    world: Any, tmp_path: Path, client_for: Any,
) -> None:
    batch = _running(world, tmp_path, client_for)
    with time_machine.travel(timezone.now() + timedelta(minutes=11), tick=False):
        response = client_for(world.users["county_b"]).post(
            reverse("imports:batch_give_up", args=[batch.public_id]))
    assert response.status_code == 404
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.RUNNING
