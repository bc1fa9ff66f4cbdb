"""Import the score sheet of a project's sitting: theory and practical marks, or absent.

Only the evaluation body assigned to the sitting imports it, while the sitting is scheduled
and the project assessing (the same rules as the score pages, through `score_record`). A
mark cell holding 缺考 means the candidate was absent.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dualcert.assessment import permissions
from dualcert.assessment.models import Score, Sitting
from dualcert.assessment.services import require_open_for_scores, score_record
from dualcert.core.scoping import Role, Scope
from dualcert.imports import cells
from dualcert.imports.fields import FieldSpec
from dualcert.imports.kinds.base import (
    FirstRows,
    Kind,
    MappedRow,
    Outcome,
    RowResult,
    RunContext,
)
from dualcert.imports.kinds.rows import (
    PERSON_FIELDS,
    Person,
    project_enrollments,
    read_person,
    refused,
    require_same_name,
    write_row,
)
from dualcert.training.models import Enrollment, TrainingProject

STATE_KEY = "scores"
ABSENT_WORDS = {"缺考", "缺席", "absent"}
Marks = tuple[int | None, int | None, bool]  # theory, practical, absent — as a Score holds them


def _sitting_of(project: TrainingProject) -> Sitting:
    sitting = Sitting.objects.select_related("project").filter(project=project).first()
    if sitting is None:
        raise ValidationError(
            _("This project has no sitting yet: the score sheet can be imported once its "
              "sitting is scheduled."), code="no_sitting")
    return sitting


@dataclass
class _Sheet:
    """What a run of the score import keeps between chunks."""

    sitting: Sitting
    enrollments: dict[str, Enrollment]  # by the worker's ID lookup hash
    stored: dict[int, Marks]  # enrollment id → the marks its Score holds now
    first_rows: FirstRows = field(default_factory=FirstRows)


def _sheet(context: RunContext) -> _Sheet:
    sheet = context.state.get(STATE_KEY)
    if sheet is None:
        sitting = _sitting_of(context.project)
        scores = Score.objects.filter(sitting=sitting).order_by().values_list(
            "enrollment_id", "theory", "practical", "absent")
        sheet = _Sheet(sitting=sitting, enrollments=project_enrollments(context.project),
                       stored={e: (t, p, a) for e, t, p, a in scores})
        context.state[STATE_KEY] = sheet
    return sheet


class ScoresKind(Kind):
    key = "scores"
    label = gettext_lazy("Score sheet of a sitting")
    needs_project = True
    fields = (
        *PERSON_FIELDS,
        FieldSpec("theory", gettext_lazy("Theory score"),
                  ("理论成绩", "理论知识", "理论", "理论考试成绩", "theory"), parse="int"),
        FieldSpec("practical", gettext_lazy("Practical score"),
                  ("实操成绩", "技能操作", "实操", "操作技能", "技能成绩", "practical"),
                  parse="int"),
        FieldSpec("absent", gettext_lazy("Absent"), ("缺考", "是否缺考", "absent"),
                  parse="bool"),
    )

    def offered(self, scope: Scope, project: Any) -> bool:
        # Which evaluation body holds the sitting is asked by `check`, at upload.
        return project.status == TrainingProject.Status.ASSESSING and scope.has(Role.EVALUATOR)

    def check(self, context: RunContext) -> None:
        """The project has its sitting, the actor scores it, and it is open for scores."""
        sitting = _sitting_of(context.project)
        permissions.require_score(context.actor, sitting)
        require_open_for_scores(sitting)

    def process(self, context: RunContext, rows: Sequence[MappedRow]) -> list[RowResult]:
        sheet = _sheet(context)
        return [self._row(context, sheet, row) for row in rows]

    def _row(self, context: RunContext, sheet: _Sheet, row: MappedRow) -> RowResult:
        reasons: list[str] = []
        person: Person | None = None
        enrollment: Enrollment | None = None
        try:
            person = read_person(row.values)
            enrollment = self._candidate(sheet, person)
        except ValidationError as exc:
            reasons.extend(exc.messages)
        try:
            marks = self._marks(row.values)
        except ValidationError as exc:
            reasons.extend(exc.messages)
        if reasons or person is None or enrollment is None:
            return refused(row.number, reasons)
        who = _("The candidate with ID number %(id)s") % {"id": person.masked}
        repeated = sheet.first_rows.judge(enrollment.pk, row.number, marks, who=who)
        if repeated is not None:
            return repeated
        sheet.first_rows.remember(enrollment.pk, row.number, marks)
        before = sheet.stored.get(enrollment.pk)
        if before == marks:
            return RowResult(row.number, Outcome.UNCHANGED)
        theory, practical, absent = marks
        score, refusal = write_row(lambda: score_record(
            actor=context.actor, sitting=sheet.sitting, enrollment=enrollment, theory=theory,
            practical=practical, absent=absent,
        ), self._labels())
        if score is None:
            return refused(row.number, refusal)
        sheet.stored[enrollment.pk] = marks
        return RowResult(row.number, Outcome.CREATED if before is None else Outcome.UPDATED)

    def _candidate(self, sheet: _Sheet, person: Person) -> Enrollment:
        enrollment = sheet.enrollments.get(person.lookup)
        if enrollment is None:
            raise ValidationError(
                _("The worker with ID number %(id)s is not a candidate of this sitting: they are "
                  "not enrolled in its project.") % {"id": person.masked},
                code="not_candidate")
        require_same_name(person, enrollment.worker.name)
        return enrollment

    def _marks(self, values: dict[str, Any]) -> Marks:
        """Theory, practical and absent as the Score will hold them (no marks when absent)."""
        errors: list[str] = []
        absent = False
        marks: dict[str, int | None] = {}
        for key in ("theory", "practical"):
            if cells.text(values.get(key)).lower() in ABSENT_WORDS:
                absent, marks[key] = True, None
                continue
            try:
                marks[key] = cells.int_value(values.get(key), label=str(self.field(key).label),
                                             maximum=100)
            except ValidationError as exc:
                errors.extend(exc.messages)
        try:
            absent = self._absent(values.get("absent")) or absent
        except ValidationError as exc:
            errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        if not absent:
            return marks["theory"], marks["practical"], False
        given = [str(self.field(k).label) for k, mark in marks.items() if mark is not None]
        if given:
            raise ValidationError(
                _("The candidate is marked absent but has a score (%(fields)s): clear the "
                  "score or the absent mark.") % {"fields": "、".join(given)},
                code="absent_with_marks")
        return None, None, True

    def _absent(self, value: Any) -> bool:
        if cells.text(value).lower() in ABSENT_WORDS:
            return True
        return bool(cells.bool_value(value, label=str(self.field("absent").label)))

    def _labels(self) -> dict[str, str]:
        return {spec.key: str(spec.label) for spec in self.fields}


SCORES = ScoresKind()
