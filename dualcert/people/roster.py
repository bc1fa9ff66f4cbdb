"""Register many workers at once: the rules of registering one worker, applied to a roster.

`worker_register` (a page, the API, an enrollment) calls `workers_register_many` with one
row, so a page and a spreadsheet import apply the same rules with the same messages. The
queries do not grow with the rows: one lookup of the ID numbers, one of the writable workers
among them, one of their target groups, then bulk inserts and updates (a database with a
parameter limit, like SQLite, splits a bulk write into batches of that limit).
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from dualcert.catalog.models import Region, TargetGroup
from dualcert.core.audit import AuditChange, audit_record_many, snapshot
from dualcert.core.scoping import Role, Scope, scope_for
from dualcert.people import idnumber
from dualcert.people.models import Worker
from dualcert.people.signals import workers_written

AUDITED_FIELDS = (
    "name", "id_number_masked", "birth_date", "gender", "phone", "region_id", "township_id",
    "village", "education", "consent_recommend", "available_from", "expected_wage",
)
WORKER_EDITORS = (Role.BUREAU, Role.COUNTY, Role.INSTITUTION)
# What a registration assigns, by attribute: restored when a row is refused, so a later row
# of the same call that names the same person finds the record as it was.
_ASSIGNED = (
    "name", "birth_date", "gender", "phone", "region_id", "township_id", "village",
    "education", "consent_recommend", "expected_wage", "available_from",
)
# The county and township are model instances already; checking that they exist would cost
# a query a row. The ID number's hash is unique by the lookup made before.
_NOT_CLEANED = ["id_number_hash", "id_number_encrypted", "region", "township"]
_GroupLink = Worker.target_groups.through

Result = Literal["created", "updated", "unchanged", "refused"]
Refusal = ValidationError | PermissionDenied


def normalise_phone(raw: str) -> str:
    """An 11-digit mainland mobile number, or ValidationError."""
    phone = idnumber.normalise(raw).replace("-", "").removeprefix("+86")
    if phone and (len(phone) != 11 or not phone.isdigit() or phone[0] != "1"):
        raise ValidationError(
            _("The mobile phone number must have 11 digits and start with 1."), code="phone"
        )
    return phone


def require_worker_editor(actor: Any) -> Scope:
    """The actor's scope when their role may register and change workers; else PermissionDenied."""
    scope = scope_for(actor)
    if scope.role not in WORKER_EDITORS:
        raise PermissionDenied(_("Your role may not register or change workers."))
    return scope


def require_own_county(scope: Scope, region: Region | None) -> None:
    """A county officer registers workers of their own county only (PermissionDenied)."""
    if scope.role == Role.COUNTY and region is not None and region.pk != scope.region_id:
        raise PermissionDenied(_("You may register workers of your own county only."))


@dataclass(frozen=True)
class WorkerInput:
    """One person to register, as a page or a roster row gives them.

    Empty values (None, "", ()) keep what a registered worker's record already says; a new
    worker gets the model's defaults. `gender` ("M"/"F"), when given, must agree with the ID
    number. Target groups are added, never removed.
    """

    name: str
    id_number: str
    region: Region | None
    phone: str = ""
    township: Region | None = None
    village: str = ""
    education: int | None = None
    target_groups: tuple[TargetGroup, ...] = ()
    consent_recommend: bool | None = None
    expected_wage: int | None = None
    available_from: date | None = None
    gender: str = ""


@dataclass(frozen=True)
class WorkerOutcome:
    """What became of one row: its result, the worker's id, and why a refused row was refused.

    `errors` are the refusals as raised by the rules (the first is what `worker_register`
    raises); `worker` is the record written or found (None when refused).
    """

    outcome: Result
    worker_id: int | None = None
    reasons: list[str] = field(default_factory=list)
    worker: Worker | None = field(default=None, repr=False, compare=False)
    errors: tuple[Refusal, ...] = field(default=(), repr=False, compare=False)


def workers_register_many(*, actor: Any, rows: Sequence[WorkerInput]) -> list[WorkerOutcome]:
    """Register each row's worker, or update the one with the same ID number.

    The rules of one registration, row by row: the ID number is validated (GB 11643) and
    gives the birth date and gender; the same number is always the same person, never a
    second one; a worker registered outside the actor's scope is used as is, never
    rewritten; empty values never clear a stored one; every change is audited with the
    masked number only. A refused row writes nothing and says why; a row that changes
    nothing writes nothing. A role that may not register workers is refused for the whole
    call (PermissionDenied). Runs in the caller's transaction, without a savepoint of its own.
    """
    scope = require_worker_editor(actor)
    with transaction.atomic(savepoint=False):
        registration = _Registration(actor, scope)
        checked = [registration.check(given) for given in rows]
        registration.load(checked)
        for row in checked:
            registration.apply(row)
        registration.write()
    return [row.outcome() for row in checked]


@dataclass
class _Row:
    given: WorkerInput
    name: str = ""
    parsed: idnumber.ParsedId | None = None
    key: str = ""  # the ID number's lookup hash
    result: Result = "refused"
    worker: Worker | None = None
    errors: list[Refusal] = field(default_factory=list)

    def refuse(self, error: Refusal) -> None:
        self.errors.append(error)

    def outcome(self) -> WorkerOutcome:
        if self.errors:
            reasons = [reason for error in self.errors for reason in _reasons_of(error)]
            return WorkerOutcome("refused", None, reasons, errors=tuple(self.errors))
        worker = self.worker
        return WorkerOutcome(self.result, worker.pk if worker else None, worker=worker)


def _reasons_of(error: Refusal) -> list[str]:
    if isinstance(error, PermissionDenied):
        return [str(error)]
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    labels = {f.name: capfirst(f.verbose_name) for f in Worker._meta.fields}
    return [
        _("%(field)s: %(message)s") % {"field": labels.get(name, name), "message": message}
        for name, errors in error.error_dict.items()
        for message in ValidationError(errors).messages
    ]


class _Registration:
    """One call's state: the workers found, and what to insert, update, link and audit."""

    def __init__(self, actor: Any, scope: Scope) -> None:
        self.actor, self.scope = actor, scope
        self.found: dict[str, Worker] = {}  # by lookup hash; new ones until inserted
        self.writable: set[int] = set()
        self.groups: dict[str, set[int]] = {}  # target group ids by lookup hash
        self.created: list[Worker] = []
        self.updated: dict[int, Worker] = {}
        self.changed_fields: set[str] = set()
        self.links: list[tuple[Worker, int]] = []
        self.changes: list[AuditChange] = []

    def check(self, given: WorkerInput) -> _Row:
        """The checks that need no database: scope of the county, ID number, gender, name."""
        row = _Row(given)
        try:
            require_own_county(self.scope, given.region)
        except PermissionDenied as exc:
            row.refuse(exc)
        try:
            row.parsed = idnumber.parse(given.id_number)
        except ValidationError as exc:
            row.refuse(exc)
        else:
            row.key = idnumber.lookup_hash(row.parsed.number)
            _check_gender(row, row.parsed)
        row.name = " ".join(given.name.split())
        if not row.name:
            row.refuse(ValidationError(_("The worker's name is empty."), code="name"))
        return row

    def load(self, rows: Iterable[_Row]) -> None:
        keys = {row.key for row in rows if not row.errors}
        # order_by(): the model's ordering by county would join the region table for nothing.
        found = Worker.objects.select_for_update().filter(id_number_hash__in=keys).order_by()
        self.found = {worker.id_number_hash: worker for worker in found}
        by_pk = {worker.pk: worker for worker in self.found.values()}
        self.writable = set(
            Worker.objects.writable_by(self.actor).filter(pk__in=list(by_pk)).order_by()
            .values_list("pk", flat=True)
        )
        self.groups = {by_pk[pk].id_number_hash: set() for pk in self.writable}
        links = _GroupLink.objects.filter(worker_id__in=self.writable)
        for worker_id, group_id in links.values_list("worker_id", "targetgroup_id"):
            self.groups[by_pk[worker_id].id_number_hash].add(group_id)

    def apply(self, row: _Row) -> None:
        """Register or update the row's worker in memory; `write` stores it."""
        if row.errors or row.parsed is None:
            return
        worker = self.found.get(row.key)
        if worker is not None and worker.pk is not None and worker.pk not in self.writable:
            # Someone outside the actor's scope already holds this number: use the record as
            # it is (e.g. to enroll them) but never let another office rewrite their details.
            if worker.name != row.name:
                row.refuse(ValidationError(
                    _("This ID number is registered to a worker with a different name. Check "
                      "the name and the number, or ask the worker's county office to correct "
                      "it."),
                    code="id_name_mismatch",
                ))
            else:
                row.result, row.worker = "unchanged", worker
            return
        if worker is None:
            self._apply_new(row, row.parsed)
        else:
            self._apply_known(row, row.parsed, worker)

    def _apply_new(self, row: _Row, parsed: idnumber.ParsedId) -> None:
        if row.given.region is None:
            row.refuse(ValidationError(
                _("Say which county the worker belongs to: a new worker needs one."),
                code="region",
            ))
            return
        worker = Worker()
        worker.set_id_number(parsed.number)
        _assign(row, parsed, worker)
        if row.errors:
            return
        groups = {group.pk for group in row.given.target_groups}
        self.found[row.key], self.groups[row.key] = worker, groups
        self.created.append(worker)
        self.links += [(worker, group) for group in groups]
        self.changes.append(
            AuditChange("worker.register", worker, {}, self._snapshot(worker, row.key))
        )
        row.result, row.worker = "created", worker

    def _apply_known(self, row: _Row, parsed: idnumber.ParsedId, worker: Worker) -> None:
        before = self._snapshot(worker, row.key)
        kept = {name: getattr(worker, name) for name in _ASSIGNED}
        _assign(row, parsed, worker, changed=lambda: self._snapshot(worker, row.key) != before)
        if row.errors:
            for name, value in kept.items():
                setattr(worker, name, value)
            return
        groups = self.groups[row.key]
        added = {group.pk for group in row.given.target_groups} - groups
        groups |= added
        after = self._snapshot(worker, row.key)
        row.worker = worker
        if after == before:
            row.result = "unchanged"
            return
        fields = {name for name in AUDITED_FIELDS if after[name] != before[name]}
        if fields and worker.pk is not None:  # one created earlier in this call is inserted
            self.updated[worker.pk] = worker
            self.changed_fields |= fields
        self.links += [(worker, group) for group in added]
        self.changes.append(AuditChange("worker.update", worker, before, after))
        row.result = "updated"

    def _snapshot(self, worker: Worker, key: str) -> dict[str, Any]:
        return {
            **snapshot(worker, AUDITED_FIELDS),
            "target_groups": sorted(self.groups.get(key, ())),
        }

    def write(self) -> None:
        """Store what `apply` prepared: a bulk write per table, audit rows last."""
        Worker.objects.bulk_create(self.created)
        if self.updated:
            now = timezone.now()
            for worker in self.updated.values():
                worker.updated_at = now
            Worker.objects.bulk_update(
                list(self.updated.values()), [*sorted(self.changed_fields), "updated_at"]
            )
        _GroupLink.objects.bulk_create(
            [_GroupLink(worker_id=worker.pk, targetgroup_id=group) for worker, group in self.links],
            ignore_conflicts=True,  # a link another import added meanwhile is the same fact
        )
        audit_record_many(actor=self.actor, changes=self.changes)
        workers_written.send(sender=Worker, worker_ids=[w.pk for w in self.created]
                             + [w.pk for w in self.updated.values()]
                             + [worker.pk for worker, _group in self.links])


def _check_gender(row: _Row, parsed: idnumber.ParsedId) -> None:
    given = row.given.gender
    if not given or given == parsed.gender:
        return
    if given not in Worker.Gender.values:
        row.refuse(ValidationError(_("The gender must be M or F."), code="gender"))
        return
    row.refuse(ValidationError(
        _("The gender (%(given)s) does not match the ID number, which is a %(from_id)s's: "
          "check both.")
        % {"given": Worker.Gender(given).label, "from_id": Worker.Gender(parsed.gender).label},
        code="id_gender",
    ))


def _assign(
    row: _Row, parsed: idnumber.ParsedId, worker: Worker,
    changed: Callable[[], bool] | None = None,
) -> None:
    """Put the row's values on the worker; empty values keep the stored ones.

    The model's field rules run for a new worker, and for a known one when `changed()` says
    the record differs (a stored record is not re-judged when the row changes nothing).
    """
    given = row.given
    try:
        worker.phone = normalise_phone(given.phone) or worker.phone
    except ValidationError as exc:
        row.refuse(exc)
    worker.name = row.name
    worker.birth_date, worker.gender = parsed.birth_date, parsed.gender
    if given.region is not None:
        worker.region = given.region
    if given.township is not None:
        worker.township = given.township
    worker.village = given.village or worker.village
    for name in ("education", "consent_recommend", "expected_wage", "available_from"):
        value = getattr(given, name)
        if value is not None:
            setattr(worker, name, value)
    if changed is None or changed():
        try:
            worker.clean_fields(exclude=_NOT_CLEANED)
        except ValidationError as exc:
            row.refuse(exc)
