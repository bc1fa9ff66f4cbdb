"""Writes about people: register or update a worker, record consent, give accounts roles."""

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
from dualcert.people.models import Membership, Worker
from dualcert.people.roster import (
    AUDITED_FIELDS,
    WORKER_EDITORS,
    WorkerInput,
    normalise_phone,
    require_own_county,
    require_worker_editor,
    workers_register_many,
)
from dualcert.people.signals import workers_written


def _check_actor_may_register(actor: Any, region: Region) -> None:
    require_own_county(require_worker_editor(actor), region)


@transaction.atomic
def worker_register(
    *, actor: Any, name: str, id_number: str, region: Region, phone: str = "",
    township: Region | None = None, village: str = "", education: int = Education.JUNIOR,
    target_groups: Iterable[TargetGroup] = (), consent_recommend: bool | None = None,
    expected_wage: int | None = None, available_from: date | None = None,
) -> Worker:
    """Register a worker, or update the one with the same ID number (never a second person).

    The ID number is validated (GB 11643 check digit, real birth date); birth date and gender
    are taken from it. Every change is audited with the masked number only. These are the
    rules of a roster import (`workers_register_many`) applied to one row; a refused row's
    first reason is raised as the rule raised it (ValidationError or PermissionDenied).
    """
    given = WorkerInput(
        name=name, id_number=id_number, region=region, phone=phone, township=township,
        village=village, education=education, target_groups=tuple(target_groups),
        consent_recommend=consent_recommend, expected_wage=expected_wage,
        available_from=available_from,
    )
    (outcome,) = workers_register_many(actor=actor, rows=[given])
    if outcome.worker is None:
        raise outcome.errors[0]
    return outcome.worker


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
    workers_written.send(sender=Worker, worker_ids=[worker.pk])
    audit_record(actor=actor, action="worker.consent", obj=worker, before=before,
                 after=snapshot(worker, ["consent_recommend"]))
    return worker


def id_number_for(user: Any, worker: Worker) -> str:
    """The full ID number for roles that need it (bureau, county officer, the worker), or masked."""
    scope = scope_for(user)
    if scope.role in (Role.BUREAU, Role.COUNTY) or (
        scope.role == Role.WORKER and scope.worker_id == worker.pk
    ):
        return worker.id_number
    return worker.id_number_masked


def _worker_snapshot(worker: Worker) -> dict[str, Any]:
    return {
        **snapshot(worker, AUDITED_FIELDS),
        "target_groups": sorted(worker.target_groups.values_list("pk", flat=True)),
    }


def _correct_id_number(worker: Worker, id_number: str) -> None:
    parsed = idnumber.parse(id_number)
    digest = idnumber.lookup_hash(parsed.number)
    if digest == worker.id_number_hash:
        return
    if Worker.objects.filter(id_number_hash=digest).exclude(pk=worker.pk).exists():
        raise ValidationError(
            _("Another worker is already registered with this ID number: check the number, "
              "or open that worker's record instead."),
            code="id_taken",
        )
    worker.set_id_number(parsed.number)
    worker.birth_date = parsed.birth_date
    worker.gender = parsed.gender


@transaction.atomic
def worker_update(
    *, actor: Any, worker: Worker, name: str, region: Region, phone: str = "",
    township: Region | None = None, village: str = "", education: int = Education.JUNIOR,
    target_groups: Iterable[TargetGroup] | None = None, consent_recommend: bool | None = None,
    expected_wage: int | None = None, available_from: date | None = None,
    id_number: str | None = None,
) -> Worker:
    """Change a registered worker's record as an edit form shows it (empty values clear).

    A given `id_number` corrects a mistyped one (refused if another worker already has it);
    without it the number stays. Target groups, when given, replace the current ones. The
    change is audited with the masked number only.
    """
    _check_actor_may_register(actor, region)
    if not Worker.objects.writable_by(actor).filter(pk=worker.pk).exists():
        raise PermissionDenied(_("You may not change this worker's record."))
    stored = Worker.objects.select_for_update().get(pk=worker.pk)
    before = _worker_snapshot(stored)
    if id_number:
        _correct_id_number(stored, id_number)
    stored.name = " ".join(name.split())
    if not stored.name:
        raise ValidationError({"name": _("The worker's name is empty.")})
    stored.phone = normalise_phone(phone)
    stored.region, stored.township, stored.village = region, township, village
    stored.education = education
    if consent_recommend is not None:
        stored.consent_recommend = consent_recommend
    stored.expected_wage, stored.available_from = expected_wage, available_from
    stored.full_clean(exclude=["id_number_hash", "id_number_encrypted"])
    stored.save()
    if target_groups is not None:
        stored.target_groups.set(list(target_groups))
    after = _worker_snapshot(stored)
    if before != after:
        audit_record(actor=actor, action="worker.update", obj=stored, before=before, after=after)
    return stored


MEMBERSHIP_FIELDS = (
    "user_id", "role", "region_id", "department_id", "institution_id", "evaluation_body_id",
    "employer_id", "worker_id",
)


def _check_bureau(actor: Any) -> None:
    if not scope_for(actor).is_bureau:
        raise PermissionDenied(_("Only the bureau admin may give accounts their roles."))


@transaction.atomic
def membership_save(*, actor: Any, membership: Membership, before: dict[str, Any]) -> Membership:
    """Give an account its role and scope (or change them); audited.

    `before` is the snapshot of the membership as stored before the edit ({} for a new one).
    """
    _check_bureau(actor)
    created = membership.pk is None
    membership.full_clean()
    membership.save()
    audit_record(
        actor=actor, action="membership.create" if created else "membership.update",
        obj=membership, before=before, after=membership_snapshot(membership),
    )
    return membership


@transaction.atomic
def membership_delete(*, actor: Any, membership: Membership) -> None:
    """Take an account's role away; the last role is kept in the audit log."""
    _check_bureau(actor)
    audit_record(actor=actor, action="membership.delete", obj=membership,
                 before=membership_snapshot(membership))
    membership.delete()


def membership_snapshot(membership: Membership | None) -> dict[str, Any]:
    """The role and scope of a membership as audit values, or {} for none."""
    return {} if membership is None else snapshot(membership, MEMBERSHIP_FIELDS)
