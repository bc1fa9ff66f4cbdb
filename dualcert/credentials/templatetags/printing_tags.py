"""Template helpers for the print links on certificate and project pages."""

from typing import Any

from django import template

from dualcert.credentials.models import Certificate
from dualcert.credentials.printing.jobs import may_print_project
from dualcert.credentials.printing.selectors import certificate_pair_for
from dualcert.training.models import TrainingProject

register = template.Library()


@register.filter
def may_print(user: Any, project: TrainingProject) -> bool:
    """Whether the user may batch-print the project's certificates."""
    return may_print_project(user, project)


@register.simple_tag
def has_dual_sheet(user: Any, certificate: Certificate) -> bool:
    """Whether the user sees both certificates of the certificate's sitting (a dual sheet)."""
    return len(certificate_pair_for(user, certificate)) == 2
