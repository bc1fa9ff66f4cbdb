"""Fairs, booths and check-ins built directly in the state a test needs (no services)."""

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import factory
from django.utils import timezone

from dualcert.employment.tests.factories import CertificateFactory
from dualcert.fairs.models import Booth, FairCheckIn, FairReferral, JobFair

BEIJING = ZoneInfo("Asia/Shanghai")
FAIR_DAY = date(2026, 3, 16)
NOW = datetime(2026, 3, 16, 10, 30, tzinfo=BEIJING)


class JobFairFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobFair

    name = factory.Sequence(lambda n: f"春风行动招聘会{n}")
    day = FAIR_DAY
    opens_at = time(10)
    closes_at = time(16)
    place = "人力资源市场一楼大厅"
    campaign = JobFair.Campaign.SPRING_BREEZE
    organiser = "人社局"
    status = JobFair.Status.OPEN


class BoothFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Booth
        skip_postgeneration_save = True

    fair = factory.SubFactory(JobFairFactory)
    number = factory.Sequence(lambda n: f"A{n:02d}")

    @factory.post_generation
    def demands(obj: Booth, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            obj.demands.add(*extracted)


def check_in(fair: JobFair, worker: Any, *, method: str = "poster") -> FairCheckIn:
    return FairCheckIn.objects.create(fair=fair, worker=worker, at=timezone.now(), method=method)


def at_fair(booth: Booth, referral: Any, channel: str = "invited") -> FairReferral:
    return FairReferral.objects.create(fair=booth.fair, booth=booth, referral=referral,
                                       channel=channel)


def certify(worker: Any, demand: Any) -> Any:
    """Give the worker a valid certificate of the demand's first required type (made here)."""
    required = demand.required_certificates.first()
    if required is None:
        cert: Any = CertificateFactory(worker=worker)
        demand.required_certificates.add(cert.certificate_type)
        return cert
    return CertificateFactory(worker=worker, certificate_type=required)
