"""Import applications to an enrolling project: register (or update) each worker and file
their application, with every eligibility reason when they may not enroll.

Each row is read as the roster import reads it (`read_worker`: the same columns, the same
county, township, education and target group names). A row for a worker who already has an
enrollment in the project files nothing: it updates the worker's details when they differ,
and is otherwise unchanged, so importing the same file again changes nothing.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dualcert.catalog.models import Education
from dualcert.core.scoping import Scope
from dualcert.imports import cells
from dualcert.imports.fields import FieldSpec
from dualcert.imports.kinds.base import (
    FirstRows,
    Kind,
    MappedRow,
    Outcome,
    RowResult,
    RunContext,
    worker_called,
)
from dualcert.imports.kinds.rows import (
    project_enrollments,
    refused,
    write_row,
)
from dualcert.imports.kinds.workers import WORKER_FIELDS, read_worker
from dualcert.people import idnumber
from dualcert.people.models import Worker
from dualcert.people.roster import WorkerInput, workers_register_many
from dualcert.training.models import Enrollment, TrainingProject
from dualcert.training.services.base import is_staff_of, require_staff
from dualcert.training.services.enrollment import enrollment_apply, require_enrolling

STATE_KEY = "enrollments"


@dataclass
class _Roll:
    """What a run of the enrollment import keeps between chunks."""

    project: TrainingProject
    enrollments: dict[str, Enrollment]  # by the worker's ID lookup hash
    first_rows: FirstRows = field(default_factory=FirstRows)


def _roll(context: RunContext) -> _Roll:
    roll = context.state.get(STATE_KEY)
    if roll is None:
        roll = _Roll(project=context.project, enrollments=project_enrollments(context.project))
        context.state[STATE_KEY] = roll
    return roll


def _lookup(value: Any) -> str | None:
    try:
        return idnumber.lookup_hash(idnumber.parse(cells.id_text(value)).number)
    except ValidationError:
        return None  # read_worker reports it with the row's other reasons


def _registered_counties(keys: set[str]) -> dict[str, str]:
    """The county code of each already registered worker among the lookup hashes (one query)."""
    return dict(Worker.objects.filter(id_number_hash__in=keys)
                .values_list("id_number_hash", "region__code"))


class EnrollmentsKind(Kind):
    key = "enrollments"
    label = gettext_lazy("Enrollments into a project")
    needs_project = True
    fields = (
        *WORKER_FIELDS,
        FieldSpec("wage_before", gettext_lazy("Monthly wage before training (yuan)"),
                  ("培训前月工资(元)", "培训前月工资", "培训前月收入", "原月工资", "wage before"),
                  parse="int"),
    )

    def offered(self, scope: Scope, project: Any) -> bool:
        return project.status == TrainingProject.Status.ENROLLING and is_staff_of(scope, project)

    def check(self, context: RunContext) -> None:
        """The actor runs or oversees the project, and the project is enrolling."""
        require_staff(context.actor, context.project)
        require_enrolling(context.project)

    def process(self, context: RunContext, rows: Sequence[MappedRow]) -> list[RowResult]:
        roll = _roll(context)
        keys = [_lookup(row.values.get("id_number")) for row in rows]
        counties = _registered_counties({key for key in keys if key})
        return [self._row(context, roll, _with_county(row, counties.get(key or "")
                                                      or roll.project.region.code))
                for row, key in zip(rows, keys, strict=True)]

    def _row(self, context: RunContext, roll: _Roll, row: MappedRow) -> RowResult:
        given, reasons = read_worker(context, row)
        label = str(self.field("wage_before").label)
        wage = None
        try:
            wage = cells.int_value(row.values.get("wage_before"), label=label)
        except ValidationError as exc:
            reasons = [*reasons, *exc.messages]
        if given is None or reasons:
            return refused(row.number, reasons)
        key = idnumber.lookup_hash(given.id_number)
        who = worker_called(idnumber.mask(given.id_number))
        repeated = roll.first_rows.judge(key, row.number, (given, wage), who=who)
        if repeated is not None:
            return repeated
        enrollment = roll.enrollments.get(key)
        if enrollment is None:
            result = self._apply(context, roll, row.number, given, wage)
        else:
            result = self._update(context, row.number, enrollment, given, wage)
        if result.outcome != Outcome.REFUSED:
            roll.first_rows.remember(key, row.number, (given, wage))
        return result

    def _apply(self, context: RunContext, roll: _Roll, number: int, given: WorkerInput,
               wage: int | None) -> RowResult:
        """Register the worker and file the application; a refusal undoes both."""

        def write() -> Enrollment:
            result, worker = _register(context.actor, given)
            if result == "created" and given.education is None:
                self._require_education_given(roll.project)
            return enrollment_apply(
                actor=context.actor, project=roll.project, name=worker.name,
                id_number=given.id_number, region=worker.region, phone=worker.phone,
                township=worker.township, education=worker.education, wage_before=wage,
                target_groups=given.target_groups, consent_recommend=given.consent_recommend,
            )

        enrollment, reasons = write_row(write, self._labels())
        if enrollment is None:
            return refused(number, reasons)
        roll.enrollments[enrollment.worker.id_number_hash] = enrollment
        return RowResult(number, Outcome.CREATED)

    def _update(self, context: RunContext, number: int, enrollment: Enrollment,
                given: WorkerInput, wage: int | None) -> RowResult:
        """A worker already in the project: only their details may change."""
        if wage is not None and wage != enrollment.wage_before:
            stored = "—" if enrollment.wage_before is None else str(enrollment.wage_before)
            return refused(number, [
                _("This worker is already in the project with a wage before training of "
                  "%(stored)s; an import does not change the wage of an existing enrollment.")
                % {"stored": stored}
            ])
        registered, reasons = write_row(lambda: _register(context.actor, given), self._labels())
        if registered is None:
            return refused(number, reasons)
        changed = registered[0] == "updated"
        return RowResult(number, Outcome.UPDATED if changed else Outcome.UNCHANGED)

    def _require_education_given(self, project: TrainingProject) -> None:
        """A new worker without an education would be judged on the default level: refused
        when the project's certificates require some education."""
        needed = max(t.education_required for t in project.pathway.certificate_types)
        if needed > Education.NONE:
            raise ValidationError(
                _("%(field)s is empty, and this project's certificates require “%(needed)s”: "
                  "enter the worker's education.")
                % {"field": self.field("education").label, "needed": Education(needed).label},
                code="education")

    def _labels(self) -> dict[str, str]:
        return {"region": str(self.field("county").label),
                **{spec.key: str(spec.label) for spec in self.fields}}


def _with_county(row: MappedRow, county: str) -> MappedRow:
    """The row with `county` where its county cell is empty: a registered worker keeps theirs,
    a new worker gets the project's (the caller says which)."""
    if cells.text(row.values.get("county")):
        return row
    return MappedRow(row.number, {**row.values, "county": county})


def _register(actor: Any, given: WorkerInput) -> tuple[str, Worker]:
    """Register or update the row's worker with the roster's rules: what became of the
    record (created, updated, unchanged) and the worker; a refusal is raised."""
    outcome = workers_register_many(actor=actor, rows=[given])[0]
    if outcome.worker is None:
        raise ValidationError(list(outcome.reasons))
    return outcome.outcome, outcome.worker


ENROLLMENTS = EnrollmentsKind()
