"""Credentials: issued certificates, their numbers and validity, and revocations."""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from dualcert.catalog.models import CertificateType
from dualcert.core.models import BaseModel
from dualcert.core.scoping import EVERYTHING, NOTHING, Role, Scope, ScopedQuerySet


class CertificateQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope, *, write: bool) -> Q:
        if scope.is_bureau:
            return EVERYTHING
        if scope.role == Role.DEPARTMENT:
            return Q(certificate_type__department_id=scope.department_id)
        if write:
            return NOTHING
        if scope.role == Role.COUNTY:
            return Q(worker__region_id=scope.region_id)
        if scope.role == Role.WORKER:
            return Q(worker_id=scope.worker_id)
        if scope.role == Role.INSTITUTION:
            return Q(result__score__enrollment__project__institution_id=scope.institution_id)
        if scope.role == Role.EVALUATOR:
            return Q(result__score__sitting__evaluation_body_id=scope.evaluation_body_id)
        if scope.role == Role.EMPLOYER:
            from dualcert.employment.models import Referral

            referred = Referral.objects.filter(
                worker=OuterRef("worker"), demand__employer_id=scope.employer_id
            )
            return Q(worker__consent_recommend=True) & Q(Exists(referred))
        return NOTHING


class Certificate(BaseModel):
    class Status(models.TextChoices):
        VALID = "valid", _("valid")
        REVOKED = "revoked", _("revoked")
        EXPIRED = "expired", _("expired")

    TRANSITIONS = {"valid": {"revoked", "expired"}, "revoked": set(), "expired": {"valid"}}

    number = models.CharField(_("certificate number"), max_length=32, unique=True)
    certificate_type = models.ForeignKey(
        CertificateType, on_delete=models.PROTECT, related_name="certificates",
        verbose_name=_("certificate type"),
    )
    worker = models.ForeignKey(
        "people.Worker", on_delete=models.PROTECT, related_name="certificates",
        verbose_name=_("holder"),
    )
    result = models.OneToOneField(
        "assessment.Result", null=True, blank=True, on_delete=models.PROTECT,
        related_name="certificate",
    )
    issuer_name = models.CharField(_("issued by"), max_length=128)
    issued_on = models.DateField(_("issue date"))
    expires_on = models.DateField(_("valid until"), null=True, blank=True)
    review_due = models.DateField(_("review due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.VALID
    )

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_on", "number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gt=models.F("issued_on")),
                name="certificate_expires_after_issue",
            )
        ]
        indexes = [models.Index(fields=["worker", "status"])]

    def __str__(self) -> str:
        return self.number


class Revocation(BaseModel):
    certificate = models.OneToOneField(
        Certificate, on_delete=models.PROTECT, related_name="revocation"
    )
    reason = models.TextField(_("reason"))
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("revocation")
        verbose_name_plural = _("revocations")

    def __str__(self) -> str:
        return f"{self.certificate_id}: {self.reason[:40]}"
