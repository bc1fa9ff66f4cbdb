"""Training: institutions, projects on a pathway, the fused curriculum, enrollment, attendance."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from dualcert.catalog.models import Pathway, Region, RequirementItem
from dualcert.core.models import BaseModel
from dualcert.core.scoping import EVERYTHING, NOTHING, Role, Scope, ScopedQuerySet, scope_through


class InstitutionQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope, *, write: bool) -> Q:
        if scope.is_bureau:
            return EVERYTHING
        if scope.role == Role.INSTITUTION:
            return Q(pk=scope.institution_id)
        if write:
            return NOTHING
        return EVERYTHING


class Institution(BaseModel):
    class Kind(models.TextChoices):
        TECHNICAL_SCHOOL = "technical_school", _("technical school")
        TRAINING_SCHOOL = "training_school", _("vocational training school")

    name = models.CharField(_("name"), max_length=128, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="institutions", verbose_name=_("county")
    )

    objects = InstitutionQuerySet.as_manager()

    class Meta:
        verbose_name = _("training institution")
        verbose_name_plural = _("training institutions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProjectQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope, *, write: bool) -> Q:
        if scope.is_bureau:
            return EVERYTHING
        if scope.role == Role.COUNTY:
            return Q(region_id=scope.region_id)
        if scope.role == Role.INSTITUTION:
            return Q(institution_id=scope.institution_id)
        if write:
            return NOTHING
        if scope.role == Role.DEPARTMENT:
            return Q(pathway__permit__department_id=scope.department_id)
        if scope.role == Role.EVALUATOR:
            return Q(sitting__evaluation_body_id=scope.evaluation_body_id)
        if scope.role == Role.EMPLOYER:
            from dualcert.demand.models import JobDemand

            answered = JobDemand.objects.filter(
                projects=OuterRef("pk"), employer_id=scope.employer_id
            )
            return Q(Exists(answered))
        if scope.role == Role.WORKER:
            mine = Enrollment.objects.filter(project=OuterRef("pk"), worker_id=scope.worker_id)
            return Q(status=TrainingProject.Status.ENROLLING) | Q(Exists(mine))
        return NOTHING


class ProjectChildQuerySet(ScopedQuerySet):
    """Rows that belong to a project are scoped exactly as their project."""

    project_path = "project__"

    def scope_q(self, scope: Scope, *, write: bool) -> Q:
        return scope_through(TrainingProject, scope, write=write, path=self.project_path)


class TrainingProject(BaseModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        APPROVED = "approved", _("approved")
        ENROLLING = "enrolling", _("enrolling")
        TRAINING = "training", _("training")
        ASSESSING = "assessing", _("assessing")
        CLOSED = "closed", _("closed")

    TRANSITIONS = {
        "draft": {"approved"},
        "approved": {"enrolling", "draft"},
        "enrolling": {"training"},
        "training": {"assessing"},
        "assessing": {"closed"},
        "closed": set(),
    }

    code = models.CharField(_("project number"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=128)
    pathway = models.ForeignKey(
        Pathway, on_delete=models.PROTECT, related_name="projects", verbose_name=_("pathway")
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="projects",
        verbose_name=_("training institution"),
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="projects", verbose_name=_("county")
    )
    place = models.CharField(_("training place"), max_length=200, blank=True)
    demands = models.ManyToManyField(
        "demand.JobDemand", blank=True, related_name="projects", verbose_name=_("job demands")
    )
    capacity = models.PositiveIntegerField(_("capacity"))
    subsidy_per_person = models.PositiveIntegerField(_("subsidy per person (yuan)"), default=0)
    completion_threshold = models.PositiveSmallIntegerField(
        _("attendance needed to complete (%)"), default=90
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("training project")
        verbose_name_plural = _("training projects")
        ordering = ["-start_date", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="project_dates_ordered"
            ),
            models.CheckConstraint(
                condition=Q(completion_threshold__gte=1, completion_threshold__lte=100),
                name="project_threshold_is_percentage",
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="project_capacity_positive"),
        ]
        indexes = [models.Index(fields=["region", "status"])]

    def __str__(self) -> str:
        return self.name

    def required_hours(self, total_hours: int) -> Decimal:
        return Decimal(total_hours) * self.completion_threshold / 100


class Module(BaseModel):
    """One part of the fused course; it may cover requirement items of both certificates."""

    project = models.ForeignKey(TrainingProject, on_delete=models.CASCADE, related_name="modules")
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    name = models.CharField(_("name"), max_length=128)
    theory_hours = models.PositiveSmallIntegerField(_("theory hours"), default=0)
    practical_hours = models.PositiveSmallIntegerField(_("practical hours"), default=0)
    requirement_items = models.ManyToManyField(
        RequirementItem, related_name="modules", verbose_name=_("requirement items covered")
    )

    objects = ProjectChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        ordering = ["project", "order", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def hours(self) -> int:
        return self.theory_hours + self.practical_hours


class Session(BaseModel):
    project = models.ForeignKey(TrainingProject, on_delete=models.CASCADE, related_name="sessions")
    module = models.ForeignKey(
        Module, null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions",
        verbose_name=_("module"),
    )
    day = models.DateField(_("date"))
    topic = models.CharField(_("topic"), max_length=128)
    hours = models.PositiveSmallIntegerField(_("hours"))

    objects = ProjectChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["project", "day", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gte=1, hours__lte=12), name="session_hours_sane"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.topic}"


class EnrollmentQuerySet(ProjectChildQuerySet):
    def scope_q(self, scope: Scope, *, write: bool) -> Q:
        if scope.role == Role.WORKER and not write:
            return Q(worker_id=scope.worker_id)
        if scope.role == Role.EMPLOYER and not write:
            # An employer sees only the trainees who agreed to be recommended to employers.
            return super().scope_q(scope, write=write) & Q(worker__consent_recommend=True)
        return super().scope_q(scope, write=write)


class Enrollment(BaseModel):
    class Status(models.TextChoices):
        APPLIED = "applied", _("applied")
        ENROLLED = "enrolled", _("enrolled")
        COMPLETED = "completed", _("completed")
        DROPPED = "dropped", _("dropped")

    TRANSITIONS = {
        "applied": {"enrolled", "dropped"},
        "enrolled": {"completed", "dropped"},
        "completed": set(),
        "dropped": set(),
    }
    ACTIVE = ("applied", "enrolled")

    project = models.ForeignKey(
        TrainingProject, on_delete=models.PROTECT, related_name="enrollments"
    )
    worker = models.ForeignKey(
        "people.Worker", on_delete=models.PROTECT, related_name="enrollments",
        verbose_name=_("worker"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.APPLIED
    )
    wage_before = models.PositiveIntegerField(
        _("monthly wage before training (yuan)"), null=True, blank=True
    )
    attended_hours = models.PositiveIntegerField(_("attended hours"), default=0)
    # Set when admitted; training person-times count admissions, including later drop-outs.
    admitted_at = models.DateTimeField(_("admitted at"), null=True, blank=True)

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        ordering = ["project", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "worker"], name="enrollment_once_per_project"
            )
        ]
        indexes = [models.Index(fields=["worker", "status"])]

    def __str__(self) -> str:
        return f"{self.worker} @ {self.project}"


class Attendance(BaseModel):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="attendance")
    present = models.BooleanField(_("present"), default=True)

    class AttendanceQuerySet(ProjectChildQuerySet):
        project_path = "session__project__"

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "enrollment"], name="attendance_once_per_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.session} · {self.enrollment_id}"
