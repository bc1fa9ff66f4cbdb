import json
from datetime import date, timedelta

import pytest

from dualcert.demand.models import JobDemand

pytestmark = pytest.mark.django_db


def post(client, url, payload):
    return client.post(url, json.dumps(payload, default=str), content_type="application/json")


def payload(world, **changes):
    data = {
        "title": "焊工", "occupation_code": world.demand_1.occupation.code,
        "required_certificates": [world.pathway_1.permit.code], "headcount": 2,
        "wage_min": 5000, "wage_max": 6000, "region_code": "652301",
        "deadline": (date.today() + timedelta(days=5)).isoformat(),
    }
    return {**data, **changes}


def test_api_lists_demands_in_scope(world, client_for):
    response = client_for(world.users["employer_2"]).get("/api/demand/demands")
    assert [d["public_id"] for d in response.json()["items"]] == [str(world.demand_2.public_id)]


def test_api_employer_posts_a_demand(world, client_for):
    response = post(client_for(world.users["employer_1"]), "/api/demand/demands", payload(world))
    assert response.status_code == 201
    body = response.json()
    assert body["employer_id"] == str(world.employer_1.public_id)
    assert body["required_certificates"] == [world.pathway_1.permit.code]


def test_api_refuses_an_upside_down_wage_range_with_400(world, client_for):
    response = post(client_for(world.users["employer_1"]), "/api/demand/demands",
                    payload(world, wage_min=9000, wage_max=1000))
    assert response.status_code == 400
    assert any("below the lowest" in m for m in response.json()["detail"])


def test_api_refuses_unknown_certificate_codes_with_400(world, client_for):
    response = post(client_for(world.users["employer_1"]), "/api/demand/demands",
                    payload(world, required_certificates=["no-such-code"]))
    assert response.status_code == 400 and "no-such-code" in response.json()["detail"][0]


def test_api_refuses_posting_for_an_employer_the_caller_cannot_see(world, client_for):
    response = post(client_for(world.users["employer_1"]), "/api/demand/demands",
                    payload(world, employer_id=str(world.employer_2.public_id)))
    assert response.status_code == 400
    assert not JobDemand.objects.filter(title="焊工", employer=world.employer_2).exists()


def test_api_detail_is_404_outside_scope(world, client_for):
    url = f"/api/demand/demands/{world.demand_1.public_id}"
    assert client_for(world.users["employer_2"]).get(url).status_code == 404


def test_api_close_then_close_again(world, client_for):
    client = client_for(world.users["employer_1"])
    url = f"/api/demand/demands/{world.demand_1.public_id}/close"
    first = post(client, url, {"reason": ""})
    second = post(client, url, {"reason": ""})
    assert first.status_code == 200 and first.json()["status"] == "closed"
    assert second.status_code == 400


def test_api_close_by_worker_is_403(world, client_for):
    url = f"/api/demand/demands/{world.demand_1.public_id}/close"
    assert post(client_for(world.users["worker_1"]), url, {}).status_code == 403
