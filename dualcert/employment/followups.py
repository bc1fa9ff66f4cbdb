"""Follow-ups of placements: scheduling at hire, recording outcomes, the officers' worklist.

A placement gets one follow-up at 3, 6 and 12 months after its start. The worker's county
officer (or the bureau) records, once it falls due, whether the worker is still employed and
at what wage, or that the worker could not be reached.

Decisions:
- due date: the start date plus N calendar months, clamped to the last day of a shorter
  month (2026-11-30 + 3 months = 2027-02-28; 2027-11-29 + 3 months = 2028-02-29);
- overdue: still due after its due date (due on the day itself is not yet overdue);
- correction: a recorded outcome may be recorded again within 30 days of recording it
  (audited, kept in the history); after that it is refused, so published retention figures
  do not shift under the bureau's feet. A worker marked unreachable may be recorded later.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from dualcert.core.audit import audit_record, snapshot
from dualcert.core.scoping import Role, get_for, scope_for
from dualcert.core.workflow import transition
from dualcert.employment.models import FollowUp, Placement

FOLLOWUP_ROLES = (Role.BUREAU, Role.COUNTY)
UPCOMING_DAYS = 14
CORRECTION_DAYS = 30
OUTCOME_FIELDS = ("status", "still_employed", "monthly_wage_now", "left_reason",
                  "recorded_by_id")


def due_date_for(start: date, months: int) -> date:
    """The start date plus whole calendar months, clamped to the end of a shorter month."""
    month0 = start.month - 1 + months
    year, month = start.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def followups_schedule(placement: Placement) -> list[FollowUp]:
    """Create the placement's 3-, 6- and 12-month follow-ups (call inside the hire's
    transaction; the hire's own audit row covers them)."""
    return FollowUp.objects.bulk_create([
        FollowUp(placement=placement, months=months,
                 due_date=due_date_for(placement.start_date, months))
        for months in FollowUp.CHECKPOINTS
    ])


# ---- writes --------------------------------------------------------------------------------

def _require_officer(actor: Any, followup: FollowUp) -> None:
    if not FollowUp.objects.writable_by(actor).filter(pk=followup.pk).exists():
        raise PermissionDenied(
            _("Only an employment officer of the worker's county may record this follow-up.")
        )


def _require_due(followup: FollowUp, today: date) -> None:
    if followup.due_date > today:
        raise ValidationError(
            _("This follow-up falls due on %(date)s; it can be recorded from that day on.")
            % {"date": formats.date_format(followup.due_date, "Y-m-d")},
            code="not_due",
        )


def _require_correctable(followup: FollowUp) -> None:
    if followup.status != FollowUp.Status.DONE or followup.recorded_at is None:
        return
    if timezone.now() - followup.recorded_at > timedelta(days=CORRECTION_DAYS):
        raise ValidationError(
            _("This follow-up was recorded more than %(days)d days ago and can no longer be "
              "corrected.") % {"days": CORRECTION_DAYS},
            code="too_late",
        )


def _outcome(still_employed: bool, monthly_wage_now: int | None,
             left_reason: str) -> dict[str, Any]:
    reason = (left_reason or "").strip()
    if still_employed:
        if monthly_wage_now is None or monthly_wage_now < 1:
            raise ValidationError(
                _("Enter the worker's monthly wage now in whole yuan (at least 1)."),
                code="monthly_wage_now",
            )
        return {"still_employed": True, "monthly_wage_now": monthly_wage_now, "left_reason": ""}
    if not reason:
        raise ValidationError(
            _("Enter why the worker is no longer in this job."), code="left_reason"
        )
    return {"still_employed": False, "monthly_wage_now": None, "left_reason": reason}


def _move(actor: Any, followup: FollowUp, *, to: str, action: str, reason: str,
          extra: dict[str, Any]) -> FollowUp:
    before = snapshot(followup, OUTCOME_FIELDS)
    values = {**extra, "recorded_by": actor, "recorded_at": timezone.now()}
    transition(followup, to=to, actor=actor, allowed=FollowUp.TRANSITIONS, reason=reason,
               extra=values)
    audit_record(actor=actor, action=action, obj=followup, before=before,
                 after=snapshot(followup, OUTCOME_FIELDS))
    return followup


@transaction.atomic
def followup_record(
    *, actor: Any, followup: FollowUp, still_employed: bool, monthly_wage_now: int | None,
    left_reason: str = "",
) -> FollowUp:
    """Record a follow-up's outcome: still employed with the wage now, or the reason for
    leaving. Only the worker's county officer or the bureau, only once it falls due; a
    recorded outcome may be corrected within 30 days."""
    _require_officer(actor, followup)
    _require_due(followup, timezone.localdate())
    _require_correctable(followup)
    values = _outcome(still_employed, monthly_wage_now, left_reason)
    correction = followup.status == FollowUp.Status.DONE
    return _move(actor, followup, to=FollowUp.Status.DONE,
                 action="followup.correct" if correction else "followup.record",
                 reason=_("Corrected.") if correction else "", extra=values)


@transaction.atomic
def followup_mark_unreachable(*, actor: Any, followup: FollowUp, reason: str) -> FollowUp:
    """The officer could not reach the worker for a due follow-up; the reason is kept in the
    history. The outcome may still be recorded later."""
    _require_officer(actor, followup)
    _require_due(followup, timezone.localdate())
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            _("Say how you tried to reach the worker."), code="reason"
        )
    return _move(actor, followup, to=FollowUp.Status.UNREACHABLE,
                 action="followup.unreachable", reason=reason,
                 extra={"still_employed": None, "monthly_wage_now": None, "left_reason": ""})


# ---- reads ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class WorklistRow:
    followup: FollowUp
    overdue: bool


_ROW_RELATIONS = ("placement", "placement__worker", "placement__employer")


def _visible(user: Any) -> QuerySet[FollowUp]:
    return FollowUp.objects.visible_to(user).select_related(*_ROW_RELATIONS)


def followups_due_for(user: Any, *, today: date) -> list[WorklistRow]:
    """The worklist: follow-ups still due on or before today and those falling due within
    14 days, overdue first (by due date). One query. Roles without follow-ups: 403."""
    if scope_for(user).role not in FOLLOWUP_ROLES:
        raise PermissionDenied
    qs = _visible(user).filter(
        status=FollowUp.Status.DUE, due_date__lte=today + timedelta(days=UPCOMING_DAYS)
    ).order_by("due_date", "pk")
    return [WorklistRow(f, f.due_date < today) for f in qs]


def followups_overdue_count(user: Any, *, today: date) -> int:
    """How many follow-ups in the user's scope are past their due date and not recorded."""
    if scope_for(user).role not in FOLLOWUP_ROLES:
        return 0
    return FollowUp.objects.visible_to(user).filter(
        status=FollowUp.Status.DUE, due_date__lt=today
    ).count()


def followup_get_for(user: Any, public_id: UUID | str) -> FollowUp:
    """One follow-up in the user's scope; not visible → 404."""
    return get_for(FollowUp.objects.select_related(*_ROW_RELATIONS), user, public_id)
