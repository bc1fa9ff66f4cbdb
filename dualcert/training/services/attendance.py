"""Sessions of a project and the attendance that counts towards completion."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
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


def _recompute_attended_hours(
    project: TrainingProject, enrollment_ids: Collection[int] | None = None
) -> None:
    """Attended hours of the project's enrollments (or of the named ones only): one aggregate,
    one bulk update."""
    enrollments = Enrollment.objects.filter(project=project)
    if enrollment_ids is not None:
        enrollments = enrollments.filter(pk__in=enrollment_ids)
    totals = enrollments.annotate(
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


def require_training(project: TrainingProject) -> None:
    """Refuse attendance unless the project is in training (the status as last read)."""
    if project.status != TrainingProject.Status.TRAINING:
        raise ValidationError(
            _("Attendance can be recorded only while the project is in training (it is "
              "“%(status)s”).") % {"status": TrainingProject.Status(project.status).label},
            code="not_training",
        )


def require_held(session: Session) -> None:
    """Refuse attendance of a session that has not taken place yet (Beijing time)."""
    if session.day > timezone.localdate():
        raise ValidationError(_("The session on %(day)s has not taken place yet.")
                              % {"day": session.day}, code="future_session")


def _check_attendance(actor: Any, session: Session) -> tuple[TrainingProject, set[int]]:
    """The checks every attendance write shares; returns the project (locked) and the ids of
    its enrolled workers' enrollments."""
    project = session.project
    require_staff(actor, project)
    lock_project(project)
    require_training(project)
    require_held(session)
    enrolled = set(
        project.enrollments.filter(status=Enrollment.Status.ENROLLED).values_list("pk", flat=True)
    )
    return project, enrolled


@transaction.atomic
def attendance_record(
    *, actor: Any, session: Session, present_enrollment_ids: set[int]
) -> AttendanceSummary:
    """Record who of the enrolled workers attended a session; recording again replaces it."""
    project, enrolled = _check_attendance(actor, session)
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


@transaction.atomic
def attendance_mark(
    *, actor: Any, session: Session, marks: dict[int, bool]
) -> AttendanceSummary:
    """Set present or absent for the given enrollments at a session; the others keep theirs.

    `marks` maps enrollment ids to presence (an attendance sheet imported row by row). Only
    marks that change are written and audited, so marking the same again changes nothing.
    Returns the session's totals afterwards.
    """
    project, enrolled = _check_attendance(actor, session)
    strangers = set(marks) - enrolled
    if strangers:
        raise ValidationError(
            _("%(count)d of the workers marked are not enrolled in this project.")
            % {"count": len(strangers)}, code="not_enrolled",
        )
    stored = dict(
        Attendance.objects.filter(session=session, enrollment_id__in=list(marks))
        .values_list("enrollment_id", "present")
    )
    changed = {pk: present for pk, present in sorted(marks.items()) if stored.get(pk) != present}
    if changed:
        Attendance.objects.bulk_create(
            [Attendance(session=session, enrollment_id=pk, present=present)
             for pk, present in changed.items()],
            update_conflicts=True, unique_fields=["session", "enrollment"],
            update_fields=["present", "updated_at"], batch_size=500,
        )
        _recompute_attended_hours(project, changed)
        audit_record(actor=actor, action="attendance.mark", obj=session,
                     before={"marks": {str(pk): stored.get(pk) for pk in changed}},
                     after={"marks": {str(pk): present for pk, present in changed.items()}})
    totals = Attendance.objects.filter(session=session).aggregate(
        marked_present=Count("pk", filter=Q(present=True)),
        marked_absent=Count("pk", filter=Q(present=False)),
    )
    return AttendanceSummary(present=totals["marked_present"], absent=totals["marked_absent"])
