"""Who may issue and revoke certificates: one predicate per action."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from dualcert.assessment.models import Sitting
from dualcert.core.scoping import Role, scope_for
from dualcert.credentials.models import Certificate


def may_issue(user: Any, sitting: Sitting) -> bool:
    """Bureau admin, the county officer of the project's county, or the permit's department."""
    scope = scope_for(user)
    project = sitting.project
    return (
        scope.is_bureau
        or (scope.role == Role.COUNTY and scope.region_id == project.region_id)
        or (scope.role == Role.DEPARTMENT
            and scope.department_id == project.pathway.permit.department_id)
    )


def may_revoke(user: Any, certificate: Certificate) -> bool:
    """Bureau admin, or an officer of the department that issues this certificate type."""
    scope = scope_for(user)
    return scope.is_bureau or (
        scope.role == Role.DEPARTMENT
        and scope.department_id == certificate.certificate_type.department_id
    )


def require_issue(user: Any, sitting: Sitting) -> None:
    if not may_issue(user, sitting):
        raise PermissionDenied(
            _("Only the bureau admin, the county officer of the project's county or the "
              "permit's department may issue these certificates.")
        )


def require_revoke(user: Any, certificate: Certificate) -> None:
    if not may_revoke(user, certificate):
        raise PermissionDenied(
            _("Only the bureau admin or the department that issues this certificate may "
              "revoke it.")
        )
