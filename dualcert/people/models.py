"""People: workers (person records, not logins) and the role memberships of accounts."""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from dualcert.catalog.models import Education, Region, TargetGroup
from dualcert.core.models import BaseModel
from dualcert.core.scoping import EVERYTHING, NOTHING, Role, Scope, ScopedQuerySet
from dualcert.people import idnumber


class WorkerQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope, *, write: bool) -> Q:
        from dualcert.training.models import Enrollment

        if scope.is_bureau:
            return EVERYTHING
        if scope.role == Role.COUNTY:
            return Q(region_id=scope.region_id)
        if scope.role == Role.WORKER:
            return Q(pk=scope.worker_id)
        if scope.role == Role.INSTITUTION:
            enrolled = Enrollment.objects.filter(
                worker=OuterRef("pk"), project__institution_id=scope.institution_id
            )
            return Q(Exists(enrolled))
        if write:
            return NOTHING
        if scope.role == Role.EVALUATOR:
            assessed = Enrollment.objects.filter(
                worker=OuterRef("pk"),
                project__sitting__evaluation_body_id=scope.evaluation_body_id,
            )
            return Q(Exists(assessed))
        if scope.role == Role.DEPARTMENT:
            trained = Enrollment.objects.filter(
                worker=OuterRef("pk"),
                project__pathway__permit__department_id=scope.department_id,
            )
            return Q(Exists(trained))
        if scope.role == Role.EMPLOYER:
            from dualcert.employment.models import Referral

            # A worker reaches an employer by applying (or accepting an invitation), and
            # only while they agree to be recommended; an unanswered invitation reveals
            # nothing. (The referral itself keeps the applicant's name for that employer.)
            applied = Referral.objects.filter(
                worker=OuterRef("pk"), demand__employer_id=scope.employer_id,
                applied_at__isnull=False,
            )
            return Q(consent_recommend=True) & Q(Exists(applied))
        return NOTHING


class Worker(BaseModel):
    class Gender(models.TextChoices):
        MALE = "M", _("male")
        FEMALE = "F", _("female")

    name = models.CharField(_("name"), max_length=64)
    id_number_hash = models.CharField(max_length=64, unique=True, editable=False)
    id_number_encrypted = models.TextField(editable=False)
    id_number_masked = models.CharField(_("ID number"), max_length=18, editable=False)
    birth_date = models.DateField(_("birth date"))
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    phone = models.CharField(_("mobile phone"), max_length=11, blank=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="workers", verbose_name=_("county")
    )
    township = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("township"),
    )
    village = models.CharField(_("village"), max_length=64, blank=True)
    education = models.PositiveSmallIntegerField(
        _("education"), choices=Education.choices, default=Education.JUNIOR
    )
    target_groups = models.ManyToManyField(
        TargetGroup, blank=True, related_name="workers", verbose_name=_("target groups")
    )
    consent_recommend = models.BooleanField(
        _("agrees to be recommended to employers"), default=False
    )
    available_from = models.DateField(_("available from"), null=True, blank=True)
    expected_wage = models.PositiveIntegerField(
        _("expected monthly wage (yuan)"), null=True, blank=True
    )

    objects = WorkerQuerySet.as_manager()

    class Meta:
        verbose_name = _("worker")
        verbose_name_plural = _("workers")
        ordering = ["region", "name"]
        indexes = [models.Index(fields=["region", "consent_recommend"])]

    def __str__(self) -> str:
        return self.name

    @property
    def id_number(self) -> str:
        """The full number; show it only where the role needs it (see `id_number_for`)."""
        return idnumber.decrypt(self.id_number_encrypted)

    def set_id_number(self, number: str) -> None:
        self.id_number_hash = idnumber.lookup_hash(number)
        self.id_number_encrypted = idnumber.encrypt(number)
        self.id_number_masked = idnumber.mask(number)


class MembershipQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope, *, write: bool) -> Q:
        return EVERYTHING if scope.is_bureau else Q(user_id=scope.user_id) if not write else NOTHING


class Membership(BaseModel):
    """The role of an account and the one scope it names."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT)
    department = models.ForeignKey(
        "catalog.Department", null=True, blank=True, on_delete=models.PROTECT
    )
    institution = models.ForeignKey(
        "training.Institution", null=True, blank=True, on_delete=models.PROTECT
    )
    evaluation_body = models.ForeignKey(
        "assessment.EvaluationBody", null=True, blank=True, on_delete=models.PROTECT
    )
    employer = models.ForeignKey("demand.Employer", null=True, blank=True, on_delete=models.PROTECT)
    worker = models.OneToOneField(
        Worker, null=True, blank=True, on_delete=models.PROTECT, related_name="account"
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("role membership")
        verbose_name_plural = _("role memberships")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role="bureau")
                    | Q(role="county", region__isnull=False)
                    | Q(role="department", department__isnull=False)
                    | Q(role="institution", institution__isnull=False)
                    | Q(role="evaluator", evaluation_body__isnull=False)
                    | Q(role="employer", employer__isnull=False)
                    | Q(role="worker", worker__isnull=False)
                ),
                name="membership_names_its_scope",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"
