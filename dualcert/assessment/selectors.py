"""Scoped reads of the assessment stage."""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.db.models import Count, Q, QuerySet

from dualcert.assessment.models import EvaluationBody, Result, Sitting
from dualcert.catalog.models import CertificateType
from dualcert.core.models import StateChange
from dualcert.core.scoping import Role, get_for, scope_for
from dualcert.core.workflow import history
from dualcert.training.models import Enrollment, TrainingProject

SITTING_RELATED = (
    "project__pathway__skill_certificate__occupation", "project__pathway__permit__department",
    "project__institution", "project__region", "evaluation_body", "confirmed_by",
)
SCHEDULERS = (Role.BUREAU, Role.COUNTY)


def sitting_visible_to(user: Any) -> QuerySet[Sitting]:
    """The sittings a user may see, with what a list shows, counted without extra queries."""
    completed = Q(project__enrollments__status=Enrollment.Status.COMPLETED)
    return (
        Sitting.objects.visible_to(user)
        .select_related(*SITTING_RELATED)
        .annotate(
            candidate_count=Count("project__enrollments", filter=completed, distinct=True),
            sheet_count=Count("scores", distinct=True),
        )
        .order_by("-day", "-id")
    )


def sitting_get_for(user: Any, public_id: UUID | str, *, write: bool = False) -> Sitting:
    """One sitting: 404 when not visible, 403 when `write` and not writable."""
    return get_for(Sitting.objects.select_related(*SITTING_RELATED), user, public_id, write=write)


def sitting_of_project(user: Any, project: TrainingProject) -> Sitting | None:
    """The project's sitting if it has one the user may see."""
    return Sitting.objects.visible_to(user).filter(project=project).first()


def projects_awaiting_sitting(user: Any) -> QuerySet[TrainingProject]:
    """Projects in training or assessing that the user may schedule and have no sitting yet."""
    if scope_for(user).role not in SCHEDULERS:
        return TrainingProject.objects.none()
    return (
        TrainingProject.objects.writable_by(user)
        .filter(status__in=("training", "assessing"), sitting__isnull=True)
        .select_related("pathway", "region", "institution")
        .order_by("start_date", "code")
    )


def schedulable_project_get_for(user: Any, public_id: UUID | str) -> TrainingProject:
    """The project a sitting is being scheduled for: 404 not visible, 403 not writable."""
    queryset = TrainingProject.objects.select_related("pathway", "region", "institution")
    return get_for(queryset, user, public_id, write=True)


def evaluation_bodies_for(user: Any) -> QuerySet[EvaluationBody]:
    """Evaluation bodies the user may choose from."""
    return EvaluationBody.objects.visible_to(user).select_related("region")


def sitting_candidates(user: Any, sitting: Sitting) -> QuerySet[Enrollment]:
    """Candidates of the sitting (enrollments that completed the training) with their sheets."""
    return (
        Enrollment.objects.visible_to(user)
        .filter(project_id=sitting.project_id, status=Enrollment.Status.COMPLETED)
        .select_related("worker", "score")
        .order_by("worker__name", "id")
    )


def sitting_enrollments_by_public_id(
    user: Any, sitting: Sitting, public_ids: list[UUID]
) -> dict[UUID, Enrollment]:
    """Enrollments of the sitting's project (any status), keyed by public id."""
    rows = (
        Enrollment.objects.visible_to(user)
        .filter(project_id=sitting.project_id, public_id__in=public_ids)
        .select_related("worker")
    )
    return {row.public_id: row for row in rows}


@dataclass
class ResultTable:
    """The results of one certificate type at a sitting."""

    certificate_type: CertificateType
    results: list[Result] = field(default_factory=list)

    @property
    def passed(self) -> int:
        return sum(1 for r in self.results if r.passed)


def sitting_results(user: Any, sitting: Sitting) -> list[ResultTable]:
    """One table per certificate type of the pathway (skill first), candidates by name."""
    rows = (
        Result.objects.visible_to(user)
        .filter(score__sitting=sitting)
        .select_related("certificate_type", "score__enrollment__worker", "certificate")
        .order_by("score__enrollment__worker__name", "score_id")
    )
    by_type: dict[int, list[Result]] = defaultdict(list)
    for row in rows:
        by_type[row.certificate_type_id].append(row)
    return [
        ResultTable(certificate_type=t, results=by_type.get(t.pk, []))
        for t in sitting.project.pathway.certificate_types
    ]


@dataclass(frozen=True)
class SittingCounts:
    candidates: int
    sheets: int
    absent: int
    dual_passed: int
    certificates: int
    awaiting_certificate: int


def sitting_counts(candidates: list[Enrollment], tables: list[ResultTable]) -> SittingCounts:
    """Headline counts of a sitting from rows already loaded (no further queries)."""
    sheets = [c.score for c in candidates if _score_of(c) is not None]
    passed_by_score: dict[int, int] = defaultdict(int)
    certificates = awaiting = 0
    for table in tables:
        for result in table.results:
            passed_by_score[result.score_id] += int(result.passed)
            issued = _certificate_of(result) is not None
            certificates += int(issued)
            awaiting += int(result.passed and not issued)
    return SittingCounts(
        candidates=len(candidates),
        sheets=len(sheets),
        absent=sum(1 for s in sheets if s.absent),
        dual_passed=sum(1 for n in passed_by_score.values() if n == len(tables)),
        certificates=certificates,
        awaiting_certificate=awaiting,
    )


def _score_of(enrollment: Enrollment) -> Any:
    return getattr(enrollment, "score", None)


def _certificate_of(result: Result) -> Any:
    return getattr(result, "certificate", None)


def sitting_history(sitting: Sitting) -> list[StateChange]:
    """The sitting's status changes, oldest first, with the states' display labels."""
    changes = list(history(sitting))
    for change in changes:
        change.from_label = Sitting.Status(change.from_state).label  # type: ignore[attr-defined]
        change.to_label = Sitting.Status(change.to_state).label  # type: ignore[attr-defined]
    return changes
