import pytest
from django.urls import reverse

from dualcert.core.models import AuditEntry
from dualcert.people.tests.helpers import certify, enroll, refer

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["bureau", "county_a", "inst_1", "employer_1", "dept_1",
                                  "eval_1", "outsider"])
def test_my_page_is_403_for_every_role_but_worker(world, client_for, role):
    assert client_for(world.users[role]).get(reverse("people:me")).status_code == 403


def test_my_page_consent_toggle_is_403_for_officers(world, client_for):
    response = client_for(world.users["bureau"]).post(reverse("people:me_consent"),
                                                      {"consent": "on"})
    assert response.status_code == 403


def test_my_page_shows_only_my_own_training_certificates_and_applications(world, client_for):
    enroll(world.project_1, world.worker_1, status="enrolled", attended_hours=14)
    enroll(world.project_2, world.worker_2)
    mine = certify(world.worker_1, world.pathway_1.permit)
    theirs = certify(world.worker_2, world.pathway_2.permit)
    refer(world.demand_1, world.worker_1, status="applied")
    refer(world.demand_2, world.worker_2)
    response = client_for(world.users["worker_1"]).get(reverse("people:me"))
    html = response.content.decode()
    assert response.status_code == 200
    assert world.project_1.name in html and world.project_2.name not in html
    assert mine.number in html and theirs.number not in html
    assert world.demand_1.title in html
    assert [r.demand for r in response.context["referrals"]] == [world.demand_1]
    assert world.worker_2.name not in html


def test_my_page_shows_my_masked_id_number_only(world, client_for):
    html = client_for(world.users["worker_1"]).get(reverse("people:me")).content.decode()
    assert world.worker_1.id_number_masked in html and world.worker_1.id_number not in html


def test_my_page_links_to_job_offers_and_training(world, client_for):
    html = client_for(world.users["worker_1"]).get(reverse("people:me")).content.decode()
    assert reverse("demand:demands") in html and reverse("training:projects") in html


def test_consent_toggle_changes_consent_and_is_audited(world, client_for):
    client = client_for(world.users["worker_1"])
    response = client.post(reverse("people:me_consent"), {"consent": ""})
    world.worker_1.refresh_from_db()
    assert response.status_code == 302 and not world.worker_1.consent_recommend
    client.post(reverse("people:me_consent"), {"consent": "on"})
    world.worker_1.refresh_from_db()
    assert world.worker_1.consent_recommend
    entries = AuditEntry.objects.filter(object_pk=world.worker_1.pk, action="worker.consent")
    assert [(e.before, e.after, e.actor) for e in entries.order_by("id")] == [
        ({"consent_recommend": True}, {"consent_recommend": False}, world.users["worker_1"]),
        ({"consent_recommend": False}, {"consent_recommend": True}, world.users["worker_1"]),
    ]


def test_consent_toggle_needs_post(world, client_for):
    assert client_for(world.users["worker_1"]).get(reverse("people:me_consent")).status_code == 405
