"""A project's funnel: demand headcount down to hires, and the projects to pick one from."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from dualcert.assessment.models import Score
from dualcert.core.scoping import get_for
from dualcert.employment.models import Placement
from dualcert.insights.selectors.figures import dual_certified_q, percentage
from dualcert.people.models import Worker
from dualcert.training.models import Enrollment, TrainingProject


def funnel_project_get_for(user: Any, public_id: UUID | str) -> TrainingProject:
    """A project whose funnel the user may see: anyone who sees the project; else 404."""
    return get_for(
        TrainingProject.objects.select_related("pathway", "institution", "region"),
        user, public_id,
    )


def projects_for_dashboard(user: Any) -> QuerySet[TrainingProject]:
    """The projects in the user's scope, newest first, for links to their funnels."""
    return TrainingProject.objects.visible_to(user).select_related(
        "pathway", "region", "institution"
    ).order_by("-start_date", "code")


@dataclass
class FunnelStep:
    key: str
    label: str
    count: int
    share_of_previous: Decimal | None
    width: int  # percent of the largest step, for the bar


def project_funnel(project: TrainingProject) -> list[FunnelStep]:
    """Demand headcount → enrolled → completed → assessed → dual-certified → hired.

    The project must come from a scoped read (`get_for`); four queries. Hired counts the
    distinct admitted workers of the project who have a placement.
    """
    headcount = project.demands.aggregate(total=Sum("headcount"))["total"] or 0
    enrollments = project.enrollments.aggregate(
        enrolled=Count("pk", filter=Q(admitted_at__isnull=False)),
        completed=Count("pk", filter=Q(status=Enrollment.Status.COMPLETED)),
    )
    scores = Score.objects.filter(enrollment__project=project).aggregate(
        assessed=Count("pk", filter=Q(absent=False)),
        dual=Count("pk", filter=dual_certified_q()),
    )
    hired = Worker.objects.filter(
        Exists(Enrollment.objects.filter(
            worker=OuterRef("pk"), project=project, admitted_at__isnull=False
        )),
        Exists(Placement.objects.filter(worker=OuterRef("pk"))),
    ).count()
    counts = [
        ("headcount", _("Demand headcount"), headcount),
        ("enrolled", _("Enrolled"), enrollments["enrolled"]),
        ("completed", _("Completed training"), enrollments["completed"]),
        ("assessed", _("Assessed"), scores["assessed"]),
        ("dual_certified", _("Dual-certified"), scores["dual"]),
        ("hired", _("Hired"), hired),
    ]
    return _steps(counts)


def _steps(counts: list[tuple[str, str, int]]) -> list[FunnelStep]:
    largest = max((c for _k, _l, c in counts), default=0)
    steps: list[FunnelStep] = []
    previous: int | None = None
    for key, label, count in counts:
        share = percentage(count, previous) if previous is not None else None
        width = round(count * 100 / largest) if largest else 0
        steps.append(FunnelStep(key, label, count, share, width))
        previous = count
    return steps
