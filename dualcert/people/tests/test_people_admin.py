import pytest
from django.urls import reverse

from dualcert.core.models import AuditEntry
from dualcert.people import idnumber
from dualcert.people.models import Membership, Worker
from tests.factories import Role, make_user

pytestmark = pytest.mark.django_db

NEW_ID = "652301199203040026"


@pytest.fixture
def boss(world):
    user = make_user("boss", Role.BUREAU)
    user.is_staff = True
    user.save()
    return user


def admin_add_data(world, **changes):
    data = {
        "name": "赵六", "id_number": NEW_ID, "phone": "", "region": world.county_a.pk,
        "township": "", "village": "", "education": "2", "expected_wage": "",
        "available_from": "",
    }
    return {**data, **changes}


def test_admin_registers_a_worker_through_the_registration_service(world, client_for, boss):
    response = client_for(boss).post(reverse("admin:people_worker_add"), admin_add_data(world))
    worker = Worker.objects.get(id_number_hash=idnumber.lookup_hash(NEW_ID))
    assert response.status_code == 302
    assert worker.id_number == NEW_ID and worker.gender == "F"
    entry = AuditEntry.objects.get(object_pk=worker.pk, action="worker.register")
    assert entry.actor == boss and NEW_ID not in str(entry.after)


def test_admin_refuses_a_wrong_id_number_on_the_form(world, client_for, boss):
    response = client_for(boss).post(reverse("admin:people_worker_add"),
                                     admin_add_data(world, id_number=NEW_ID[:17] + "1"))
    assert response.status_code == 200
    assert "check digit" in response.content.decode()
    assert not Worker.objects.filter(name="赵六").exists()


def test_admin_change_page_shows_the_masked_id_number_only(world, client_for, boss):
    url = reverse("admin:people_worker_change", args=[world.worker_1.pk])
    html = client_for(boss).get(url).content.decode()
    assert world.worker_1.id_number_masked in html
    assert world.worker_1.id_number not in html
    assert 'name="id_number"' not in html


def test_admin_change_of_a_worker_is_audited(world, client_for, boss):
    url = reverse("admin:people_worker_change", args=[world.worker_1.pk])
    data = admin_add_data(world, name="改名", phone=world.worker_1.phone)
    del data["id_number"]
    response = client_for(boss).post(url, data)
    world.worker_1.refresh_from_db()
    assert response.status_code == 302 and world.worker_1.name == "改名"
    entry = AuditEntry.objects.get(object_pk=world.worker_1.pk, action="worker.update")
    assert entry.after["name"] == "改名" and entry.actor == boss


def test_admin_offers_no_deletion_of_workers(world, client_for, boss):
    url = reverse("admin:people_worker_delete", args=[world.worker_1.pk])
    assert client_for(boss).post(url, {"post": "yes"}).status_code == 403
    assert Worker.objects.filter(pk=world.worker_1.pk).exists()


def test_admin_role_grant_is_audited(world, client_for, boss):
    user = make_user("newcomer")
    data = {"user": user.pk, "role": Role.COUNTY, "region": world.county_b.pk}
    response = client_for(boss).post(reverse("admin:people_membership_add"), data)
    membership = Membership.objects.get(user=user)
    assert response.status_code == 302
    entry = AuditEntry.objects.get(object_pk=membership.pk, action="membership.create")
    assert entry.after["role"] == "county" and entry.after["region_id"] == world.county_b.pk


def test_admin_refuses_a_role_without_its_scope(world, client_for, boss):
    user = make_user("newcomer")
    response = client_for(boss).post(reverse("admin:people_membership_add"),
                                     {"user": user.pk, "role": Role.COUNTY})
    assert response.status_code == 200
    assert not Membership.objects.filter(user=user).exists()


def test_staff_account_of_another_role_cannot_reach_the_admin(world, client_for):
    officer = world.users["county_a"]
    officer.is_staff = True
    officer.save()
    client = client_for(officer)
    assert client.get(reverse("admin:index")).status_code == 302
    assert client.get(reverse("admin:people_worker_changelist")).status_code == 302
