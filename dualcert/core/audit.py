"""Write audit entries; callers pass snapshots they took before and after a change."""

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple
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


class AuditChange(NamedTuple):
    """One change for `audit_record_many`: what was done to which object, before and after."""

    action: str
    obj: models.Model
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


def _entry(
    actor: Any, action: str, obj: models.Model,
    before: dict[str, Any] | None, after: dict[str, Any] | None,
) -> AuditEntry:
    before = dict(before or {})
    after = dict(after or {})
    if before and after:
        changed = {k for k in after if before.get(k) != after.get(k)}
        before = {k: v for k, v in before.items() if k in changed}
        after = {k: v for k, v in after.items() if k in changed}
    return AuditEntry(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_pk=obj.pk,
        object_public_id=getattr(obj, "public_id", None),
        before=before,
        after=after,
    )


def audit_record(
    *, actor: Any, action: str, obj: models.Model,
    before: dict[str, Any] | None = None, after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Store one audit row; only changed keys are kept when both snapshots are given."""
    entry = _entry(actor, action, obj, before, after)
    entry.save(force_insert=True)
    return entry


def audit_record_many(*, actor: Any, changes: Iterable[AuditChange]) -> list[AuditEntry]:
    """Store one audit row per change, as `audit_record` would, in one bulk insert.

    For writes of many rows at once (an import): the objects must already have their pk.
    """
    entries = [_entry(actor, *change) for change in changes]
    return AuditEntry.objects.bulk_create(entries) if entries else []
