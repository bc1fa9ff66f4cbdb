from io import BytesIO
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from dualcert.employment.tests.factories import ReferralFactory
from dualcert.fairs.models import FairCheckIn, FairReferral, JobFair
from dualcert.fairs.tests.factories import (
    FAIR_DAY,
    BoothFactory,
    JobFairFactory,
    at_fair,
    certify,
    check_in,
)
from tests.factories import EmployerFactory, JobDemandFactory, WorkerFactory

pytestmark = pytest.mark.django_db

LIST = reverse("fairs:fairs")


def url(name: str, fair: JobFair, **kwargs: Any) -> str:
    return reverse(f"fairs:{name}", kwargs={"public_id": fair.public_id, **kwargs})


def booth_url(name: str, fair: JobFair, booth: Any = None) -> str:
    booth = booth or fair.booths.get()
    return url(name, fair, booth_id=booth.public_id)


def get(client_for: Any, world: Any, user: str, path: str) -> Any:
    return client_for(world.users[user]).get(path)


# ---- role matrix ----------------------------------------------------------------------------

@pytest.mark.parametrize("user,status", [
    ("bureau", 200), ("county_a", 200), ("employer_1", 200), ("worker_1", 200),
    ("county_b", 404), ("employer_2", 404), ("worker_2", 404), ("inst_1", 404),
    ("outsider", 404),
])
def test_fair_page_by_role(client_for, world, fair, user, status):
    assert get(client_for, world, user, url("fair", fair)).status_code == status


@pytest.mark.parametrize("user,status", [
    ("bureau", 200), ("county_a", 200), ("employer_1", 200),
    ("worker_1", 403), ("county_b", 404), ("employer_2", 404), ("outsider", 404),
])
def test_booth_page_by_role(client_for, world, fair, user, status):
    assert get(client_for, world, user, booth_url("booth", fair)).status_code == status


def test_employer_may_not_open_another_employers_booth_at_its_fair(client_for, world, fair):
    other = BoothFactory(fair=fair, employer=world.employer_2, demands=[world.demand_2])
    response = get(client_for, world, "employer_1", booth_url("booth", fair, other))
    assert response.status_code == 403


@pytest.mark.parametrize("name", ["desk", "poster", "poster_png"])
@pytest.mark.parametrize("user,status", [
    ("bureau", 200), ("county_a", 200), ("employer_1", 403), ("worker_1", 403),
    ("county_b", 404), ("outsider", 404),
])
def test_officer_tools_by_role(client_for, world, fair, name, user, status):
    assert get(client_for, world, user, url(name, fair)).status_code == status


@pytest.mark.parametrize("name", ["results", "results_xlsx"])
@pytest.mark.parametrize("user,status", [
    ("bureau", 200), ("county_a", 200), ("employer_1", 200), ("worker_1", 403),
    ("employer_2", 404), ("outsider", 404),
])
def test_results_by_role(client_for, world, fair, name, user, status):
    assert get(client_for, world, user, url(name, fair)).status_code == status


@pytest.mark.parametrize("user,status", [
    ("worker_1", 200), ("county_a", 403), ("employer_1", 403), ("worker_2", 404),
])
def test_pass_image_by_role(client_for, world, fair, user, status):
    assert get(client_for, world, user, url("pass_png", fair)).status_code == status


@pytest.mark.parametrize("user", ["inst_1", "dept_1", "eval_1", "outsider"])
def test_fair_list_is_forbidden_to_roles_without_fairs(client_for, world, user):
    assert get(client_for, world, user, LIST).status_code == 403


def test_pages_need_sign_in(client, fair):
    for path in (LIST, url("fair", fair), url("desk", fair)):
        response = client.get(path)
        assert response.status_code == 302 and "/login/" in response["Location"]


# ---- list and planning ----------------------------------------------------------------------

def test_fair_list_shows_the_scope_and_filters_by_status(client_for, world, fair, wide_fair):
    JobFairFactory(region=world.county_b, name="阜康专场")
    body = get(client_for, world, "county_a", LIST).content.decode()
    assert fair.name in body and wide_fair.name in body and "阜康专场" not in body
    body = client_for(world.users["bureau"]).get(LIST, {"status": "planned"}).content.decode()
    assert fair.name not in body


def _list_queries(client: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(LIST).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("user", ["bureau", "worker_1"])
def test_fair_list_query_count_does_not_grow_with_fairs(client_for, world, user):
    client = client_for(world.users[user])
    JobFairFactory(region=world.county_a)
    few = _list_queries(client)
    for _ in range(5):
        made = JobFairFactory(region=world.county_a)
        BoothFactory(fair=made, employer=EmployerFactory())
        check_in(made, WorkerFactory())
    assert _list_queries(client) == few


def test_county_officer_plans_a_fair_through_the_form(client_for, world):
    response = client_for(world.users["county_a"]).post(reverse("fairs:fair_create"), {
        "name": "春风行动专场", "campaign": "spring_breeze", "day": "2026-03-20",
        "opens_at": "09:30", "closes_at": "15:00", "place": "昌吉市人力资源市场",
        "region": world.county_a.pk, "organiser": "昌吉市人社局",
    })
    fair = JobFair.objects.get()
    assert response.status_code == 302 and response["Location"] == url("fair", fair)
    assert fair.region == world.county_a and fair.status == "planned"


def test_planning_form_shows_the_refusal(client_for, world):
    response = client_for(world.users["bureau"]).post(reverse("fairs:fair_create"), {
        "name": "过期", "campaign": "other", "day": "2026-01-01", "opens_at": "09:00",
        "closes_at": "15:00", "place": "大厅", "region": "", "organiser": "人社局",
    })
    assert response.status_code == 400 and "in the past" in response.content.decode()
    assert not JobFair.objects.exists()


@pytest.mark.parametrize("user", ["employer_1", "worker_1"])
def test_planning_form_is_forbidden_to_non_officers(client_for, world, user):
    assert get(client_for, world, user, reverse("fairs:fair_create")).status_code == 403


def test_opening_before_the_day_shows_a_message(client_for, world):
    fair = JobFairFactory(region=world.county_a, status="planned", day=FAIR_DAY.replace(day=20))
    client = client_for(world.users["county_a"])
    response = client.post(url("move", fair, verb="open"), follow=True)
    assert "on that day only" in response.content.decode()
    fair.refresh_from_db()
    assert fair.status == "planned"


def test_moves_are_forbidden_to_other_roles(client_for, world, fair, wide_fair):
    assert client_for(world.users["employer_1"]).post(
        url("move", fair, verb="close")).status_code == 403
    assert client_for(world.users["county_a"]).post(
        url("move", wide_fair, verb="close")).status_code == 403
    assert client_for(world.users["county_a"]).post(
        url("move", fair, verb="explode")).status_code == 404


# ---- booths ---------------------------------------------------------------------------------

def test_officer_adds_a_booth_with_the_employers_open_demands(client_for, world):
    fair = JobFairFactory(region=world.county_a, status="planned")
    closed = JobDemandFactory(employer=world.employer_1, status="closed")
    response = client_for(world.users["county_a"]).post(
        url("booth_add", fair), {"employer": world.employer_1.pk, "number": "C3"})
    booth = fair.booths.get()
    assert response.status_code == 302 and booth.number == "C3"
    assert list(booth.demands.all()) == [world.demand_1] and closed not in booth.demands.all()


def test_officer_cannot_add_a_booth_for_an_employer_outside_scope(client_for, world):
    fair = JobFairFactory(region=world.county_a, status="planned")
    response = client_for(world.users["county_a"]).post(
        url("booth_add", fair), {"employer": world.employer_2.pk}, follow=True)
    assert "Choose an employer" in response.content.decode() and not fair.booths.exists()


def test_employer_adds_own_demand_and_cannot_name_anothers(client_for, world, fair):
    extra = JobDemandFactory(employer=world.employer_1, title="焊工")
    client = client_for(world.users["employer_1"])
    client.post(booth_url("booth_demand_add", fair), {"demand": str(extra.public_id)})
    assert extra in fair.booths.get().demands.all()
    response = client.post(booth_url("booth_demand_add", fair),
                           {"demand": str(world.demand_2.public_id)})
    assert response.status_code == 404


def test_booth_page_lists_candidates_with_check_in_marks(client_for, world, fair):
    here = WorkerFactory(region=world.county_a, name="到场者")
    certify(here, world.demand_1)
    check_in(fair, here)
    body = get(client_for, world, "county_a", booth_url("booth", fair)).content.decode()
    assert "到场者" in body and "at the fair" in body


def test_booth_page_masks_names_for_the_employer(client_for, world, fair):
    hidden = WorkerFactory(region=world.county_a, name="未申请者")
    certify(hidden, world.demand_1)
    body = get(client_for, world, "employer_1", booth_url("booth", fair)).content.decode()
    assert "未申请者" not in body and "Candidate #1" in body and hidden.id_number_masked not in body


def _booth_queries(client: Any, fair: JobFair) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(booth_url("booth", fair)).status_code == 200
    return len(ctx.captured_queries)


def test_booth_page_query_count_does_not_grow_with_candidates(client_for, world, fair):
    client = client_for(world.users["employer_1"])

    def add(n: int) -> None:
        for _ in range(n):
            worker = WorkerFactory(region=world.county_a)
            certify(worker, world.demand_1)
            check_in(fair, worker)
            ReferralFactory(demand=world.demand_1, worker=worker, status="applied")

    add(2)
    few = _booth_queries(client, fair)
    add(6)
    assert _booth_queries(client, fair) == few


def test_print_page_lists_every_booth_for_officers_and_one_for_its_employer(
        client_for, world, fair):
    BoothFactory(fair=fair, employer=world.employer_2, demands=[world.demand_2])
    body = get(client_for, world, "county_a", url("print", fair)).content.decode()
    assert world.employer_1.name in body and world.employer_2.name in body
    assert get(client_for, world, "employer_1", url("print", fair)).status_code == 403
    own = fair.booths.get(employer=world.employer_1)
    body = get(client_for, world, "employer_1",
               f"{url('print', fair)}?booth={own.public_id}").content.decode()
    assert world.employer_1.name in body and world.employer_2.name not in body


# ---- referrals at the booth -----------------------------------------------------------------

def test_employer_invites_a_candidate_from_the_booth_page(client_for, world, fair):
    certify(world.worker_1, world.demand_1)
    response = client_for(world.users["employer_1"]).post(booth_url("booth_invite", fair), {
        "demand": str(world.demand_1.public_id), "worker": str(world.worker_1.public_id)},
        follow=True)
    assert "invited to apply" in response.content.decode()
    link = FairReferral.objects.get()
    assert link.booth.fair == fair and link.referral.worker == world.worker_1


def test_invite_refusal_is_shown_as_a_message(client_for, world, fair):
    certify(world.worker_1, world.demand_1)
    ReferralFactory(demand=world.demand_1, worker=world.worker_1)
    response = client_for(world.users["employer_1"]).post(booth_url("booth_invite", fair), {
        "demand": str(world.demand_1.public_id), "worker": str(world.worker_1.public_id)},
        follow=True)
    assert "already referred" in response.content.decode()
    assert not FairReferral.objects.exists()


def test_worker_applies_on_the_fair_page(client_for, world, fair):
    client = client_for(world.users["worker_1"])
    body = client.get(url("fair", fair)).content.decode()
    assert booth_url("booth_apply", fair) in body
    response = client.post(booth_url("booth_apply", fair),
                           {"demand": str(world.demand_1.public_id)}, follow=True)
    assert "You applied" in response.content.decode()
    assert FairReferral.objects.get().channel == "applied"
    assert "My application" in client.get(url("fair", fair)).content.decode()


def test_worker_cannot_apply_for_a_demand_of_another_booth(client_for, world, fair):
    response = client_for(world.users["worker_1"]).post(
        booth_url("booth_apply", fair), {"demand": str(world.demand_2.public_id)})
    assert response.status_code == 404


# ---- results --------------------------------------------------------------------------------

def test_results_page_and_workbook_carry_the_figures(client_for, world, fair):
    check_in(fair, world.worker_1)
    at_fair(fair.booths.get(), ReferralFactory(demand=world.demand_1, worker=world.worker_1,
                                               status="hired"))
    body = get(client_for, world, "county_a", url("results", fair)).content.decode()
    assert "referrals made at the fair" in body
    response = get(client_for, world, "county_a", url("results_xlsx", fair))
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1] == ("展位号", "用人单位", "推荐人次", "推荐人数", "面试人数", "录用意向人数",
                       "入职人数")
    assert rows[2] == ("A01", world.employer_1.name, 1, 1, 1, 1, 1)
    assert rows[3] == (None, "合计", 1, 1, 1, 1, 1)
    assert any(row[0] == "入场人数：1" for row in rows)


def _results_queries(client: Any, fair: JobFair) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url("results", fair)).status_code == 200
    return len(ctx.captured_queries)


def test_results_page_query_count_does_not_grow_with_booths(client_for, world, fair):
    client = client_for(world.users["bureau"])

    def add(n: int) -> None:
        for _ in range(n):
            employer = EmployerFactory(region=world.county_a)
            demand = JobDemandFactory(employer=employer)
            booth: Any = BoothFactory(fair=fair, employer=employer, demands=[demand])
            worker = WorkerFactory(region=world.county_a)
            check_in(fair, worker)
            at_fair(booth, ReferralFactory(demand=demand, worker=worker, status="offered"))

    add(1)
    few = _results_queries(client, fair)
    add(5)
    assert _results_queries(client, fair) == few


def test_desk_shows_recent_check_ins_with_masked_id_numbers(client_for, world, fair):
    check_in(fair, world.worker_1)
    body = get(client_for, world, "county_a", url("desk", fair)).content.decode()
    assert world.worker_1.name in body and world.worker_1.id_number_masked in body
    assert world.worker_1.id_number not in body
    assert FairCheckIn.objects.count() == 1
