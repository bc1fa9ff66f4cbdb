"""Writes about people: register or update a worker, record consent."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dualcert.catalog.models import Education, Region, TargetGroup
from dualcert.core.audit import audit_record, snapshot
from dualcert.core.scoping import Role, scope_for
from dualcert.people import idnumber
from dualcert.people.models import Worker

AUDITED_FIELDS = (
    "name", "id_number_masked", "birth_date", "gender", "phone", "region_id", "township_id",
    "village", "education", "consent_recommend", "available_from", "expected_wage",
)
WORKER_EDITORS = (Role.BUREAU, Role.COUNTY, Role.INSTITUTION)


def normalise_phone(raw: str) -> str:
    """An 11-digit mainland mobile number, or ValidationError."""
    phone = idnumber.normalise(raw).replace("-", "").removeprefix("+86")
    if phone and (len(phone) != 11 or not phone.isdigit() or phone[0] != "1"):
        raise ValidationError(
            _("The mobile phone number must have 11 digits and start with 1."), code="phone"
        )
    return phone


def _check_actor_may_register(actor: Any, region: Region) -> None:
    scope = scope_for(actor)
    if scope.role not in WORKER_EDITORS:
        raise PermissionDenied(_("Your role may not register or change workers."))
    if scope.role == Role.COUNTY and region.pk != scope.region_id:
        raise PermissionDenied(_("You may register workers of your own county only."))


@transaction.atomic
def worker_register(
    *, actor: Any, name: str, id_number: str, region: Region, phone: str = "",
    township: Region | None = None, village: str = "", education: int = Education.JUNIOR,
    target_groups: Iterable[TargetGroup] = (), consent_recommend: bool | None = None,
    expected_wage: int | None = None, available_from: date | None = None,
) -> Worker:
    """Register a worker, or update the one with the same ID number (never a second person).

    The ID number is validated (GB 11643 check digit, real birth date); birth date and gender
    are taken from it. Every change is audited with the masked number only.
    """
    _check_actor_may_register(actor, region)
    parsed = idnumber.parse(id_number)
    name = " ".join(name.split())
    if not name:
        raise ValidationError(_("The worker's name is empty."), code="name")
    worker = (
        Worker.objects.select_for_update()
        .filter(id_number_hash=idnumber.lookup_hash(parsed.number)).first()
    )
    created = worker is None
    before = {} if worker is None else snapshot(worker, AUDITED_FIELDS)
    if worker is None:
        worker = Worker()
        worker.set_id_number(parsed.number)
    worker.name = name
    worker.birth_date = parsed.birth_date
    worker.gender = parsed.gender
    worker.phone = normalise_phone(phone) or worker.phone
    worker.region = region
    worker.township = township or (None if created else worker.township)
    worker.village = village or worker.village
    worker.education = education
    if consent_recommend is not None:
        worker.consent_recommend = consent_recommend
    if expected_wage is not None:
        worker.expected_wage = expected_wage
    if available_from is not None:
        worker.available_from = available_from
    worker.full_clean(exclude=["id_number_hash", "id_number_encrypted"])
    worker.save()
    if target_groups:
        worker.target_groups.add(*target_groups)
    after = snapshot(worker, AUDITED_FIELDS)
    if created or before != after:
        audit_record(
            actor=actor, action="worker.register" if created else "worker.update",
            obj=worker, before=before, after=after,
        )
    return worker


@transaction.atomic
def worker_set_consent(*, actor: Any, worker: Worker, consent: bool) -> Worker:
    """The worker (or an officer on their word) agrees or stops agreeing to be recommended."""
    scope = scope_for(actor)
    own = scope.role == Role.WORKER and scope.worker_id == worker.pk
    if not own and scope.role not in WORKER_EDITORS:
        raise PermissionDenied(_("Only the worker or an officer may change this consent."))
    before = snapshot(worker, ["consent_recommend"])
    Worker.objects.filter(pk=worker.pk).update(consent_recommend=consent)
    worker.consent_recommend = consent
    audit_record(actor=actor, action="worker.consent", obj=worker, before=before,
                 after=snapshot(worker, ["consent_recommend"]))
    return worker


def id_number_for(user: Any, worker: Worker) -> str:
    """The full ID number for roles that need it (bureau, county officer, the worker), else masked."""
    scope = scope_for(user)
    if scope.role in (Role.BUREAU, Role.COUNTY) or (
        scope.role == Role.WORKER and scope.worker_id == worker.pk
    ):
        return worker.id_number
    return worker.id_number_masked
