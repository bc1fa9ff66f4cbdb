import json

import pytest

from dualcert.people import idnumber
from dualcert.training.models import Attendance, Enrollment, TrainingProject
from dualcert.training.tests.builders import (
    END,
    START,
    cover_fully,
    enroll,
    items_of,
    project,
    session,
    set_status,
)

pytestmark = pytest.mark.django_db
API = "/api/training"


def _post(client, path, payload=None):
    return client.post(f"{API}{path}", json.dumps(payload or {}), content_type="application/json")


def test_list_is_scoped_and_paginated(world, client_for):
    body = client_for(world.users["inst_1"]).get(f"{API}/projects").json()
    assert body["count"] == 1 and body["items"][0]["public_id"] == str(world.project_1.public_id)
    assert body["items"][0]["county"] == "昌吉市" and body["items"][0]["admitted"] == 0


def test_list_filters_by_status(world, client_for):
    set_status(world.project_2, "enrolling")
    body = client_for(world.users["bureau"]).get(f"{API}/projects?status=enrolling").json()
    assert [p["code"] for p in body["items"]] == [world.project_2.code]


def test_detail_carries_coverage_and_allowed_moves(world, client_for, electrician):
    draft = project(world, pathway=electrician)
    cover_fully(draft)
    body = client_for(world.users["county_a"]).get(f"{API}/projects/{draft.public_id}").json()
    assert body["moves"] == ["approve"] and body["total_hours"] == 104
    assert [(r["certificate"], r["item"], r["theory_short"]) for r in body["coverage"]] == [
        ("电工（五级）", "理论基础", 0), ("电工（五级）", "实操技能", 0),
        ("低压电工作业", "安全技术", 0), ("低压电工作业", "实际操作", 0),
    ]


@pytest.mark.parametrize("role", ["inst_2", "county_b", "outsider"])
def test_detail_out_of_scope_is_404(world, client_for, role):
    response = client_for(world.users[role]).get(f"{API}/projects/{world.project_1.public_id}")
    assert response.status_code == 404


def test_create_project(world, client_for):
    response = _post(client_for(world.users["county_a"]), "/projects", {
        "name": "API 项目", "pathway": str(world.pathway_1.public_id),
        "institution": str(world.inst_1.public_id), "demands": [str(world.demand_1.public_id)],
        "capacity": 10, "start_date": START.isoformat(), "end_date": END.isoformat(),
    })
    assert response.status_code == 200, response.content
    assert response.json()["code"] == "XM2026-0001" and response.json()["status"] == "draft"
    assert TrainingProject.objects.get(name="API 项目").demands.get() == world.demand_1


def test_create_project_refusals_are_400_with_every_message(world, client_for):
    response = _post(client_for(world.users["county_a"]), "/projects", {
        "name": "x", "pathway": str(world.pathway_1.public_id),
        "institution": str(world.inst_1.public_id), "demands": [str(world.demand_1.public_id)],
        "capacity": 0, "start_date": END.isoformat(), "end_date": START.isoformat(),
    })
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert len(detail) == 2 and "capacity" in detail[1] and "before the start date" in detail[0]


def test_create_project_refuses_unknown_references(world, client_for):
    response = _post(client_for(world.users["county_a"]), "/projects", {
        "name": "x", "pathway": str(world.pathway_1.public_id),
        "institution": str(world.inst_1.public_id), "demands": [str(world.demand_2.public_id)],
        "capacity": 3, "start_date": START.isoformat(), "end_date": END.isoformat(),
    })
    assert response.status_code == 400
    assert response.json()["detail"] == [f"Unknown job demand: {world.demand_2.public_id}"]


def test_create_project_is_403_for_institutions(world, client_for):
    response = _post(client_for(world.users["inst_1"]), "/projects", {
        "name": "x", "pathway": str(world.pathway_1.public_id),
        "institution": str(world.inst_1.public_id), "capacity": 3,
        "start_date": START.isoformat(), "end_date": END.isoformat(),
    })
    assert response.status_code == 403


def test_approve_refused_lists_gaps_then_succeeds(world, client_for, electrician):
    draft = project(world, pathway=electrician)
    client = client_for(world.users["inst_1"])
    items = items_of(electrician)
    added = _post(client, f"/projects/{draft.public_id}/modules", {
        "name": "安全", "theory_hours": 24, "practical_hours": 8,
        "requirement_items": [str(items["安全技术"].public_id), str(items["理论基础"].public_id)],
    })
    assert added.status_code == 200
    approve = f"/projects/{draft.public_id}/moves/approve"
    refused = _post(client_for(world.users["county_a"]), approve)
    assert refused.status_code == 400
    assert refused.json()["detail"] == [
        "电工（五级） · 实操技能: theory 0 of 4 hours (4 short)",
        "电工（五级） · 实操技能: practical 0 of 20 hours (20 short)",
        "低压电工作业 · 实际操作: theory 0 of 8 hours (8 short)",
        "低压电工作业 · 实际操作: practical 0 of 24 hours (24 short)",
    ]
    client = client_for(world.users["inst_1"])
    _post(client, f"/projects/{draft.public_id}/modules", {
        "name": "实操", "theory_hours": 8, "practical_hours": 24,
        "requirement_items": [str(items["实操技能"].public_id), str(items["实际操作"].public_id)],
    })
    officer = client_for(world.users["county_a"])
    approved = _post(officer, approve)
    assert approved.status_code == 200 and approved.json()["status"] == "approved"


def test_moves_are_403_for_read_only_roles(world, client_for):
    response = _post(client_for(world.users["dept_1"]),
                     f"/projects/{world.project_1.public_id}/moves/approve")
    assert response.status_code == 403


def test_apply_admit_and_record_attendance(world, client_for, time_machine):
    subject = project(world, "enrolling")
    client = client_for(world.users["inst_1"])
    number = idnumber.generate("652301", START.replace(1992), 9)
    applied = _post(client, f"/projects/{subject.public_id}/enrollments", {
        "name": "接口学员", "id_number": number, "region": str(world.county_a.public_id),
        "education": 3, "wage_before": 2600,
    })
    assert applied.status_code == 200 and applied.json()["status"] == "applied"
    assert applied.json()["id_number_masked"] == idnumber.mask(number)
    public_id = applied.json()["public_id"]
    admitted = _post(client, f"/enrollments/{public_id}/admit")
    assert admitted.json()["status"] == "enrolled"
    set_status(subject, "training")
    lesson = session(subject, START, 6)
    time_machine.move_to("2026-03-10 09:00 +0800", tick=False)
    recorded = _post(client, f"/sessions/{lesson.public_id}/attendance", {"present": [public_id]})
    assert recorded.json() == {"present": 1, "absent": 0}
    assert Enrollment.objects.get(public_id=public_id).attended_hours == 6
    assert Attendance.objects.get().present


def test_apply_with_wrong_check_digit_is_400(world, client_for):
    subject = project(world, "enrolling")
    number = idnumber.generate("652301", START.replace(1992), 9)
    wrong = number[:-1] + ("1" if number[-1] != "1" else "2")
    client = client_for(world.users["inst_1"])
    response = _post(client, f"/projects/{subject.public_id}/enrollments",
                     {"name": "甲", "id_number": wrong, "region": str(world.county_a.public_id)})
    assert response.status_code == 400 and "check digit" in response.json()["detail"][0]


def test_worker_applies_for_themselves(world, client_for):
    subject = project(world, "enrolling")
    client = client_for(world.users["worker_1"])
    response = _post(client, f"/projects/{subject.public_id}/apply-self")
    assert response.status_code == 200 and response.json()["worker"] == world.worker_1.name
    mine = client.get(f"{API}/projects/{subject.public_id}/enrollments")
    assert [e["worker"] for e in mine.json()] == [world.worker_1.name]


def test_admit_all_reports_refusals(world, client_for):
    subject = project(world, "enrolling", capacity=1)
    enroll(subject, status="applied")
    late = enroll(subject, status="applied")
    client = client_for(world.users["county_a"])
    body = _post(client, f"/projects/{subject.public_id}/admit-all").json()
    assert len(body["admitted"]) == 1
    assert body["refused"] == [{
        "enrollment": {"public_id": str(late.public_id), "worker": late.worker.name,
                       "id_number_masked": late.worker.id_number_masked, "status": "applied",
                       "attended_hours": 0},
        "reasons": ["The project is full: 1 of 1 places are taken."],
    }]


def test_attendance_refuses_enrollments_of_other_projects(world, client_for):
    subject = project(world, "training")
    lesson = session(subject, START)
    stranger = enroll(project(world, "training"))
    response = _post(client_for(world.users["inst_1"]), f"/sessions/{lesson.public_id}/attendance",
                     {"present": [str(stranger.public_id)]})
    assert response.status_code == 400 and "Not enrolled" in response.json()["detail"][0]
