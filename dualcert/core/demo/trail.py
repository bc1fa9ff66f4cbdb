"""The paper trail of generated history: state changes and audit rows at their past times."""

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.contrib.contenttypes.models import ContentType
from django.db import models

from dualcert.core.demo.writer import BulkWriter
from dualcert.core.models import AuditEntry, StateChange

STATE_COLUMNS = ("content_type", "object_pk", "from_state", "to_state", "actor", "reason", "at")
AUDIT_COLUMNS = (
    "actor", "action", "content_type", "object_pk", "object_public_id", "before", "after", "at",
)


def json_safe(values: dict[str, Any]) -> dict[str, Any]:
    """Dates as ISO text and UUIDs as strings, as `dualcert.core.audit.snapshot` stores them."""
    return {k: v.isoformat() if isinstance(v, date) else str(v) if isinstance(v, UUID) else v
            for k, v in values.items()}


class Trail:
    """Collects StateChange and AuditEntry rows; `flush` writes them in bulk."""

    def __init__(self) -> None:
        self.changes: list[tuple[Any, ...]] = []
        self.audits: list[tuple[Any, ...]] = []
        self._types: dict[type[models.Model], int] = {}

    def type_id(self, model: type[models.Model]) -> int:
        if model not in self._types:
            self._types[model] = ContentType.objects.get_for_model(model).pk
        return self._types[model]

    def path(self, model: type[models.Model], pk: int, states: Sequence[str],
             times: Sequence[datetime], actor: int | None = None) -> None:
        """One StateChange per step of `states` (first state → second at times[0], …)."""
        type_id = self.type_id(model)
        for (frm, to), when in zip(zip(states, states[1:], strict=False), times, strict=True):
            self.changes.append((type_id, pk, frm, to, actor, "", when))

    def audit(self, model: type[models.Model], pk: int, public_id: UUID | None, action: str,
              after: dict[str, Any], when: datetime, actor: int | None = None) -> None:
        self.audits.append(
            (actor, action, self.type_id(model), pk, public_id, {}, json_safe(after), when))

    def flush(self, writer: BulkWriter) -> None:
        writer.insert(StateChange, STATE_COLUMNS, self.changes)
        writer.insert(AuditEntry, AUDIT_COLUMNS, self.audits)
        self.changes, self.audits = [], []
