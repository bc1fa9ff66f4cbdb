"""The follow-up worklist, the record form, the dashboard reminder and the follow-up API."""

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dualcert.employment.followups import followups_due_for, followups_schedule
from dualcert.employment.models import FollowUp
from dualcert.employment.tests.factories import hire
from tests.factories import WorkerFactory

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 5, 1)
LIST = reverse("employment:followups")
API = "/api/employment"


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(datetime(2026, 5, 1, 10, tzinfo=BEIJING), tick=False):
        yield


def placed(world: Any, worker: Any, start: date) -> list[FollowUp]:
    placement = hire(worker, world.demand_1, start=start, wage=5000)
    return followups_schedule(placement)


def url(followup: FollowUp) -> str:
    return reverse("employment:followup", kwargs={"public_id": followup.public_id})


def page(client_for: Any, world: Any, user: str, path: str) -> Any:
    return client_for(world.users[user]).get(path, HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def due(world: Any) -> dict[str, FollowUp]:
    """3-month follow-ups: overdue (county A), due today (county B), due in 10 days and in 20
    days (county A)."""
    return {
        "overdue": placed(world, world.worker_1, date(2026, 1, 20))[0],
        "today": placed(world, world.worker_2, date(2026, 2, 1))[0],
        "soon": placed(world, WorkerFactory(region=world.county_a), date(2026, 2, 11))[0],
        "later": placed(world, WorkerFactory(region=world.county_a), date(2026, 2, 21))[0],
    }


# ---- worklist ------------------------------------------------------------------------------

@pytest.mark.parametrize("user,visible", [
    ("bureau", {"overdue", "today", "soon"}), ("county_a", {"overdue", "soon"}),
    ("county_b", {"today"}),
])
def test_worklist_shows_due_and_upcoming_follow_ups_of_the_officers_county(
    client_for, world, due, user, visible
):
    body = page(client_for, world, user, LIST).content.decode()
    assert {key for key, f in due.items() if url(f) in body} == visible


@pytest.mark.parametrize("user", ["inst_1", "employer_1", "dept_1", "eval_1", "worker_1",
                                  "outsider"])
def test_worklist_is_forbidden_to_roles_without_follow_ups(client_for, world, user):
    assert page(client_for, world, user, LIST).status_code == 403


def test_worklist_puts_overdue_first_with_a_badge_and_masks_the_id(client_for, world, due):
    body = page(client_for, world, "bureau", LIST).content.decode()
    assert body.index(url(due["overdue"])) < body.index(url(due["today"])) < body.index(
        url(due["soon"]))
    assert body.count('class="overdue"') == 1 and "overdue" in body
    worker = due["overdue"].placement.worker
    assert worker.id_number_masked in body and worker.name in body
    assert "2026-04-20" in body and "2026-01-20" in body


def test_worklist_leaves_out_recorded_follow_ups(world, due):
    FollowUp.objects.filter(pk=due["overdue"].pk).update(
        status="done", still_employed=True, monthly_wage_now=5000)
    rows = followups_due_for(world.users["county_a"], today=TODAY)
    assert [r.followup for r in rows] == [due["soon"]] and rows[0].overdue is False


def test_worklist_query_count_does_not_grow_with_rows(client_for, world):
    client = client_for(world.users["bureau"])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST).status_code == 200
        return len(queries)

    for _ in range(3):
        placed(world, WorkerFactory(region=world.county_a), date(2026, 1, 10))
    three = count()
    for _ in range(9):
        placed(world, WorkerFactory(region=world.county_b), date(2026, 1, 10))
    assert len(followups_due_for(world.users["bureau"], today=TODAY)) == 12
    assert count() == three


def test_worklist_selector_is_one_query(world, due, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = followups_due_for(world.users["bureau"], today=TODAY)
        assert [r.followup.placement.employer.name for r in rows]


def test_navigation_of_officers_links_the_worklist(client_for, world):
    body = page(client_for, world, "county_a", reverse("insights:dashboard")).content.decode()
    assert f'href="{LIST}"' in body


# ---- record form ---------------------------------------------------------------------------

@pytest.mark.parametrize("user", ["county_b", "inst_1", "employer_1", "worker_1", "outsider"])
def test_follow_up_of_another_county_is_not_found(client_for, world, due, user):
    assert page(client_for, world, user, url(due["overdue"])).status_code == 404
    response = client_for(world.users[user]).post(
        url(due["overdue"]), {"still_employed": "yes", "monthly_wage_now": "5000"})
    assert response.status_code == 404
    assert FollowUp.objects.get(pk=due["overdue"].pk).status == "due"


def test_officer_records_the_outcome_through_the_form(client_for, world, due):
    client = client_for(world.users["county_a"])
    form = client.get(url(due["overdue"])).content.decode()
    assert "csrfmiddlewaretoken" in form and 'name="still_employed"' in form
    response = client.post(url(due["overdue"]), {"still_employed": "yes",
                                                 "monthly_wage_now": "5600"})
    assert response.status_code == 302 and response["Location"] == LIST
    followup = FollowUp.objects.get(pk=due["overdue"].pk)
    assert (followup.status, followup.monthly_wage_now) == ("done", 5600)


def test_form_asks_for_the_wage_when_still_employed(client_for, world, due):
    response = client_for(world.users["county_a"]).post(
        url(due["overdue"]), {"still_employed": "yes"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "monthly wage now in whole yuan" in response.content.decode()


def test_form_asks_for_the_reason_when_the_worker_left(client_for, world, due):
    response = client_for(world.users["county_a"]).post(
        url(due["overdue"]), {"still_employed": "no"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "why the worker is no longer" in \
        response.content.decode()


def test_form_of_a_follow_up_not_yet_due_says_when_it_falls_due(client_for, world, due):
    body = page(client_for, world, "county_a", url(due["later"])).content.decode()
    assert "falls due on 2026-05-21" in body and 'name="still_employed"' not in body
    response = client_for(world.users["county_a"]).post(
        url(due["later"]), {"still_employed": "yes", "monthly_wage_now": "5000"},
        HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "2026-05-21" in response.content.decode()


def test_officer_marks_the_worker_unreachable(client_for, world, due):
    path = reverse("employment:followup_unreachable",
                   kwargs={"public_id": due["overdue"].public_id})
    client = client_for(world.users["county_a"])
    assert client.post(path, {"reason": ""}).status_code == 400
    assert client.post(path, {"reason": "电话停机"}).status_code == 302
    assert FollowUp.objects.get(pk=due["overdue"].pk).status == "unreachable"


def test_record_form_needs_the_csrf_token(world, due):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["county_a"])
    response = client.post(url(due["overdue"]), {"still_employed": "yes",
                                                 "monthly_wage_now": "5600"})
    assert response.status_code == 403
    assert FollowUp.objects.get(pk=due["overdue"].pk).status == "due"


# ---- reminder on the dashboard -------------------------------------------------------------

def test_dashboard_of_a_county_officer_shows_the_overdue_count(client_for, world, due):
    placed(world, WorkerFactory(region=world.county_a), date(2026, 1, 5))
    body = page(client_for, world, "county_a", reverse("insights:dashboard")).content.decode()
    assert 'data-overdue-followups="2"' in body and "2 follow-ups of placements are overdue" \
        in body
    other = page(client_for, world, "county_b", reverse("insights:dashboard")).content.decode()
    assert "data-overdue-followups" not in other  # county B's one is due today, not overdue


# ---- API -----------------------------------------------------------------------------------

def test_api_lists_the_worklist_in_scope(client_for, world, due):
    rows = client_for(world.users["county_a"]).get(f"{API}/followups").json()
    assert [(r["id"], r["overdue"]) for r in rows] == [
        (str(due["overdue"].public_id), True), (str(due["soon"].public_id), False)]
    assert rows[0]["worker_id_number_masked"] == due["overdue"].placement.worker.id_number_masked
    assert client_for(world.users["employer_1"]).get(f"{API}/followups").status_code == 403


def test_api_records_an_outcome_and_refuses_the_wrong_county(client_for, world, due):
    path = f"{API}/followups/{due['overdue'].public_id}/record"
    payload = {"still_employed": False, "left_reason": "外出务工"}
    refused = client_for(world.users["county_b"]).post(path, payload,
                                                       content_type="application/json")
    assert refused.status_code == 404
    done = client_for(world.users["county_a"]).post(path, payload,
                                                    content_type="application/json")
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["still_employed"]) == ("done", False)


def test_api_refuses_recording_before_the_due_date(client_for, world, due):
    response = client_for(world.users["county_a"]).post(
        f"{API}/followups/{due['later'].public_id}/record",
        {"still_employed": True, "monthly_wage_now": 5000}, content_type="application/json")
    assert response.status_code == 400 and "2026-05-21" in response.json()["detail"][0]


def test_api_marks_unreachable(client_for, world, due):
    response = client_for(world.users["bureau"]).post(
        f"{API}/followups/{due['today'].public_id}/unreachable", {"reason": "无人接听"},
        content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "unreachable"
