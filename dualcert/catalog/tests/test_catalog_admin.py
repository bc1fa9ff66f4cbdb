import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from dualcert.catalog.models import CertificateType, FactStatus, RequirementItem
from dualcert.catalog.services import reference_delete, reference_save, reference_snapshot
from dualcert.core.models import AuditEntry
from tests.factories import CertificateTypeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", password="pw-root")


def change_data(cert, **changes):
    data = {
        "code": cert.code, "name": cert.name, "kind": cert.kind,
        "department": cert.department_id, "occupation": cert.occupation_id or "",
        "level": cert.level or "", "credential": cert.credential, "category": cert.category,
        "item": cert.item, "validity_years": cert.validity_years or "",
        "review_interval_years": cert.review_interval_years or "", "min_age": cert.min_age,
        "max_age": cert.max_age or "", "education_required": cert.education_required,
        "theory_pass": cert.theory_pass, "practical_pass": cert.practical_pass,
        "standard_fee": cert.standard_fee, "number_prefix": cert.number_prefix,
        "fact_status": cert.fact_status, "source": cert.source,
    }
    items = list(cert.requirement_items.all())
    prefix = "requirement_items"
    data.update({
        f"{prefix}-TOTAL_FORMS": len(items), f"{prefix}-INITIAL_FORMS": len(items),
        f"{prefix}-MIN_NUM_FORMS": 0, f"{prefix}-MAX_NUM_FORMS": 1000,
    })
    for i, item in enumerate(items):
        data.update({
            f"{prefix}-{i}-id": item.pk, f"{prefix}-{i}-certificate_type": cert.pk,
            f"{prefix}-{i}-code": item.code, f"{prefix}-{i}-name": item.name,
            f"{prefix}-{i}-theory_hours": item.theory_hours,
            f"{prefix}-{i}-practical_hours": item.practical_hours,
            f"{prefix}-{i}-fact_status": item.fact_status, f"{prefix}-{i}-source": item.source,
        })
    return {**data, **changes}


def test_admin_edit_of_a_certificate_type_writes_an_audit_row(world, client_for, superuser):
    cert = CertificateTypeFactory(fact_status=FactStatus.UNCONFIRMED)
    url = reverse("admin:catalog_certificatetype_change", args=[cert.pk])
    response = client_for(superuser).post(url, change_data(
        cert, validity_years=4, fact_status=FactStatus.CONFIRMED, source="TSG Z6001-2019 第25条",
    ))
    assert response.status_code == 302
    cert.refresh_from_db()
    assert cert.validity_years == 4 and cert.fact_status == FactStatus.CONFIRMED
    entry = AuditEntry.objects.get(object_pk=cert.pk, action="certificatetype.update")
    assert entry.actor == superuser
    assert entry.before == {"validity_years": 6, "fact_status": "unconfirmed", "source": ""}
    assert entry.after["validity_years"] == 4 and entry.after["fact_status"] == "confirmed"


def test_admin_edit_of_a_requirement_item_inline_is_audited(world, client_for, superuser):
    cert = CertificateTypeFactory()
    item = cert.requirement_items.first()
    url = reverse("admin:catalog_certificatetype_change", args=[cert.pk])
    data = change_data(cert)
    data["requirement_items-0-theory_hours"] = 30
    client_for(superuser).post(url, data)
    entry = AuditEntry.objects.get(object_pk=item.pk, action="requirementitem.update")
    assert entry.before == {"theory_hours": 8} and entry.after == {"theory_hours": 30}


def test_admin_delete_of_a_requirement_item_is_audited(world, client_for, superuser):
    cert = CertificateTypeFactory()
    item = cert.requirement_items.first()
    url = reverse("admin:catalog_requirementitem_delete", args=[item.pk])
    client_for(superuser).post(url, {"post": "yes"})
    assert not RequirementItem.objects.filter(pk=item.pk).exists()
    entry = AuditEntry.objects.get(object_pk=item.pk, action="requirementitem.delete")
    assert entry.before["code"] == item.code


def test_admin_refuses_a_certificate_type_breaking_its_constraints(world, client_for, superuser):
    cert = CertificateTypeFactory()
    url = reverse("admin:catalog_certificatetype_change", args=[cert.pk])
    response = client_for(superuser).post(url, change_data(cert, min_age=40, max_age=30))
    assert response.status_code == 200
    assert not AuditEntry.objects.filter(object_pk=cert.pk).exists()


def test_admin_lists_certificate_types_filtered_by_fact_status(world, client_for, superuser):
    CertificateType.objects.filter(pk=world.pathway_1.permit.pk).update(
        fact_status=FactStatus.UNCONFIRMED
    )
    response = client_for(superuser).get(
        reverse("admin:catalog_certificatetype_changelist"), {"fact_status__exact": "unconfirmed"}
    )
    assert [c.pk for c in response.context["cl"].result_list] == [world.pathway_1.permit.pk]


def test_reference_save_refuses_a_non_bureau_actor(world):
    cert = world.pathway_1.permit
    cert.standard_fee = 1
    with pytest.raises(PermissionDenied):
        reference_save(actor=world.users["county_a"], obj=cert, before=reference_snapshot(cert))
    with pytest.raises(PermissionDenied):
        reference_delete(actor=world.users["dept_1"], obj=cert)


def test_reference_save_of_a_new_row_audits_every_field(world):
    from dualcert.catalog.models import TargetGroup

    group = reference_save(actor=world.users["bureau"],
                           obj=TargetGroup(code="veteran", name="退役军人"), before={})
    entry = AuditEntry.objects.get(object_pk=group.pk, action="targetgroup.create")
    assert entry.before == {} and entry.after["code"] == "veteran"


def test_non_bureau_staff_is_kept_out_of_the_catalog_admin(world, client_for):
    officer = world.users["dept_1"]
    officer.is_staff = True
    officer.save()
    url = reverse("admin:catalog_certificatetype_changelist")
    assert client_for(officer).get(url).status_code == 302
