"""Who may act on a sitting: one predicate per action, used by services, pages and the API."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from dualcert.assessment.models import Sitting
from dualcert.core.scoping import Role, scope_for
from dualcert.training.models import TrainingProject


def may_schedule(user: Any, project: TrainingProject) -> bool:
    """The bureau admin, or the county officer of the project's county."""
    scope = scope_for(user)
    return scope.is_bureau or (scope.role == Role.COUNTY and scope.region_id == project.region_id)


def may_score(user: Any, sitting: Sitting) -> bool:
    """Only an evaluator of the evaluation body the sitting is assigned to."""
    scope = scope_for(user)
    return scope.role == Role.EVALUATOR and scope.evaluation_body_id == sitting.evaluation_body_id


def may_confirm(user: Any, sitting: Sitting) -> bool:
    """The bureau admin, or an officer of the department that issues the pathway's permit."""
    scope = scope_for(user)
    permit_department = sitting.project.pathway.permit.department_id
    return scope.is_bureau or (
        scope.role == Role.DEPARTMENT and scope.department_id == permit_department
    )


def require_schedule(user: Any, project: TrainingProject) -> None:
    if not may_schedule(user, project):
        raise PermissionDenied(
            _("Only the bureau admin or the county officer of the project's county may "
              "schedule its sitting.")
        )


def require_score(user: Any, sitting: Sitting) -> None:
    if not may_score(user, sitting):
        raise PermissionDenied(
            _("Only the evaluation body assigned to this sitting may record or submit its scores.")
        )


def require_confirm(user: Any, sitting: Sitting) -> None:
    if not may_confirm(user, sitting):
        raise PermissionDenied(
            _("Only an officer of the department that issues this pathway's permit, or the "
              "bureau admin, may confirm the results.")
        )
