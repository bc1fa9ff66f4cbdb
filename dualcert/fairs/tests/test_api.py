import pytest

from dualcert.employment.tests.factories import ReferralFactory
from dualcert.fairs import passes
from dualcert.fairs.models import FairCheckIn
from dualcert.fairs.tests.factories import JobFairFactory, at_fair, check_in

pytestmark = pytest.mark.django_db

API = "/api/fairs"


def test_fair_list_endpoint_is_scoped(client_for, world, fair, wide_fair):
    JobFairFactory(region=world.county_b)
    body = client_for(world.users["worker_1"]).get(f"{API}/").json()
    assert {f["id"] for f in body} == {str(fair.public_id), str(wide_fair.public_id)}
    [row] = client_for(world.users["employer_1"]).get(f"{API}/").json()
    assert row["id"] == str(fair.public_id) and row["booths"] == 1 and row["county"] == "昌吉市"
    assert client_for(world.users["inst_1"]).get(f"{API}/").status_code == 403


def test_fair_endpoint_lists_booths_and_demands(client_for, world, fair):
    body = client_for(world.users["worker_1"]).get(f"{API}/{fair.public_id}").json()
    [booth] = body["booth_list"]
    assert booth["employer"] == world.employer_1.name
    assert [d["id"] for d in booth["demands"]] == [str(world.demand_1.public_id)]
    assert client_for(world.users["worker_2"]).get(f"{API}/{fair.public_id}").status_code == 404


def test_checkin_endpoint_takes_the_scanned_pass(client_for, world, fair):
    client = client_for(world.users["county_a"])
    endpoint = f"{API}/{fair.public_id}/checkins"
    scanned = {"scanned": passes.pass_url(fair, world.worker_1)}
    first = client.post(endpoint, scanned, content_type="application/json")
    assert first.status_code == 201 and first.json()["worker_name"] == world.worker_1.name
    again = client.post(endpoint, scanned, content_type="application/json")
    assert again.status_code == 400 and "already checked in" in again.json()["detail"][0]
    forged = client.post(endpoint, {"scanned": "x:y"}, content_type="application/json")
    assert forged.status_code == 400 and "not a fair pass" in forged.json()["detail"][0]
    assert FairCheckIn.objects.count() == 1


def test_checkin_endpoint_refuses_before_opening_and_other_roles(client_for, world):
    fair = JobFairFactory(region=world.county_a, status="planned")
    endpoint = f"{API}/{fair.public_id}/checkins"
    scanned = {"scanned": passes.pass_token(fair, world.worker_1)}
    early = client_for(world.users["county_a"]).post(endpoint, scanned,
                                                     content_type="application/json")
    assert early.status_code == 400 and "Check-in opens" in early.json()["detail"][0]
    assert client_for(world.users["worker_1"]).post(
        endpoint, scanned, content_type="application/json").status_code == 403
    assert client_for(world.users["county_b"]).post(
        endpoint, scanned, content_type="application/json").status_code == 404


def test_results_endpoint_figures_and_scope(client_for, world, fair):
    check_in(fair, world.worker_1)
    at_fair(fair.booths.get(), ReferralFactory(demand=world.demand_1, worker=world.worker_1,
                                               status="interviewed"))
    body = client_for(world.users["bureau"]).get(f"{API}/{fair.public_id}/results").json()
    assert body["visitors"] == 1 and body["visitors_referred"] == 1
    assert body["totals"] == {"referrals": 1, "workers": 1, "interviewed": 1, "offered": 0,
                              "hired": 0}
    employer = client_for(world.users["employer_1"]).get(
        f"{API}/{fair.public_id}/results").json()
    assert employer["visitors_referred"] is None and len(employer["booths"]) == 1
    assert client_for(world.users["worker_1"]).get(
        f"{API}/{fair.public_id}/results").status_code == 403
