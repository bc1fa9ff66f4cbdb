"""JSON API of the assessment stage (same services and selectors as the pages)."""

from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router
from ninja.pagination import LimitOffsetPagination, paginate

from dualcert.assessment import selectors, services
from dualcert.assessment.models import Sitting
from dualcert.assessment.schemas import ResultOut, ScoreOut, ScoreSheetIn, SittingOut
from dualcert.core.api_errors import REFUSALS

router = Router(tags=["assessment"])


@router.get("/sittings", response=list[SittingOut])
@paginate(LimitOffsetPagination)
def list_sittings(request: HttpRequest, status: str = "") -> Any:
    """The sittings the caller may see, newest first."""
    queryset = selectors.sitting_visible_to(request.user)
    if status in Sitting.Status.values:
        queryset = queryset.filter(status=status)
    return queryset


@router.get("/sittings/{public_id}", response={200: SittingOut, **REFUSALS})
def get_sitting(request: HttpRequest, public_id: UUID) -> Any:
    return selectors.sitting_get_for(request.user, public_id)


@router.post("/sittings/{public_id}/scores", response={200: list[ScoreOut], **REFUSALS})
def record_score_sheet(request: HttpRequest, public_id: UUID, sheet: ScoreSheetIn) -> Any:
    """Record a score sheet: every line is saved, or none is (errors per enrollment)."""
    sitting = selectors.sitting_get_for(request.user, public_id)
    known = selectors.sitting_enrollments_by_public_id(
        request.user, sitting, [row.enrollment for row in sheet.rows]
    )
    unknown = [str(r.enrollment) for r in sheet.rows if r.enrollment not in known]
    if unknown:
        message = _("Not an enrollment of this sitting's project.")
        raise ValidationError({key: [message] for key in unknown})
    return services.scores_record_sheet(
        actor=request.user, sitting=sitting,
        rows=[services.ScoreRow(enrollment=known[r.enrollment], theory=r.theory,
                                practical=r.practical, absent=r.absent) for r in sheet.rows],
    )


@router.post("/sittings/{public_id}/submit", response={200: list[ResultOut], **REFUSALS})
def submit_sitting(request: HttpRequest, public_id: UUID) -> Any:
    """Submit the score sheet: the results are judged per certificate type."""
    sitting = selectors.sitting_get_for(request.user, public_id)
    return services.sitting_submit(actor=request.user, sitting=sitting)


@router.post("/sittings/{public_id}/confirm", response={200: SittingOut, **REFUSALS})
def confirm_sitting(request: HttpRequest, public_id: UUID) -> Any:
    """The permit's department (or the bureau admin) confirms the results."""
    sitting = selectors.sitting_get_for(request.user, public_id)
    return services.sitting_confirm(actor=request.user, sitting=sitting)
