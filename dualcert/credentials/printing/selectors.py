"""Scoped reads for printing and the worker's wallet."""

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from django.db.models import QuerySet

from dualcert.core.scoping import Role, get_for, scope_for
from dualcert.credentials.models import Certificate, PrintJob, Verification
from dualcert.credentials.selectors import certificate_visible_to, verifications_for_worker
from dualcert.credentials.signing.verify import Verdict
from dualcert.training.models import TrainingProject

PRINT_RELATED = ("certificate_type__occupation", "certificate_type__department", "worker",
                 "result")


def skill_first(certificates: list[Certificate]) -> list[Certificate]:
    """A worker's dual pair in the order it is printed: skill-level certificate, then permit."""
    return sorted(certificates, key=lambda c: (c.certificate_type.kind != "skill", c.number))


def by_score_sheet(certificates: Iterable[Certificate]) -> list[list[Certificate]]:
    """Certificates grouped by the score sheet that earned them (a dual pair shares one),
    skill-level first, groups in the order first seen; certificates without a result alone.

    The certificates' `result` must be loaded (select_related).
    """
    groups: dict[object, list[Certificate]] = {}
    for certificate in certificates:
        key = certificate.result.score_id if certificate.result else ("alone", certificate.pk)
        groups.setdefault(key, []).append(certificate)
    return [skill_first(group) for group in groups.values()]


def certificate_pair_for(user: Any, certificate: Certificate) -> list[Certificate]:
    """The certificate and its dual partner (same score sheet) as the user may see them,
    skill-level first; just the certificate when there is no visible partner."""
    if certificate.result is None:
        return [certificate]
    partners = certificate_visible_to(user).filter(
        result__score_id=certificate.result.score_id
    ).exclude(pk=certificate.pk).select_related("result")
    return skill_first([certificate, *partners[:1]])


def project_certificates(user: Any, project: TrainingProject) -> QuerySet[Certificate]:
    """The certificates earned at the project's sitting that the user may see, by candidate."""
    return (certificate_visible_to(user)
            .filter(result__score__sitting__project=project)
            .select_related(*PRINT_RELATED)
            .order_by("result__score_id", "number"))


def print_job_get_for(user: Any, public_id: UUID | str) -> PrintJob:
    """One print job (its requester's, or any for the bureau); 404 otherwise."""
    return get_for(PrintJob.objects.select_related("project"), user, public_id)


def print_jobs_of_project(user: Any, project: TrainingProject, *, limit: int = 10
                          ) -> list[PrintJob]:
    """The user's most recent print jobs of the project, newest first."""
    return list(PrintJob.objects.visible_to(user).filter(project=project)
                .select_related("requested_by").order_by("-created_at", "-id")[:limit])


def wallet_certificates(user: Any) -> list[Certificate]:
    """A signed-in worker's own certificates, newest first (nobody else has a wallet).

    A worker's scope is their own certificates, so scoping alone picks them.
    """
    if scope_for(user).role != Role.WORKER:
        return []
    return list(certificate_visible_to(user).select_related("result")
                .order_by("-issued_on", "number"))


def wallet_verifications(user: Any) -> list[Verification]:
    """The newest verifications of the worker's own certificates, each with its verdict's label."""
    verifications = list(verifications_for_worker(user))
    for verification in verifications:
        verdict = verification.verdict
        verification.verdict_label = (  # type: ignore[attr-defined]
            Verdict(verdict).label if verdict in Verdict.values else verdict)
    return verifications
