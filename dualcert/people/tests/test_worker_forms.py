import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from dualcert.catalog.models import TargetGroup
from dualcert.core.models import AuditEntry
from dualcert.people import idnumber
from dualcert.people.models import Worker
from dualcert.people.services import worker_update
from dualcert.people.tests.helpers import enroll
from tests.factories import id_number_for

pytestmark = pytest.mark.django_db

NEW_ID = "652301199203040026"


def form_data(world, **changes):
    data = {
        "name": "  李四 ", "id_number": NEW_ID, "phone": "13912345678",
        "region": world.county_a.pk, "education": "3", "village": "三工村",
        "expected_wage": "5000", "available_from": "2025-03-01", "consent_recommend": "on",
    }
    return {**data, **changes}


def edit_args(world, worker, **changes):
    values = {
        "worker": worker, "name": worker.name, "region": worker.region, "phone": worker.phone,
        "education": worker.education, "target_groups": [],
    }
    return {**values, **changes}


def test_county_officer_registers_worker_and_lands_on_the_record(world, client_for):
    response = client_for(world.users["county_a"]).post(reverse("people:worker_create"),
                                                        form_data(world))
    worker = Worker.objects.get(id_number_hash=idnumber.lookup_hash(NEW_ID))
    assert response.status_code == 302
    assert response["Location"] == reverse("people:worker", kwargs={"public_id": worker.public_id})
    assert NEW_ID not in response["Location"]
    assert worker.name == "李四" and worker.education == 3 and worker.consent_recommend
    assert AuditEntry.objects.filter(object_pk=worker.pk, action="worker.register").exists()


def test_institution_registration_returns_to_the_list_it_may_see(world, client_for):
    response = client_for(world.users["inst_1"]).post(reverse("people:worker_create"),
                                                      form_data(world))
    assert response.status_code == 302 and response["Location"] == reverse("people:workers")


def test_registration_shows_wrong_check_digit_on_the_id_field(world, client_for):
    response = client_for(world.users["bureau"]).post(
        reverse("people:worker_create"), form_data(world, id_number=NEW_ID[:17] + "9")
    )
    assert response.status_code == 200
    assert "check digit" in str(response.context["form"].errors["id_number"])
    assert not Worker.objects.filter(name="李四").exists()


def test_registration_in_another_county_is_refused_on_the_form(world, client_for):
    response = client_for(world.users["county_a"]).post(
        reverse("people:worker_create"), form_data(world, region=world.county_b.pk)
    )
    assert "own county" in str(response.context["form"].non_field_errors())
    assert not Worker.objects.filter(name="李四").exists()


@pytest.mark.parametrize("role", ["employer_1", "worker_1", "dept_1", "eval_1", "outsider"])
def test_roles_that_do_not_register_workers_get_403(world, client_for, role):
    client = client_for(world.users[role])
    assert client.get(reverse("people:worker_create")).status_code == 403


def test_edit_form_never_shows_the_full_id_number(world, client_for):
    url = reverse("people:worker_edit", kwargs={"public_id": world.worker_1.public_id})
    html = client_for(world.users["bureau"]).get(url).content.decode()
    assert world.worker_1.id_number not in html and world.worker_1.id_number_masked in html


def test_edit_keeps_id_number_when_left_blank(world, client_for):
    before = world.worker_1.id_number
    url = reverse("people:worker_edit", kwargs={"public_id": world.worker_1.public_id})
    response = client_for(world.users["county_a"]).post(
        url, form_data(world, id_number="", name="王五")
    )
    world.worker_1.refresh_from_db()
    assert response.status_code == 302 and before not in response["Location"]
    assert world.worker_1.name == "王五" and world.worker_1.id_number == before


def test_institution_may_not_edit_a_worker_outside_its_projects(world, client_for):
    url = reverse("people:worker_edit", kwargs={"public_id": world.worker_1.public_id})
    assert client_for(world.users["inst_1"]).get(url).status_code == 404
    enroll(world.project_1, world.worker_1)
    assert client_for(world.users["inst_1"]).get(url).status_code == 200


def test_employer_who_sees_a_worker_gets_403_on_edit(world, client_for):
    from dualcert.people.tests.helpers import refer

    refer(world.demand_1, world.worker_1)
    url = reverse("people:worker_edit", kwargs={"public_id": world.worker_1.public_id})
    assert client_for(world.users["employer_1"]).get(url).status_code == 403


def test_update_corrects_a_mistyped_id_number_and_audits_masked_only(world):
    worker = worker_update(actor=world.users["bureau"], id_number=NEW_ID,
                           **edit_args(world, world.worker_1))
    assert worker.id_number == NEW_ID and worker.birth_date.isoformat() == "1992-03-04"
    assert worker.gender == "F"
    entry = AuditEntry.objects.get(object_pk=worker.pk, action="worker.update")
    assert NEW_ID not in str(entry.after) and entry.after["id_number_masked"].endswith("0026")


def test_update_refuses_an_id_number_of_another_worker(world):
    with pytest.raises(ValidationError, match="Another worker"):
        worker_update(actor=world.users["bureau"], id_number=world.worker_2.id_number,
                      **edit_args(world, world.worker_1))


def test_update_replaces_target_groups_and_audits_them(world):
    poor = TargetGroup.objects.create(code="poor", name="脱贫劳动力")
    jobless = TargetGroup.objects.create(code="jobless", name="就业困难人员")
    world.worker_1.target_groups.add(poor)
    worker_update(actor=world.users["county_a"],
                  **edit_args(world, world.worker_1,
                              target_groups=[jobless]))
    assert list(world.worker_1.target_groups.all()) == [jobless]
    entry = AuditEntry.objects.get(object_pk=world.worker_1.pk, action="worker.update")
    assert entry.before["target_groups"] == [poor.pk]
    assert entry.after["target_groups"] == [jobless.pk]


def test_county_officer_may_not_move_a_worker_to_another_county(world):
    with pytest.raises(PermissionDenied):
        worker_update(actor=world.users["county_a"],
                      **edit_args(world, world.worker_1,
                                  region=world.county_b))


def test_county_officer_may_not_update_a_worker_of_another_county(world):
    with pytest.raises(PermissionDenied):
        worker_update(actor=world.users["county_a"],
                      **edit_args(world, world.worker_2,
                                  region=world.county_a))


def test_update_without_changes_writes_no_audit_row(world):
    worker_update(actor=world.users["bureau"],
                  **edit_args(world, world.worker_1,
                              village=world.worker_1.village,
                              consent_recommend=world.worker_1.consent_recommend))
    assert not AuditEntry.objects.filter(object_pk=world.worker_1.pk).exists()


def test_register_with_a_15_digit_number_finds_the_same_person(world, client_for):
    eighteen = id_number_for("652301", 40, born=__import__("datetime").date(1975, 6, 1))
    fifteen = eighteen[:6] + eighteen[8:17]
    client = client_for(world.users["bureau"])
    client.post(reverse("people:worker_create"), form_data(world, id_number=eighteen))
    client.post(reverse("people:worker_create"), form_data(world, id_number=fifteen, name="改名"))
    assert Worker.objects.filter(name="改名").count() == 1
    assert not Worker.objects.filter(name="李四").exists()
