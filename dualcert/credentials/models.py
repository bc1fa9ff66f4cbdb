"""Credentials: issued certificates, their numbers and validity, and revocations."""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from dualcert.catalog.models import CertificateType
from dualcert.core.models import BaseModel, RequesterQuerySet
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

            # Only an applicant's certificates: an invitation the worker has not answered
            # shows the employer no number (the candidates page shows type and status).
            applied = Referral.objects.filter(
                worker=OuterRef("worker"), demand__employer_id=scope.employer_id,
                applied_at__isnull=False,
            )
            return Q(worker__consent_recommend=True) & Q(Exists(applied))
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
    # The signed QR payload ("DC1:…"), made once at issue so every print shows the same code.
    signed_payload = models.TextField(_("signed payload"), blank=True, default="", db_default="")
    signing_key = models.ForeignKey(
        "credentials.IssuerKey", null=True, blank=True, on_delete=models.PROTECT,
        related_name="certificates", verbose_name=_("signing key"),
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


class IssuerKey(BaseModel):
    """One Ed25519 signing key of one issuer; only the public half is in the database.

    The issuer is the evaluation body for skill-level certificates (it prints and issues
    them, FACTS.md §3) and the department for its permits. A key may sign only the
    certificate types listed on it; the bureau's key also signs the revocation list.
    """

    kid = models.CharField(_("key id"), max_length=16, unique=True)
    department = models.ForeignKey(
        "catalog.Department", null=True, blank=True, on_delete=models.PROTECT,
        related_name="issuer_keys", verbose_name=_("department"),
    )
    evaluation_body = models.ForeignKey(
        "assessment.EvaluationBody", null=True, blank=True, on_delete=models.PROTECT,
        related_name="issuer_keys", verbose_name=_("evaluation body"),
    )
    issuer_code = models.CharField(_("issuer code"), max_length=64)
    issuer_name = models.CharField(_("issuer"), max_length=128)
    public_key = models.CharField(_("public key"), max_length=64)
    certificate_types = models.JSONField(_("certificate types it may sign"), default=list)
    signs_lists = models.BooleanField(_("signs the revocation list"), default=False)
    signs_from = models.DateTimeField(_("signs from"))
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)

    class Meta:
        verbose_name = _("issuer key")
        verbose_name_plural = _("issuer keys")
        ordering = ["issuer_code", "-signs_from"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(department__isnull=False, evaluation_body__isnull=True)
                           | Q(department__isnull=True, evaluation_body__isnull=False)),
                name="issuer_key_has_one_issuer",
            ),
            models.CheckConstraint(
                condition=Q(retired_at__isnull=True) | Q(retired_at__gt=models.F("signs_from")),
                name="issuer_key_retired_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.issuer_name} · {self.kid}"


class PublishedList(models.Model):
    """One published version of the trust list or of the signed revocation list."""

    class Kind(models.TextChoices):
        TRUST = "trust", _("trust list")
        REVOCATIONS = "revocations", _("revocation list")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    version = models.PositiveIntegerField(_("version"))
    made_at = models.DateTimeField(_("made at"))
    document = models.TextField(_("document"))

    class Meta:
        verbose_name = _("published list")
        verbose_name_plural = _("published lists")
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="published_list_version")
        ]

    def __str__(self) -> str:
        return f"{self.kind} v{self.version}"


class Verification(models.Model):
    """One verification made through the API: who asked, when, the verdict, which certificate."""

    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("verified by"),
    )
    verifier_name = models.CharField(_("verifier"), max_length=128, blank=True)
    certificate = models.ForeignKey(
        Certificate, null=True, blank=True, on_delete=models.CASCADE,
        related_name="verifications", verbose_name=_("certificate"),
    )
    verdict = models.CharField(_("verdict"), max_length=24)
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["certificate", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.verdict}"


class PrintJob(BaseModel):
    """One batch print of a project's certificates into one PDF, made by a background task.

    The file is kept on disk under PRINT_DIR, named by the job's public id, not in the database.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("printing")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    TRANSITIONS = {"queued": {"running", "failed"}, "running": {"done", "failed"},
                   "done": set(), "failed": set()}

    project = models.ForeignKey(
        "training.TrainingProject", on_delete=models.CASCADE, related_name="print_jobs",
        verbose_name=_("training project"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("requested by"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    total = models.PositiveIntegerField(_("pages to print"), default=0)
    done = models.PositiveIntegerField(_("pages printed"), default=0)
    certificates = models.PositiveIntegerField(_("certificates"), default=0)
    error = models.TextField(_("error"), blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = RequesterQuerySet.as_manager()

    class Meta:
        verbose_name = _("print job")
        verbose_name_plural = _("print jobs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(done__lte=models.F("total")),
                                   name="print_job_done_within_total"),
        ]
        indexes = [models.Index(fields=["project", "created_at"])]

    def __str__(self) -> str:
        return f"{self.project_id} · {self.created_at:%Y-%m-%d %H:%M} · {self.status}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return self.done * 100 // self.total if self.total else 0
