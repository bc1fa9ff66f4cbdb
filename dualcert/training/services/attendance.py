"""Sessions of a project and the attendance that counts towards completion."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from dualcert.core.audit import audit_record, snapshot
from dualcert.training.models import Attendance, Enrollment, Module, Session, TrainingProject
from dualcert.training.services.base import lock_project, require_staff

SCHEDULABLE = (
    TrainingProject.Status.APPROVED, TrainingProject.Status.ENROLLING,
    TrainingProject.Status.TRAINING,
)


def _session_errors(
    project: TrainingProject, module: Module | None, day: date, topic: str, hours: int
) -> list[str]:
    errors = []
    if not project.start_date <= day <= project.end_date:
        errors.append(
            _("The session date %(day)s is outside the project's dates (%(start)s to %(end)s).")
            % {"day": day, "start": project.start_date, "end": project.end_date}
        )
    if module is not None and module.project_id != project.pk:
        errors.append(_("The module “%(module)s” belongs to another project.")
                      % {"module": module.name})
    if not topic:
        errors.append(_("The session needs a topic."))
    if not 1 <= hours <= 12:
        errors.append(_("A session lasts from 1 to 12 hours."))
    return errors


@transaction.atomic
def session_add(
    *, actor: Any, project: TrainingProject, module: Module | None, day: date, topic: str,
    hours: int,
) -> Session:
    """Schedule a session of a project between approval and the end of training."""
    require_staff(actor, project)
    lock_project(project)
    if project.status not in SCHEDULABLE:
        raise ValidationError(
            _("Sessions can be scheduled from approval until training ends (the project is "
              "“%(status)s”).") % {"status": TrainingProject.Status(project.status).label},
            code="not_schedulable",
        )
    topic = " ".join(topic.split())
    errors = _session_errors(project, module, day, topic, hours)
    if errors:
        raise ValidationError(errors)
    session = Session.objects.create(project=project, module=module, day=day, topic=topic,
                                     hours=hours)
    audit_record(actor=actor, action="session.add", obj=session,
                 after=snapshot(session, ["project_id", "module_id", "day", "topic", "hours"]))
    return session


def _recompute_attended_hours(project: TrainingProject) -> None:
    """Attended hours of every enrollment of the project: one aggregate, one bulk update."""
    totals = Enrollment.objects.filter(project=project).annotate(
        total=Coalesce(Sum("attendance__session__hours", filter=Q(attendance__present=True)), 0)
    ).only("pk", "attended_hours")
    now = timezone.now()
    changed = []
    for enrollment in totals:
        if enrollment.attended_hours != enrollment.total:
            enrollment.attended_hours, enrollment.updated_at = enrollment.total, now
            changed.append(enrollment)
    Enrollment.objects.bulk_update(changed, ["attended_hours", "updated_at"], batch_size=500)


@dataclass(frozen=True)
class AttendanceSummary:
    present: int
    absent: int


@transaction.atomic
def attendance_record(
    *, actor: Any, session: Session, present_enrollment_ids: set[int]
) -> AttendanceSummary:
    """Record who of the enrolled workers attended a session; recording again replaces it."""
    project = session.project
    require_staff(actor, project)
    lock_project(project)
    if project.status != TrainingProject.Status.TRAINING:
        raise ValidationError(
            _("Attendance can be recorded only while the project is in training (it is "
              "“%(status)s”).") % {"status": TrainingProject.Status(project.status).label},
            code="not_training",
        )
    if session.day > timezone.localdate():
        raise ValidationError(_("The session on %(day)s has not taken place yet.")
                              % {"day": session.day}, code="future_session")
    enrolled = set(
        project.enrollments.filter(status=Enrollment.Status.ENROLLED).values_list("pk", flat=True)
    )
    strangers = set(present_enrollment_ids) - enrolled
    if strangers:
        raise ValidationError(
            _("%(count)d of the workers marked present are not enrolled in this project.")
            % {"count": len(strangers)}, code="not_enrolled",
        )
    rows = [Attendance(session=session, enrollment_id=pk, present=pk in present_enrollment_ids)
            for pk in sorted(enrolled)]
    Attendance.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["session", "enrollment"],
        update_fields=["present", "updated_at"],
    )
    _recompute_attended_hours(project)
    summary = AttendanceSummary(present=len(present_enrollment_ids),
                                absent=len(enrolled) - len(present_enrollment_ids))
    audit_record(actor=actor, action="attendance.record", obj=session,
                 after={"present": summary.present, "absent": summary.absent})
    return summary
