"""The worker's "Jobs for you" page and its API: fitting jobs, jobs after training, training
nearby, applications."""

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dualcert.core.navigation import NAV
from dualcert.core.scoping import Role
from dualcert.demand.models import JobDemand
from dualcert.employment.models import Referral
from dualcert.employment.tests.factories import CertificateFactory, ReferralFactory
from dualcert.training.models import TrainingProject
from tests.factories import (
    CertificateTypeFactory,
    EmployerFactory,
    JobDemandFactory,
    TrainingProjectFactory,
)

pytestmark = pytest.mark.django_db

PAGE = reverse("employment:my_jobs")
API = "/api/employment/jobs"
TODAY = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(datetime(2026, 3, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai")),
                             tick=False):
        yield


@pytest.fixture
def jobs(world: Any) -> dict[str, Any]:
    """worker_1 holds the skill certificate of pathway_1; project_1 (enrolling, county A)
    gives its permit."""
    JobDemand.objects.filter(pk__in=[world.demand_1.pk, world.demand_2.pk]).update(
        status=JobDemand.Status.CLOSED)
    skill, permit = world.pathway_1.skill_certificate, world.pathway_1.permit
    TrainingProject.objects.filter(pk=world.project_1.pk).update(
        status=TrainingProject.Status.ENROLLING)
    CertificateFactory(worker=world.worker_1, certificate_type=skill)
    fitting = _demand(world, skill, title="电工学徒", place="三工镇工业园")
    after = _demand(world, skill, permit, title="低压电工")
    return {"fitting": fitting, "after": after, "skill": skill, "permit": permit}


def _demand(world: Any, *types: Any, **fields: Any) -> Any:
    made: Any = JobDemandFactory(employer=EmployerFactory(region=world.county_a),
                                 deadline=TODAY + timedelta(days=20), **fields)
    made.required_certificates.set(types)
    return made


def _page(client_for: Any, world: Any, user: str = "worker_1") -> Any:
    return client_for(world.users[user]).get(PAGE)


# ---- access ----------------------------------------------------------------------------------

@pytest.mark.parametrize("user", ["bureau", "county_a", "employer_1", "inst_1", "dept_1",
                                  "eval_1", "outsider"])
def test_jobs_page_is_forbidden_to_every_role_but_the_worker(client_for, world, user):
    assert _page(client_for, world, user).status_code == 403


@pytest.mark.parametrize("user", ["bureau", "employer_1", "outsider"])
def test_jobs_api_is_forbidden_to_every_role_but_the_worker(client_for, world, user):
    assert client_for(world.users[user]).get(API).status_code == 403


def test_jobs_page_needs_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_jobs_page_is_in_the_workers_navigation_and_on_my_page(client_for, world):
    assert ("employment:my_jobs" in [name for _label, name in NAV[Role.WORKER]])
    me = client_for(world.users["worker_1"]).get(reverse("people:me")).content.decode()
    assert f'href="{PAGE}"' in me


# ---- what the page shows ---------------------------------------------------------------------

def test_fitting_job_shows_employer_place_wage_deadline_reasons_and_apply(client_for, world,
                                                                           jobs):
    response = _page(client_for, world)
    html = response.content.decode()
    fitting = jobs["fitting"]
    assert response.status_code == 200
    assert [m.demand for m in response.context["jobs"].qualifying] == [fitting]
    for text in (fitting.employer.name, "三工镇工业园", "5000–7000 yuan", "2026-03-22",
                 "Lives in the job&#x27;s county (+15)."):
        assert text in html
    apply_url = reverse("employment:apply", kwargs={"demand_id": fitting.public_id})
    assert f'action="{apply_url}"' in html and "csrfmiddlewaretoken" in html


def test_missing_permit_is_named_with_the_project_and_its_apply_action(client_for, world, jobs):
    html = _page(client_for, world).content.decode()
    section = html.split('id="after-training"')[1].split('id="training"')[0]
    assert "低压电工" in section
    assert f"You still need “{jobs['permit'].name}”." in section
    project_url = reverse("training:project", kwargs={"public_id": world.project_1.public_id})
    assert project_url in section
    apply_self = reverse("training:enrollment_apply_self",
                         kwargs={"public_id": world.project_1.public_id})
    assert f'action="{apply_self}"' in html.split('id="training"')[1]


def test_training_in_another_county_is_not_offered(client_for, world, jobs):
    TrainingProject.objects.filter(pk=world.project_2.pk).update(
        status=TrainingProject.Status.ENROLLING)
    html = _page(client_for, world).content.decode()
    assert world.project_1.name in html and world.project_2.name not in html


def test_an_applied_job_shows_its_status_instead_of_the_apply_button(client_for, world, jobs):
    referral = ReferralFactory(demand=jobs["fitting"], worker=world.worker_1,
                               status=Referral.Status.INTERVIEWED)
    html = _page(client_for, world).content.decode()
    apply_url = reverse("employment:apply", kwargs={"demand_id": jobs["fitting"].public_id})
    assert apply_url not in html
    detail = reverse("employment:referral", kwargs={"public_id": referral.public_id})
    section = html.split('id="qualifying"')[1].split('id="after-training"')[0]
    assert detail in section and "interviewed" in section


def test_an_invitation_keeps_the_apply_button(client_for, world, jobs):
    ReferralFactory(demand=jobs["fitting"], worker=world.worker_1)
    html = _page(client_for, world).content.decode()
    apply_url = reverse("employment:apply", kwargs={"demand_id": jobs["fitting"].public_id})
    assert apply_url in html and "The employer invited you" in html


def test_my_applications_show_status_and_the_date_of_the_last_move(client_for, world, jobs):
    other = _demand(world, CertificateTypeFactory(), title="焊工")
    referral = ReferralFactory(demand=other, worker=world.worker_1, status="offered")
    Referral.objects.filter(pk=referral.pk).update(
        updated_at=datetime(2026, 2, 27, 9, tzinfo=ZoneInfo("Asia/Shanghai")))
    ReferralFactory(demand=jobs["fitting"], worker=world.worker_2, status="applied")
    html = _page(client_for, world).content.decode()
    section = html.split('id="applications"')[1]
    assert "焊工" in section and "offered" in section and "2026-02-27" in section
    assert reverse("employment:referral", kwargs={"public_id": referral.public_id}) in section
    assert section.count('class="card item"') == 1


def test_a_worker_who_has_not_consented_sees_jobs_and_is_told_employers_cannot_find_them(
        client_for, world, jobs):
    world.worker_1.consent_recommend = False
    world.worker_1.save()
    response = _page(client_for, world)
    assert [m.demand for m in response.context["jobs"].qualifying] == [jobs["fitting"]]
    assert "employers cannot find you until you agree" in response.content.decode()


def test_a_consenting_worker_is_not_told_about_consent(client_for, world, jobs):
    assert "employers cannot find you" not in _page(client_for, world).content.decode()


def _page_queries(client: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(PAGE).status_code == 200
    return len(ctx.captured_queries)


def test_jobs_page_query_count_does_not_grow_with_demands(client_for, world, jobs):
    client = client_for(world.users["worker_1"])
    ReferralFactory(demand=jobs["fitting"], worker=world.worker_1, status="applied")
    few = _page_queries(client)
    for _ in range(6):
        _demand(world, jobs["skill"])
        _demand(world, jobs["skill"], jobs["permit"])
        ReferralFactory(demand=_demand(world, jobs["skill"]), worker=world.worker_1)
    TrainingProjectFactory(pathway=world.pathway_1, institution=world.inst_1,
                           status=TrainingProject.Status.ENROLLING)
    assert _page_queries(client) == few
    assert few <= 16


# ---- API -------------------------------------------------------------------------------------

def test_jobs_api_gives_the_same_sections(client_for, world, jobs):
    ReferralFactory(demand=jobs["fitting"], worker=world.worker_1, status="applied")
    body = client_for(world.users["worker_1"]).get(API).json()
    [fitting] = body["qualifying"]
    assert fitting["demand_id"] == str(jobs["fitting"].public_id)
    assert fitting["referral_status"] == "applied" and fitting["may_apply"] is False
    assert fitting["score"] == 85 and fitting["missing"] == []
    [after] = body["after_training"]
    assert after["missing"] == [jobs["permit"].code]
    assert after["gaps"] == [{"certificate_type": jobs["permit"].code,
                              "certificate_name": jobs["permit"].name,
                              "project_ids": [str(world.project_1.public_id)]}]
    [project] = body["projects_near"]
    assert project["id"] == str(world.project_1.public_id)
    assert project["enrollment_status"] is None
    [application] = body["applications"]
    assert application["status"] == "applied" and body["consent_recommend"] is True


def test_jobs_api_is_in_the_openapi_schema(client_for, world):
    schema = client_for(world.users["worker_1"]).get("/api/openapi.json").json()
    assert "/api/employment/jobs" in schema["paths"]
