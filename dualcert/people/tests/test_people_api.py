import json

import pytest

from dualcert.core.models import AuditEntry

pytestmark = pytest.mark.django_db

NEW_ID = "652301199203040026"


def post(client, url, payload):
    return client.post(url, json.dumps(payload), content_type="application/json")


def test_api_lists_only_workers_in_scope_with_masked_ids(world, client_for):
    response = client_for(world.users["county_a"]).get("/api/people/workers")
    items = response.json()["items"]
    assert [w["name"] for w in items] == [world.worker_1.name]
    assert items[0]["id_number_masked"] == world.worker_1.id_number_masked
    assert world.worker_1.id_number not in response.content.decode()


def test_api_registers_a_worker_through_the_service(world, client_for):
    response = post(client_for(world.users["county_a"]), "/api/people/workers",
                    {"name": "钱七", "id_number": NEW_ID, "region_code": "652301"})
    assert response.status_code == 201
    body = response.json()
    assert body["id_number_masked"] == "652301********0026"
    assert NEW_ID not in response.content.decode()
    assert AuditEntry.objects.filter(action="worker.register").count() == 1


def test_api_refuses_a_bad_id_number_with_400_and_the_message(world, client_for):
    response = post(client_for(world.users["bureau"]), "/api/people/workers",
                    {"name": "钱七", "id_number": NEW_ID[:17] + "1", "region_code": "652301"})
    assert response.status_code == 400
    assert "check digit" in response.json()["detail"][0]


def test_api_refuses_registration_by_an_employer_with_403(world, client_for):
    response = post(client_for(world.users["employer_1"]), "/api/people/workers",
                    {"name": "钱七", "id_number": NEW_ID, "region_code": "652301"})
    assert response.status_code == 403


def test_api_worker_detail_is_404_outside_scope(world, client_for):
    url = f"/api/people/workers/{world.worker_2.public_id}"
    assert client_for(world.users["county_a"]).get(url).status_code == 404
    assert client_for(world.users["county_b"]).get(url).json()["name"] == world.worker_2.name


def test_api_lookup_by_posted_id_number(world, client_for):
    response = post(client_for(world.users["bureau"]), "/api/people/workers/lookup",
                    {"id_number": world.worker_2.id_number})
    assert [w["public_id"] for w in response.json()] == [str(world.worker_2.public_id)]
