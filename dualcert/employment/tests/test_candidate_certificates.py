"""The employer checks a candidate's certificates from the candidates and referral pages."""

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from dualcert.credentials.models import Certificate, Verification
from dualcert.credentials.selectors import verifications_for_worker
from dualcert.credentials.services import certificate_revoke
from dualcert.credentials.tests.helpers import certificate, signed_certificate
from dualcert.employment.models import Referral
from dualcert.employment.tests.factories import ReferralFactory
from tests.factories import CertificateTypeFactory, WorkerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def holder(world: Any) -> Any:
    """A consenting worker of county A holding a signed, valid permit that demand_1 asks for."""
    person = WorkerFactory(region=world.county_a, name="持证人甲")
    permit = world.pathway_1.permit
    world.demand_1.required_certificates.set([permit])
    cert = signed_certificate(worker=person, certificate_type=permit, number="T2026000001")
    return cert


def verify_url(demand: Any, cert: Certificate) -> str:
    return reverse("employment:verify_candidate_certificate",
                   kwargs={"demand_id": demand.public_id, "certificate_id": cert.public_id})


def referral_verify_url(referral: Any, cert: Certificate) -> str:
    return reverse("employment:verify_referral_certificate",
                   kwargs={"public_id": referral.public_id, "certificate_id": cert.public_id})


def candidates_url(demand: Any) -> str:
    return reverse("employment:candidates", kwargs={"demand_id": demand.public_id})


def verify(client_for: Any, world: Any, user: str, url: str) -> Any:
    return client_for(world.users[user]).post(url, follow=True)


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# ---- the candidates page -------------------------------------------------------------------

def test_candidates_page_shows_each_counting_certificate_with_a_verify_button(
        client_for, world, holder):
    html = client_for(world.users["employer_1"]).get(candidates_url(world.demand_1)).content
    page = html.decode()
    assert holder.certificate_type.name in page and 'class="badge ok">valid<' in page
    assert "valid until 2032-06-09" in page
    assert f'action="{verify_url(world.demand_1, holder)}"' in page
    assert holder.number not in page and "持证人甲" not in page


def test_employer_verifies_a_masked_candidates_certificate_without_seeing_its_number(
        client_for, world, holder):
    response = verify(client_for, world, "employer_1", verify_url(world.demand_1, holder))
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == (
        f"{candidates_url(world.demand_1)}#cert-{holder.public_id}")
    [message] = messages_of(response)
    assert message.startswith(f"“{holder.certificate_type.name}” checked just now: valid")
    page = response.content.decode()
    assert holder.number not in page and "持证人甲" not in page


def test_the_check_is_logged_under_the_employers_name_for_the_holder_to_see(
        client_for, world, holder):
    verify(client_for, world, "employer_1", verify_url(world.demand_1, holder))
    [row] = Verification.objects.all()
    assert (row.certificate, row.verdict, row.verifier_name, row.verified_by) == (
        holder, "valid", world.employer_1.name, world.users["employer_1"])
    holder_user = _account_for(holder.worker)
    assert list(verifications_for_worker(holder_user)) == [row]


def _account_for(worker: Any) -> Any:
    from tests.factories import Role, make_user

    return make_user(f"holder{worker.pk}", Role.WORKER, worker=worker)


def test_a_revoked_certificate_is_reported_revoked(client_for, world, holder):
    certificate_revoke(actor=world.users["bureau"], certificate=holder, reason="伪造材料")
    response = verify(client_for, world, "employer_1", verify_url(world.demand_1, holder))
    [message] = messages_of(response)
    assert "checked just now: revoked" in message and "Do not rely" in message
    assert Verification.objects.get().verdict == "revoked"


def test_a_certificate_revoked_only_in_the_register_is_reported_revoked(
        client_for, world, holder):
    Certificate.objects.filter(pk=holder.pk).update(status=Certificate.Status.REVOKED)
    [message] = messages_of(verify(client_for, world, "employer_1",
                                   verify_url(world.demand_1, holder)))
    assert "checked just now: revoked" in message


def test_an_expired_certificate_is_reported_expired(client_for, world, holder):
    old = signed_certificate(worker=holder.worker, certificate_type=holder.certificate_type,
                             number="T2019000001", issued_on=date(2019, 1, 1), years=6)
    response = verify(client_for, world, "employer_1", verify_url(world.demand_1, old))
    [message] = messages_of(response)
    assert "checked just now: expired" in message
    assert Verification.objects.get().verdict == "expired"


def test_a_code_that_does_not_match_its_certificate_is_reported_forged(client_for, world,
                                                                        holder):
    other = signed_certificate(worker=holder.worker, certificate_type=holder.certificate_type,
                               number="T2026000002")
    Certificate.objects.filter(pk=other.pk).update(signed_payload=holder.signed_payload)
    [message] = messages_of(verify(client_for, world, "employer_1",
                                   verify_url(world.demand_1, other)))
    assert "checked just now: forged or altered" in message


def test_an_altered_code_is_reported_forged(client_for, world, holder):
    text = holder.signed_payload
    altered = text[:-6] + ("A" if text[-6] != "A" else "B") + text[-5:]
    Certificate.objects.filter(pk=holder.pk).update(signed_payload=altered)
    [message] = messages_of(verify(client_for, world, "employer_1",
                                   verify_url(world.demand_1, holder)))
    assert "checked just now: valid" not in message


def test_an_unsigned_certificate_is_checked_against_the_register_and_says_so(
        client_for, world, holder):
    unsigned = certificate(worker=holder.worker, certificate_type=holder.certificate_type,
                           number="T2026000003")
    [message] = messages_of(verify(client_for, world, "employer_1",
                                   verify_url(world.demand_1, unsigned)))
    assert "checked just now: valid" in message and "only the register was checked" in message


@pytest.mark.parametrize("user,status", [
    ("employer_2", 404), ("county_b", 404), ("outsider", 404), ("eval_1", 404),
    ("worker_1", 403), ("inst_1", 403), ("dept_1", 403),
])
def test_verify_from_the_candidates_page_refuses_other_roles(client_for, world, holder, user,
                                                             status):
    response = client_for(world.users[user]).post(verify_url(world.demand_1, holder))
    assert response.status_code == status
    assert not Verification.objects.exists()


@pytest.mark.parametrize("user", ["bureau", "county_a"])
def test_officers_may_verify_from_the_candidates_page(client_for, world, holder, user):
    response = verify(client_for, world, user, verify_url(world.demand_1, holder))
    assert "checked just now: valid" in messages_of(response)[0]


def test_verify_needs_post(client_for, world, holder):
    response = client_for(world.users["employer_1"]).get(verify_url(world.demand_1, holder))
    assert response.status_code == 405


def test_verify_needs_the_csrf_token(world, holder):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["employer_1"])
    assert client.post(verify_url(world.demand_1, holder)).status_code == 403


def test_a_certificate_of_a_worker_who_has_not_consented_is_not_found(client_for, world,
                                                                       holder):
    holder.worker.consent_recommend = False
    holder.worker.save()
    response = client_for(world.users["employer_1"]).post(verify_url(world.demand_1, holder))
    assert response.status_code == 404 and not Verification.objects.exists()


def test_a_certificate_of_a_type_the_demand_does_not_ask_for_is_not_found(client_for, world,
                                                                           holder):
    other = certificate(worker=holder.worker, certificate_type=CertificateTypeFactory(),
                        number="T2026000009")
    response = client_for(world.users["employer_1"]).post(verify_url(world.demand_1, other))
    assert response.status_code == 404


def test_a_certificate_for_another_employers_demand_is_not_found(client_for, world, holder):
    world.demand_2.required_certificates.set([CertificateTypeFactory()])
    response = client_for(world.users["employer_2"]).post(verify_url(world.demand_2, holder))
    assert response.status_code == 404


def test_an_unknown_certificate_is_not_found(client_for, world, holder):
    url = reverse("employment:verify_candidate_certificate", kwargs={
        "demand_id": world.demand_1.public_id,
        "certificate_id": "00000000-0000-0000-0000-000000000000"})
    assert client_for(world.users["employer_1"]).post(url).status_code == 404


# ---- the referral page ------------------------------------------------------------------

def test_referral_page_lists_the_workers_counting_certificates_to_verify(client_for, world,
                                                                         holder):
    referral = ReferralFactory(demand=world.demand_1, worker=holder.worker, status="applied")
    url = reverse("employment:referral", kwargs={"public_id": referral.public_id})
    page = client_for(world.users["employer_1"]).get(url).content.decode()
    assert f'action="{referral_verify_url(referral, holder)}"' in page
    assert holder.certificate_type.name in page


def test_employer_verifies_from_the_referral_page(client_for, world, holder):
    referral = ReferralFactory(demand=world.demand_1, worker=holder.worker, status="applied")
    response = verify(client_for, world, "employer_1", referral_verify_url(referral, holder))
    detail = reverse("employment:referral", kwargs={"public_id": referral.public_id})
    assert response.redirect_chain[-1][0] == f"{detail}#cert-{holder.public_id}"
    assert "checked just now: valid" in messages_of(response)[0]


def test_an_applicant_who_withdrew_consent_can_still_be_verified(client_for, world, holder):
    referral = ReferralFactory(demand=world.demand_1, worker=holder.worker, status="applied")
    holder.worker.consent_recommend = False
    holder.worker.save()
    response = verify(client_for, world, "employer_1", referral_verify_url(referral, holder))
    assert "checked just now: valid" in messages_of(response)[0]


def test_an_invited_worker_who_withdrew_consent_is_not_verified(client_for, world, holder):
    referral = ReferralFactory(demand=world.demand_1, worker=holder.worker)
    holder.worker.consent_recommend = False
    holder.worker.save()
    client = client_for(world.users["employer_1"])
    detail = reverse("employment:referral", kwargs={"public_id": referral.public_id})
    assert "certificates/" not in client.get(detail).content.decode()
    assert client.post(referral_verify_url(referral, holder)).status_code == 404


def test_a_certificate_of_another_worker_is_not_found_from_a_referral(client_for, world,
                                                                       holder):
    referral = ReferralFactory(demand=world.demand_1, worker=world.worker_1, status="applied")
    response = client_for(world.users["employer_1"]).post(referral_verify_url(referral, holder))
    assert response.status_code == 404


@pytest.mark.parametrize("user,status", [("employer_2", 404), ("worker_1", 403)])
def test_verify_from_a_referral_refuses_other_parties(client_for, world, holder, user, status):
    referral = ReferralFactory(demand=world.demand_1, worker=holder.worker, status="applied")
    if user == "worker_1":
        Referral.objects.filter(pk=referral.pk).update(worker=world.worker_1)
        holder.worker = world.worker_1
        Certificate.objects.filter(pk=holder.pk).update(worker=world.worker_1)
    response = client_for(world.users[user]).post(referral_verify_url(referral, holder))
    assert response.status_code == status


def test_the_worker_sees_no_verify_buttons_on_their_own_referral(client_for, world):
    cert = certificate(worker=world.worker_1, certificate_type=world.pathway_1.permit)
    referral = ReferralFactory(demand=world.demand_1, worker=world.worker_1, status="applied")
    url = reverse("employment:referral", kwargs={"public_id": referral.public_id})
    page = client_for(world.users["worker_1"]).get(url).content.decode()
    assert referral_verify_url(referral, cert) not in page


# ---- API -------------------------------------------------------------------------------------

def api_verify_url(demand: Any, cert: Certificate) -> str:
    return f"/api/employment/demands/{demand.public_id}/certificates/{cert.public_id}/verify"


def test_candidates_api_gives_the_certificate_ids_to_check_and_the_api_checks_one(
        client_for, world, holder):
    client = client_for(world.users["employer_1"])
    [row] = client.get(f"/api/employment/demands/{world.demand_1.public_id}/candidates").json()
    assert row["certificate_ids"] == [str(holder.public_id)] and row["name"] is None
    body = client.post(api_verify_url(world.demand_1, holder)).json()
    assert body == {
        "certificate_id": str(holder.public_id), "certificate_type": holder.certificate_type.code,
        "certificate_name": holder.certificate_type.name, "status": "valid",
        "expires_on": "2032-06-09", "verdict": "valid", "verdict_label": "valid", "signed": True,
    }
    assert holder.number not in str(body)
    assert Verification.objects.get().verifier_name == world.employer_1.name


def test_verify_api_reports_a_revoked_certificate(client_for, world, holder):
    certificate_revoke(actor=world.users["bureau"], certificate=holder, reason="伪造材料")
    body = client_for(world.users["employer_1"]).post(api_verify_url(world.demand_1, holder))
    assert body.json()["verdict"] == "revoked" and body.json()["status"] == "revoked"


@pytest.mark.parametrize("user,status", [("employer_2", 404), ("worker_1", 403),
                                         ("outsider", 404)])
def test_verify_api_refuses_other_roles(client_for, world, holder, user, status):
    response = client_for(world.users[user]).post(api_verify_url(world.demand_1, holder))
    assert response.status_code == status and not Verification.objects.exists()


def test_verify_api_does_not_find_a_non_candidates_certificate(client_for, world, holder):
    holder.worker.consent_recommend = False
    holder.worker.save()
    response = client_for(world.users["employer_1"]).post(api_verify_url(world.demand_1, holder))
    assert response.status_code == 404
