"""Shared by the training services: who may act on a project, row locks, audited moves."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from dualcert.core.audit import audit_record, snapshot
from dualcert.core.scoping import Role, Scope, scope_for
from dualcert.core.workflow import transition
from dualcert.training.models import TrainingProject


def is_officer_of(scope: Scope, project: TrainingProject) -> bool:
    """The bureau admin, or a county officer of the project's county."""
    return scope.is_bureau or (scope.role == Role.COUNTY and scope.region_id == project.region_id)


def is_staff_of(scope: Scope, project: TrainingProject) -> bool:
    """An officer of the project, or staff of the institution that runs it."""
    return is_officer_of(scope, project) or (
        scope.role == Role.INSTITUTION and scope.institution_id == project.institution_id
    )


def require_officer(actor: Any, project: TrainingProject) -> Scope:
    """Refuse anyone but the bureau admin or the officer of the project's county."""
    scope = scope_for(actor)
    if not is_officer_of(scope, project):
        raise PermissionDenied(
            _("Only the bureau or the county officer of this project's county may do this.")
        )
    return scope


def require_staff(actor: Any, project: TrainingProject) -> Scope:
    """Refuse anyone but the project's officers and its institution's staff."""
    scope = scope_for(actor)
    if not is_staff_of(scope, project):
        raise PermissionDenied(
            _("Only the project's training institution, its county officer or the bureau "
              "may do this.")
        )
    return scope


def lock_project(project: TrainingProject) -> TrainingProject:
    """Lock the project row and refresh its status, so checks and the move see one state."""
    locked = TrainingProject.objects.select_for_update().only("status").get(pk=project.pk)
    project.status = locked.status
    return project


def move(
    actor: Any, obj: Any, *, to: str, action: str, reason: str = "",
    extra: dict[str, Any] | None = None,
) -> None:
    """Move obj through its TRANSITIONS table and audit the move (with its reason)."""
    before = snapshot(obj, ["status"])
    transition(obj, to=to, actor=actor, allowed=type(obj).TRANSITIONS, reason=reason, extra=extra)
    after = snapshot(obj, ["status", *(extra or {})])
    if reason:
        after["reason"] = reason
    audit_record(actor=actor, action=action, obj=obj, before=before, after=after)
