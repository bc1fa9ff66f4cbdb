"""Write audit entries; callers pass snapshots they took before and after a change."""

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.contrib.contenttypes.models import ContentType
from django.db import models

from dualcert.core.models import AuditEntry


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID | Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The named fields of obj as JSON-safe values (foreign keys by their `<name>_id`)."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def audit_record(
    *, actor: Any, action: str, obj: models.Model,
    before: dict[str, Any] | None = None, after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Store one audit row; only changed keys are kept when both snapshots are given."""
    before = dict(before or {})
    after = dict(after or {})
    if before and after:
        changed = {k for k in after if before.get(k) != after.get(k)}
        before = {k: v for k, v in before.items() if k in changed}
        after = {k: v for k, v in after.items() if k in changed}
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=user,
        action=action,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_pk=obj.pk,
        object_public_id=getattr(obj, "public_id", None),
        before=before,
        after=after,
    )
