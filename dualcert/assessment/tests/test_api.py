import json

import pytest

from dualcert.assessment.models import Score, Sitting
from dualcert.assessment.tests.helpers import enroll, scored, sitting_for

pytestmark = pytest.mark.django_db


def _post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def test_api_lists_the_evaluators_sittings_only(world, client_for):
    mine, _other = sitting_for(world, 1), sitting_for(world, 2)
    body = client_for(world.users["eval_1"]).get("/api/assessment/sittings").json()
    assert [item["public_id"] for item in body["items"]] == [str(mine.public_id)]


def test_api_records_a_score_sheet_then_submits(world, client_for):
    sitting = sitting_for(world)
    a, b = enroll(sitting.project, 2)
    client = client_for(world.users["eval_1"])
    rows = [{"enrollment": str(a.public_id), "theory": 90, "practical": 85},
            {"enrollment": str(b.public_id), "absent": True}]
    response = _post(client, f"/api/assessment/sittings/{sitting.public_id}/scores",
                     {"rows": rows})
    assert response.status_code == 200 and len(response.json()) == 2
    submitted = _post(client, f"/api/assessment/sittings/{sitting.public_id}/submit")
    assert submitted.status_code == 200 and len(submitted.json()) == 4
    assert Sitting.objects.get(pk=sitting.pk).status == "scored"


def test_api_score_sheet_errors_are_keyed_by_enrollment_and_nothing_is_saved(world, client_for):
    sitting = sitting_for(world)
    a, b = enroll(sitting.project, 2)
    rows = [{"enrollment": str(a.public_id), "theory": 90, "practical": 85},
            {"enrollment": str(b.public_id), "theory": 120, "practical": 85},
            {"enrollment": "00000000-0000-0000-0000-000000000000", "theory": 1, "practical": 1}]
    response = _post(client_for(world.users["eval_1"]),
                     f"/api/assessment/sittings/{sitting.public_id}/scores", {"rows": rows})
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"00000000-0000-0000-0000-000000000000"}
    assert not Score.objects.exists()
    rows.pop()
    response = _post(client_for(world.users["eval_1"]),
                     f"/api/assessment/sittings/{sitting.public_id}/scores", {"rows": rows})
    assert response.status_code == 400 and set(response.json()["fields"]) == {str(b.public_id)}
    assert not Score.objects.exists()


def test_api_submit_with_missing_sheets_is_400(world, client_for):
    sitting = sitting_for(world)
    enroll(sitting.project, 1)
    response = _post(client_for(world.users["eval_1"]),
                     f"/api/assessment/sittings/{sitting.public_id}/submit")
    assert response.status_code == 400 and "missing" in response.json()["detail"][0]


@pytest.mark.parametrize(("who", "status"), [("dept_1", 200), ("dept_2", 404), ("county_a", 403)])
def test_api_confirm_only_by_the_permits_department(world, client_for, who, status):
    sitting = scored(world, [(90, 90, False)])
    response = _post(client_for(world.users[who]),
                     f"/api/assessment/sittings/{sitting.public_id}/confirm")
    assert response.status_code == status


def test_api_other_evaluator_gets_404(world, client_for):
    sitting = sitting_for(world)
    response = _post(client_for(world.users["eval_2"]),
                     f"/api/assessment/sittings/{sitting.public_id}/submit")
    assert response.status_code == 404
