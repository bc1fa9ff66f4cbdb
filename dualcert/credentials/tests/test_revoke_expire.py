from datetime import date
from io import StringIO

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from dualcert.core.models import AuditEntry, StateChange
from dualcert.credentials.models import Certificate, Revocation
from dualcert.credentials.services import certificate_revoke, certificates_expire
from dualcert.credentials.tests.helpers import certificate

pytestmark = pytest.mark.django_db


@pytest.fixture
def permit(world):
    return certificate(certificate_type=world.pathway_1.permit, worker=world.worker_1)


@pytest.mark.parametrize("who", ["bureau", "dept_1"])
def test_bureau_or_the_types_department_revokes_with_a_reason(world, permit, who):
    certificate_revoke(actor=world.users[who], certificate=permit, reason="  伪造材料  ")
    permit.refresh_from_db()
    assert permit.status == Certificate.Status.REVOKED
    revocation = Revocation.objects.get(certificate=permit)
    assert revocation.reason == "伪造材料" and revocation.revoked_by == world.users[who]
    entry = AuditEntry.objects.get(action="certificate.revoke", object_pk=permit.pk)
    assert entry.before == {"status": "valid"}
    assert entry.after == {"status": "revoked", "reason": "伪造材料"}
    assert StateChange.objects.filter(to_state="revoked", reason="伪造材料").exists()


@pytest.mark.parametrize("reason", ["", "   "])
def test_revoke_requires_a_reason(world, permit, reason):
    with pytest.raises(ValidationError) as caught:
        certificate_revoke(actor=world.users["bureau"], certificate=permit, reason=reason)
    assert "reason" in caught.value.message_dict
    permit.refresh_from_db()
    assert permit.status == "valid" and not Revocation.objects.exists()


@pytest.mark.parametrize("who", ["dept_2", "county_a", "eval_1", "employer_1", "worker_1"])
def test_other_departments_and_roles_may_not_revoke(world, permit, who):
    with pytest.raises(PermissionDenied):
        certificate_revoke(actor=world.users[who], certificate=permit, reason="x")
    permit.refresh_from_db()
    assert permit.status == "valid"


@pytest.mark.parametrize("status", ["revoked", "expired"])
def test_only_a_valid_certificate_can_be_revoked(world, status):
    cert = certificate(certificate_type=world.pathway_1.permit, status=status)
    with pytest.raises(ValidationError, match="cannot move"):
        certificate_revoke(actor=world.users["bureau"], certificate=cert, reason="x")


def test_certificates_expire_the_day_after_their_last_valid_day(world):
    cert = certificate(issued_on=date(2020, 6, 10), years=6)  # valid through 2026-06-09
    lifelong = certificate(number="S000065000001205000001", issued_on=date(2020, 6, 10),
                           years=None)
    assert certificates_expire(today=date(2026, 6, 9)) == 0
    assert certificates_expire(today=date(2026, 6, 10)) == 1
    cert.refresh_from_db()
    lifelong.refresh_from_db()
    assert cert.status == "expired" and lifelong.status == "valid"
    assert AuditEntry.objects.filter(action="certificate.expire", object_pk=cert.pk).exists()
    assert certificates_expire(today=date(2026, 6, 11)) == 0


def test_revoked_certificates_stay_revoked_past_expiry(world):
    cert = certificate(issued_on=date(2019, 1, 1), years=6, status="revoked")
    assert certificates_expire(today=date(2026, 1, 1)) == 0
    cert.refresh_from_db()
    assert cert.status == "revoked"


def test_expire_certificates_command_uses_today_in_beijing(world):
    cert = certificate(issued_on=date(2020, 6, 10), years=6)
    out = StringIO()
    # 2026-06-09 17:00 UTC is already 2026-06-10 in Beijing.
    with time_machine.travel("2026-06-09T17:00:00+00:00", tick=False):
        call_command("expire_certificates", stdout=out)
    cert.refresh_from_db()
    assert cert.status == "expired" and "1 certificate(s) expired" in out.getvalue()


def test_expire_certificates_command_takes_a_date(world):
    certificate(issued_on=date(2020, 6, 10), years=6)
    out = StringIO()
    call_command("expire_certificates", "--today", "2026-06-01", stdout=out)
    assert out.getvalue().startswith("0 certificate(s) expired as of 2026-06-01")
