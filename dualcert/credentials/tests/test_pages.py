from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from dualcert.assessment.tests.helpers import confirmed
from dualcert.credentials.models import Certificate
from dualcert.credentials.tests.helpers import certificate
from dualcert.employment.models import Referral
from tests.factories import CertificateTypeFactory, WorkerFactory

pytestmark = pytest.mark.django_db

LIST = reverse("credentials:certificates")
LOOKUP = reverse("credentials:lookup")


def _url(cert, name="certificate"):
    return reverse(f"credentials:{name}", kwargs={"public_id": cert.public_id})


@pytest.fixture
def certs(world):
    """One permit per county: county A's on department 1's pathway, county B's on department 2's."""
    return {
        1: certificate(certificate_type=world.pathway_1.permit, worker=world.worker_1,
                       number="T2026000001"),
        2: certificate(certificate_type=world.pathway_2.permit, worker=world.worker_2,
                       number="T2026000002"),
    }


# -- the register -----------------------------------------------------------------------------

@pytest.mark.parametrize(("who", "sees"), [
    ("bureau", {1, 2}), ("county_a", {1}), ("county_b", {2}), ("dept_1", {1}), ("dept_2", {2}),
    ("worker_1", {1}), ("eval_1", set()), ("employer_1", set()),
])
def test_certificate_list_is_scoped(world, client_for, certs, who, sees):
    content = client_for(world.users[who]).get(LIST).content.decode()
    for n, cert in certs.items():
        assert (_url(cert) in content) == (n in sees)


def test_employer_sees_certificates_of_applicants_who_consented(world, client_for, certs):
    referral = Referral.objects.create(demand=world.demand_1, worker=world.worker_1)
    client = client_for(world.users["employer_1"])
    assert _url(certs[1]) not in client.get(LIST).content.decode()  # invited, not applied
    Referral.objects.filter(pk=referral.pk).update(status="applied", applied_at=timezone.now())
    content = client.get(LIST).content.decode()
    assert _url(certs[1]) in content and _url(certs[2]) not in content


def test_certificate_list_refuses_outsider_and_anonymous(world, client, client_for):
    assert client.get(LIST).status_code == 302
    assert client_for(world.users["outsider"]).get(LIST).status_code == 404


def test_certificate_list_filters_by_type_and_status(world, client_for, certs):
    other = certificate(certificate_type=world.pathway_1.permit, worker=world.worker_1,
                        number="T2026000003", status="revoked")
    client = client_for(world.users["bureau"])
    by_type = client.get(LIST, {"certificate_type": world.pathway_2.permit.public_id})
    assert list(by_type.context["page"]) == [certs[2]]
    by_status = client.get(LIST, {"status": "revoked"})
    assert list(by_status.context["page"]) == [other]
    assert "status=revoked" in by_status.context["query"]


@pytest.mark.parametrize("rows", [3, 10])
def test_certificate_list_query_count_does_not_grow_with_rows(
    world, client_for, django_assert_num_queries, rows
):
    permit = CertificateTypeFactory(department=world.dept_1)
    for n in range(rows):
        certificate(certificate_type=permit, worker=WorkerFactory(region=world.county_a),
                    number=f"T2026{n:06d}")
    client = client_for(world.users["county_a"])
    with django_assert_num_queries(6):
        response = client.get(LIST)
    assert len(response.context["page"]) == rows


# -- one certificate --------------------------------------------------------------------------

@pytest.mark.parametrize(("who", "status"), [
    ("bureau", 200), ("county_a", 200), ("dept_1", 200), ("worker_1", 200),
    ("county_b", 404), ("dept_2", 404), ("worker_2", 404), ("eval_1", 404), ("outsider", 404),
])
def test_certificate_page_is_scoped(world, client_for, certs, who, status):
    assert client_for(world.users[who]).get(_url(certs[1])).status_code == status


def test_revoke_form_only_for_those_allowed(world, client_for, certs):
    revoke = _url(certs[1], "certificate_revoke")
    assert revoke in client_for(world.users["dept_1"]).get(_url(certs[1])).content.decode()
    assert revoke not in client_for(world.users["county_a"]).get(_url(certs[1])).content.decode()


def test_county_officer_sees_the_full_id_number_department_the_masked_one(world, client_for, certs):
    full, masked = world.worker_1.id_number, world.worker_1.id_number_masked
    assert full in client_for(world.users["county_a"]).get(_url(certs[1])).content.decode()
    page = client_for(world.users["dept_1"]).get(_url(certs[1])).content.decode()
    assert masked in page and full not in page


def test_department_revokes_through_the_page_and_history_shows_it(world, client_for, certs):
    client = client_for(world.users["dept_1"])
    response = client.post(_url(certs[1], "certificate_revoke"), {"reason": "证件冒用"})
    assert response.status_code == 302
    page = client.get(_url(certs[1])).content.decode()
    assert "证件冒用" in page and _url(certs[1], "certificate_revoke") not in page
    assert Certificate.objects.get(pk=certs[1].pk).status == "revoked"


def test_revoke_without_a_reason_shows_the_error(world, client_for, certs):
    response = client_for(world.users["dept_1"]).post(_url(certs[1], "certificate_revoke"),
                                                      {"reason": ""})
    assert response.status_code == 400
    assert response.context["revoke_form"].errors
    assert Certificate.objects.get(pk=certs[1].pk).status == "valid"


@pytest.mark.parametrize(("who", "status"), [("county_a", 403), ("worker_1", 403),
                                             ("dept_2", 404), ("outsider", 404)])
def test_revoke_post_refused_to_other_roles(world, client_for, certs, who, status):
    response = client_for(world.users[who]).post(_url(certs[1], "certificate_revoke"),
                                                 {"reason": "x"})
    assert response.status_code == status
    assert Certificate.objects.get(pk=certs[1].pk).status == "valid"


# -- issuing from the sitting page ------------------------------------------------------------

def test_issue_button_issues_and_reports_counts(world, client_for):
    sitting = confirmed(world, [(90, 90, False), (70, 90, False)])
    issue = reverse("credentials:sitting_issue", kwargs={"public_id": sitting.public_id})
    with time_machine.travel(datetime(2026, 6, 10, 9, tzinfo=ZoneInfo("Asia/Shanghai"))):
        response = client_for(world.users["dept_1"]).post(issue, follow=True)
    content = response.content.decode()
    assert "3 certificates issued" in content and "retakes offered: 1" in content
    assert "retake offered" in content
    assert Certificate.objects.count() == 3


@pytest.mark.parametrize(("who", "status"), [("eval_1", 403), ("inst_1", 403), ("dept_2", 404),
                                             ("county_b", 404)])
def test_issue_post_refused_to_other_roles(world, client_for, who, status):
    sitting = confirmed(world, [(90, 90, False)])
    issue = reverse("credentials:sitting_issue", kwargs={"public_id": sitting.public_id})
    assert client_for(world.users[who]).post(issue).status_code == status
    assert not Certificate.objects.exists()


# -- verification -----------------------------------------------------------------------------

NOT_FOUND = "No certificate with this number and holder"


def test_lookup_posts_number_and_name_and_shows_the_card(world, client_for, certs):
    client = client_for(world.users["employer_2"])
    assert client.get(LOOKUP).status_code == 200
    response = client.post(LOOKUP, {"number": "t2026 000001", "holder_name": world.worker_1.name})
    content = response.content.decode()
    assert world.worker_1.id_number_masked in content
    assert world.worker_1.id_number not in content
    assert world.pathway_1.permit.name in content and "2032-06-09" in content


def test_lookup_with_wrong_name_answers_like_a_wrong_number(world, client_for, certs):
    client = client_for(world.users["employer_1"])
    wrong_name = client.post(LOOKUP, {"number": certs[1].number, "holder_name": "某某"})
    wrong_number = client.post(LOOKUP, {"number": "T2026999999",
                                        "holder_name": world.worker_1.name})
    for response in (wrong_name, wrong_number):
        assert NOT_FOUND in response.content.decode()
        assert response.context["certificate"] is None


def test_lookup_by_get_parameters_searches_nothing(world, client_for, certs):
    response = client_for(world.users["employer_1"]).get(
        LOOKUP, {"number": certs[1].number, "holder_name": world.worker_1.name})
    assert response.context["certificate"] is None and not response.context["searched"]


def test_lookup_needs_sign_in(world, client):
    assert client.get(LOOKUP).status_code == 302
