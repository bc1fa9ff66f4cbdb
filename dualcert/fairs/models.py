"""Job fairs: a day when employers meet workers at booths, with check-ins and referrals."""

from datetime import time

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from dualcert.core.models import BaseModel
from dualcert.core.scoping import (
    EVERYTHING,
    NOTHING,
    Role,
    Scope,
    ScopedQuerySet,
    scope_through,
)


class FairQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope, *, write: bool) -> Q:
        from dualcert.people.models import Worker

        if scope.is_bureau:
            return EVERYTHING
        if scope.role == Role.COUNTY:
            # Prefecture-wide fairs are the bureau's to organise; county officers staff them.
            own = Q(region_id=scope.region_id)
            return own if write else own | Q(region__isnull=True)
        if write:
            return NOTHING
        if scope.role == Role.EMPLOYER:
            booths = Booth.objects.filter(fair=OuterRef("pk"), employer_id=scope.employer_id)
            return Q(Exists(booths))
        if scope.role == Role.WORKER:
            home = Worker.objects.filter(pk=scope.worker_id).values("region_id")
            return Q(status__in=JobFair.VISIBLE_TO_WORKERS) & (
                Q(region__isnull=True) | Q(region_id__in=home)
            )
        return NOTHING


class JobFair(BaseModel):
    class Campaign(models.TextChoices):
        SPRING_BREEZE = "spring_breeze", _("Spring Breeze campaign")
        ASSISTANCE_MONTH = "assistance_month", _("Employment Assistance Month")
        PRIVATE_ENTERPRISE = "private_enterprise", _("Private Enterprise Recruitment Month")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")
        CANCELLED = "cancelled", _("cancelled")

    TRANSITIONS = {
        "planned": {"open", "cancelled"},
        "open": {"closed"},
        "closed": set(),
        "cancelled": set(),
    }
    VISIBLE_TO_WORKERS = ("planned", "open")

    name = models.CharField(_("name"), max_length=128)
    day = models.DateField(_("date"))
    opens_at = models.TimeField(_("opens at"), default=time(10))
    closes_at = models.TimeField(_("closes at"), default=time(16))
    place = models.CharField(_("place"), max_length=200)
    campaign = models.CharField(
        _("campaign"), max_length=24, choices=Campaign.choices, default=Campaign.OTHER
    )
    # No county: a prefecture-wide fair, open to the workers of every county.
    region = models.ForeignKey(
        "catalog.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("county"),
    )
    organiser = models.CharField(_("organiser"), max_length=128)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PLANNED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("created by"),
    )

    objects = FairQuerySet.as_manager()

    class Meta:
        verbose_name = _("job fair")
        verbose_name_plural = _("job fairs")
        ordering = ["-day", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")),
                                   name="fair_closes_after_opening"),
        ]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.name}"

    @property
    def prefecture_wide(self) -> bool:
        return self.region_id is None


class FairPartQuerySet(ScopedQuerySet):
    """Rows of a fair (booths, check-ins, fair referrals): visible with their fair."""

    def scope_q(self, scope: Scope, *, write: bool) -> Q:
        return scope_through(JobFair, scope, write=write, path="fair__")


class Booth(BaseModel):
    """An employer's stand at a fair, with the job demands it recruits for there."""

    fair = models.ForeignKey(
        JobFair, on_delete=models.CASCADE, related_name="booths", verbose_name=_("job fair")
    )
    employer = models.ForeignKey(
        "demand.Employer", on_delete=models.PROTECT, related_name="booths",
        verbose_name=_("employer"),
    )
    number = models.CharField(_("booth number"), max_length=16, blank=True)
    demands = models.ManyToManyField(
        "demand.JobDemand", blank=True, related_name="booths", verbose_name=_("job demands")
    )

    objects = FairPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("booth")
        verbose_name_plural = _("booths")
        ordering = ["fair", "number", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["fair", "employer"], name="booth_once_per_employer"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.employer}".strip()


class CheckInQuerySet(FairPartQuerySet):
    def scope_q(self, scope: Scope, *, write: bool) -> Q:
        if scope.role == Role.WORKER:
            return NOTHING if write else Q(worker_id=scope.worker_id)
        return super().scope_q(scope, write=write)


class FairCheckIn(BaseModel):
    """A worker's arrival at a fair: once per worker, by the poster or at the desk."""

    class Method(models.TextChoices):
        POSTER = "poster", _("scanned the poster")
        PASS_TEXT = "pass_text", _("pass scanned at the desk")
        PASS_PHOTO = "pass_photo", _("photo of the pass at the desk")

    fair = models.ForeignKey(
        JobFair, on_delete=models.CASCADE, related_name="checkins", verbose_name=_("job fair")
    )
    worker = models.ForeignKey(
        "people.Worker", on_delete=models.PROTECT, related_name="fair_checkins",
        verbose_name=_("worker"),
    )
    at = models.DateTimeField(_("checked in at"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("checked in by"),
    )
    method = models.CharField(_("how"), max_length=16, choices=Method.choices)

    objects = CheckInQuerySet.as_manager()

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["-at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["fair", "worker"], name="checkin_once_per_worker"),
        ]

    def __str__(self) -> str:
        return f"{self.worker} @ {self.fair}"


class FairReferral(BaseModel):
    """A referral made at a fair's booth: an invitation, a recommendation or an application."""

    class Channel(models.TextChoices):
        INVITED = "invited", _("invited by the employer")
        RECOMMENDED = "recommended", _("recommended by an officer")
        APPLIED = "applied", _("applied on the phone")

    fair = models.ForeignKey(
        JobFair, on_delete=models.CASCADE, related_name="referrals", verbose_name=_("job fair")
    )
    booth = models.ForeignKey(
        Booth, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("booth")
    )
    referral = models.OneToOneField(
        "employment.Referral", on_delete=models.CASCADE, related_name="fair_link",
        verbose_name=_("referral"),
    )
    channel = models.CharField(_("how"), max_length=16, choices=Channel.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("made by"),
    )

    objects = FairPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("fair referral")
        verbose_name_plural = _("fair referrals")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.booth} · {self.referral_id}"
