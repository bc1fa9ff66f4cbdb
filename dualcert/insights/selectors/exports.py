"""Scoped reads of export jobs: a requester's own, and any for the bureau."""

from typing import Any
from uuid import UUID

from dualcert.core.scoping import get_for
from dualcert.insights.models import ExportJob


def export_job_get_for(user: Any, public_id: UUID | str) -> ExportJob:
    """One export job (its requester's, or any for the bureau); 404 otherwise."""
    return get_for(ExportJob.objects.select_related("requested_by"), user, public_id)


def export_jobs_for(user: Any, *, limit: int = 20) -> list[ExportJob]:
    """The user's own most recent exports, newest first (the bureau too sees only its own
    here: its list is for coming back to a download, not for watching others)."""
    return list(ExportJob.objects.visible_to(user).filter(requested_by_id=user.pk)
                .order_by("-created_at", "-id")[:limit])
