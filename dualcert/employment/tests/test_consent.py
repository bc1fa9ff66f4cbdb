"""Consent to be recommended, across the lists and exports that show workers to employers.

A worker who has not agreed (or withdrew) is never offered as a candidate; a worker who
applied to an employer's demand stays visible to that employer on the referral."""

from datetime import date
from typing import Any

import pytest
from django.http import Http404
from django.urls import reverse

from dualcert.employment.models import Referral
from dualcert.employment.selectors import worker_for_referral
from dualcert.employment.tests.factories import (
    CertificateFactory,
    ReferralFactory,
    placement_for,
)
from dualcert.insights.exports.lists import LIST_EXPORTS
from tests.factories import WorkerFactory

pytestmark = pytest.mark.django_db

API = "/api/employment"


@pytest.fixture
def holder(world: Any) -> Any:
    """A worker of county A with a valid certificate, who agreed to be recommended."""
    person = WorkerFactory(region=world.county_a, name="持证人乙", consent_recommend=True)
    CertificateFactory(worker=person, number="C0000000077")
    return person


def withdraw(client_for: Any, world: Any, worker: Any) -> None:
    """The worker withdraws consent on their own page."""
    from tests.factories import Role, make_user

    account = make_user(f"w{worker.pk}", Role.WORKER, worker=worker)
    response = client_for(account).post(reverse("people:me_consent"), {"consent": ""})
    assert response.status_code == 302
    worker.refresh_from_db()
    assert not worker.consent_recommend


def candidates_html(client_for: Any, world: Any, user: str) -> str:
    url = reverse("employment:candidates", kwargs={"demand_id": world.demand_1.public_id})
    return client_for(world.users[user]).get(url).content.decode()


def candidate_ids(client_for: Any, world: Any, user: str) -> list[str]:
    url = f"{API}/demands/{world.demand_1.public_id}/candidates"
    return [row["worker_id"] for row in client_for(world.users[user]).get(url).json()]


def export_rows(world: Any, user: str, kind: str) -> list[list[Any]]:
    return [list(row) for row in LIST_EXPORTS[kind].build(world.users[user], {}).rows]


# ---- never a candidate without consent ------------------------------------------------------

@pytest.mark.parametrize("user", ["bureau", "county_a", "employer_1"])
def test_a_worker_who_never_agreed_is_not_a_candidate_on_the_page_or_the_api(
        client_for, world, user):
    person = WorkerFactory(region=world.county_a, name="未同意者", consent_recommend=False)
    CertificateFactory(worker=person)
    assert str(person.public_id) not in candidates_html(client_for, world, user)
    assert "未同意者" not in candidates_html(client_for, world, user)
    assert str(person.public_id) not in candidate_ids(client_for, world, user)


@pytest.mark.parametrize("user", ["bureau", "county_a", "employer_1"])
def test_a_worker_who_withdrew_leaves_the_candidates_page_and_api(client_for, world, holder,
                                                                  user):
    assert str(holder.public_id) in candidate_ids(client_for, world, user)
    withdraw(client_for, world, holder)
    assert str(holder.public_id) not in candidate_ids(client_for, world, user)
    assert str(holder.public_id) not in candidates_html(client_for, world, user)


def test_the_employer_cannot_reach_a_withdrawn_worker_to_invite(client_for, world, holder):
    withdraw(client_for, world, holder)
    with pytest.raises(Http404):
        worker_for_referral(world.users["employer_1"], world.demand_1, holder.public_id)
    url = reverse("employment:recommend", kwargs={"demand_id": world.demand_1.public_id})
    response = client_for(world.users["employer_1"]).post(url, {"worker": str(holder.public_id)})
    assert response.status_code == 404
    api = client_for(world.users["employer_1"]).post(
        f"{API}/demands/{world.demand_1.public_id}/referrals",
        {"worker_id": str(holder.public_id)}, content_type="application/json")
    assert api.status_code == 404
    assert not Referral.objects.exists()


def test_an_officer_reaching_a_withdrawn_worker_is_told_to_record_consent(client_for, world,
                                                                          holder):
    withdraw(client_for, world, holder)
    api = client_for(world.users["county_a"]).post(
        f"{API}/demands/{world.demand_1.public_id}/referrals",
        {"worker_id": str(holder.public_id)}, content_type="application/json")
    assert api.status_code == 400 and "not agreed to be recommended" in api.json()["detail"][0]
    assert not Referral.objects.exists()


# ---- those who applied stay with the employer ------------------------------------------------

def test_an_applicant_who_withdrew_stays_visible_to_the_employer_by_name(client_for, world,
                                                                         holder):
    referral = ReferralFactory(demand=world.demand_1, worker=holder, status="applied")
    withdraw(client_for, world, holder)
    employer = client_for(world.users["employer_1"])
    listed = employer.get(reverse("employment:referrals")).content.decode()
    assert "持证人乙" in listed
    detail = reverse("employment:referral", kwargs={"public_id": referral.public_id})
    assert "持证人乙" in employer.get(detail).content.decode()
    applicants = candidates_html(client_for, world, "employer_1").split("Ranked candidates")[0]
    assert "持证人乙" in applicants
    api = employer.get(f"{API}/referrals/{referral.public_id}").json()
    assert api["worker_name"] == "持证人乙"
    assert str(holder.public_id) not in candidate_ids(client_for, world, "employer_1")


def test_an_invited_worker_who_withdrew_stays_nameless_to_the_employer(client_for, world,
                                                                       holder):
    referral = ReferralFactory(demand=world.demand_1, worker=holder)
    withdraw(client_for, world, holder)
    employer = client_for(world.users["employer_1"])
    assert "持证人乙" not in employer.get(reverse("employment:referrals")).content.decode()
    assert employer.get(f"{API}/referrals/{referral.public_id}").json()["worker_name"] is None
    assert "持证人乙" not in candidates_html(client_for, world, "employer_1")


# ---- exports ---------------------------------------------------------------------------------

def test_placements_export_keeps_a_hire_who_later_withdrew(client_for, world, holder):
    referral = ReferralFactory(demand=world.demand_1, worker=holder, status="offered")
    placement_for(referral, start=date(2026, 4, 1), wage=6000)
    withdraw(client_for, world, holder)
    [row] = export_rows(world, "employer_1", "placements")
    assert row[0] == "持证人乙" and row[6] == 6000
    assert export_rows(world, "employer_2", "placements") == []


def test_employer_workers_and_certificates_exports_leave_out_a_worker_without_consent(
        client_for, world, holder):
    ReferralFactory(demand=world.demand_1, worker=holder, status="applied")
    assert [r[0] for r in export_rows(world, "employer_1", "workers")] == ["持证人乙"]
    assert [r[0] for r in export_rows(world, "employer_1", "certificates")] == ["C0000000077"]
    withdraw(client_for, world, holder)
    assert export_rows(world, "employer_1", "workers") == []
    assert export_rows(world, "employer_1", "certificates") == []


def test_employer_exports_never_list_workers_without_a_referral_to_them(world, holder):
    assert export_rows(world, "employer_1", "workers") == []
    assert export_rows(world, "employer_1", "certificates") == []
    assert export_rows(world, "employer_1", "placements") == []
