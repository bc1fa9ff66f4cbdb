import pytest

from dualcert.employment.models import Placement, Referral
from dualcert.employment.tests.factories import CertificateFactory, ReferralFactory

pytestmark = pytest.mark.django_db

API = "/api/employment"


def test_candidates_endpoint_ranks_and_hides_names_from_the_employer(client_for, world):
    CertificateFactory(worker=world.worker_1)
    response = client_for(world.users["employer_1"]).get(
        f"{API}/demands/{world.demand_1.public_id}/candidates")
    assert response.status_code == 200
    [row] = response.json()
    assert row["rank"] == 1 and row["score"] == 85 and row["qualified"] is True
    assert row["name"] is None and row["id_number_masked"] is None
    assert row["worker_id"] == str(world.worker_1.public_id)


def test_candidates_endpoint_scoping(client_for, world):
    url = f"{API}/demands/{world.demand_1.public_id}/candidates"
    assert client_for(world.users["employer_2"]).get(url).status_code == 404
    assert client_for(world.users["worker_1"]).get(url).status_code == 403


def test_recommend_endpoint_creates_a_referral_and_refuses_a_duplicate(client_for, world):
    CertificateFactory(worker=world.worker_1)
    client = client_for(world.users["county_a"])
    url = f"{API}/demands/{world.demand_1.public_id}/referrals"
    payload = {"worker_id": str(world.worker_1.public_id)}
    first = client.post(url, payload, content_type="application/json")
    assert first.status_code == 201 and first.json()["status"] == "recommended"
    again = client.post(url, payload, content_type="application/json")
    assert again.status_code == 400 and "already referred" in again.json()["detail"][0]


def test_referral_list_endpoint_is_scoped(client_for, world):
    mine = ReferralFactory(demand=world.demand_1, worker=world.worker_1)
    ReferralFactory(demand=world.demand_2, worker=world.worker_2)
    body = client_for(world.users["employer_1"]).get(f"{API}/referrals").json()
    assert body["count"] == 1 and body["items"][0]["id"] == str(mine.public_id)
    assert body["items"][0]["worker_name"] is None
    assert client_for(world.users["inst_1"]).get(f"{API}/referrals").status_code == 403


def test_move_endpoints_follow_roles_and_states(client_for, world):
    referral = ReferralFactory(demand=world.demand_1, worker=world.worker_1, status="applied")
    employer = client_for(world.users["employer_1"])
    url = f"{API}/referrals/{referral.public_id}"
    wrong_state = employer.post(f"{url}/offer", {}, content_type="application/json")
    assert wrong_state.status_code == 400
    ok = employer.post(f"{url}/interview", {"reason": "面试通过"}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["moves"] == ["offer", "reject"]
    worker = client_for(world.users["worker_1"])
    assert worker.post(f"{url}/offer", {}, content_type="application/json").status_code == 403


def test_hire_endpoint_creates_a_placement_and_validates_the_wage(client_for, world):
    referral = ReferralFactory(demand=world.demand_1, worker=world.worker_1, status="offered")
    client = client_for(world.users["employer_1"])
    url = f"{API}/referrals/{referral.public_id}/hire"
    bad = client.post(url, {"start_date": "2026-04-01", "monthly_wage": 0},
                      content_type="application/json")
    assert bad.status_code == 400 and not Placement.objects.exists()
    good = client.post(url, {"start_date": "2026-04-01", "monthly_wage": 5800},
                       content_type="application/json")
    assert good.status_code == 201 and good.json()["monthly_wage"] == 5800
    assert good.json()["demand_status"] == "open"
    assert Referral.objects.get(pk=referral.pk).status == "hired"


def test_apply_endpoint_for_a_worker(client_for, world):
    response = client_for(world.users["worker_2"]).post(
        f"{API}/demands/{world.demand_1.public_id}/apply")
    assert response.status_code == 200 and response.json()["status"] == "applied"
    assert response.json()["worker_name"] == world.worker_2.name


def test_api_refuses_anonymous_callers(client):
    assert client.get(f"{API}/referrals").status_code == 401
