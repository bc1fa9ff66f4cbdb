"""Demand: employers and the job demands that training projects start from."""

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from dualcert.catalog.models import CertificateType, Occupation, Region
from dualcert.core.models import BaseModel
from dualcert.core.scoping import EVERYTHING, NOTHING, Role, Scope, ScopedQuerySet


class EmployerQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope, *, write: bool) -> Q:
        if scope.is_bureau:
            return EVERYTHING
        if scope.role == Role.COUNTY:
            return Q(region_id=scope.region_id)
        if scope.role == Role.EMPLOYER:
            return Q(pk=scope.employer_id)
        return NOTHING


class Employer(BaseModel):
    name = models.CharField(_("name"), max_length=128)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="employers", verbose_name=_("county")
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=64, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)

    objects = EmployerQuerySet.as_manager()

    class Meta:
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class JobDemandQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope, *, write: bool) -> Q:
        from dualcert.training.models import TrainingProject

        if scope.is_bureau:
            return EVERYTHING
        if scope.role == Role.COUNTY:
            return Q(region_id=scope.region_id)
        if scope.role == Role.EMPLOYER:
            return Q(employer_id=scope.employer_id)
        if write:
            return NOTHING
        if scope.role == Role.WORKER:
            return Q(status=JobDemand.Status.OPEN)
        if scope.role == Role.INSTITUTION:
            answered = TrainingProject.objects.filter(
                demands=OuterRef("pk"), institution_id=scope.institution_id
            )
            return Q(Exists(answered))
        if scope.role == Role.DEPARTMENT:
            answered = TrainingProject.objects.filter(
                demands=OuterRef("pk"), pathway__permit__department_id=scope.department_id
            )
            return Q(Exists(answered))
        return NOTHING


class JobDemand(BaseModel):
    class Status(models.TextChoices):
        OPEN = "open", _("open")
        FILLED = "filled", _("filled")
        CLOSED = "closed", _("closed")

    TRANSITIONS = {"open": {"filled", "closed"}, "filled": {"open", "closed"}, "closed": set()}

    employer = models.ForeignKey(
        Employer, on_delete=models.PROTECT, related_name="demands", verbose_name=_("employer")
    )
    title = models.CharField(_("job title"), max_length=128)
    occupation = models.ForeignKey(
        Occupation, on_delete=models.PROTECT, related_name="demands", verbose_name=_("occupation")
    )
    required_certificates = models.ManyToManyField(
        CertificateType, blank=True, related_name="demands",
        verbose_name=_("required certificates"),
    )
    headcount = models.PositiveIntegerField(_("headcount"))
    wage_min = models.PositiveIntegerField(_("monthly wage from (yuan)"))
    wage_max = models.PositiveIntegerField(_("monthly wage to (yuan)"))
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="demands", verbose_name=_("county")
    )
    place = models.CharField(_("workplace"), max_length=200, blank=True)
    deadline = models.DateField(_("apply by"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )

    objects = JobDemandQuerySet.as_manager()

    class Meta:
        verbose_name = _("job demand")
        verbose_name_plural = _("job demands")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(wage_max__gte=models.F("wage_min")), name="demand_wage_range_valid"
            ),
            models.CheckConstraint(condition=Q(headcount__gte=1), name="demand_headcount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.employer.name} · {self.title}"
