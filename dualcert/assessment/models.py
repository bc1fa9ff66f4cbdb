"""Assessment: one sitting per project, one score sheet per candidate, one result per type."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dualcert.catalog.models import CertificateType, Region
from dualcert.core.models import BaseModel
from dualcert.core.scoping import EVERYTHING, NOTHING, Role, Scope, ScopedQuerySet, scope_through
from dualcert.training.models import Enrollment, TrainingProject


class EvaluationBodyQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope, *, write: bool) -> Q:
        if scope.is_bureau:
            return EVERYTHING
        if scope.role == Role.EVALUATOR:
            return Q(pk=scope.evaluation_body_id)
        return NOTHING if write else EVERYTHING


class EvaluationBody(BaseModel):
    class Kind(models.TextChoices):
        EMPLOYER = "Y", _("employer evaluation body")
        SOCIAL = "S", _("social training and evaluation organisation")

    name = models.CharField(_("name (as filed)"), max_length=128, unique=True)
    kind = models.CharField(_("kind"), max_length=1, choices=Kind.choices)
    body_code = models.CharField(_("body code"), max_length=4, default="0000")
    site_code = models.CharField(_("site sequence"), max_length=6)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")

    objects = EvaluationBodyQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation body")
        verbose_name_plural = _("evaluation bodies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SittingQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope, *, write: bool) -> Q:
        if scope.role == Role.EVALUATOR:
            return Q(evaluation_body_id=scope.evaluation_body_id)
        if write and scope.role not in (Role.BUREAU, Role.COUNTY):
            return NOTHING
        return scope_through(TrainingProject, scope, write=write, path="project__")


class Sitting(BaseModel):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        SCORED = "scored", _("scored")
        CONFIRMED = "confirmed", _("confirmed")

    TRANSITIONS = {
        "scheduled": {"scored"}, "scored": {"confirmed", "scheduled"}, "confirmed": set(),
    }

    project = models.OneToOneField(
        TrainingProject, on_delete=models.PROTECT, related_name="sitting",
        verbose_name=_("training project"),
    )
    evaluation_body = models.ForeignKey(
        EvaluationBody, on_delete=models.PROTECT, related_name="sittings",
        verbose_name=_("evaluation body"),
    )
    day = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    skill_examiner = models.CharField(_("skill-level examiner"), max_length=64)
    permit_examiner = models.CharField(_("permit examiner"), max_length=64)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SCHEDULED
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = SittingQuerySet.as_manager()

    class Meta:
        verbose_name = _("sitting")
        verbose_name_plural = _("sittings")
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.project} · {self.day}"


class SittingChildQuerySet(ScopedQuerySet):
    sitting_path = "sitting__"

    def scope_q(self, scope: Scope, *, write: bool) -> Q:
        if scope.role == Role.WORKER and not write:
            return Q(enrollment__worker_id=scope.worker_id)
        return scope_through(Sitting, scope, write=write, path=self.sitting_path)


class Score(BaseModel):
    """One candidate's score sheet at the sitting: theory and practical, 0–100."""

    sitting = models.ForeignKey(Sitting, on_delete=models.PROTECT, related_name="scores")
    enrollment = models.OneToOneField(
        Enrollment, on_delete=models.PROTECT, related_name="score", verbose_name=_("candidate")
    )
    theory = models.PositiveSmallIntegerField(_("theory"), null=True, blank=True)
    practical = models.PositiveSmallIntegerField(_("practical"), null=True, blank=True)
    absent = models.BooleanField(_("absent"), default=False)

    objects = SittingChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        ordering = ["sitting", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(theory__isnull=True) | Q(theory__lte=100), name="score_theory_range"
            ),
            models.CheckConstraint(
                condition=Q(practical__isnull=True) | Q(practical__lte=100),
                name="score_practical_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrollment_id}: {self.theory}/{self.practical}"


class ResultQuerySet(SittingChildQuerySet):
    sitting_path = "score__sitting__"

    def scope_q(self, scope: Scope, *, write: bool) -> Q:
        if scope.role == Role.WORKER and not write:
            return Q(score__enrollment__worker_id=scope.worker_id)
        return super().scope_q(scope, write=write)


class Result(BaseModel):
    """The outcome for one certificate type, judged by that type's own pass marks."""

    score = models.ForeignKey(Score, on_delete=models.PROTECT, related_name="results")
    certificate_type = models.ForeignKey(
        CertificateType, on_delete=models.PROTECT, related_name="results",
        verbose_name=_("certificate type"),
    )
    passed = models.BooleanField(_("passed"))
    theory_pass = models.PositiveSmallIntegerField(_("theory pass mark"))
    practical_pass = models.PositiveSmallIntegerField(_("practical pass mark"))
    retake = models.BooleanField(_("retake offered"), default=False)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    objects = ResultQuerySet.as_manager()

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        ordering = ["score", "certificate_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["score", "certificate_type"], name="result_once_per_type"
            )
        ]

    def __str__(self) -> str:
        return f"{self.certificate_type}: {'✓' if self.passed else '✗'}"
