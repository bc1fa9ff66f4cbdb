"""The worker's wallet: own certificates only, QR full screen, PDF, who verified them."""

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from dualcert.credentials.models import Certificate, Verification
from dualcert.credentials.signing.payload import fragment_url
from dualcert.credentials.tests.helpers import signed_certificate
from dualcert.credentials.tests.printing_helpers import Issued, issue_dual_and_single
from dualcert.credentials.tests.readback import pdf_text, zxing_texts
from tests.factories import Role, make_user

pytestmark = pytest.mark.django_db

WALLET = reverse("credentials:wallet")


def _url(name: str, obj: Any) -> str:
    return reverse(f"credentials:{name}", kwargs={"public_id": obj.public_id})


@pytest.fixture
def issued(world: Any) -> Issued:
    return issue_dual_and_single(world)


@pytest.fixture
def holder(issued: Issued) -> Any:
    """The account of the worker who earned both certificates."""
    return make_user("holder", Role.WORKER, worker=issued.permit.worker)


@pytest.fixture
def others(world: Any) -> Certificate:
    """worker_2's own certificate: never in anybody else's wallet."""
    return signed_certificate(worker=world.worker_2, number="T2026000900")


def test_wallet_lists_the_workers_own_certificates_only(
    world, client_for, issued, holder, others
):
    content = client_for(holder).get(WALLET).content.decode()
    for mine in (issued.skill, issued.permit):
        assert mine.number in content and _url("certificate_pdf", mine) in content
        assert _url("wallet_qr", mine) in content
    assert issued.single.number not in content and others.number not in content
    theirs = client_for(world.users["worker_2"]).get(WALLET).content.decode()
    assert others.number in theirs and issued.permit.number not in theirs


def test_wallet_shows_status_type_and_dates(client_for, issued, holder):
    Certificate.objects.filter(pk=issued.permit.pk).update(status="revoked")
    content = client_for(holder).get(WALLET).content.decode()
    assert "revoked" in content and "2032-06-09" in content and "2026-06-10" in content
    assert issued.permit.certificate_type.name in content


def test_wallet_offers_the_dual_sheet_when_both_certificates_exist(
    world, client_for, issued, holder
):
    content = client_for(holder).get(WALLET).content.decode()
    assert _url("certificate_dual_pdf", issued.skill) in content
    single_holder = make_user("single", Role.WORKER, worker=issued.single.worker)
    content = client_for(single_holder).get(WALLET).content.decode()
    assert issued.single.number in content and "/dual/" not in content


def test_wallet_query_count_does_not_grow_with_certificates(
    world, client_for, django_assert_num_queries, others
):
    client = client_for(world.users["worker_2"])
    client.get(WALLET)  # sessions and content types warmed up
    with django_assert_num_queries(5):
        client.get(WALLET)
    for n in range(1, 4):
        signed_certificate(worker=world.worker_2, number=f"T202600091{n}")
        Verification.objects.create(certificate=others, verifier_name=f"单位{n}", verdict="valid")
    with django_assert_num_queries(5):
        content = client.get(WALLET).content.decode()
    assert "T2026000913" in content and "单位3" in content


@pytest.mark.parametrize("who", ["bureau", "county_a", "employer_1", "outsider"])
def test_only_workers_have_a_wallet(world, client_for, who):
    assert client_for(world.users[who]).get(WALLET).status_code == 404


def test_wallet_needs_sign_in(client):
    response = client.get(WALLET)
    assert response.status_code == 302 and "/login" in response["Location"]


def test_worker_navigation_leads_to_the_wallet(world, client_for):
    content = client_for(world.users["worker_1"]).get(reverse("people:me")).content.decode()
    assert f'href="{WALLET}"' in content


def test_full_screen_qr_shows_the_code_number_and_holder_with_a_way_back(
    client_for, issued, holder
):
    client = client_for(holder)
    content = client.get(_url("wallet_qr", issued.permit)).content.decode()
    assert f'src="{_url("certificate_qr", issued.permit)}"' in content
    assert issued.permit.number in content and issued.permit.worker.name in content
    assert f'href="{WALLET}"' in content
    assert 'class="bar"' not in content  # nothing but the code: no site header
    png = client.get(_url("certificate_qr", issued.permit)).content
    assert zxing_texts(png) == [fragment_url("http://127.0.0.1:8000",
                                             issued.permit.signed_payload)]


def test_full_screen_qr_of_an_unsigned_certificate_says_so(client_for, issued, holder):
    Certificate.objects.filter(pk=issued.permit.pk).update(signed_payload="")
    client = client_for(holder)
    content = client.get(_url("wallet_qr", issued.permit)).content.decode()
    assert "has no signed QR code yet" in content and "<img" not in content
    assert _url("wallet_qr", issued.permit) not in client.get(WALLET).content.decode()


@pytest.mark.parametrize("who", ["worker_2", "bureau", "outsider"])
def test_nobody_else_opens_a_workers_full_screen_qr(world, client_for, issued, who):
    response = client_for(world.users[who]).get(_url("wallet_qr", issued.permit))
    assert response.status_code == 404


def test_worker_downloads_own_pdfs_and_not_anothers(world, client_for, issued, holder, others):
    client = client_for(holder)
    response = client.get(_url("certificate_pdf", issued.skill))
    assert response.status_code == 200
    assert issued.skill.number in pdf_text(response.content)
    dual = client.get(_url("certificate_dual_pdf", issued.permit))
    assert dual.status_code == 200 and issued.permit.number in pdf_text(dual.content)
    assert client.get(_url("certificate_pdf", others)).status_code == 404
    assert client.get(_url("certificate_qr", issued.single)).status_code == 404


def test_wallet_shows_who_verified_the_workers_certificates_newest_first(
    world, client_for, issued, holder, others
):
    now = timezone.now()
    checks = [("昌吉新源电力设备有限公司", "valid", issued.permit, 3),
              ("玛纳斯建工集团", "revoked", issued.skill, 1),
              ("别人的雇主", "valid", others, 2)]
    for name, verdict, certificate, hours_ago in checks:
        row = Verification.objects.create(certificate=certificate, verifier_name=name,
                                          verdict=verdict)
        Verification.objects.filter(pk=row.pk).update(at=now - timedelta(hours=hours_ago))
    content = client_for(holder).get(WALLET).content.decode()
    assert content.index("玛纳斯建工集团") < content.index("昌吉新源电力设备有限公司")
    assert "别人的雇主" not in content
    assert "revoked" in content and "valid" in content


def test_wallet_shows_the_newest_twenty_verifications(client_for, issued, holder):
    for n in range(25):
        Verification.objects.create(certificate=issued.permit, verifier_name=f"核验单位{n:02d}",
                                    verdict="valid")
    content = client_for(holder).get(WALLET).content.decode()
    assert "核验单位24" in content and "核验单位05" in content
    assert "核验单位04" not in content
