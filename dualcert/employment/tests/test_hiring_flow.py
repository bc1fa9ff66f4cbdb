"""The employer's way from a ranked candidate to a hire, on the pages only: invite → the worker
applies → interview → offer → hire, each step's button on the page the previous one leads to."""

from typing import Any

import pytest
from django.urls import reverse

from dualcert.employment.models import Placement, Referral
from dualcert.employment.tests.factories import CertificateFactory

pytestmark = pytest.mark.django_db


def _html(response: Any) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_employer_goes_from_invitation_to_hire_without_a_dead_end(client_for, world):
    CertificateFactory(worker=world.worker_1)
    employer = client_for(world.users["employer_1"])
    demand_page = _html(employer.get(reverse("demand:demand",
                                              kwargs={"public_id": world.demand_1.public_id})))
    candidates = reverse("employment:candidates", kwargs={"demand_id": world.demand_1.public_id})
    assert candidates in demand_page

    invite = reverse("employment:recommend", kwargs={"demand_id": world.demand_1.public_id})
    assert f'action="{invite}"' in _html(employer.get(candidates))
    page = _html(employer.post(invite, {"worker": str(world.worker_1.public_id)}, follow=True))
    referral = Referral.objects.get(demand=world.demand_1, worker=world.worker_1)
    detail = reverse("employment:referral", kwargs={"public_id": referral.public_id})
    assert detail in page
    waiting = _html(employer.get(detail))
    assert "Once they apply you will see their name" in waiting
    assert world.worker_1.name not in waiting

    # The worker finds the invitation among their applications and applies.
    worker = client_for(world.users["worker_1"])
    assert detail in _html(worker.get(reverse("employment:my_jobs")))
    apply = reverse("employment:move", kwargs={"public_id": referral.public_id, "verb": "apply"})
    assert f'action="{apply}"' in _html(worker.get(detail))
    worker.post(apply)

    employer = client_for(world.users["employer_1"])
    candidates_page = _html(employer.get(candidates))
    assert world.worker_1.name in candidates_page.split("Ranked candidates")[0]
    for verb in ("interview", "offer"):
        move = reverse("employment:move", kwargs={"public_id": referral.public_id, "verb": verb})
        assert f'action="{move}"' in _html(employer.get(detail)), verb
        assert employer.post(move).status_code == 302
    hire = reverse("employment:hire", kwargs={"public_id": referral.public_id})
    assert f'action="{hire}"' in _html(employer.get(detail))
    employer.post(hire, {"start_date": "2026-12-01", "monthly_wage": "6000",
                         "contract_type": "fixed"})
    placement = Placement.objects.get(referral=referral)
    assert placement.monthly_wage == 6000
    final = _html(employer.get(detail))
    assert "6000 yuan" in final and world.worker_1.name in final


def test_referral_page_leads_back_to_the_candidates_and_the_referrals(client_for, world):
    CertificateFactory(worker=world.worker_1)
    referral: Any = Referral.objects.create(demand=world.demand_1, worker=world.worker_1)
    detail = reverse("employment:referral", kwargs={"public_id": referral.public_id})
    page = _html(client_for(world.users["employer_1"]).get(detail))
    assert reverse("employment:candidates", kwargs={"demand_id": world.demand_1.public_id}) in page
    assert reverse("employment:referrals") in page
    own = _html(client_for(world.users["worker_1"]).get(detail))
    assert reverse("employment:my_jobs") in own
    assert reverse("employment:candidates", kwargs={"demand_id": world.demand_1.public_id}) \
        not in own
