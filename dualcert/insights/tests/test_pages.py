from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dualcert.employment.tests.factories import assess, enroll, hire
from dualcert.insights.tests.dataset import build
from tests.factories import TrainingProjectFactory, WorkerFactory

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("insights:dashboard")
API = "/api/insights"


def funnel_url(project: Any) -> str:
    return reverse("insights:funnel", kwargs={"public_id": project.public_id})


def get(client_for: Any, world: Any, user: str, url: str, **params: Any) -> Any:
    return client_for(world.users[user]).get(url, params, HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.parametrize("user,status", [
    ("bureau", 200), ("county_a", 200), ("dept_1", 200),
    ("inst_1", 403), ("eval_1", 403), ("employer_1", 403), ("worker_1", 403), ("outsider", 403),
])
def test_dashboard_scoping(client_for, world, user, status):
    assert get(client_for, world, user, DASHBOARD).status_code == status


def test_dashboard_needs_sign_in(client):
    response = client.get(DASHBOARD)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_bureau_dashboard_shows_formatted_kpis_and_county_rows(client_for, world):
    build(world)
    response = get(client_for, world, "bureau", DASHBOARD)
    body = response.content.decode()
    assert 'class="kpis"' in body and "¥2,100" in body and "¥5,800" in body
    assert "60.0%" in body and "¥3,000 → ¥5,600" in body
    assert "By county" in body and world.county_b.name in body and "33.3%" in body
    assert world.pathway_1.permit.name in body


def test_county_dashboard_has_no_county_table_and_own_figures(client_for, world):
    build(world)
    response = get(client_for, world, "county_a", DASHBOARD)
    assert response.context["headline"].counties == []
    assert response.context["headline"].totals.person_times == 4
    assert "By county" not in response.content.decode()


def test_bureau_narrows_the_dashboard_to_one_county(client_for, world):
    build(world)
    response = get(client_for, world, "bureau", DASHBOARD, county=world.county_b.public_id)
    assert response.context["headline"].totals.person_times == 2
    assert response.context["headline"].label == world.county_b.name


def test_dashboard_lists_only_projects_in_scope_with_funnel_links(client_for, world):
    body = get(client_for, world, "county_a", DASHBOARD).content.decode()
    assert funnel_url(world.project_1) in body and funnel_url(world.project_2) not in body


def _dashboard_queries(client: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(DASHBOARD).status_code == 200
    return len(ctx.captured_queries)


def test_dashboard_query_count_does_not_grow_with_rows(client_for, world):
    client = client_for(world.users["bureau"])
    build(world)
    few = _dashboard_queries(client)
    for i in range(7):
        project = TrainingProjectFactory(pathway=world.pathway_1, institution=world.inst_1)
        person = WorkerFactory(region=world.county_a if i % 2 else world.county_b)
        assess(enroll(project, person, wage_before=3000 + i))
        hire(person, world.demand_1, start=project.end_date, wage=5000 + i)
    assert _dashboard_queries(client) == few
    assert few <= 14


@pytest.mark.parametrize("user,status", [
    ("bureau", 200), ("county_a", 200), ("dept_1", 200), ("inst_1", 200), ("employer_1", 200),
    ("county_b", 404), ("dept_2", 404), ("inst_2", 404), ("employer_2", 404), ("outsider", 404),
])
def test_funnel_page_follows_the_projects_visibility(client_for, world, user, status):
    assert get(client_for, world, user, funnel_url(world.project_1)).status_code == status


def test_funnel_page_shows_counts_bars_and_shares(client_for, world):
    build(world)
    body = get(client_for, world, "county_a", funnel_url(world.project_1)).content.decode()
    assert body.count('class="funnel-fill"') == 6
    assert "inline-size: 33%" in body and "33.3% of the previous step" in body
    assert "150.0% of the previous step" in body


def test_headline_api(client_for, world):
    build(world)
    body = get(client_for, world, "bureau", f"{API}/headline").json()
    assert body["totals"]["fees_saved"] == 2100 and body["totals"]["employment_rate"] == "60.0"
    assert {c["code"]: c["figures"]["certified"] for c in body["counties"]} == {
        "652301": 2, "652302": 3}
    narrowed = get(client_for, world, "bureau", f"{API}/headline",
                   county=str(world.county_a.public_id)).json()
    assert narrowed["totals"]["person_times"] == 4 and narrowed["counties"] == []


def test_headline_api_refuses_roles_without_figures(client_for, world):
    assert get(client_for, world, "employer_1", f"{API}/headline").status_code == 403
    assert get(client_for, world, "county_a", f"{API}/headline",
               county=str(world.county_b.public_id)).status_code == 404


def test_funnel_api_is_exact_and_scoped(client_for, world):
    build(world)
    url = f"{API}/projects/{world.project_1.public_id}/funnel"
    body = get(client_for, world, "dept_1", url).json()
    assert [s["count"] for s in body["steps"]] == [15, 5, 4, 3, 2, 3]
    assert get(client_for, world, "county_b", url).status_code == 404
