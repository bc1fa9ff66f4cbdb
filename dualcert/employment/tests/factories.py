"""Rows of other stages built directly in the state a test needs (no services involved)."""

from datetime import date, datetime, time
from typing import Any

import factory
from django.utils import timezone

from dualcert.assessment.models import Result, Score, Sitting
from dualcert.credentials.models import Certificate
from dualcert.employment.models import Placement, Referral
from dualcert.training.models import Enrollment, TrainingProject
from tests.factories import (
    CertificateTypeFactory,
    EvaluationBodyFactory,
    JobDemandFactory,
    WorkerFactory,
)

AFTER_APPLYING = {"applied", "interviewed", "offered", "hired"}


class CertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certificate

    number = factory.Sequence(lambda n: f"T{n:010d}")
    certificate_type = factory.SubFactory(CertificateTypeFactory)
    worker = factory.SubFactory(WorkerFactory)
    issuer_name = "评价机构"
    issued_on = date(2025, 1, 1)
    expires_on = None
    status = Certificate.Status.VALID


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    demand = factory.SubFactory(JobDemandFactory)
    worker = factory.SubFactory(WorkerFactory)
    status = Referral.Status.RECOMMENDED
    score = 50
    applied_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status in AFTER_APPLYING else None
    )


def placement_for(referral: Referral, *, start: date, wage: int) -> Placement:
    """A hire as it would be after `referral_hire` (referral moved to hired)."""
    Referral.objects.filter(pk=referral.pk).update(status=Referral.Status.HIRED)
    return Placement.objects.create(
        referral=referral, worker=referral.worker, employer=referral.demand.employer,
        start_date=start, monthly_wage=wage,
    )


def hire(worker: Any, demand: Any, *, start: date, wage: int) -> Placement:
    """A referral of the worker to the demand, already hired."""
    referral: Any = ReferralFactory(demand=demand, worker=worker, status=Referral.Status.OFFERED)
    return placement_for(referral, start=start, wage=wage)


def sitting_for(project: TrainingProject) -> Sitting:
    sitting = Sitting.objects.filter(project=project).first()
    if sitting is not None:
        return sitting
    body: Any = EvaluationBodyFactory(region=project.region)
    return Sitting.objects.create(
        project=project, evaluation_body=body,
        day=project.end_date, place="考点", skill_examiner="考评员甲", permit_examiner="考评员乙",
    )


def enroll(
    project: TrainingProject, worker: Any, *, status: str = Enrollment.Status.COMPLETED,
    admitted: bool = True, wage_before: int | None = None,
) -> Enrollment:
    """An enrollment in the given state (admitted ones carry `admitted_at`)."""
    admitted_at = timezone.make_aware(datetime.combine(project.start_date, time(9))) if admitted \
        else None
    return Enrollment.objects.create(
        project=project, worker=worker, status=status, admitted_at=admitted_at,
        wage_before=wage_before, attended_hours=32,
    )


def assess(
    enrollment: Enrollment, *, skill: bool = True, permit: bool = True, absent: bool = False,
    issued_on: date = date(2025, 3, 1),
) -> Score:
    """A score sheet with one result per pathway type and a certificate for each pass."""
    project = enrollment.project
    score = Score.objects.create(
        sitting=sitting_for(project), enrollment=enrollment, absent=absent,
        theory=None if absent else 85, practical=None if absent else 85,
    )
    if absent:
        return score
    pathway = project.pathway
    for cert_type, passed in ((pathway.skill_certificate, skill), (pathway.permit, permit)):
        result = Result.objects.create(
            score=score, certificate_type=cert_type, passed=passed,
            theory_pass=cert_type.theory_pass, practical_pass=cert_type.practical_pass,
            retake=not passed,
        )
        if passed:
            CertificateFactory(certificate_type=cert_type, worker=enrollment.worker,
                               result=result, issued_on=issued_on)
    return score
