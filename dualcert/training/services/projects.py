"""Training projects: creation and the moves from draft to closed."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dualcert.assessment.models import Sitting
from dualcert.catalog.models import Pathway, Region
from dualcert.core.audit import audit_record, snapshot
from dualcert.core.scoping import Role, scope_for
from dualcert.core.workflow import next_number
from dualcert.demand.models import JobDemand
from dualcert.training.models import Enrollment, Institution, TrainingProject
from dualcert.training.services.base import (
    is_officer_of,
    is_staff_of,
    lock_project,
    move,
    require_officer,
    require_staff,
)
from dualcert.training.services.curriculum import curriculum_gaps, curriculum_total_hours

PROJECT_FIELDS = (
    "code", "name", "pathway_id", "institution_id", "region_id", "place", "capacity",
    "subsidy_per_person", "completion_threshold", "start_date", "end_date", "status",
)
Status = TrainingProject.Status


def _project_region(actor: Any, region: Region | None) -> Region:
    if not may_create_project(actor):
        raise PermissionDenied(_("Only the bureau or a county officer may create projects."))
    scope = scope_for(actor)
    if scope.role == Role.COUNTY and scope.region_id:
        return Region.objects.get(pk=scope.region_id)
    if region is None:
        raise ValidationError(_("Choose the county the project belongs to."), code="region")
    return region


def _demand_errors(actor: Any, demands: list[JobDemand]) -> list[str]:
    visible = set(
        JobDemand.objects.visible_to(actor).filter(pk__in=[d.pk for d in demands])
        .values_list("pk", flat=True)
    )
    errors = []
    for demand in demands:
        if demand.pk not in visible:
            errors.append(_("The job demand “%(demand)s” is not one you can see.")
                          % {"demand": demand.title})
        elif demand.status != JobDemand.Status.OPEN:
            errors.append(
                _("The job demand “%(demand)s” is %(status)s; only open demands can start a "
                  "project.") % {"demand": demand.title, "status": demand.get_status_display()}
            )
    return errors


def _project_errors(
    *, name: str, pathway: Pathway, region: Region, capacity: int, subsidy_per_person: int,
    completion_threshold: int, start_date: date, end_date: date,
) -> list[str]:
    errors = []
    if not name:
        errors.append(_("The project needs a name."))
    if not pathway.active:
        errors.append(_("The pathway “%(pathway)s” is no longer active; choose an active one.")
                      % {"pathway": pathway.name})
    if region.level != Region.Level.COUNTY:
        errors.append(_("Choose a county-level unit as the project's county."))
    if start_date > end_date:
        errors.append(_("The end date (%(end)s) is before the start date (%(start)s).")
                      % {"end": end_date, "start": start_date})
    if capacity < 1:
        errors.append(_("The capacity must be at least 1 person."))
    if subsidy_per_person < 0:
        errors.append(_("The subsidy per person cannot be negative."))
    if not 1 <= completion_threshold <= 100:
        errors.append(_("The attendance needed to complete must be between 1 and 100 percent."))
    return errors


@transaction.atomic
def project_create(
    *, actor: Any, name: str, pathway: Pathway, institution: Institution, place: str,
    demands: Iterable[JobDemand], capacity: int, subsidy_per_person: int,
    completion_threshold: int = 90, start_date: date, end_date: date,
    region: Region | None = None,
) -> TrainingProject:
    """Create a draft project answering open job demands; numbered XM<year>-<nnnn>.

    The bureau admin names the county; a county officer's projects are in their own county.
    """
    region = _project_region(actor, region)
    name = " ".join(name.split())
    demands = list(demands)
    errors = _project_errors(
        name=name, pathway=pathway, region=region, capacity=capacity,
        subsidy_per_person=subsidy_per_person, completion_threshold=completion_threshold,
        start_date=start_date, end_date=end_date,
    ) + _demand_errors(actor, demands)
    if errors:
        raise ValidationError(errors)
    year = timezone.localdate().year
    project = TrainingProject.objects.create(
        code=f"XM{year}-{next_number(f'project-{year}'):04d}", name=name, pathway=pathway,
        institution=institution, region=region, place=place.strip(), capacity=capacity,
        subsidy_per_person=subsidy_per_person, completion_threshold=completion_threshold,
        start_date=start_date, end_date=end_date, created_by=actor,
    )
    project.demands.set(demands)
    after = snapshot(project, PROJECT_FIELDS)
    after["demands"] = sorted(str(d.public_id) for d in demands)
    audit_record(actor=actor, action="project.create", obj=project, after=after)
    return project


@transaction.atomic
def project_approve(*, actor: Any, project: TrainingProject) -> TrainingProject:
    """Approve a draft whose fused curriculum covers every requirement item of both certificates.

    Refused with one message per short item (theory or practical) while any gap remains.
    """
    require_officer(actor, project)
    lock_project(project)
    if project.status == Status.DRAFT:
        problems = []
        if not project.modules.exists():
            problems.append(_("The curriculum has no modules yet: add modules that cover the "
                              "requirement items of both certificates."))
        problems += curriculum_gaps(project)
        if problems:
            raise ValidationError(problems, code="curriculum_gaps")
    move(actor, project, to=Status.APPROVED, action="project.approve")
    return project


@transaction.atomic
def project_return_to_draft(
    *, actor: Any, project: TrainingProject, reason: str = ""
) -> TrainingProject:
    """Send an approved project back to draft so its curriculum can be corrected."""
    require_officer(actor, project)
    lock_project(project)
    move(actor, project, to=Status.DRAFT, action="project.return_to_draft", reason=reason)
    return project


@transaction.atomic
def project_open_enrollment(*, actor: Any, project: TrainingProject) -> TrainingProject:
    """Open an approved project for applications."""
    require_officer(actor, project)
    lock_project(project)
    move(actor, project, to=Status.ENROLLING, action="project.open_enrollment")
    return project


@transaction.atomic
def project_start_training(*, actor: Any, project: TrainingProject) -> TrainingProject:
    """Start training with the admitted workers; applications not yet admitted are dropped."""
    require_staff(actor, project)
    lock_project(project)
    enrolled = project.enrollments.filter(status=Enrollment.Status.ENROLLED)
    if project.status == Status.ENROLLING and not enrolled.exists():
        raise ValidationError(_("Admit at least one applicant before training starts."),
                              code="nobody_enrolled")
    move(actor, project, to=Status.TRAINING, action="project.start_training")
    reason = _("not admitted before training started")
    for enrollment in project.enrollments.filter(status=Enrollment.Status.APPLIED):
        move(actor, enrollment, to=Enrollment.Status.DROPPED, action="enrollment.drop",
              reason=reason)
    return project


def _hours(value: Decimal) -> str:
    return format(value.normalize(), "f")


@transaction.atomic
def project_finish_training(*, actor: Any, project: TrainingProject) -> TrainingProject:
    """End training: enrolled workers with enough attended hours complete, the others drop.

    Enough means at least the project's threshold (%) of the curriculum's total module hours.
    """
    require_staff(actor, project)
    lock_project(project)
    needed = project.required_hours(curriculum_total_hours(project))
    move(actor, project, to=Status.ASSESSING, action="project.finish_training")
    for enrollment in project.enrollments.filter(status=Enrollment.Status.ENROLLED):
        if enrollment.attended_hours >= needed:
            move(actor, enrollment, to=Enrollment.Status.COMPLETED, action="enrollment.complete")
            continue
        reason = _("attended %(attended)d of the %(needed)s hours needed to complete") % {
            "attended": enrollment.attended_hours, "needed": _hours(needed),
        }
        move(actor, enrollment, to=Enrollment.Status.DROPPED, action="enrollment.drop",
              reason=reason)
    return project


def _require_confirmed_sitting(project: TrainingProject) -> None:
    status = Sitting.objects.filter(project_id=project.pk).values_list("status", flat=True).first()
    if status is None:
        raise ValidationError(
            _("The project can be closed only after its assessment sitting is confirmed; no "
              "sitting is scheduled yet."), code="no_sitting",
        )
    if status != Sitting.Status.CONFIRMED:
        raise ValidationError(
            _("The project can be closed only after its assessment sitting is confirmed; the "
              "sitting is “%(status)s”.") % {"status": Sitting.Status(status).label},
            code="sitting_not_confirmed",
        )


@transaction.atomic
def project_close(*, actor: Any, project: TrainingProject) -> TrainingProject:
    """Close a project once the results of its assessment sitting are confirmed."""
    require_officer(actor, project)
    lock_project(project)
    if project.status == Status.ASSESSING:
        _require_confirmed_sitting(project)
    move(actor, project, to=Status.CLOSED, action="project.close")
    return project


@dataclass(frozen=True)
class Move:
    """A project move as offered on pages and in the API."""

    name: str
    label: Promise
    source: str
    service: Callable[..., TrainingProject]
    institution_may: bool = False


MOVES: dict[str, Move] = {
    m.name: m for m in (
        Move("approve", gettext_lazy("Approve"), Status.DRAFT, project_approve),
        Move("return_to_draft", gettext_lazy("Return to draft"), Status.APPROVED,
             project_return_to_draft),
        Move("open_enrollment", gettext_lazy("Open enrollment"), Status.APPROVED,
             project_open_enrollment),
        Move("start_training", gettext_lazy("Start training"), Status.ENROLLING,
             project_start_training, institution_may=True),
        Move("finish_training", gettext_lazy("Finish training"), Status.TRAINING,
             project_finish_training, institution_may=True),
        Move("close", gettext_lazy("Close project"), Status.ASSESSING, project_close),
    )
}


def project_moves_for(actor: Any, project: TrainingProject) -> list[Move]:
    """The moves this actor may try on the project in its current status."""
    scope = scope_for(actor)
    return [
        m for m in MOVES.values()
        if m.source == project.status
        and (is_staff_of if m.institution_may else is_officer_of)(scope, project)
    ]


def project_move(*, actor: Any, project: TrainingProject, name: str) -> TrainingProject:
    """Run the named move (see MOVES); an unknown name is refused."""
    if name not in MOVES:
        raise ValidationError(_("Unknown project action “%(move)s”.") % {"move": name},
                              code="unknown_move")
    return MOVES[name].service(actor=actor, project=project)


def may_create_project(actor: Any) -> bool:
    """The bureau admin and county officers create projects."""
    return scope_for(actor).role in (Role.BUREAU, Role.COUNTY)
