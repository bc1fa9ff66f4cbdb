import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from dualcert.core.models import AuditEntry
from dualcert.demand.models import Employer
from dualcert.demand.services import employer_save

pytestmark = pytest.mark.django_db


def test_admin_registration_of_an_employer_is_audited(world, client_for):
    root = get_user_model().objects.create_superuser("root", password="pw-root")
    data = {"name": "新疆某建设公司", "credit_code": "91652301MA0000001X",
            "region": world.county_a.pk, "address": "", "contact_name": "", "contact_phone": ""}
    response = client_for(root).post(reverse("admin:demand_employer_add"), data)
    employer = Employer.objects.get(credit_code="91652301MA0000001X")
    assert response.status_code == 302
    entry = AuditEntry.objects.get(object_pk=employer.pk, action="employer.create")
    assert entry.after["name"] == "新疆某建设公司" and entry.actor == root


def test_job_demands_are_read_only_in_the_admin(world, client_for):
    root = get_user_model().objects.create_superuser("root", password="pw-root")
    url = reverse("admin:demand_jobdemand_change", args=[world.demand_1.pk])
    response = client_for(root).post(url, {"title": "改了"})
    world.demand_1.refresh_from_db()
    assert response.status_code == 403 and world.demand_1.title != "改了"


def test_employer_save_refuses_a_county_officer(world):
    with pytest.raises(PermissionDenied):
        employer_save(actor=world.users["county_a"], employer=world.employer_1, before={})
