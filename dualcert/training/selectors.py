"""Every scoped read of the training stage; views and the API start here."""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery

from dualcert.catalog.models import Pathway, Region, RequirementItem
from dualcert.core.scoping import Role, get_for, scope_for
from dualcert.demand.models import JobDemand
from dualcert.training.models import (
    Attendance,
    Enrollment,
    Institution,
    Module,
    ProjectQuerySet,
    Session,
    TrainingProject,
)
from dualcert.training.services import CoverageRow, Move, curriculum_coverage, project_moves_for
from dualcert.training.services.attendance import SCHEDULABLE
from dualcert.training.services.base import is_officer_of, is_staff_of

ADMITTED = (Enrollment.Status.ENROLLED, Enrollment.Status.COMPLETED)
DROPPABLE = (TrainingProject.Status.ENROLLING, TrainingProject.Status.TRAINING)
PROJECT_RELATED = (
    "pathway", "pathway__skill_certificate", "pathway__permit", "institution", "region",
)


def project_visible_to(user: Any) -> ProjectQuerySet:
    """Projects the user may see, with what a list row shows."""
    return TrainingProject.objects.visible_to(user).select_related(*PROJECT_RELATED)


def project_list(user: Any, *, status: str | None = None) -> ProjectQuerySet:
    """Visible projects with their admitted count; a worker's rows also carry `my_status`."""
    projects = project_visible_to(user).annotate(
        admitted=Count("enrollments", filter=Q(enrollments__status__in=ADMITTED))
    ).order_by("-start_date", "code")
    if status in TrainingProject.Status.values:
        projects = projects.filter(status=status)
    scope = scope_for(user)
    if scope.role == Role.WORKER and scope.worker_id:
        mine = Enrollment.objects.filter(project=OuterRef("pk"), worker_id=scope.worker_id)
        projects = projects.annotate(my_status=Subquery(mine.values("status")[:1]))
    return projects


def project_get_for(user: Any, public_id: UUID | str, *, write: bool = False) -> TrainingProject:
    """One project (404 if not visible, 403 if `write` and not writable)."""
    return get_for(project_visible_to(user).select_related("sitting"), user, public_id,
                   write=write)


def module_get_for(user: Any, public_id: UUID | str, *, write: bool = False) -> Module:
    """One module of a visible project."""
    modules = Module.objects.select_related(
        *(f"project__{name}" for name in PROJECT_RELATED)
    ).prefetch_related("requirement_items")
    return get_for(modules, user, public_id, write=write)


def session_get_for(user: Any, public_id: UUID | str, *, write: bool = False) -> Session:
    """One session of a visible project."""
    sessions = Session.objects.select_related(
        "module", *(f"project__{name}" for name in PROJECT_RELATED)
    )
    return get_for(sessions, user, public_id, write=write)


def enrollment_get_for(user: Any, public_id: UUID | str, *, write: bool = False) -> Enrollment:
    """One enrollment the user may see (a worker sees only their own)."""
    enrollments = Enrollment.objects.select_related(
        "worker", *(f"project__{name}" for name in PROJECT_RELATED)
    )
    return get_for(enrollments, user, public_id, write=write)


def enrollment_visible_to(user: Any) -> QuerySet[Enrollment]:
    """Enrollments the user may see, with their workers."""
    return Enrollment.objects.visible_to(user).select_related("worker")


def pathway_choices() -> QuerySet[Pathway]:
    """Active pathways, with both certificate types."""
    return Pathway.objects.filter(active=True).select_related("skill_certificate", "permit")


def institution_choices_for(user: Any) -> QuerySet[Institution]:
    """Training institutions the user may see."""
    return Institution.objects.visible_to(user)


def county_choices() -> QuerySet[Region]:
    """County-level units in use (retired codes are not offered)."""
    return Region.objects.filter(level=Region.Level.COUNTY, retired=False)


def open_demands_for(user: Any) -> QuerySet[JobDemand]:
    """Open job demands the user may see: the ones a new project can answer."""
    return (JobDemand.objects.visible_to(user).filter(status=JobDemand.Status.OPEN)
            .select_related("employer", "occupation"))


def pathway_for_demand(demand: JobDemand) -> Pathway | None:
    """An active pathway for the demand's occupation, if there is one.

    An occupation may have several (电工 五级 + 低压电工作业, 电工 四级 + 建筑电工): the one
    yielding most of the certificates the demand requires comes first, then by code.
    """
    required = set(demand.required_certificates.values_list("pk", flat=True))
    pathways = pathway_choices().filter(
        skill_certificate__occupation_id=demand.occupation_id
    ).order_by("code")
    return max(pathways, key=lambda p: len({p.skill_certificate_id, p.permit_id} & required),
               default=None)


def requirement_items_of(project: TrainingProject) -> QuerySet[RequirementItem]:
    """The requirement items of the project's two certificates (skill first)."""
    pathway = project.pathway
    return (RequirementItem.objects
            .filter(certificate_type_id__in=[pathway.skill_certificate_id, pathway.permit_id])
            .select_related("certificate_type").order_by("-certificate_type__kind", "code"))


def session_attendance(session: Session) -> dict[int, bool]:
    """Enrollment id → present, as recorded for the session."""
    return dict(Attendance.objects.filter(session=session).values_list("enrollment_id", "present"))


def enrolled_in(project: TrainingProject) -> QuerySet[Enrollment]:
    """The project's enrolled workers, in order of admission."""
    return (project.enrollments.filter(status=Enrollment.Status.ENROLLED)
            .select_related("worker").order_by("admitted_at", "id"))


@dataclass
class ProjectPage:
    """Everything the project page shows, read with a fixed number of queries."""

    project: TrainingProject
    coverage: list[CoverageRow]
    modules: list[Module]
    sessions: list[Session]
    enrollments: list[Enrollment]
    demands: list[JobDemand]
    moves: list[Move]
    sitting: Any
    is_officer: bool
    is_staff: bool
    is_worker: bool
    total_hours: int = 0
    needed_hours: Decimal = Decimal(0)
    my_enrollment: Enrollment | None = None
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def short_items(self) -> int:
        return sum(1 for row in self.coverage if row.short)

    # What the page offers; the services check the same rules again on every write.
    @property
    def can_edit_curriculum(self) -> bool:
        return self.is_staff and self.project.status == TrainingProject.Status.DRAFT

    @property
    def can_schedule(self) -> bool:
        return self.is_staff and self.project.status in SCHEDULABLE

    @property
    def can_admit(self) -> bool:
        return self.is_staff and self.project.status == TrainingProject.Status.ENROLLING

    @property
    def can_drop(self) -> bool:
        return self.is_staff and self.project.status in DROPPABLE

    @property
    def can_attend(self) -> bool:
        return self.is_staff and self.project.status == TrainingProject.Status.TRAINING

    @property
    def can_self_apply(self) -> bool:
        enrolling = self.project.status == TrainingProject.Status.ENROLLING
        return self.is_worker and enrolling and self.my_enrollment is None


def _sitting(project: TrainingProject) -> Any:
    try:
        return project.sitting
    except ObjectDoesNotExist:
        return None


def project_page(user: Any, project: TrainingProject) -> ProjectPage:
    """The project page for this user: curriculum, sessions, the enrollments they may see."""
    scope = scope_for(user)
    items: Any = RequirementItem.objects.select_related("certificate_type")
    modules = list(project.modules.prefetch_related(
        Prefetch("requirement_items", queryset=items)  # type: ignore[arg-type]
    ))
    enrollments = list(enrollment_visible_to(user).filter(project=project).order_by("id"))
    total = sum(m.hours for m in modules)
    page = ProjectPage(
        project=project, coverage=curriculum_coverage(project), modules=modules,
        sessions=list(project.sessions.select_related("module")),
        enrollments=enrollments,
        demands=list(project.demands.select_related("employer")),
        moves=project_moves_for(user, project), sitting=_sitting(project),
        is_officer=is_officer_of(scope, project), is_staff=is_staff_of(scope, project),
        is_worker=scope.role == Role.WORKER, total_hours=total,
        needed_hours=project.required_hours(total),
    )
    if page.is_worker:
        page.my_enrollment = next((e for e in enrollments if e.worker_id == scope.worker_id), None)
    for enrollment in enrollments:
        page.counts[enrollment.status] = page.counts.get(enrollment.status, 0) + 1
    return page
