"""Writes of job fairs: the fair and its moves, booths and their demands, check-ins, and the
referrals made at a booth (through the employment services, recorded as FairReferral)."""

from collections.abc import Iterable
from datetime import date, time
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from dualcert.catalog.models import Region
from dualcert.core.audit import audit_record, snapshot
from dualcert.core.scoping import Role, scope_for
from dualcert.core.workflow import transition
from dualcert.demand.models import Employer, JobDemand
from dualcert.employment import services as employment
from dualcert.employment.models import Referral
from dualcert.fairs.models import Booth, FairCheckIn, FairReferral, JobFair
from dualcert.fairs.passes import read_pass
from dualcert.people.models import Worker

FAIR_FIELDS = ("name", "day", "opens_at", "closes_at", "place", "campaign", "region_id",
               "organiser", "status")
OFFICER_ROLES = (Role.BUREAU, Role.COUNTY)
# Referrals are recorded for a fair from its planning (inviting the pre-matched candidates
# to come) until it closes.
REFERRING = (JobFair.Status.PLANNED, JobFair.Status.OPEN)


def _organises(actor: Any, fair_region_id: int | None) -> bool:
    """The bureau organises anywhere; a county officer only in their own county."""
    scope = scope_for(actor)
    if scope.is_bureau:
        return True
    return scope.role == Role.COUNTY and fair_region_id == scope.region_id


def _require_organiser(actor: Any, fair: JobFair) -> None:
    if not _organises(actor, fair.region_id):
        raise PermissionDenied(
            _("Only the bureau, or an officer of the fair's county, may organise this fair.")
        )


def _fair_snapshot(fair: JobFair) -> dict[str, Any]:
    values = snapshot(fair, FAIR_FIELDS)
    # The audit log's JSON takes dates but not times of day.
    return {k: v.strftime("%H:%M") if isinstance(v, time) else v for k, v in values.items()}


def _check_fair_fields(day: date, opens_at: time, closes_at: time) -> None:
    if closes_at <= opens_at:
        raise ValidationError(
            {"closes_at": _("The fair must close after it opens.")}, code="hours"
        )
    if day < timezone.localdate():
        raise ValidationError({"day": _("A fair cannot be planned in the past.")}, code="past")


@transaction.atomic
def fair_create(
    *, actor: Any, name: str, day: date, place: str, campaign: str, region: Region | None,
    organiser: str, opens_at: time = time(10), closes_at: time = time(16),
) -> JobFair:
    """Plan a fair: the bureau anywhere (or prefecture-wide), a county officer in their county."""
    if not _organises(actor, region.pk if region else None):
        raise PermissionDenied(
            _("A county officer plans fairs in their own county; prefecture-wide fairs are "
              "planned by the bureau.")
        )
    if campaign not in JobFair.Campaign.values:
        raise ValidationError({"campaign": _("Choose the campaign of the fair.")},
                              code="campaign")
    _check_fair_fields(day, opens_at, closes_at)
    fair = JobFair.objects.create(
        name=name, day=day, place=place, campaign=campaign, region=region, organiser=organiser,
        opens_at=opens_at, closes_at=closes_at, created_by=actor,
    )
    audit_record(actor=actor, action="fair.create", obj=fair, after=_fair_snapshot(fair))
    return fair


def _move(actor: Any, fair: JobFair, to: str, action: str, reason: str = "") -> JobFair:
    _require_organiser(actor, fair)
    before = snapshot(fair, ["status"])
    transition(fair, to=to, actor=actor, allowed=JobFair.TRANSITIONS, reason=reason)
    audit_record(actor=actor, action=action, obj=fair, before=before,
                 after=snapshot(fair, ["status"]))
    return fair


@transaction.atomic
def fair_open(*, actor: Any, fair: JobFair) -> JobFair:
    """Open the fair on its day: check-ins start."""
    if fair.status == JobFair.Status.PLANNED and fair.day != timezone.localdate():
        raise ValidationError(
            _("This fair is on %(day)s; it can be opened on that day only.")
            % {"day": date_format(fair.day, "SHORT_DATE_FORMAT")},
            code="not_the_day",
        )
    return _move(actor, fair, JobFair.Status.OPEN, "fair.open")


@transaction.atomic
def fair_close(*, actor: Any, fair: JobFair) -> JobFair:
    """Close the fair: check-ins end; referrals made there go on through their own pages."""
    return _move(actor, fair, JobFair.Status.CLOSED, "fair.close")


@transaction.atomic
def fair_cancel(*, actor: Any, fair: JobFair, reason: str = "") -> JobFair:
    """Call off a planned fair (weather, a change of plan); the reason is kept in its history."""
    return _move(actor, fair, JobFair.Status.CANCELLED, "fair.cancel", reason)


def _check_booth_open_to_changes(fair: JobFair) -> None:
    if fair.status not in REFERRING:
        raise ValidationError(
            _("This fair is %(status)s; its booths can no longer change.")
            % {"status": fair.get_status_display()},
            code="fair_over",
        )


def _check_demands(employer: Employer, demands: Iterable[JobDemand]) -> list[JobDemand]:
    """Only the employer's own open demands go to its booth."""
    demands = list(demands)
    for demand in demands:
        if demand.employer_id != employer.pk:
            raise ValidationError(
                _("“%(title)s” is a job of another employer; a booth shows only its own "
                  "employer's jobs.") % {"title": demand.title},
                code="other_employer",
            )
        if demand.status != JobDemand.Status.OPEN:
            raise ValidationError(
                _("“%(title)s” is %(status)s; only open job demands can be offered at a fair.")
                % {"title": demand.title, "status": demand.get_status_display()},
                code="demand_not_open",
            )
    return demands


@transaction.atomic
def booth_add(
    *, actor: Any, fair: JobFair, employer: Employer, number: str = "",
    demands: Iterable[JobDemand] = (),
) -> Booth:
    """Give an employer a booth at the fair, with some of its open job demands."""
    _require_organiser(actor, fair)
    _check_booth_open_to_changes(fair)
    chosen = _check_demands(employer, demands)
    try:
        with transaction.atomic():
            booth = Booth.objects.create(fair=fair, employer=employer, number=number.strip())
    except IntegrityError as exc:
        raise ValidationError(
            _("%(employer)s already has a booth at this fair.") % {"employer": employer.name},
            code="duplicate",
        ) from exc
    booth.demands.add(*chosen)
    audit_record(actor=actor, action="booth.create", obj=booth, after={
        **snapshot(booth, ["fair_id", "employer_id", "number"]),
        "demands": sorted(d.pk for d in chosen),
    })
    return booth


@transaction.atomic
def booth_remove(*, actor: Any, booth: Booth) -> None:
    """Take a booth off a fair, unless referrals were already made at it."""
    _require_organiser(actor, booth.fair)
    _check_booth_open_to_changes(booth.fair)
    if FairReferral.objects.filter(booth=booth).exists():
        raise ValidationError(
            _("Referrals were made at this booth, so it stays on the fair's record."),
            code="has_referrals",
        )
    audit_record(actor=actor, action="booth.delete", obj=booth,
                 before=snapshot(booth, ["fair_id", "employer_id", "number"]))
    booth.delete()


def _require_booth_editor(actor: Any, booth: Booth) -> None:
    scope = scope_for(actor)
    if scope.role == Role.EMPLOYER and scope.employer_id == booth.employer_id:
        return
    if not _organises(actor, booth.fair.region_id):
        raise PermissionDenied(
            _("Only the booth's employer or the fair's organisers may change its jobs.")
        )


@transaction.atomic
def booth_demand_add(*, actor: Any, booth: Booth, demand: JobDemand) -> Booth:
    """Put one more of the employer's open job demands on its booth."""
    _require_booth_editor(actor, booth)
    _check_booth_open_to_changes(booth.fair)
    _check_demands(booth.employer, [demand])
    booth.demands.add(demand)
    audit_record(actor=actor, action="booth.demand_add", obj=booth, after={"demand": demand.pk})
    return booth


@transaction.atomic
def booth_demand_remove(*, actor: Any, booth: Booth, demand: JobDemand) -> Booth:
    """Take a job demand off the booth (its referrals stay as they are)."""
    _require_booth_editor(actor, booth)
    _check_booth_open_to_changes(booth.fair)
    booth.demands.remove(demand)
    audit_record(actor=actor, action="booth.demand_remove", obj=booth,
                 before={"demand": demand.pk})
    return booth


def _check_checking_in(fair: JobFair) -> None:
    if fair.status == JobFair.Status.PLANNED:
        raise ValidationError(
            _("Check-in opens when the fair opens on %(day)s at %(time)s.")
            % {"day": date_format(fair.day, "SHORT_DATE_FORMAT"),
               "time": fair.opens_at.strftime("%H:%M")},
            code="not_open_yet",
        )
    if fair.status != JobFair.Status.OPEN:
        raise ValidationError(
            _("This fair is %(status)s; check-in has ended.")
            % {"status": fair.get_status_display()},
            code="fair_over",
        )


def _check_in(actor: Any, fair: JobFair, worker: Worker, method: str) -> FairCheckIn:
    _check_checking_in(fair)
    earlier = FairCheckIn.objects.filter(fair=fair, worker=worker).first()
    if earlier is not None:
        raise ValidationError(
            _("%(name)s already checked in at %(time)s.")
            % {"name": worker.name, "time": timezone.localtime(earlier.at).strftime("%H:%M")},
            code="duplicate",
        )
    try:
        with transaction.atomic():
            checkin = FairCheckIn.objects.create(
                fair=fair, worker=worker, at=timezone.now(), by=actor, method=method
            )
    except IntegrityError as exc:  # the same worker at two desks at once
        raise ValidationError(
            _("%(name)s has just checked in.") % {"name": worker.name}, code="duplicate"
        ) from exc
    audit_record(actor=actor, action="fair.checkin", obj=checkin,
                 after=snapshot(checkin, ["fair_id", "worker_id", "method"]))
    return checkin


@transaction.atomic
def checkin_by_poster(*, actor: Any, fair: JobFair) -> FairCheckIn:
    """A signed-in worker who scanned the fair's poster taps "I am here"."""
    scope = scope_for(actor)
    if scope.role != Role.WORKER or not scope.worker_id:
        raise PermissionDenied(
            _("Only workers check in with the poster; staff use the check-in desk.")
        )
    worker = Worker.objects.get(pk=scope.worker_id)
    return _check_in(actor, fair, worker, FairCheckIn.Method.POSTER)


@transaction.atomic
def checkin_by_pass(
    *, actor: Any, fair: JobFair, text: str, method: str = FairCheckIn.Method.PASS_TEXT,
) -> FairCheckIn:
    """An officer at the fair's desk checks in the worker whose pass was scanned (the text a
    scanner typed, or read from a photo). Forged passes and passes of another fair are refused.
    """
    if scope_for(actor).role not in OFFICER_ROLES:
        raise PermissionDenied(_("Only employment officers staff the check-in desk."))
    holder = read_pass(text)
    if holder.fair_id != fair.public_id:
        raise ValidationError(
            _("This pass is for another job fair; ask the worker to open the pass of this one."),
            code="other_fair",
        )
    worker = Worker.objects.filter(public_id=holder.worker_id).first()
    if worker is None:
        raise ValidationError(
            _("The worker on this pass is no longer on record."), code="unknown_worker"
        )
    return _check_in(actor, fair, worker, method)


def _check_referring(booth: Booth, demand: JobDemand) -> None:
    if booth.fair.status not in REFERRING:
        raise ValidationError(
            _("This fair is %(status)s; referrals are no longer recorded for it.")
            % {"status": booth.fair.get_status_display()},
            code="fair_over",
        )
    if not booth.demands.filter(pk=demand.pk).exists():
        raise ValidationError(
            _("“%(title)s” is not offered at this booth.") % {"title": demand.title},
            code="not_at_booth",
        )


def _link(actor: Any, booth: Booth, referral: Referral, channel: str) -> FairReferral:
    link, created = FairReferral.objects.get_or_create(
        referral=referral,
        defaults={"fair": booth.fair, "booth": booth, "channel": channel, "by": actor},
    )
    if created:
        audit_record(actor=actor, action="fair.referral", obj=link,
                     after=snapshot(link, ["fair_id", "booth_id", "referral_id", "channel"]))
    return link


@transaction.atomic
def fair_referral_invite(
    *, actor: Any, booth: Booth, demand: JobDemand, worker: Worker
) -> FairReferral:
    """At the booth, the employer invites (or an officer recommends) a candidate to a job.

    The employment rules apply as everywhere (consent, open demand, a counting certificate,
    no duplicate); the referral is recorded as made at this fair.
    """
    _check_referring(booth, demand)
    referral = employment.referral_recommend(actor=actor, demand=demand, worker=worker)
    employer = scope_for(actor).role == Role.EMPLOYER
    channel = FairReferral.Channel.INVITED if employer else FairReferral.Channel.RECOMMENDED
    return _link(actor, booth, referral, channel)


@transaction.atomic
def fair_referral_apply(*, actor: Any, booth: Booth, demand: JobDemand) -> FairReferral:
    """A worker at the fair applies, on their phone, for a job offered at a booth."""
    _check_referring(booth, demand)
    referral = employment.referral_apply_self(actor=actor, demand=demand)
    return _link(actor, booth, referral, FairReferral.Channel.APPLIED)
