import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from dualcert.assessment.tests.helpers import confirmed
from dualcert.credentials.models import Certificate, Revocation
from dualcert.credentials.selectors import certificates_of_worker
from dualcert.credentials.services import certificate_revoke, certificates_issue
from dualcert.credentials.tests.helpers import certificate

pytestmark = pytest.mark.django_db


def test_certificates_of_worker_for_the_wallet_page(world):
    mine = certificate(certificate_type=world.pathway_1.permit, worker=world.worker_1)
    certificate(certificate_type=world.pathway_2.permit, worker=world.worker_2,
                number="T2026000002")
    assert list(certificates_of_worker(world.users["worker_1"], world.worker_1)) == [mine]
    assert list(certificates_of_worker(world.users["county_a"], world.worker_1)) == [mine]
    assert not certificates_of_worker(world.users["worker_2"], world.worker_1).exists()
    assert not certificates_of_worker(world.users["outsider"], world.worker_1).exists()


@pytest.fixture
def admin_client(client, world):
    user = get_user_model().objects.create_superuser("root", password="pw-root")
    client.force_login(user)
    return client


def test_admin_lists_and_shows_assessment_and_credentials_records(world, admin_client):
    sitting = confirmed(world, [(90, 90, False)])
    certificates_issue(actor=world.users["bureau"], sitting=sitting)
    cert = Certificate.objects.filter(certificate_type__kind="permit").get()
    certificate_revoke(actor=world.users["bureau"], certificate=cert, reason="测试")
    for model in ("assessment/evaluationbody", "assessment/sitting", "assessment/score",
                  "assessment/result", "credentials/certificate", "credentials/revocation"):
        assert admin_client.get(f"/admin/{model}/").status_code == 200, model
    for obj, name in ((sitting, "assessment_sitting"), (cert, "credentials_certificate"),
                      (Revocation.objects.get(), "credentials_revocation")):
        page = admin_client.get(reverse(f"admin:{name}_change", args=[obj.pk]))
        assert page.status_code == 200
        assert 'name="status"' not in page.content.decode()


def test_admin_cannot_add_or_delete_certificates(world, admin_client):
    cert = certificate(worker=world.worker_1)
    assert admin_client.get("/admin/credentials/certificate/add/").status_code == 403
    assert admin_client.get(
        reverse("admin:credentials_certificate_delete", args=[cert.pk])).status_code == 403
