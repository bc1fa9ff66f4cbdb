"""Every refused JSON API call answers with one body: {"detail": [...]} (+ "fields")."""

import json
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.crypto import get_random_string

from dualcert.demand.models import JobDemand

pytestmark = pytest.mark.django_db

DEMANDS = "/api/demand/demands"


def _post(client, url, payload=None, **headers):
    return client.post(url, json.dumps(payload or {}, default=str),
                       content_type="application/json", **headers)


def _demand(world, **changes):
    data = {
        "title": "焊工", "occupation_code": world.demand_1.occupation.code,
        "required_certificates": [], "headcount": 2, "wage_min": 5000, "wage_max": 6000,
        "region_code": world.county_a.code, "deadline": timezone.localdate() + timedelta(days=5),
    }
    return {**data, **changes}


def test_validation_error_with_field_errors_is_400_with_messages_by_field(world, client_for):
    response = _post(client_for(world.users["employer_1"]), DEMANDS,
                     _demand(world, headcount=0, wage_min=9000, wage_max=1000))
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "fields"}
    assert body["fields"] == {
        "headcount": ["The headcount must be at least 1 person."],
        "wage_max": ["The highest monthly wage (1000 yuan) is below the lowest (9000 yuan): "
                     "correct one of them."],
    }
    assert sorted(body["detail"]) == sorted(m for found in body["fields"].values() for m in found)


def test_plain_validation_error_is_400_with_detail_only(world, client_for):
    response = _post(client_for(world.users["employer_1"]), DEMANDS,
                     _demand(world, required_certificates=["no-such-code"]))
    assert response.status_code == 400
    assert response.json() == {
        "detail": ["These certificate type codes are not in the catalogue: no-such-code."],
    }


def test_permission_denied_without_a_message_is_403_with_the_default(world, client_for):
    url = f"{DEMANDS}/{world.demand_1.public_id}/close"
    response = _post(client_for(world.users["worker_1"]), url, {"reason": ""})
    assert response.status_code == 403
    assert response.json() == {"detail": ["Your role may not do this."]}
    assert JobDemand.objects.get(pk=world.demand_1.pk).status == "open"


def test_permission_denied_keeps_the_services_message(world, client_for):
    response = _post(client_for(world.users["worker_1"]), DEMANDS, _demand(world))
    assert response.status_code == 403
    assert response.json() == {"detail": ["Your role may not post or change job demands."]}


@pytest.mark.parametrize("public_id", ["unknown", "other_scope"])
def test_unknown_and_out_of_scope_ids_are_the_same_404(world, client_for, public_id):
    target = uuid.uuid4() if public_id == "unknown" else world.demand_2.public_id
    response = client_for(world.users["employer_1"]).get(f"{DEMANDS}/{target}")
    assert response.status_code == 404
    assert response.json() == {"detail": ["Nothing matching was found, or you may not see it."]}


def test_a_body_that_does_not_match_the_schema_is_422_in_the_same_shape(world, client_for):
    response = _post(client_for(world.users["employer_1"]), DEMANDS,
                     _demand(world, headcount="many"))
    assert response.status_code == 422
    body = response.json()
    assert list(body["fields"]) == ["headcount"]
    assert body["detail"][0].startswith("headcount: ")


def test_anonymous_caller_is_401_in_the_same_shape(client):
    response = client.get(DEMANDS)
    assert response.status_code == 401 and response.json() == {"detail": ["Unauthorized"]}


def test_post_without_csrf_token_from_a_signed_in_session_is_refused(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["employer_1"])
    url = f"{DEMANDS}/{world.demand_1.public_id}/close"
    refused = _post(client, url, {"reason": ""})
    assert refused.status_code == 403
    assert refused.json() == {"detail": ["CSRF check Failed"]}
    assert JobDemand.objects.get(pk=world.demand_1.pk).status == "open"
    token = get_random_string(32)
    client.cookies["csrftoken"] = token
    accepted = _post(client, url, {"reason": ""}, headers={"X-CSRFToken": token})
    assert accepted.status_code == 200 and accepted.json()["status"] == "closed"


def test_openapi_documents_the_refusal_body(world, client_for):
    schema = client_for(world.users["bureau"]).get("/api/openapi.json").json()
    error = schema["components"]["schemas"]["ErrorOut"]
    assert error["required"] == ["detail"]
    assert error["properties"]["detail"] == {
        "items": {"type": "string"}, "title": "Detail", "type": "array"}
    assert "fields" in error["properties"]
    create = schema["paths"][DEMANDS]["post"]["responses"]
    for status in ("400", "403", "404"):
        ref = create[status]["content"]["application/json"]["schema"]["$ref"]
        assert ref == "#/components/schemas/ErrorOut"


def test_every_state_changing_endpoint_documents_400_and_403(world, client_for):
    schema = client_for(world.users["bureau"]).get("/api/openapi.json").json()
    writes = [(path, ops["post"]["responses"]) for path, ops in schema["paths"].items()
              if "post" in ops]
    assert len(writes) > 20
    undocumented = [path for path, responses in writes if not {"400", "403"} <= set(responses)]
    assert undocumented == []
