"""Batch printing at a desk in real Chromium: the progress page follows a worker process."""

from typing import Any

import pytest
from django.urls import reverse

from dualcert.credentials.models import PrintJob
from dualcert.credentials.tests.printing_helpers import issue_dual_and_single
from tests.tasks import run_queued_tasks

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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

    run_queued_tasks()  # the officer waits on the page; nobody reloads it
    download.wait_for(timeout=8000)
    assert page.locator("progress").get_attribute("value") == "100"
    with page.expect_download() as info:
        download.click()
    assert info.value.suggested_filename.startswith(issued.project.code)
    context.close()
