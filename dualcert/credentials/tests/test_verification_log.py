import pytest
from django.db import OperationalError
from django.utils import timezone

from dualcert.credentials import verification_log
from dualcert.credentials.models import Verification
from dualcert.credentials.tests.helpers import certificate
from dualcert.credentials.verification_log import LogRow, WriteBehind

pytestmark = pytest.mark.django_db


def _rows(world):
    cert = certificate(worker=world.worker_1)
    user = world.users["employer_1"]
    return cert, [LogRow(user.pk, "某公司", cert.number, "valid", timezone.now()),
                  LogRow(user.pk, "某公司", "", "unreadable", timezone.now())]


def test_held_rows_written_in_one_go_with_certificates_matched(world):
    cert, rows = _rows(world)
    held = WriteBehind()
    held.add(rows, delay=600)  # its thread would wait ten minutes; the test writes now
    assert Verification.objects.count() == 0
    assert held.write() == 2 and held.write() == 0
    logs = list(Verification.objects.order_by("id"))
    assert [(log.certificate, log.verdict, log.at) for log in logs] == [
        (cert, "valid", rows[0].at), (None, "unreadable", rows[1].at)]


def test_rows_kept_for_the_next_write_when_the_database_fails(world, monkeypatch):
    _cert, rows = _rows(world)
    held = WriteBehind()
    held.add(rows, delay=600)
    real_insert = verification_log.rows_insert

    def failing(batch):
        raise OperationalError("database is locked")

    monkeypatch.setattr(verification_log, "rows_insert", failing)
    assert held.write() == 0 and Verification.objects.count() == 0
    monkeypatch.setattr(verification_log, "rows_insert", real_insert)
    assert held.write() == 2 and Verification.objects.count() == 2
