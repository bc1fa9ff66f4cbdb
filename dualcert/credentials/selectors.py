"""Scoped reads of the credentials stage, and the verification lookup."""

import re
import unicodedata
from typing import Any
from uuid import UUID

from django.db.models import QuerySet

from dualcert.catalog.models import CertificateType
from dualcert.core.models import StateChange
from dualcert.core.scoping import Role, get_for, scope_for, scope_through
from dualcert.core.workflow import history
from dualcert.credentials import numbers
from dualcert.credentials.models import Certificate, Verification
from dualcert.people.models import Worker

CERTIFICATE_RELATED = (
    "certificate_type__occupation", "certificate_type__department", "worker", "revocation",
    "revocation__revoked_by",
)


def certificate_visible_to(user: Any) -> QuerySet[Certificate]:
    """The certificates a user may see, with holder and type loaded."""
    return Certificate.objects.visible_to(user).select_related(
        "certificate_type__occupation", "certificate_type__department", "worker"
    )


def certificate_get_for(user: Any, public_id: UUID | str, *, write: bool = False) -> Certificate:
    """One certificate: 404 when not visible, 403 when `write` and not writable."""
    queryset = Certificate.objects.select_related(
        *CERTIFICATE_RELATED, "result__score__sitting__evaluation_body"
    )
    return get_for(queryset, user, public_id, write=write)


def certificates_filtered(
    user: Any, *, certificate_type: CertificateType | None = None, status: str = ""
) -> QuerySet[Certificate]:
    """The visible certificates of one type and/or status, newest first."""
    queryset = certificate_visible_to(user)
    if certificate_type is not None:
        queryset = queryset.filter(certificate_type=certificate_type)
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-issued_on", "number")


def certificates_of_worker(user: Any, worker: Worker) -> QuerySet[Certificate]:
    """A worker's certificates as `user` may see them (the worker's own wallet page)."""
    return certificate_visible_to(user).filter(worker=worker).order_by("-issued_on", "number")


def certificate_types_for_filter(user: Any) -> QuerySet[CertificateType]:
    """Certificate types to filter the list by (reference data every role reads)."""
    return CertificateType.objects.visible_to(user).order_by("kind", "name")


def certificate_history(certificate: Certificate) -> list[StateChange]:
    """The certificate's status changes, oldest first, with the states' display labels."""
    changes = list(history(certificate))
    for change in changes:
        change.from_label = Certificate.Status(change.from_state).label  # type: ignore[attr-defined]
        change.to_label = Certificate.Status(change.to_state).label  # type: ignore[attr-defined]
    return changes


def _plain_name(name: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name or "")).casefold()


def certificate_lookup(*, number: str, holder_name: str) -> Certificate | None:
    """The certificate with exactly this number AND this holder's name, else None.

    Both must match: a wrong name answers exactly like a wrong number, so the lookup cannot
    be used to find out which numbers exist or whose they are.
    """
    normalised = numbers.normalise(number)
    if not normalised or not _plain_name(holder_name):
        return None
    # Deliberately not scoped: anyone holding both the number and the name may verify.
    certificate = (
        Certificate.objects.select_related(*CERTIFICATE_RELATED)
        .filter(number=normalised).first()
    )
    if certificate is None or _plain_name(certificate.worker.name) != _plain_name(holder_name):
        return None
    return certificate


# Who reads verification logs: the holder, and the officers responsible for the holder.
# Employers and the other roles do not see who else checked a certificate.
VERIFICATION_READERS = (Role.WORKER, Role.BUREAU, Role.COUNTY)


def verifications_for_worker(
    user: Any, limit: int = 20, *, worker: Worker | None = None
) -> QuerySet[Verification]:
    """The latest verifications of certificates in the user's scope, newest first.

    A worker sees those of their own certificates; the bureau and county officers those of
    the certificates they may see (narrowed to one `worker` on that worker's page). Other
    roles see none.
    """
    scope = scope_for(user)
    if not scope.has(*VERIFICATION_READERS):
        return Verification.objects.none()
    queryset = Verification.objects.filter(
        scope_through(Certificate, scope, write=False, path="certificate__")
    )
    if worker is not None:
        queryset = queryset.filter(certificate__worker=worker)
    return (queryset.filter(certificate__isnull=False)
            .select_related("certificate__certificate_type")
            .order_by("-at", "-id")[:limit])
