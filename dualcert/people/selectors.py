"""Scoped reads about people: workers and what the reader may see of their training and jobs."""

from typing import Any, cast
from uuid import UUID

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.http import Http404

from dualcert.core.models import AuditEntry
from dualcert.core.scoping import Role, ScopedQuerySet, get_for, scope_for
from dualcert.credentials.models import Certificate
from dualcert.employment.models import Placement, Referral
from dualcert.people import idnumber
from dualcert.people.models import Worker
from dualcert.people.services import WORKER_EDITORS, id_number_for
from dualcert.training.models import Enrollment


def worker_visible_to(user: Any) -> QuerySet[Worker]:
    """The workers a user may see, with county and target groups loaded for lists."""
    return Worker.objects.visible_to(user).select_related("region", "township").prefetch_related(
        "target_groups"
    )


def worker_get_for(user: Any, public_id: UUID | str, *, write: bool = False) -> Worker:
    """One worker by public id: 404 when not visible, 403 when visible but not writable."""
    return get_for(cast(ScopedQuerySet, worker_visible_to(user)), user, public_id, write=write)


def worker_search(queryset: QuerySet[Worker], *, name: str) -> QuerySet[Worker]:
    """Workers whose name contains `name` (blank: all)."""
    name = " ".join(name.split())
    return queryset.filter(name__icontains=name) if name else queryset


def worker_find_by_id_number(user: Any, raw: str) -> QuerySet[Worker]:
    """The visible worker with this ID number (ValidationError when the number is not valid).

    The number is looked up by its keyed hash, so it never needs to be stored or sent in clear.
    """
    number = idnumber.parse(raw).number
    return worker_visible_to(user).filter(id_number_hash=idnumber.lookup_hash(number))


def worker_rows(user: Any, workers: Any) -> list[tuple[Worker, str]]:
    """Each worker with the ID number this user may see (full or masked); no extra queries."""
    return [(worker, id_number_for(user, worker)) for worker in workers]


def worker_may_register(user: Any) -> bool:
    """Whether the user's role registers workers (bureau, county officer, institution)."""
    return scope_for(user).role in WORKER_EDITORS


def worker_may_edit(user: Any, worker: Worker) -> bool:
    """Whether the user may change this worker's record."""
    return Worker.objects.writable_by(user).filter(pk=worker.pk).exists()


def worker_own(user: Any) -> Worker:
    """The worker record of a signed-in worker (404 when the account has none)."""
    scope = scope_for(user)
    if scope.role != Role.WORKER or not scope.worker_id:
        raise Http404
    worker = worker_visible_to(user).filter(pk=scope.worker_id).first()
    if worker is None:
        raise Http404
    return worker


def worker_enrollments(user: Any, worker: Worker) -> QuerySet[Enrollment]:
    """The worker's enrollments the user may see, with project and pathway."""
    return (
        Enrollment.objects.visible_to(user).filter(worker=worker)
        .select_related("project__pathway", "project__institution").order_by("-created_at")
    )


def worker_certificates(user: Any, worker: Worker) -> QuerySet[Certificate]:
    """The worker's certificates the user may see."""
    return (
        Certificate.objects.visible_to(user).filter(worker=worker)
        .select_related("certificate_type").order_by("-issued_on", "number")
    )


def worker_referrals(user: Any, worker: Worker) -> QuerySet[Referral]:
    """The worker's referrals (applications) the user may see, with the demand and employer."""
    return (
        Referral.objects.visible_to(user).filter(worker=worker)
        .select_related("demand__employer", "demand__region")
    )


def worker_placements(user: Any, worker: Worker) -> QuerySet[Placement]:
    """The worker's placements (hires) the user may see."""
    return Placement.objects.visible_to(user).filter(worker=worker).select_related("employer")


def worker_history(user: Any, worker: Worker) -> QuerySet[AuditEntry]:
    """The audit history of a worker record: the bureau's and county officers' to read."""
    if not scope_for(user).has(Role.BUREAU, Role.COUNTY):
        return AuditEntry.objects.none()
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Worker), object_pk=worker.pk
    ).select_related("actor")
