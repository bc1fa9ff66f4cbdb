"""Export jobs: POST from a list page, progress page, download, who may see them, audit, and
both task backends (immediate in development, the database queue in production)."""

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from dualcert.core.jobs import progress_of, progress_set
from dualcert.core.models import AuditEntry
from dualcert.core.workflow import history
from dualcert.insights.exports import jobs
from dualcert.insights.models import ExportJob
from dualcert.insights.tests.exporting import job_url, latest_job, sheet_rows, start
from tests.tasks import run_queued_tasks

pytestmark = pytest.mark.django_db
BEIJING = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _export_dir(settings: Any, tmp_path: Any) -> None:
    settings.EXPORT_DIR = tmp_path / "exports"


def test_export_runs_at_commit_and_leads_to_its_progress_page(
    world, client_for, django_capture_on_commit_callbacks
):
    client = client_for(world.users["county_a"])
    response = start(client, "workers", django_capture_on_commit_callbacks)
    job = latest_job()
    assert response.status_code == 302 and response["Location"] == job_url("export_job", job)
    assert (job.status, job.kind, job.total, job.done) == ("done", "workers", 1, 1)
    assert job.requested_by == world.users["county_a"] and job.finished_at is not None
    assert [(c.from_state, c.to_state) for c in history(job)] == [
        ("queued", "running"), ("running", "done")]
    page = client.get(job_url("export_job", job))
    body = page.content.decode()
    assert page["Cache-Control"] == "private, no-store"
    assert job_url("export_download", job) in body and "every 1s" not in body
    assert "1 of 1 rows" in body


def test_each_request_is_audited_with_its_kind_and_filters(
    world, client_for, django_capture_on_commit_callbacks
):
    start(client_for(world.users["bureau"]), "projects", django_capture_on_commit_callbacks,
          status="draft")
    job = latest_job()
    entry = AuditEntry.objects.get(action="export.request", object_pk=job.pk)
    assert entry.actor == world.users["bureau"] and entry.object_public_id == job.public_id
    assert entry.after == {"kind": "projects", "params": {"status": "draft"}}


@time_machine.travel(datetime(2026, 11, 30, 9, 15, tzinfo=BEIJING), tick=False)
def test_download_is_named_by_kind_and_time_and_is_private(
    world, client_for, django_capture_on_commit_callbacks
):
    client = client_for(world.users["bureau"])
    start(client, "workers", django_capture_on_commit_callbacks)
    job = latest_job()
    response = client.get(job_url("export_download", job))
    content = b"".join(response.streaming_content)
    assert response.status_code == 200 and content[:2] == b"PK"
    assert response["Content-Disposition"] == 'attachment; filename="workers-20261130-0915.xlsx"'
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Type"] == jobs_xlsx_type()
    for worker in (world.worker_1, world.worker_2):
        assert worker.name not in response["Content-Disposition"]
    assert sheet_rows(jobs.export_file(job))[0][0] == "劳动者名单 · 导出时间 2026-11-30 09:15"


def jobs_xlsx_type() -> str:
    return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.mark.parametrize("user,status", [
    ("county_a", 200), ("bureau", 200), ("county_b", 404), ("inst_1", 404), ("outsider", 404),
])
def test_only_the_requester_and_the_bureau_see_a_job_and_its_file(
    world, client_for, django_capture_on_commit_callbacks, user, status
):
    start(client_for(world.users["county_a"]), "workers", django_capture_on_commit_callbacks)
    job = latest_job()
    client = client_for(world.users[user])
    assert client.get(job_url("export_job", job)).status_code == status
    assert client.get(job_url("export_download", job)).status_code == status


def test_pages_need_sign_in_and_the_start_needs_post(world, client, client_for):
    url = reverse("insights:export_start", kwargs={"kind": "workers"})
    assert client.post(url).status_code == 302 and ExportJob.objects.count() == 0
    assert client_for(world.users["bureau"]).get(url).status_code == 405
    job = ExportJob.objects.create(kind="workers", requested_by=world.users["bureau"])
    client.logout()
    for name in ("export_job", "export_download"):
        response = client.get(job_url(name, job))
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_start_is_refused_without_the_csrf_token(world, client_for):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["bureau"])
    response = client.post(reverse("insights:export_start", kwargs={"kind": "workers"}))
    assert response.status_code == 403 and ExportJob.objects.count() == 0


def test_an_unknown_kind_is_404(world, client_for, django_capture_on_commit_callbacks):
    response = start(client_for(world.users["bureau"]), "passwords",
                     django_capture_on_commit_callbacks)
    assert response.status_code == 404 and ExportJob.objects.count() == 0


def test_a_queued_job_polls_and_has_no_download_yet(world, client_for):
    job = jobs.export_request(actor=world.users["bureau"], kind="workers", filters={})
    client = client_for(world.users["bureau"])
    body = client.get(job_url("export_job", job)).content.decode()
    assert 'hx-trigger="every 1s"' in body and 'http-equiv="refresh"' in body
    assert "You may leave this page" in body
    assert client.get(job_url("export_download", job)).status_code == 404
    partial = client.get(job_url("export_job", job), HTTP_HX_REQUEST="true").content.decode()
    assert partial.lstrip().startswith('<section class="card export-job"')
    assert "<html" not in partial


def test_progress_is_read_from_the_cache_while_the_job_runs(world):
    job = jobs.export_request(actor=world.users["bureau"], kind="workers", filters={})
    ExportJob.objects.filter(pk=job.pk).update(status="running")
    job.refresh_from_db()
    progress_set(job, done=1500, total=6000)
    assert (progress_of(job).done, progress_of(job).percent) == (1500, 25)


def test_a_job_delivered_twice_is_written_once(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.export_request(actor=world.users["bureau"], kind="workers", filters={})
    assert jobs.export_job_run(job_id=job.pk) is None
    assert ExportJob.objects.get(pk=job.pk).status == "done"


def test_a_job_fails_when_its_requester_can_no_longer_see_the_rows(
    world, django_capture_on_commit_callbacks
):
    user = world.users["county_a"]
    job = jobs.export_request(actor=user, kind="enrollments",
                              filters={"project": str(world.project_1.public_id)})
    user.membership.region = world.county_b  # moved to another county before the job ran
    user.membership.save()
    job = jobs.export_job_run(job_id=job.pk)
    assert job is not None and job.status == "failed"
    assert "no longer see" in job.error and not jobs.export_file(job).exists()


def test_an_unexpected_error_fails_the_job_logs_it_and_leaves_no_file(
    world, monkeypatch, caplog, settings
):
    def broken(*args: Any, **kwargs: Any) -> int:
        Path(args[0]).write_bytes(b"half a file")
        raise OSError("disk full")

    monkeypatch.setattr(jobs, "write_xlsx", broken)
    job = jobs.export_request(actor=world.users["bureau"], kind="workers", filters={})
    job = jobs.export_job_run(job_id=job.pk)
    assert job is not None and job.status == "failed" and "error in the system" in job.error
    assert f"export job {job.public_id} failed" in caplog.text
    assert list(Path(settings.EXPORT_DIR).iterdir()) == []


def test_my_exports_lists_my_own_jobs_newest_first(
    world, client_for, django_capture_on_commit_callbacks
):
    start(client_for(world.users["county_b"]), "workers", django_capture_on_commit_callbacks)
    theirs = latest_job()
    client = client_for(world.users["county_a"])
    start(client, "workers", django_capture_on_commit_callbacks)
    older = latest_job()
    start(client, "projects", django_capture_on_commit_callbacks)
    newer = latest_job()
    body = client.get(reverse("insights:exports")).content.decode()
    assert body.index(job_url("export_job", newer)) < body.index(job_url("export_job", older))
    assert job_url("export_download", older) in body
    assert job_url("export_job", theirs) not in body


@pytest.mark.parametrize("url_name,kind", [
    ("people:workers", "workers"), ("training:projects", "projects"),
    ("credentials:certificates", "certificates"), ("employment:referrals", "placements"),
    ("insights:dashboard", "figures"),
])
def test_list_pages_have_an_export_button_posting_their_filters(
    world, client_for, url_name, kind
):
    client = client_for(world.users["bureau"])
    body = client.get(reverse(url_name), {"status": "draft"} if kind == "projects" else {})
    action = reverse("insights:export_start", kwargs={"kind": kind})
    assert f'action="{action}"' in body.content.decode()
    if kind == "projects":
        assert '<input type="hidden" name="status" value="draft">' in body.content.decode()


def test_the_button_is_not_shown_to_a_worker(world, client_for):
    body = client_for(world.users["worker_1"]).get(reverse("people:workers")).content.decode()
    assert "Export to Excel" not in body


# The worker closes its database connection after a batch, as a worker process does: that
# needs committed data rather than the test's open transaction.
@pytest.mark.django_db(transaction=True)
def test_with_the_database_queue_the_job_waits_for_a_worker_process(
    world, client_for, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client = client_for(world.users["county_a"])
    start(client, "workers", django_capture_on_commit_callbacks)
    job = latest_job()
    assert job.status == "queued"
    assert 'hx-trigger="every 1s"' in client.get(job_url("export_job", job)).content.decode()
    run_queued_tasks()
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == ("done", 1, 1)
    assert client.get(job_url("export_download", job)).status_code == 200


def test_project_and_sitting_pages_export_their_own_enrollments_and_results(world, client_for):
    from dualcert.employment.tests.factories import assess, enroll

    score = assess(enroll(world.project_1, world.worker_1))
    client = client_for(world.users["county_a"])
    project_page = client.get(reverse("training:project", args=[world.project_1.public_id]))
    assert (f'<input type="hidden" name="project" value="{world.project_1.public_id}">'
            in project_page.content.decode())
    sitting = score.sitting
    sitting_url = reverse("assessment:sitting", kwargs={"public_id": sitting.public_id})
    hidden = f'<input type="hidden" name="sitting" value="{sitting.public_id}">'
    assert hidden not in client.get(sitting_url).content.decode()  # no results yet
    type(sitting).objects.filter(pk=sitting.pk).update(status="scored")
    assert hidden in client.get(sitting_url).content.decode()


def test_files_older_than_the_keeping_time_are_cleared_at_the_next_request(
    world, client_for, settings, django_capture_on_commit_callbacks
):
    import os
    import time

    client = client_for(world.users["bureau"])
    start(client, "workers", django_capture_on_commit_callbacks)
    old = latest_job()
    stale = time.time() - (settings.IMPORT_KEEP_DAYS + 1) * 86400
    os.utime(jobs.export_file(old), (stale, stale))
    start(client, "projects", django_capture_on_commit_callbacks)
    new = latest_job()
    assert not jobs.export_file(old).exists() and jobs.export_file(new).is_file()
    assert client.get(job_url("export_download", old)).status_code == 404
    page = client.get(job_url("export_job", old)).content.decode()
    assert "cleared away" in page and job_url("export_download", old) not in page
    listing = client.get(reverse("insights:exports")).content.decode()
    assert job_url("export_download", new) in listing
    assert job_url("export_download", old) not in listing
