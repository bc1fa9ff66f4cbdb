"""Writes about job demands: post, change while open, close; every change audited."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dualcert.catalog.models import CertificateType, Occupation, Region
from dualcert.core.audit import audit_record, snapshot
from dualcert.core.scoping import Role, scope_for
from dualcert.core.workflow import transition
from dualcert.demand.models import Employer, JobDemand

DEMAND_POSTERS = (Role.BUREAU, Role.COUNTY, Role.EMPLOYER)
AUDITED_FIELDS = (
    "employer_id", "title", "occupation_id", "headcount", "wage_min", "wage_max", "region_id",
    "place", "deadline", "status",
)


def demand_may_post(user: Any) -> bool:
    """Whether the user's role posts job demands (an employer, or an officer on its behalf)."""
    return scope_for(user).role in DEMAND_POSTERS


def _demand_snapshot(demand: JobDemand) -> dict[str, Any]:
    return {
        **snapshot(demand, AUDITED_FIELDS),
        "required_certificates": sorted(demand.required_certificates.values_list("pk", flat=True)),
    }


def _employer_for(actor: Any, employer: Employer | None) -> Employer:
    """The employer a demand is posted for; an employer account posts only for itself."""
    scope = scope_for(actor)
    if scope.role not in DEMAND_POSTERS:
        raise PermissionDenied(_("Your role may not post or change job demands."))
    if scope.role == Role.EMPLOYER:
        own = scope.employer_id
        if own is None or (employer is not None and employer.pk != own):
            raise PermissionDenied(_("You may post job demands for your own company only."))
        return Employer.objects.get(pk=own)
    if employer is None:
        raise ValidationError({"employer": _("Choose the employer this job demand is for.")})
    return employer


def _check_county(actor: Any, employer: Employer, region: Region) -> None:
    scope = scope_for(actor)
    if scope.role != Role.COUNTY:
        return
    if employer.region_id != scope.region_id:
        raise PermissionDenied(_("You may post job demands of employers in your own county only."))
    if region.pk != scope.region_id:
        raise PermissionDenied(_("You may post job demands for work in your own county only."))


def _certificates(required: Iterable[CertificateType]) -> list[CertificateType]:
    wanted = list(required)
    ids = {c.pk for c in wanted}
    known = set(CertificateType.objects.filter(pk__in=ids - {None}).values_list("pk", flat=True))
    unknown = [str(c) for c in wanted if c.pk not in known]
    if unknown:
        raise ValidationError({"required_certificates": _(
            "These certificate types are not in the catalogue: %(names)s. Choose them again."
        ) % {"names": ", ".join(unknown)}})
    return wanted


def _check_terms(*, headcount: int, wage_min: int, wage_max: int, deadline: date,
                 check_deadline: bool = True) -> None:
    errors: dict[str, str] = {}
    if headcount < 1:
        errors["headcount"] = _("The headcount must be at least 1 person.")
    if wage_min < 1:
        errors["wage_min"] = _("The lowest monthly wage must be at least 1 yuan.")
    if wage_max < wage_min:
        errors["wage_max"] = _(
            "The highest monthly wage (%(max)s yuan) is below the lowest (%(min)s yuan): "
            "correct one of them."
        ) % {"max": wage_max, "min": wage_min}
    if check_deadline and deadline < timezone.localdate():
        errors["deadline"] = _(
            "The apply-by date %(date)s is in the past: choose today or a later date."
        ) % {"date": deadline.isoformat()}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def demand_create(
    *, actor: Any, employer: Employer | None, title: str, occupation: Occupation,
    required_certificates: Iterable[CertificateType], headcount: int, wage_min: int,
    wage_max: int, region: Region, place: str = "", deadline: date,
) -> JobDemand:
    """Post a job demand: an employer for itself, or the bureau / a county officer for one.

    An employer account always posts for its own company (`employer` may be None); a county
    officer only for employers and work places in their county. Headcount at least 1, a wage
    range in order, an apply-by date not in the past, and certificate types from the catalogue.
    """
    employer = _employer_for(actor, employer)
    _check_county(actor, employer, region)
    _check_terms(headcount=headcount, wage_min=wage_min, wage_max=wage_max, deadline=deadline)
    certificates = _certificates(required_certificates)
    demand = JobDemand(
        employer=employer, title=" ".join(title.split()), occupation=occupation,
        headcount=headcount, wage_min=wage_min, wage_max=wage_max, region=region,
        place=place.strip(), deadline=deadline,
    )
    demand.full_clean()
    demand.save()
    demand.required_certificates.set(certificates)
    audit_record(actor=actor, action="demand.create", obj=demand, after=_demand_snapshot(demand))
    return demand


def _writable(actor: Any, demand: JobDemand) -> JobDemand:
    """The stored demand, locked, if the actor may change it."""
    if not JobDemand.objects.writable_by(actor).filter(pk=demand.pk).exists():
        raise PermissionDenied(_("You may not change this job demand."))
    return JobDemand.objects.select_for_update().select_related("employer").get(pk=demand.pk)


@transaction.atomic
def demand_update(
    *, actor: Any, demand: JobDemand, title: str, occupation: Occupation,
    required_certificates: Iterable[CertificateType], headcount: int, wage_min: int,
    wage_max: int, region: Region, place: str = "", deadline: date,
) -> JobDemand:
    """Change an open job demand (same roles and rules as posting it; the employer stays).

    A deadline that has passed may stay as it is, but a changed one must not be in the past.
    """
    stored = _writable(actor, demand)
    if stored.status != JobDemand.Status.OPEN:
        raise ValidationError(
            _("Only an open job demand can be changed; this one is %(status)s.")
            % {"status": stored.get_status_display()}, code="not_open",
        )
    _check_county(actor, stored.employer, region)
    _check_terms(headcount=headcount, wage_min=wage_min, wage_max=wage_max, deadline=deadline,
                 check_deadline=deadline != stored.deadline)
    certificates = _certificates(required_certificates)
    before = _demand_snapshot(stored)
    stored.title, stored.occupation, stored.region = " ".join(title.split()), occupation, region
    stored.headcount, stored.wage_min, stored.wage_max = headcount, wage_min, wage_max
    stored.place, stored.deadline = place.strip(), deadline
    stored.full_clean()
    stored.save()
    stored.required_certificates.set(certificates)
    after = _demand_snapshot(stored)
    if before != after:
        audit_record(actor=actor, action="demand.update", obj=stored, before=before, after=after)
    return stored


@transaction.atomic
def demand_close(*, actor: Any, demand: JobDemand, reason: str = "") -> JobDemand:
    """Close an open or filled job demand: it no longer shows as a job offer."""
    stored = _writable(actor, demand)
    before = snapshot(stored, ["status"])
    transition(stored, to=JobDemand.Status.CLOSED, actor=actor,
               allowed=JobDemand.TRANSITIONS, reason=reason)
    audit_record(actor=actor, action="demand.close", obj=stored, before=before,
                 after=snapshot(stored, ["status"]))
    return stored


EMPLOYER_FIELDS = ("name", "credit_code", "region_id", "address", "contact_name", "contact_phone")


def employer_snapshot(employer: Employer | None) -> dict[str, Any]:
    """An employer's record as audit values, or {} for none."""
    return {} if employer is None else snapshot(employer, EMPLOYER_FIELDS)


@transaction.atomic
def employer_save(*, actor: Any, employer: Employer, before: dict[str, Any]) -> Employer:
    """Register or correct an employer (the bureau admin's, in the admin); audited.

    `before` is the snapshot of the employer as stored before the edit ({} for a new one).
    """
    if not scope_for(actor).is_bureau:
        raise PermissionDenied(_("Only the bureau admin may register or change employers."))
    created = employer.pk is None
    employer.full_clean()
    employer.save()
    audit_record(actor=actor, action="employer.create" if created else "employer.update",
                 obj=employer, before=before, after=employer_snapshot(employer))
    return employer
