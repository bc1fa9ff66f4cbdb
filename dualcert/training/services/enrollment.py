"""Enrollment: eligibility, applications (by officers or by the worker), admission, drop-outs."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dualcert.catalog.models import CertificateType, Education, Region, TargetGroup
from dualcert.core.audit import audit_record, snapshot
from dualcert.core.scoping import Role, scope_for
from dualcert.people import idnumber
from dualcert.people.models import Worker
from dualcert.people.services import worker_register
from dualcert.training.models import Enrollment, TrainingProject
from dualcert.training.services.base import lock_project, move, require_staff

ENROLLMENT_FIELDS = ("project_id", "worker_id", "status", "wage_before")
Status = Enrollment.Status


def _age_reasons(project: TrainingProject, worker: Worker, day: date) -> list[str]:
    types: list[CertificateType] = project.pathway.certificate_types
    age = idnumber.age_on(worker.birth_date, day)
    reasons = []
    strictest = max(types, key=lambda t: t.min_age)
    if age < strictest.min_age:
        reasons.append(
            _("Aged %(age)d on %(day)s, below the minimum age of %(limit)d for %(certificate)s.")
            % {"age": age, "day": day, "limit": strictest.min_age,
               "certificate": strictest.name}
        )
    for cert in types:
        if cert.max_age is not None and age > cert.max_age:
            reasons.append(
                _("Aged %(age)d on %(day)s, above the maximum age of %(limit)d for "
                  "%(certificate)s.")
                % {"age": age, "day": day, "limit": cert.max_age, "certificate": cert.name}
            )
    return reasons


def _education_reasons(project: TrainingProject, worker: Worker) -> list[str]:
    strictest = max(project.pathway.certificate_types, key=lambda t: t.education_required)
    if worker.education >= strictest.education_required:
        return []
    return [
        _("Education “%(has)s” is below the “%(needed)s” that %(certificate)s requires.") % {
            "has": Education(worker.education).label,
            "needed": Education(strictest.education_required).label,
            "certificate": strictest.name,
        }
    ]


def _overlap_reasons(project: TrainingProject, worker: Worker) -> list[str]:
    overlapping = (
        Enrollment.objects.filter(
            worker=worker, status__in=Enrollment.ACTIVE, project__subsidy_per_person__gt=0,
            project__start_date__lte=project.end_date, project__end_date__gte=project.start_date,
        )
        .exclude(project_id=project.pk)
        .select_related("project")
    )
    return [
        _("Already %(status)s in the subsidised project “%(project)s” (%(code)s, %(start)s to "
          "%(end)s), whose dates overlap this one.") % {
            "status": other.get_status_display(), "project": other.project.name,
            "code": other.project.code, "start": other.project.start_date,
            "end": other.project.end_date,
        }
        for other in overlapping
    ]


def enrollment_eligibility(
    *, project: TrainingProject, worker: Worker, on: date, current: Enrollment | None = None
) -> list[str]:
    """Every reason the worker may not enroll in the project; empty means eligible.

    Ages are taken on the first training day the worker could attend: the project's start,
    or `on` if the project has already started. `current` is the worker's own enrollment in
    this project when it is being re-checked at admission.
    """
    reasons = _age_reasons(project, worker, max(on, project.start_date))
    reasons += _education_reasons(project, worker)
    reasons += _overlap_reasons(project, worker)
    existing = Enrollment.objects.filter(project_id=project.pk, worker_id=worker.pk)
    if current is not None:
        existing = existing.exclude(pk=current.pk)
    for enrollment in existing:
        reasons.append(_("Already has an enrollment in this project (%(status)s).")
                       % {"status": enrollment.get_status_display()})
    return reasons


def require_enrolling(project: TrainingProject) -> None:
    """Lock the project and refuse unless it is enrolling."""
    lock_project(project)
    if project.status != TrainingProject.Status.ENROLLING:
        raise ValidationError(
            _("This is possible only while the project is enrolling (it is “%(status)s”).")
            % {"status": TrainingProject.Status(project.status).label},
            code="not_enrolling",
        )


def _create_application(
    actor: Any, project: TrainingProject, worker: Worker, wage_before: int | None
) -> Enrollment:
    if wage_before is not None and wage_before < 0:
        raise ValidationError(_("The wage before training cannot be negative."), code="wage")
    reasons = enrollment_eligibility(project=project, worker=worker, on=timezone.localdate())
    if reasons:
        raise ValidationError(reasons, code="ineligible")
    enrollment = Enrollment.objects.create(project=project, worker=worker, wage_before=wage_before)
    audit_record(actor=actor, action="enrollment.apply", obj=enrollment,
                 after=snapshot(enrollment, ENROLLMENT_FIELDS))
    return enrollment


@transaction.atomic
def enrollment_apply(
    *, actor: Any, project: TrainingProject, name: str, id_number: str, region: Region,
    phone: str = "", township: Region | None = None, education: int,
    wage_before: int | None = None, target_groups: Iterable[TargetGroup] = (),
    consent_recommend: bool | None = None,
) -> Enrollment:
    """Register (or update) a worker and file their application to an enrolling project.

    All or nothing: an invalid ID number or any eligibility reason refuses the whole
    application (every reason is listed) and leaves the worker record untouched.
    """
    require_staff(actor, project)
    require_enrolling(project)
    worker = worker_register(
        actor=actor, name=name, id_number=id_number, region=region, phone=phone,
        township=township, education=education, target_groups=target_groups,
        consent_recommend=consent_recommend,
    )
    return _create_application(actor, project, worker, wage_before)


@transaction.atomic
def enrollment_apply_self(
    *, actor: Any, project: TrainingProject, wage_before: int | None = None
) -> Enrollment:
    """A signed-in worker applies to an enrolling project with their own record."""
    scope = scope_for(actor)
    if scope.role != Role.WORKER or not scope.worker_id:
        raise PermissionDenied(_("Only workers apply for themselves; officers use the "
                                 "application form of the project."))
    require_enrolling(project)
    worker = Worker.objects.get(pk=scope.worker_id)
    return _create_application(actor, project, worker, wage_before)


@transaction.atomic
def enrollment_admit(*, actor: Any, enrollment: Enrollment) -> Enrollment:
    """Admit an applicant: eligibility is checked again and a place must be free."""
    project = enrollment.project
    require_staff(actor, project)
    require_enrolling(project)
    if enrollment.status == Status.APPLIED:
        reasons = enrollment_eligibility(
            project=project, worker=enrollment.worker, on=timezone.localdate(), current=enrollment
        )
        taken = project.enrollments.filter(status__in=[Status.ENROLLED, Status.COMPLETED]).count()
        if taken >= project.capacity:
            reasons.append(_("The project is full: %(taken)d of %(capacity)d places are taken.")
                           % {"taken": taken, "capacity": project.capacity})
        if reasons:
            raise ValidationError(reasons, code="not_admissible")
    move(actor, enrollment, to=Status.ENROLLED, action="enrollment.admit",
         extra={"admitted_at": timezone.now()})
    return enrollment


@dataclass
class AdmitReport:
    """Who was admitted and who was not, with the reasons."""

    admitted: list[Enrollment] = field(default_factory=list)
    refused: list[tuple[Enrollment, list[str]]] = field(default_factory=list)


@transaction.atomic
def enrollment_admit_all(*, actor: Any, project: TrainingProject) -> AdmitReport:
    """Admit every eligible applicant in order of application while places last."""
    require_staff(actor, project)
    require_enrolling(project)
    report = AdmitReport()
    applied = project.enrollments.filter(status=Status.APPLIED).select_related("worker")
    for enrollment in applied.order_by("created_at", "id"):
        enrollment.project = project
        try:
            enrollment_admit(actor=actor, enrollment=enrollment)
        except ValidationError as exc:
            report.refused.append((enrollment, exc.messages))
        else:
            report.admitted.append(enrollment)
    return report


@transaction.atomic
def enrollment_drop(*, actor: Any, enrollment: Enrollment, reason: str) -> Enrollment:
    """Drop an applicant or an enrolled worker, saying why."""
    require_staff(actor, enrollment.project)
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError(_("Say why the worker is dropped."), code="reason")
    move(actor, enrollment, to=Status.DROPPED, action="enrollment.drop", reason=reason)
    return enrollment
