"""Import the attendance sheet of a project in training: who was at which session.

Offices keep two shapes of sheet, and both are read:

- long: one row per worker and session, with the session's date (and its topic when a day
  has several sessions) and a present/absent column;
- wide: one row per worker and one column per session, headed by the session's date
  (2026-03-05, 2026/3/5, 3月5日, a date cell, optionally followed by the topic), holding
  √ / 到 / 1 for present and × / 缺 / 0 or nothing for absent.

The engine maps the wide shape's date columns by asking `dynamic_fields` after it has found
the header row; they arrive as values keyed “session:<public id of the session>”. Marks are
collected over every chunk and written in `finish`, once per session, by `attendance_mark`.
"""

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
    PERSON_FIELDS,
    Person,
    project_enrollments,
    read_person,
    reasons_of,
    refused,
    require_same_name,
    write_row,
)
from dualcert.training.models import Attendance, Enrollment, Session, TrainingProject
from dualcert.training.services.attendance import attendance_mark, require_held, require_training
from dualcert.training.services.base import is_staff_of, require_staff

SESSION_KEY = "session:"
STATE_KEY = "attendance"
# A session's date in a header: year-month-day (any usual separator, or none), or month and
# day alone; what follows is the session's topic.
_FULL_DATE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})[日号]?"
    r"(?:\s*\d{1,2}:\d{2}(?::\d{2})?(?!\d))?"
)
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})(?!\d)")
_MONTH_DAY = re.compile(r"^(\d{1,2})\s*(?:月\s*(\d{1,2})\s*[日号]?|[-/.]\s*(\d{1,2})(?!\d))")
_TOPIC_EDGES = " ()（）[]【】<>《》-—_·:：,，"
# A row's marks by session, or the reasons they could not be read.
ReadMarks = tuple[dict[Session, bool], list[str]]


@dataclass(frozen=True)
class SessionHeader:
    """A column header naming a session: its date (the year may be left out) and topic."""

    year: int | None
    month: int
    day: int
    topic: str

    def matches(self, session: Session) -> bool:
        return (session.day.month, session.day.day) == (self.month, self.day) and (
            self.year is None or session.day.year == self.year
        )

    @property
    def shown(self) -> str:
        if self.year is None:
            return f"{self.month}月{self.day}日"
        return date(self.year, self.month, self.day).isoformat()


def session_header(header: str) -> SessionHeader | None:
    """The session a header names by its date, or None if the header is not a date."""
    text = cells.text(header)
    for pattern in (_FULL_DATE, _COMPACT_DATE, _MONTH_DAY):
        match = pattern.match(text)
        if match is None:
            continue
        parts = [int(part) for part in match.groups() if part is not None]
        year = parts[0] if len(parts) == 3 else None
        month, day = parts[-2:]
        try:
            date(year or 2000, month, day)  # 2000 is a leap year: 2月29日 is a real day
        except ValueError:
            return None
        return SessionHeader(year, month, day, text[match.end():].strip(_TOPIC_EDGES))
    return None


def _plain(topic: str) -> str:
    return "".join(cells.text(topic).split()).lower()


def pick_session(candidates: list[Session], *, shown: str, topic: str) -> Session:
    """The one session of the candidates (all on one day) with the topic, or why not."""
    if not candidates:
        raise ValidationError(_("This project has no session on %(day)s.") % {"day": shown},
                              code="no_session")
    chosen = candidates
    if topic:
        wanted = _plain(topic)
        chosen = [s for s in candidates if _plain(s.topic) == wanted] or [
            s for s in candidates if wanted in _plain(s.topic)
        ]
    if len(chosen) == 1:
        return chosen[0]
    topics = "、".join(s.topic for s in (chosen or candidates))
    if not chosen:
        raise ValidationError(
            _("No session of this project on %(day)s has the topic “%(topic)s” (that day: "
              "%(topics)s).") % {"day": shown, "topic": topic, "topics": topics},
            code="no_session")
    raise ValidationError(
        _("This project has %(count)d sessions on %(day)s (%(topics)s): give the topic "
          "in full to say which one.") % {"count": len(chosen), "day": shown, "topics": topics},
        code="several_sessions")


def session_label(session: Session) -> str:
    return _("Attendance on %(day)s · %(topic)s") % {"day": session.day.isoformat(),
                                                    "topic": session.topic}


@dataclass
class _Sheet:
    """What a run of the attendance import keeps between chunks."""

    sessions: dict[str, Session]  # by public id
    by_day: dict[date, list[Session]]
    enrollments: dict[str, Enrollment]  # by the worker's ID lookup hash
    stored: dict[tuple[int, int], bool]  # (session id, enrollment id) → present, before
    first_rows: FirstRows = field(default_factory=FirstRows)
    pending: dict[int, dict[int, bool]] = field(default_factory=lambda: defaultdict(dict))
    changed_rows: list[int] = field(default_factory=list)



def _sheet(context: RunContext) -> _Sheet:
    sheet = context.state.get(STATE_KEY)
    if sheet is None:
        project = context.project
        sessions = list(project.sessions.order_by("day", "id"))
        stored = Attendance.objects.filter(session__project=project).order_by().values_list(
            "session_id", "enrollment_id", "present"
        )
        by_day: dict[date, list[Session]] = defaultdict(list)
        for session in sessions:
            by_day[session.day].append(session)
        sheet = _Sheet(
            sessions={str(s.public_id): s for s in sessions}, by_day=by_day,
            enrollments=project_enrollments(project),
            stored={(s, e): present for s, e, present in stored},
        )
        context.state[STATE_KEY] = sheet
    return sheet


class AttendanceKind(Kind):
    key = "attendance"
    label = gettext_lazy("Attendance sheet of a project")
    needs_project = True
    fields = (
        *PERSON_FIELDS,
        FieldSpec("day", gettext_lazy("Session date"),
                  ("培训日期", "上课日期", "日期", "date"), parse="date"),
        FieldSpec("topic", gettext_lazy("Session topic"),
                  ("课程", "课程名称", "培训内容", "主题", "topic")),
        FieldSpec("present", gettext_lazy("Present"),
                  ("出勤", "是否出勤", "签到", "到课", "present"), parse="bool"),
    )

    def offered(self, scope: Scope, project: Any) -> bool:
        return project.status == TrainingProject.Status.TRAINING and is_staff_of(scope, project)

    def check(self, context: RunContext) -> None:
        """The actor runs or oversees the project, and the project is in training."""
        require_staff(context.actor, context.project)
        require_training(context.project)

    def dynamic_fields(self, headers: list[str], project: TrainingProject) -> dict[int, str]:
        """Columns headed by the date of one of the project's sessions (wide sheets).

        A header matching no session, or several (same day, no topic to tell them apart), is
        left unmapped: the preview shows it and the officer chooses its session by hand.
        """
        sessions = list(project.sessions.order_by("day", "id"))
        mapping: dict[int, str] = {}
        for index, header in enumerate(headers):
            named = session_header(header)
            if named is None:
                continue
            try:
                session = pick_session([s for s in sessions if named.matches(s)],
                                       shown=named.shown, topic=named.topic)
            except ValidationError:
                continue
            key = SESSION_KEY + str(session.public_id)
            if key not in mapping.values():
                mapping[index] = key
        return mapping

    def extra_choices(self, project: TrainingProject | None) -> list[tuple[str, str]]:
        """Every session of the project, as a field a column of a wide sheet may feed."""
        if project is None:
            return []
        return [(SESSION_KEY + str(s.public_id), session_label(s))
                for s in project.sessions.order_by("day", "id")]

    def process(self, context: RunContext, rows: Sequence[MappedRow]) -> list[RowResult]:
        sheet = _sheet(context)
        return [self._row(sheet, row) for row in rows]

    def finish(self, context: RunContext) -> list[RowResult]:
        """Write the changed marks, one `attendance_mark` per session; if the service refuses
        (the project moved on meanwhile), every row that would have changed is refused."""
        sheet = context.state.get(STATE_KEY)
        if sheet is None or not sheet.pending:
            return []
        by_pk = {s.pk: s for s in sheet.sessions.values()}

        def write() -> None:
            for session_pk, marks in sorted(sheet.pending.items()):
                attendance_mark(actor=context.actor, session=by_pk[session_pk], marks=marks)

        refusal = write_row(write)[1]
        return [refused(number, refusal) for number in sheet.changed_rows] if refusal else []

    def _row(self, sheet: _Sheet, row: MappedRow) -> RowResult:
        reasons: list[str] = []
        person: Person | None = None
        enrollment: Enrollment | None = None
        try:
            person = read_person(row.values)
            enrollment = self._enrollment(sheet, person)
        except ValidationError as exc:
            reasons.extend(reasons_of(exc))
        marks, mark_reasons = self._marks(sheet, row.values)
        reasons.extend(mark_reasons)
        if reasons or person is None or enrollment is None:
            return refused(row.number, reasons)
        key = (enrollment.pk, frozenset(s.pk for s in marks))
        said = {s.pk: present for s, present in marks.items()}
        who = worker_called(person.masked)
        repeated = sheet.first_rows.judge(key, row.number, said, who=who)
        if repeated is not None:
            return repeated
        sheet.first_rows.remember(key, row.number, said)
        return self._outcome(sheet, row.number, enrollment, marks)

    def _enrollment(self, sheet: _Sheet, person: Person) -> Enrollment:
        enrollment = sheet.enrollments.get(person.lookup)
        if enrollment is None:
            raise ValidationError(
                _("The worker with ID number %(id)s is not enrolled in this project.")
                % {"id": person.masked}, code="not_enrolled")
        require_same_name(person, enrollment.worker.name)
        if enrollment.status != Enrollment.Status.ENROLLED:
            raise ValidationError(
                _("The worker with ID number %(id)s is not enrolled in this project (their "
                  "enrollment is “%(status)s”).")
                % {"id": person.masked, "status": enrollment.get_status_display()},
                code="not_enrolled")
        return enrollment

    def _marks(self, sheet: _Sheet, values: dict[str, Any]) -> ReadMarks:
        long_shape = "day" in values or "present" in values
        wide_shape = any(key.startswith(SESSION_KEY) for key in values)
        if long_shape and wide_shape:
            return {}, [_("The sheet has both a date column and columns headed by session "
                          "dates: import one shape at a time.")]
        if long_shape:
            return self._long_mark(sheet, values)
        if wide_shape:
            return self._wide_marks(sheet, values)
        return {}, [_("The sheet has neither a session date column nor columns headed by the "
                      "dates of the project's sessions.")]

    def _long_mark(self, sheet: _Sheet, values: dict[str, Any]) -> ReadMarks:
        reasons: list[str] = []
        session = present = None
        try:
            day = cells.date_value(values.get("day"), label=str(self.field("day").label))
            if day is None:
                raise ValidationError(_("Enter the date of the session."), code="day")
            session = pick_session(sheet.by_day.get(day, []), shown=day.isoformat(),
                                   topic=cells.text(values.get("topic")))
            require_held(session)
        except ValidationError as exc:
            reasons.extend(exc.messages)
        try:
            present = cells.bool_value(values.get("present"),
                                       label=str(self.field("present").label))
            if present is None:
                raise ValidationError(
                    _("Say whether the worker was present: √ or ×, 是 or 否, 1 or 0."),
                    code="present")
        except ValidationError as exc:
            reasons.extend(exc.messages)
        if reasons or session is None or present is None:
            return {}, reasons
        return {session: present}, []

    def _wide_marks(self, sheet: _Sheet, values: dict[str, Any]) -> ReadMarks:
        marks: dict[Session, bool] = {}
        reasons: list[str] = []
        for key, value in values.items():
            if not key.startswith(SESSION_KEY):
                continue
            session = sheet.sessions.get(key.removeprefix(SESSION_KEY))
            if session is None:
                reasons.append(_("A column is mapped to a session that is not one of this "
                                 "project's."))
                continue
            try:
                present = cells.bool_value(value, label=session_label(session))
                if present is None and session.day > timezone.localdate():
                    continue  # a column for a session still to come, left empty
                require_held(session)
            except ValidationError as exc:
                reasons.extend(exc.messages)
                continue
            marks[session] = bool(present)
        return marks, reasons

    def _outcome(self, sheet: _Sheet, number: int, enrollment: Enrollment,
                 marks: dict[Session, bool]) -> RowResult:
        created = updated = False
        for session, present in marks.items():
            before = sheet.stored.get((session.pk, enrollment.pk))
            if before == present:
                continue
            sheet.pending[session.pk][enrollment.pk] = present
            created, updated = created or before is None, updated or before is not None
        if not (created or updated):
            return RowResult(number, Outcome.UNCHANGED)
        sheet.changed_rows.append(number)
        # A row that changes an existing mark is an update even if it also adds new ones.
        return RowResult(number, Outcome.UPDATED if updated else Outcome.CREATED)


ATTENDANCE = AttendanceKind()
