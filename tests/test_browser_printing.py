"""Batch printing at a desk in real Chromium: the progress page follows a worker process."""

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from dualcert.credentials.models import PrintJob
from dualcert.credentials.tests.printing_helpers import issue_dual_and_single

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _run_worker() -> None:
    call_command("db_worker", batch=True, no_startup_delay=True, stdout=io.StringIO(),
                 stderr=io.StringIO())


@pytest.fixture
def database_queue(settings: Any, tmp_path: Any) -> None:
    """Tasks wait in the database for a worker process, as in production."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.PRINT_DIR = tmp_path / "prints"


@pytest.mark.parametrize("javascript", [True, False])
def test_progress_page_shows_the_download_once_a_worker_has_printed(
    live_server: Any, chromium: Any, sign_in_page: Any, world: Any, database_queue: None,
    javascript: bool,
) -> None:
    issued = issue_dual_and_single(world)
    context = chromium.new_context(viewport={"width": 1280, "height": 900},
                                   java_script_enabled=javascript)
    page = sign_in_page(context.new_page(), world.users["county_a"])
    project = live_server.url + reverse("training:project", args=[issued.project.public_id])
    page.goto(project)
    page.locator(f'a[href$="{issued.project.public_id}/prints/"]').click()
    page.locator("main form button[type=submit]").click()
    job = PrintJob.objects.get()
    assert page.url.endswith(reverse("credentials:print_job", args=[job.public_id]))
    assert page.locator("#print-job .badge").inner_text() == "queued"
    download = page.locator(f'a[href$="{job.public_id}/download/"]')
    assert download.count() == 0

    _run_worker()  # the officer waits on the page; nobody reloads it
    download.wait_for(timeout=8000)
    assert page.locator("progress").get_attribute("value") == "100"
    with page.expect_download() as info:
        download.click()
    assert info.value.suggested_filename.startswith(issued.project.code)
    context.close()
