"""Reference catalogue: regions, departments, occupations, certificate types, pathways."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dualcert.core.models import BaseModel
from dualcert.core.scoping import EVERYTHING, Role, Scope, ScopedQuerySet


class FactStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("confirmed")
    PARTIAL = "partial", _("partial (one secondary source)")
    UNCONFIRMED = "unconfirmed", _("unconfirmed — please confirm or correct")


class ReferenceQuerySet(ScopedQuerySet):
    """Reference data: every signed-in role reads it; only the bureau admin changes it."""

    def scope_q(self, scope: Scope, *, write: bool) -> Q:
        if write:
            return EVERYTHING if scope.is_bureau else Q(pk__in=[])
        return EVERYTHING


class ReferenceModel(BaseModel):
    fact_status = models.CharField(
        _("fact status"), max_length=16, choices=FactStatus.choices, default=FactStatus.CONFIRMED
    )
    source = models.TextField(_("source"), blank=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        abstract = True


class Region(ReferenceModel):
    class Level(models.TextChoices):
        PREFECTURE = "prefecture", _("prefecture")
        COUNTY = "county", _("county-level unit")
        TOWNSHIP = "township", _("township")
        VILLAGE = "village", _("village")

    code = models.CharField(_("code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=64)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    retired = models.BooleanField(_("retired code"), default=False)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Department(ReferenceModel):
    class Kind(models.TextChoices):
        HRSS = "hrss", _("human resources and social security")
        PARTNER = "partner", _("partner department")

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Education(models.IntegerChoices):
    NONE = 0, _("none")
    PRIMARY = 1, _("primary school")
    JUNIOR = 2, _("junior middle school")
    SENIOR = 3, _("senior middle school / vocational")
    COLLEGE = 4, _("college or above")


class SkillLevel(models.IntegerChoices):
    # The digit used in certificate numbers: 5 = entry level.
    LEVEL_5 = 5, _("Level 5 / Junior worker")
    LEVEL_4 = 4, _("Level 4 / Intermediate worker")
    LEVEL_3 = 3, _("Level 3 / Senior worker")
    LEVEL_2 = 2, _("Level 2 / Technician")
    LEVEL_1 = 1, _("Level 1 / Senior technician")


class Occupation(ReferenceModel):
    code = models.CharField(_("classification code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=64)
    edition = models.CharField(_("classification edition"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("occupation")
        verbose_name_plural = _("occupations")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class CertificateType(ReferenceModel):
    class Kind(models.TextChoices):
        SKILL = "skill", _("vocational skill-level certificate")
        PERMIT = "permit", _("industry permit")

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=96)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="certificate_types",
        verbose_name=_("issuing department"),
    )
    occupation = models.ForeignKey(
        Occupation, null=True, blank=True, on_delete=models.PROTECT,
        related_name="certificate_types", verbose_name=_("occupation"),
    )
    level = models.PositiveSmallIntegerField(
        _("skill level"), null=True, blank=True, choices=SkillLevel.choices
    )
    credential = models.CharField(_("credential"), max_length=64, blank=True)
    category = models.CharField(_("category"), max_length=64, blank=True)
    item = models.CharField(_("permit item"), max_length=64, blank=True)
    validity_years = models.PositiveSmallIntegerField(_("validity (years)"), null=True, blank=True)
    review_interval_years = models.PositiveSmallIntegerField(
        _("review interval (years)"), null=True, blank=True
    )
    min_age = models.PositiveSmallIntegerField(_("minimum age"), default=16)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    education_required = models.PositiveSmallIntegerField(
        _("education required"), choices=Education.choices, default=Education.NONE
    )
    theory_pass = models.PositiveSmallIntegerField(_("theory pass mark"), default=60)
    practical_pass = models.PositiveSmallIntegerField(_("practical pass mark"), default=60)
    standard_fee = models.PositiveIntegerField(
        _("standard self-paid fee (yuan)"), default=0,
        help_text=_("What a worker would pay on their own for this certificate."),
    )
    number_prefix = models.CharField(_("number prefix"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("certificate type")
        verbose_name_plural = _("certificate types")
        ordering = ["kind", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="permit") | Q(level__isnull=False, occupation__isnull=False),
                name="skill_certificate_has_occupation_and_level",
            ),
            models.CheckConstraint(
                condition=Q(max_age__isnull=True) | Q(max_age__gte=models.F("min_age")),
                name="certificate_type_age_range_valid",
            ),
            models.CheckConstraint(
                condition=Q(theory_pass__lte=100, practical_pass__lte=100),
                name="certificate_type_pass_marks_at_most_100",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_permit(self) -> bool:
        return self.kind == self.Kind.PERMIT

    @property
    def total_hours(self) -> int:
        return sum(i.theory_hours + i.practical_hours for i in self.requirement_items.all())


class RequirementItem(ReferenceModel):
    """One module of a certificate's standard, with the hours it requires."""

    certificate_type = models.ForeignKey(
        CertificateType, on_delete=models.CASCADE, related_name="requirement_items"
    )
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=96)
    theory_hours = models.PositiveSmallIntegerField(_("theory hours"), default=0)
    practical_hours = models.PositiveSmallIntegerField(_("practical hours"), default=0)

    class Meta:
        verbose_name = _("requirement item")
        verbose_name_plural = _("requirement items")
        ordering = ["certificate_type", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["certificate_type", "code"], name="requirement_item_code_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.certificate_type.name} · {self.name}"


class Pathway(ReferenceModel):
    """The skill certificate and the permit that one fused course and one sitting yield."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=96)
    skill_certificate = models.ForeignKey(
        CertificateType, on_delete=models.PROTECT, related_name="+",
        limit_choices_to={"kind": "skill"}, verbose_name=_("skill-level certificate"),
    )
    permit = models.ForeignKey(
        CertificateType, on_delete=models.PROTECT, related_name="pathways",
        limit_choices_to={"kind": "permit"}, verbose_name=_("permit"),
    )
    agreement = models.CharField(_("partner agreement"), max_length=128, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("pathway")
        verbose_name_plural = _("pathways")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def certificate_types(self) -> list[CertificateType]:
        return [self.skill_certificate, self.permit]


class RecognitionRule(ReferenceModel):
    """Holding `held` counts as holding `counts_as` (e.g. an older edition of a permit)."""

    held = models.ForeignKey(CertificateType, on_delete=models.CASCADE, related_name="+")
    counts_as = models.ForeignKey(CertificateType, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("recognition rule")
        verbose_name_plural = _("recognition rules")
        constraints = [
            models.UniqueConstraint(fields=["held", "counts_as"], name="recognition_rule_unique")
        ]

    def __str__(self) -> str:
        return f"{self.held} ⇒ {self.counts_as}"


class TargetGroup(ReferenceModel):
    """A priority group of workers (脱贫劳动力, 就业困难人员 …)."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    priority = models.BooleanField(_("priority in matching"), default=False)

    class Meta:
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


__all__ = ["Role"]
