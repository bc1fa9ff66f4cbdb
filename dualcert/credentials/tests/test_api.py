import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from dualcert.assessment.tests.helpers import confirmed
from dualcert.credentials.models import Certificate
from dualcert.credentials.tests.helpers import certificate

pytestmark = pytest.mark.django_db


def _post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def test_api_issue_returns_the_summary_and_is_idempotent(world, client_for):
    sitting = confirmed(world, [(90, 90, False), (70, 90, False)])
    client = client_for(world.users["bureau"])
    url = f"/api/credentials/sittings/{sitting.public_id}/issue"
    with time_machine.travel(datetime(2026, 6, 10, 9, tzinfo=ZoneInfo("Asia/Shanghai"))):
        first = _post(client, url).json()
        again = _post(client, url).json()
    assert first == {"issued": 3, "skipped": 0, "dual_certified": 1, "single_certified": 1,
                     "retakes": 1, "not_certified": 0}
    assert (again["issued"], again["skipped"]) == (0, 3)


def test_api_issue_refused_to_evaluator(world, client_for):
    sitting = confirmed(world, [(90, 90, False)])
    response = _post(client_for(world.users["eval_1"]),
                     f"/api/credentials/sittings/{sitting.public_id}/issue")
    assert response.status_code == 403 and not Certificate.objects.exists()


def test_api_lists_only_visible_certificates(world, client_for):
    mine = certificate(certificate_type=world.pathway_1.permit, worker=world.worker_1)
    certificate(certificate_type=world.pathway_2.permit, worker=world.worker_2,
                number="T2026000002")
    body = client_for(world.users["county_a"]).get("/api/credentials/certificates").json()
    assert body["count"] == 1 and body["items"][0]["number"] == mine.number
    assert body["items"][0]["holder_id_number"] == world.worker_1.id_number_masked


def test_api_lookup_needs_number_and_name(world, client_for):
    cert = certificate(worker=world.worker_1)
    client = client_for(world.users["employer_2"])
    found = _post(client, "/api/credentials/lookup",
                  {"number": cert.number, "holder_name": world.worker_1.name})
    wrong = _post(client, "/api/credentials/lookup", {"number": cert.number, "holder_name": "某"})
    assert found.status_code == 200 and found.json()["public_id"] == str(cert.public_id)
    assert wrong.status_code == 404


def test_api_revoke_requires_reason_and_the_right_department(world, client_for):
    cert = certificate(certificate_type=world.pathway_1.permit, worker=world.worker_1)
    url = f"/api/credentials/certificates/{cert.public_id}/revoke"
    no_reason = _post(client_for(world.users["dept_1"]), url, {"reason": " "})
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["fields"]
    assert _post(client_for(world.users["dept_2"]), url, {"reason": "x"}).status_code == 404
    assert _post(client_for(world.users["county_a"]), url, {"reason": "x"}).status_code == 403
    done = _post(client_for(world.users["dept_1"]), url, {"reason": "吊销"})
    assert done.status_code == 200 and done.json()["status"] == "revoked"
