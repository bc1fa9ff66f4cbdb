"""Shared fixtures: one persona per role in two counties, plus an outsider with no role."""

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.factories import (
    DepartmentFactory,
    EmployerFactory,
    EvaluationBodyFactory,
    InstitutionFactory,
    JobDemandFactory,
    PathwayFactory,
    RegionFactory,
    Role,
    TrainingProjectFactory,
    WorkerFactory,
    make_user,
)

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    """Real password hashing costs half a second a user; tests don't need its strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def _signing_key_dir(tmp_path_factory: Any) -> Any:
    return tmp_path_factory.mktemp("signing-keys")


@pytest.fixture(autouse=True)
def _signing_keys(settings: Any, _signing_key_dir: Any) -> None:
    """Private keys go to a temporary key directory; no test reuses another's trust store."""
    from dualcert.credentials.signing.lists import forget_cached_trust

    settings.SIGNING_KEY_DIR = _signing_key_dir
    # Verification log rows are written in the request, so a test reads them at once; the
    # write-behind path has its own tests.
    settings.VERIFICATION_LOG_DELAY_MS = 0
    forget_cached_trust()


@pytest.fixture(autouse=True)
def _job_files(settings: Any, tmp_path: Any) -> None:
    """Uploaded imports, error sheets and exports go to the test's own folder; job progress
    to a cache of this process only."""
    settings.IMPORT_DIR = tmp_path / "imports"
    settings.EXPORT_DIR = tmp_path / "exports"
    settings.CACHES = {
        **settings.CACHES,
        "progress": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                     "LOCATION": f"progress-{tmp_path.name}"},
    }


@dataclass
class World:
    """Two of everything, so every role has rows it must see and rows it must not."""

    county_a: Any
    county_b: Any
    dept_1: Any
    dept_2: Any
    pathway_1: Any
    pathway_2: Any
    inst_1: Any
    inst_2: Any
    body_1: Any
    body_2: Any
    employer_1: Any
    employer_2: Any
    demand_1: Any
    demand_2: Any
    project_1: Any
    project_2: Any
    worker_1: Any
    worker_2: Any
    users: dict[str, Any]


@pytest.fixture
def world(db: Any) -> World:
    county_a = RegionFactory(code="652301", name="昌吉市")
    county_b = RegionFactory(code="652302", name="阜康市")
    dept_1, dept_2 = DepartmentFactory(code="mem"), DepartmentFactory(code="samr")
    # The bureau's own department: its key signs the revocation list.
    DepartmentFactory(code="hrss", name="人力资源和社会保障局", kind="hrss")
    pathway_1 = PathwayFactory(permit__department=dept_1)
    pathway_2 = PathwayFactory(permit__department=dept_2)
    inst_1, inst_2 = InstitutionFactory(region=county_a), InstitutionFactory(region=county_b)
    body_1, body_2 = EvaluationBodyFactory(region=county_a), EvaluationBodyFactory(region=county_b)
    employer_1, employer_2 = EmployerFactory(region=county_a), EmployerFactory(region=county_b)
    demand_1 = JobDemandFactory(employer=employer_1)
    demand_2 = JobDemandFactory(employer=employer_2)
    project_1 = TrainingProjectFactory(pathway=pathway_1, institution=inst_1)
    project_2 = TrainingProjectFactory(pathway=pathway_2, institution=inst_2)
    project_1.demands.add(demand_1)
    project_2.demands.add(demand_2)
    worker_1, worker_2 = WorkerFactory(region=county_a), WorkerFactory(region=county_b)
    users = {
        "bureau": make_user("bureau", Role.BUREAU),
        "county_a": make_user("county_a", Role.COUNTY, region=county_a),
        "county_b": make_user("county_b", Role.COUNTY, region=county_b),
        "dept_1": make_user("dept_1", Role.DEPARTMENT, department=dept_1),
        "dept_2": make_user("dept_2", Role.DEPARTMENT, department=dept_2),
        "inst_1": make_user("inst_1", Role.INSTITUTION, institution=inst_1),
        "inst_2": make_user("inst_2", Role.INSTITUTION, institution=inst_2),
        "eval_1": make_user("eval_1", Role.EVALUATOR, evaluation_body=body_1),
        "eval_2": make_user("eval_2", Role.EVALUATOR, evaluation_body=body_2),
        "employer_1": make_user("employer_1", Role.EMPLOYER, employer=employer_1),
        "employer_2": make_user("employer_2", Role.EMPLOYER, employer=employer_2),
        "worker_1": make_user("worker_1", Role.WORKER, worker=worker_1),
        "worker_2": make_user("worker_2", Role.WORKER, worker=worker_2),
        "outsider": make_user("outsider"),
    }
    return World(
        county_a, county_b, dept_1, dept_2, pathway_1, pathway_2, inst_1, inst_2, body_1,
        body_2, employer_1, employer_2, demand_1, demand_2, project_1, project_2, worker_1,
        worker_2, users,
    )


@pytest.fixture
def client_for(client: Any) -> Any:
    """`client_for(user)` → the test client signed in as that user."""

    def sign_in(user: Any) -> Any:
        client.force_login(user)
        return client

    return sign_in


def _browser_missing_reason() -> str | None:
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        return f"Chromium is not installed at {CHROMIUM} (Debian package 'chromium')"
    return None


def _require(reason: str | None, what: str) -> None:
    """A missing outside tool: skip on a newcomer's machine (the reason is printed), fail
    under CI, which installs it."""
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{what} must run in CI: {reason}")
        pytest.skip(reason)


@pytest.fixture(scope="session")
def libreoffice() -> None:
    """LibreOffice (headless) writes the office-suite files the import tests read."""
    missing = not (shutil.which("soffice") or shutil.which("libreoffice"))
    _require("LibreOffice is not installed (Debian package 'libreoffice-calc-nogui')"
             if missing else None, "spreadsheet tests with LibreOffice files")


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright. Missing browser: skip here, fail under CI."""
    _require(_browser_missing_reason(), "browser tests")
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def phone_page(chromium: Any) -> Iterator[Any]:
    """A fresh 360 px wide page, like a cheap phone."""
    context = chromium.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def desk_page(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def sign_in_page(live_server: Any) -> Any:
    """`sign_in_page(page, user)`: give a Playwright page the session cookie of `user`."""
    from django.conf import settings
    from django.test import Client

    def sign_in(page: Any, user: Any) -> Any:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value,
              "url": live_server.url}]
        )
        return page

    return sign_in


@pytest.fixture(autouse=True)
def _english_unless_a_test_asks(settings: Any) -> Iterator[None]:
    """Tests read messages as their English msgids, whatever the shipped default language.

    Pages default to Chinese (settings.LANGUAGE_CODE); a test of that default sets it back
    (dualcert/core/tests/test_i18n.py). Browsers still send their own Accept-Language.
    """
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
