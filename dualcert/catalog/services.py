"""Writes to the reference catalogue: every save and delete is the bureau admin's, audited."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from dualcert.catalog.models import ReferenceModel
from dualcert.core.audit import audit_record, snapshot
from dualcert.core.scoping import scope_for

_UNAUDITED = {"id", "created_at", "updated_at"}


def reference_snapshot(obj: ReferenceModel | None) -> dict[str, Any]:
    """Every stored field of a reference row (foreign keys by id), or {} for no row."""
    if obj is None:
        return {}
    names = [f.attname for f in obj._meta.concrete_fields if f.name not in _UNAUDITED]
    return snapshot(obj, names)


def _check_bureau(actor: Any) -> None:
    if not scope_for(actor).is_bureau:
        raise PermissionDenied(_("Only the bureau admin may change reference data."))


@transaction.atomic
def reference_save(*, actor: Any, obj: ReferenceModel, before: dict[str, Any]) -> ReferenceModel:
    """Create or update a reference row (region, certificate type, pathway …) and audit it.

    `before` is the snapshot of the row as stored before the edit ({} for a new row). The
    model's own validation (constraints included) runs first, so every door gets the same rules.
    """
    _check_bureau(actor)
    created = obj.pk is None
    obj.full_clean()
    obj.save()
    verb = "create" if created else "update"
    audit_record(
        actor=actor, action=f"{obj._meta.model_name}.{verb}", obj=obj,
        before=before, after=reference_snapshot(obj),
    )
    return obj


@transaction.atomic
def reference_delete(*, actor: Any, obj: ReferenceModel) -> None:
    """Delete a reference row, keeping its last contents in the audit log."""
    _check_bureau(actor)
    audit_record(
        actor=actor, action=f"{obj._meta.model_name}.delete", obj=obj,
        before=reference_snapshot(obj),
    )
    obj.delete()
