"""Assessment writes: schedule the sitting, record scores, judge and confirm the results."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dualcert.assessment import permissions
from dualcert.assessment.models import EvaluationBody, Result, Score, Sitting
from dualcert.catalog.models import CertificateType
from dualcert.core.audit import audit_record, snapshot
from dualcert.core.workflow import transition
from dualcert.training.models import Enrollment, TrainingProject

SITTING_FIELDS = (
    "project_id", "evaluation_body_id", "day", "place", "skill_examiner", "permit_examiner",
    "status",
)
SCORE_FIELDS = ("sitting_id", "enrollment_id", "theory", "practical", "absent")
RESULT_FIELDS = (
    "score_id", "certificate_type_id", "passed", "theory_pass", "practical_pass", "retake",
    "confirmed_at",
)
SCHEDULABLE = (TrainingProject.Status.TRAINING, TrainingProject.Status.ASSESSING)
MISSING_NAMES_SHOWN = 10


@dataclass(frozen=True)
class ScoreRow:
    """One line of a score sheet as typed in: marks may be missing when the candidate is absent."""

    enrollment: Enrollment
    theory: Any = None
    practical: Any = None
    absent: bool = False


def _label(model: type[Any], name: str) -> str:
    return str(getattr(model._meta.get_field(name), "verbose_name", name))


def _required_text(value: str, label: str) -> str:
    text = " ".join((value or "").split())
    if not text:
        raise ValidationError(_("Enter the %(field)s.") % {"field": label}, code="required")
    return text


def _sitting_text_fields(**values: str) -> dict[str, str]:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, str] = {}
    for name, value in values.items():
        try:
            cleaned[name] = _required_text(value, _label(Sitting, name))
        except ValidationError as exc:
            errors[name] = exc.messages
    if errors:
        raise ValidationError(errors)
    return cleaned


def _check_schedulable(project: TrainingProject, day: date) -> None:
    if project.status not in SCHEDULABLE:
        raise ValidationError(
            _("A sitting can be scheduled only while the project is in training or assessing "
              "(it is “%(status)s”).") % {"status": project.get_status_display()},
            code="project_status",
        )
    existing = Sitting.objects.filter(project=project).first()
    if existing is not None:
        raise ValidationError(
            _("This project already has its sitting (on %(day)s): one project has one sitting "
              "for both certificates. Open that sitting instead of scheduling a second one.")
            % {"day": existing.day.isoformat()},
            code="second_sitting",
        )
    if day < project.start_date:
        raise ValidationError(
            {"day": _("The sitting cannot be before the project starts (%(start)s).")
             % {"start": project.start_date.isoformat()}},
            code="day_before_start",
        )


@transaction.atomic
def sitting_schedule(
    *, actor: Any, project: TrainingProject, evaluation_body: EvaluationBody | None, day: date,
    place: str, skill_examiner: str, permit_examiner: str,
) -> Sitting:
    """Schedule the project's one sitting, with one examiner per certificate.

    Bureau admin or the county officer of the project's county; the project must be in
    training or assessing and must not have a sitting yet.
    """
    permissions.require_schedule(actor, project)
    project = TrainingProject.objects.select_for_update().get(pk=project.pk)
    if evaluation_body is None:
        raise ValidationError(
            {"evaluation_body": _("Choose the evaluation body that runs the sitting.")},
            code="required",
        )
    texts = _sitting_text_fields(
        place=place, skill_examiner=skill_examiner, permit_examiner=permit_examiner
    )
    _check_schedulable(project, day)
    sitting = Sitting.objects.create(
        project=project, evaluation_body=evaluation_body, day=day, **texts
    )
    audit_record(actor=actor, action="sitting.schedule", obj=sitting,
                 after=snapshot(sitting, SITTING_FIELDS))
    return sitting


def _mark(value: Any, field: str) -> int:
    label = _label(Score, field)
    if value is None or value == "":
        raise ValidationError(
            _("Enter the %(field)s score (0–100), or mark the candidate absent.")
            % {"field": label}, code="mark_missing",
        )
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise ValidationError(
            _("The %(field)s score must be a whole number from 0 to 100 (not “%(value)s”).")
            % {"field": label, "value": value}, code="mark_range",
        )
    return value


def _checked_marks(theory: Any, practical: Any, absent: bool) -> tuple[int | None, int | None]:
    if absent:
        return None, None
    errors: dict[str, list[str]] = {}
    marks: dict[str, int] = {}
    for field, value in (("theory", theory), ("practical", practical)):
        try:
            marks[field] = _mark(value, field)
        except ValidationError as exc:
            errors[field] = exc.messages
    if errors:
        raise ValidationError(errors)
    return marks["theory"], marks["practical"]


def require_open_for_scores(sitting: Sitting) -> None:
    """Refuse score changes unless the sitting is scheduled and its project assessing."""
    # Lock the sitting row so a submit cannot slip in between this check and the write.
    sitting.status = Sitting.objects.select_for_update().values_list("status", flat=True).get(
        pk=sitting.pk
    )
    if sitting.status != Sitting.Status.SCHEDULED:
        raise ValidationError(
            _("Scores can be changed only while the sitting is scheduled (it is “%(status)s”); "
              "reopen it first.") % {"status": sitting.get_status_display()},
            code="sitting_status",
        )
    if sitting.project.status != TrainingProject.Status.ASSESSING:
        raise ValidationError(
            _("Scores can be recorded only while the project is assessing (it is “%(status)s”).")
            % {"status": sitting.project.get_status_display()},
            code="project_status",
        )


def _check_candidate(sitting: Sitting, enrollment: Enrollment) -> None:
    if enrollment.project_id != sitting.project_id:
        raise ValidationError(
            _("%(name)s is not enrolled in this sitting's project.")
            % {"name": enrollment.worker.name}, code="other_project",
        )
    if enrollment.status != Enrollment.Status.COMPLETED:
        raise ValidationError(
            _("%(name)s has not completed the training (“%(status)s”); only candidates who "
              "completed it can be scored.")
            % {"name": enrollment.worker.name, "status": enrollment.get_status_display()},
            code="not_completed",
        )


@transaction.atomic
def score_record(
    *, actor: Any, sitting: Sitting, enrollment: Enrollment, theory: Any, practical: Any,
    absent: bool = False,
) -> Score:
    """Record (or correct) one candidate's score sheet: theory and practical, 0–100 each.

    Only the sitting's evaluation body, while the sitting is scheduled and the project is
    assessing; an absent candidate has no marks. Every change is audited.
    """
    permissions.require_score(actor, sitting)
    require_open_for_scores(sitting)
    _check_candidate(sitting, enrollment)
    theory, practical = _checked_marks(theory, practical, absent)
    score = Score.objects.select_for_update().filter(enrollment=enrollment).first()
    before = snapshot(score, SCORE_FIELDS) if score else {}
    if score is None:
        score = Score(sitting=sitting, enrollment=enrollment)
    score.theory, score.practical, score.absent = theory, practical, bool(absent)
    after = snapshot(score, SCORE_FIELDS)
    if before != after:
        score.save()
        audit_record(actor=actor, action="score.update" if before else "score.record",
                     obj=score, before=before, after=after)
    return score


@transaction.atomic
def scores_record_sheet(*, actor: Any, sitting: Sitting, rows: Iterable[ScoreRow]) -> list[Score]:
    """Record a whole score sheet at once: every row is saved, or none is.

    Errors are collected per candidate (keyed by the enrollment's public id) and raised
    together, so the evaluator can fix every line in one go.
    """
    permissions.require_score(actor, sitting)
    require_open_for_scores(sitting)
    errors: dict[str, list[str]] = {}
    saved: list[Score] = []
    seen: set[int] = set()
    for row in rows:
        key = str(row.enrollment.public_id)
        if row.enrollment.pk in seen:
            errors[key] = [_("%(name)s appears twice on the sheet.")
                           % {"name": row.enrollment.worker.name}]
            continue
        seen.add(row.enrollment.pk)
        try:
            saved.append(score_record(
                actor=actor, sitting=sitting, enrollment=row.enrollment, theory=row.theory,
                practical=row.practical, absent=row.absent,
            ))
        except ValidationError as exc:
            errors[key] = exc.messages
    if errors:
        raise ValidationError(errors)
    return saved


def _check_sheets_complete(sitting: Sitting) -> None:
    completed = Enrollment.objects.filter(
        project_id=sitting.project_id, status=Enrollment.Status.COMPLETED
    )
    if not completed.exists():
        raise ValidationError(
            _("No candidate has completed the training, so there is nothing to submit."),
            code="no_candidates",
        )
    missing = list(
        completed.filter(score__isnull=True).order_by("worker__name")
        .values_list("worker__name", flat=True)
    )
    if missing:
        names = ", ".join(missing[:MISSING_NAMES_SHOWN])
        if len(missing) > MISSING_NAMES_SHOWN:
            names += _(" and %(count)d more") % {"count": len(missing) - MISSING_NAMES_SHOWN}
        raise ValidationError(
            _("Score sheets are missing for %(names)s. Record their scores (or mark them "
              "absent) before submitting.") % {"names": names},
            code="sheets_missing",
        )


def judge(score: Score, certificate_type: CertificateType) -> bool:
    """Passed when present and both marks reach the certificate type's own pass marks."""
    return (
        not score.absent
        and (score.theory or 0) >= certificate_type.theory_pass
        and (score.practical or 0) >= certificate_type.practical_pass
    )


def _create_results(actor: Any, sitting: Sitting) -> list[Result]:
    types = sitting.project.pathway.certificate_types
    results = []
    for score in sitting.scores.select_related("enrollment").order_by("id"):
        for certificate_type in types:
            result = Result.objects.create(
                score=score, certificate_type=certificate_type,
                passed=judge(score, certificate_type),
                theory_pass=certificate_type.theory_pass,
                practical_pass=certificate_type.practical_pass,
            )
            audit_record(actor=actor, action="result.create", obj=result,
                         after=snapshot(result, RESULT_FIELDS))
            results.append(result)
    return results


@transaction.atomic
def sitting_submit(*, actor: Any, sitting: Sitting) -> list[Result]:
    """The evaluator hands in the score sheet: scheduled → scored, one result per certificate.

    Refused while any candidate who completed the training has no score sheet. Each result
    keeps a copy of the pass marks it was judged by.
    """
    permissions.require_score(actor, sitting)
    if sitting.status == Sitting.Status.SCHEDULED:
        _check_sheets_complete(sitting)
    transition(sitting, to=Sitting.Status.SCORED, actor=actor, allowed=Sitting.TRANSITIONS)
    audit_record(actor=actor, action="sitting.submit", obj=sitting,
                 before={"status": Sitting.Status.SCHEDULED}, after={"status": sitting.status})
    return _create_results(actor, sitting)


@transaction.atomic
def sitting_reopen(*, actor: Any, sitting: Sitting, reason: str = "") -> Sitting:
    """The evaluator takes a submitted sheet back: scored → scheduled; its results are deleted.

    Only unconfirmed results exist while scored; a confirmed sitting cannot be reopened.
    """
    permissions.require_score(actor, sitting)
    transition(sitting, to=Sitting.Status.SCHEDULED, actor=actor, allowed=Sitting.TRANSITIONS,
               reason=reason)
    for result in Result.objects.filter(score__sitting=sitting, confirmed_at__isnull=True):
        audit_record(actor=actor, action="result.delete", obj=result,
                     before=snapshot(result, RESULT_FIELDS))
        result.delete()
    audit_record(actor=actor, action="sitting.reopen", obj=sitting,
                 before={"status": Sitting.Status.SCORED},
                 after={"status": sitting.status, "reason": reason})
    return sitting


@transaction.atomic
def sitting_confirm(*, actor: Any, sitting: Sitting) -> Sitting:
    """The permit's department co-signs the results (or the bureau admin): scored → confirmed."""
    permissions.require_confirm(actor, sitting)
    user = actor if getattr(actor, "is_authenticated", False) else None
    transition(sitting, to=Sitting.Status.CONFIRMED, actor=actor, allowed=Sitting.TRANSITIONS,
               extra={"confirmed_by": user})
    now = timezone.now()
    for result in Result.objects.filter(score__sitting=sitting).order_by("id"):
        before = snapshot(result, RESULT_FIELDS)
        result.confirmed_at = now
        result.save(update_fields=["confirmed_at", "updated_at"])
        audit_record(actor=actor, action="result.confirm", obj=result, before=before,
                     after=snapshot(result, RESULT_FIELDS))
    audit_record(actor=actor, action="sitting.confirm", obj=sitting,
                 before={"status": Sitting.Status.SCORED}, after={"status": sitting.status})
    return sitting
