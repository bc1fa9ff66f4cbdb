"""Employment: referrals of certified workers to job demands, and the placements they end in."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dualcert.core.models import BaseModel
from dualcert.core.scoping import EVERYTHING, NOTHING, Role, Scope, ScopedQuerySet


class ReferralQuerySet(ScopedQuerySet):
    demand_path = "demand__"

    def scope_q(self, scope: Scope, *, write: bool) -> Q:
        if scope.is_bureau:
            return EVERYTHING
        if scope.role == Role.COUNTY:
            # A county officer follows the demands posted in the county and the county's own
            # workers, wherever in the prefecture they were referred.
            return Q(**{f"{self.demand_path}region_id": scope.region_id}) | Q(
                worker__region_id=scope.region_id
            )
        if scope.role == Role.EMPLOYER:
            return Q(**{f"{self.demand_path}employer_id": scope.employer_id})
        if scope.role == Role.WORKER:
            return Q(worker_id=scope.worker_id)
        return NOTHING


class Referral(BaseModel):
    class Status(models.TextChoices):
        RECOMMENDED = "recommended", _("recommended")
        APPLIED = "applied", _("applied")
        INTERVIEWED = "interviewed", _("interviewed")
        OFFERED = "offered", _("offered")
        HIRED = "hired", _("hired")
        DECLINED = "declined", _("declined by worker")
        REJECTED = "rejected", _("rejected by employer")

    TRANSITIONS = {
        "recommended": {"applied", "declined", "rejected"},
        "applied": {"interviewed", "declined", "rejected"},
        "interviewed": {"offered", "declined", "rejected"},
        "offered": {"hired", "declined"},
        "hired": set(),
        "declined": set(),
        "rejected": set(),
    }

    demand = models.ForeignKey(
        "demand.JobDemand", on_delete=models.PROTECT, related_name="referrals",
        verbose_name=_("job demand"),
    )
    worker = models.ForeignKey(
        "people.Worker", on_delete=models.PROTECT, related_name="referrals",
        verbose_name=_("worker"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RECOMMENDED
    )
    score = models.PositiveSmallIntegerField(_("match score"), default=0)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    # Set when the worker applies (or accepts an invitation); from then on the employer sees
    # the worker's name, also after a later rejection or decline.
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["demand", "worker"], name="referral_once_per_demand")
        ]

    def __str__(self) -> str:
        return f"{self.worker} → {self.demand}"


class PlacementQuerySet(ReferralQuerySet):
    demand_path = "referral__demand__"


class Placement(BaseModel):
    class Contract(models.TextChoices):
        FIXED = "fixed", _("fixed-term contract")
        OPEN = "open", _("open-ended contract")
        SEASONAL = "seasonal", _("seasonal / task-based")

    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, related_name="placement")
    worker = models.ForeignKey("people.Worker", on_delete=models.PROTECT, related_name="placements")
    employer = models.ForeignKey(
        "demand.Employer", on_delete=models.PROTECT, related_name="placements"
    )
    start_date = models.DateField(_("start date"))
    monthly_wage = models.PositiveIntegerField(_("monthly wage (yuan)"))
    contract_type = models.CharField(
        _("contract"), max_length=16, choices=Contract.choices, default=Contract.FIXED
    )

    objects = PlacementQuerySet.as_manager()

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(condition=Q(monthly_wage__gte=1), name="placement_wage_positive")
        ]

    def __str__(self) -> str:
        return f"{self.worker} @ {self.employer}"


class FollowUpQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope, *, write: bool) -> Q:
        # Follow-ups are the job of the worker's own county (where the worker lives and can
        # be reached), not of the county where the job is.
        if scope.is_bureau:
            return EVERYTHING
        if scope.role == Role.COUNTY:
            return Q(placement__worker__region_id=scope.region_id)
        return NOTHING


class FollowUp(BaseModel):
    """A check on a placement 3, 6 or 12 months after it started: still employed, wage now."""

    class Status(models.TextChoices):
        DUE = "due", _("due")
        DONE = "done", _("done")
        UNREACHABLE = "unreachable", _("unreachable")

    # A worker who could not be reached may be reached later; a recorded outcome may be
    # recorded again (a correction) within 30 days, a window the services check.
    TRANSITIONS = {
        "due": {"done", "unreachable"},
        "done": {"done"},
        "unreachable": {"done"},
    }
    CHECKPOINTS = (3, 6, 12)

    placement = models.ForeignKey(
        Placement, on_delete=models.CASCADE, related_name="followups",
        verbose_name=_("placement"),
    )
    months = models.PositiveSmallIntegerField(_("months after the start"))
    due_date = models.DateField(_("due date"), db_index=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DUE
    )
    still_employed = models.BooleanField(_("still employed"), null=True, blank=True)
    monthly_wage_now = models.PositiveIntegerField(
        _("monthly wage now (yuan)"), null=True, blank=True
    )
    left_reason = models.TextField(_("reason for leaving"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), null=True, blank=True)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "months"], name="followup_once"),
            models.CheckConstraint(condition=Q(months__in=[3, 6, 12]),
                                   name="followup_checkpoint"),
            # An outcome exists exactly when the follow-up is done; a wage only while employed,
            # a reason only when the worker left.
            models.CheckConstraint(
                # isnull=False: a NULL wage would make the comparison unknown, which passes.
                condition=Q(status="done", still_employed=True, monthly_wage_now__isnull=False,
                            monthly_wage_now__gte=1, left_reason="")
                | Q(status="done", still_employed=False, monthly_wage_now__isnull=True)
                & ~Q(left_reason="")
                | Q(status__in=["due", "unreachable"], still_employed__isnull=True,
                    monthly_wage_now__isnull=True),
                name="followup_outcome_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.placement} +{self.months}"


class MatchEntry(models.Model):
    """A row of the match index (see match_index.py): a consenting worker and a certificate
    type they hold (`held`) or are being trained for, with what the score needs."""

    worker = models.ForeignKey("people.Worker", on_delete=models.CASCADE, related_name="+")
    certificate_type = models.ForeignKey(
        "catalog.CertificateType", on_delete=models.CASCADE, related_name="+"
    )
    held = models.BooleanField()
    # The last day a held certificate of this type counts (NULL: it does not expire).
    valid_until = models.DateField(null=True)
    region = models.ForeignKey("catalog.Region", on_delete=models.CASCADE, related_name="+")
    township = models.ForeignKey(
        "catalog.Region", null=True, on_delete=models.CASCADE, related_name="+"
    )
    available_from = models.DateField(null=True)
    expected_wage = models.PositiveIntegerField(null=True)
    priority = models.BooleanField()
    name = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["worker", "certificate_type", "held"],
                                    name="match_entry_once")
        ]
        indexes = [models.Index(fields=["certificate_type", "region"], name="match_by_type")]

    def __str__(self) -> str:
        return f"{self.worker_id}:{self.certificate_type_id}"
