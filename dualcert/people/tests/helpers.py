"""Rows other stages own, built directly so the people pages have something to show."""

from datetime import date
from itertools import count
from typing import Any

from django.utils import timezone

from dualcert.catalog.models import CertificateType
from dualcert.credentials.models import Certificate
from dualcert.employment.models import Referral
from dualcert.people.models import Worker
from dualcert.training.models import Enrollment, TrainingProject

_numbers = count(1)


def enroll(project: TrainingProject, worker: Worker, **fields: Any) -> Enrollment:
    return Enrollment.objects.create(project=project, worker=worker, **fields)


def certify(worker: Worker, certificate_type: CertificateType, **fields: Any) -> Certificate:
    values = {
        "number": f"TEST{next(_numbers):08d}", "issuer_name": "评价机构",
        "issued_on": date(2024, 5, 1), **fields,
    }
    return Certificate.objects.create(certificate_type=certificate_type, worker=worker, **values)


def refer(demand: Any, worker: Worker, **fields: Any) -> Referral:
    """A referral the worker has applied through (unless `fields` say otherwise): from then on
    the employer may see the worker."""
    fields.setdefault("status", Referral.Status.APPLIED)
    if fields["status"] != Referral.Status.RECOMMENDED:
        fields.setdefault("applied_at", timezone.now())
    return Referral.objects.create(demand=demand, worker=worker, **fields)


def links_of(html: str) -> list[str]:
    """Every href and form action in a page."""
    import re

    return re.findall(r'(?:href|action)="([^"]*)"', html)
