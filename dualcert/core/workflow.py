"""State transitions: one guarded move, claimed with a conditional update, kept as history."""

from collections.abc import Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from dualcert.core.models import NumberSequence, StateChange

# Sent after every move, inside the caller's transaction: sender is the model, `obj` the moved
# object (its status already the new one). Moves are conditional updates, which send no
# post_save; derived data that follows a status listens here.
state_changed = Signal()


def transition(
    obj: Any, *, to: str, actor: Any, allowed: Mapping[str, set[str]], reason: str = "",
    extra: Mapping[str, Any] | None = None,
) -> None:
    """Move obj.status to `to` if the table allows it; refuse with a message otherwise.

    The update is conditional on the status read, so two officers clicking at once cannot
    both move the same object (the second one gets a message, not a double move).
    """
    model = type(obj)
    current = obj.status
    if to not in allowed.get(current, set()):
        label = model.Status(current).label if hasattr(model, "Status") else current
        target = model.Status(to).label if hasattr(model, "Status") else to
        raise ValidationError(
            _("%(object)s cannot move from “%(from)s” to “%(to)s”.")
            % {"object": model._meta.verbose_name, "from": label, "to": target},
            code="illegal_transition",
        )
    values: dict[str, Any] = {"status": to, **(extra or {})}
    if any(f.name == "updated_at" for f in model._meta.fields):
        values["updated_at"] = timezone.now()
    claimed = model.objects.filter(pk=obj.pk, status=current).update(**values)
    if claimed != 1:
        raise ValidationError(
            _("%(object)s was changed by someone else meanwhile; reload the page and try again.")
            % {"object": model._meta.verbose_name},
            code="stale_state",
        )
    for name, value in values.items():
        setattr(obj, name, value)
    StateChange.objects.create(
        content_type=ContentType.objects.get_for_model(model),
        object_pk=obj.pk,
        from_state=current,
        to_state=to,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        reason=reason,
    )
    state_changed.send(sender=model, obj=obj)


def history(obj: models.Model) -> models.QuerySet[StateChange]:
    """The state changes of obj, oldest first."""
    return StateChange.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_pk=obj.pk
    ).select_related("actor")


def next_number(key: str) -> int:
    """The next value of a named counter; call inside the caller's transaction."""
    NumberSequence.objects.get_or_create(key=key)
    seq = NumberSequence.objects.select_for_update().get(key=key)
    seq.value += 1
    seq.save(update_fields=["value"])
    return seq.value
