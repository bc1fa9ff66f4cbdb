"""A project whose certificates are issued: the data the printing and wallet tests print."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import time_machine

from dualcert.assessment.tests.helpers import confirmed
from dualcert.credentials.models import Certificate
from dualcert.credentials.services import certificates_issue

ISSUE_DAY = datetime(2026, 6, 10, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@dataclass
class Issued:
    """A confirmed sitting of world.project_1: one dual-certified worker, one skill-only."""

    project: Any
    skill: Certificate
    permit: Certificate
    single: Certificate


def issue_dual_and_single(world: Any) -> Issued:
    """Two candidates sit: one passes both (skill + permit), one passes the skill only."""
    with time_machine.travel(ISSUE_DAY, tick=False):
        sitting = confirmed(world, [(90, 90, False), (70, 90, False)])
        certificates_issue(actor=world.users["bureau"], sitting=sitting)
    certificates = Certificate.objects.select_related("certificate_type", "worker")
    permit = certificates.get(certificate_type__kind="permit")
    skill = certificates.get(certificate_type__kind="skill", worker=permit.worker)
    single = certificates.exclude(worker=permit.worker).get()
    return Issued(sitting.project, skill, permit, single)
