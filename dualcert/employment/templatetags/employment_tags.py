"""Small display helpers of the employment pages."""

from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from dualcert.employment.followups import followups_overdue_count

register = template.Library()

_BADGES = {"hired": "ok", "offered": "ok", "rejected": "bad", "declined": "bad",
           "interviewed": "warn"}


@register.filter
def referral_badge(status: str) -> str:
    """The badge class of a referral status."""
    return _BADGES.get(status, "")


@register.simple_tag
def candidate_label(referral: object) -> str:
    """How an employer sees a worker who has not applied: a short reference, no name."""
    public_id = str(getattr(referral, "public_id", ""))
    return _("Candidate #%(ref)s") % {"ref": public_id[:6]}


@register.simple_tag
def followups_overdue(user: Any) -> int:
    """How many follow-ups in the user's scope are overdue (0 for roles without any)."""
    return followups_overdue_count(user, today=timezone.localdate())
