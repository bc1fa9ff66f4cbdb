"""One row of a project import: who it names, whether the file named them before, and its
write in a savepoint of its own.

The enrollment, attendance and score imports share these rules, so a person is recognised,
a repeated row judged and a refusal worded the same way in each.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dualcert.imports import cells
from dualcert.imports.fields import FieldSpec
from dualcert.imports.kinds.base import Outcome, RowResult
from dualcert.imports.kinds.workers import WORKER_FIELDS
from dualcert.people import idnumber
from dualcert.training.models import Enrollment, TrainingProject

T = TypeVar("T")

# The columns that say who a row is about, with the roster's own header names.
PERSON_FIELDS: tuple[FieldSpec, ...] = tuple(
    spec for spec in WORKER_FIELDS if spec.key in ("name", "id_number")
)
# Middle dots in names (买买提·艾力) are typed in several ways.
_DOTS = str.maketrans({"•": "·", "・": "·", "．": "·", ".": "·", "▪": "·"})


@dataclass(frozen=True)
class Person:
    """The name and the checked ID number a row gives."""

    name: str
    id_number: str

    @property
    def lookup(self) -> str:
        return idnumber.lookup_hash(self.id_number)

    @property
    def masked(self) -> str:
        return idnumber.mask(self.id_number)


def read_person(values: Mapping[str, Any]) -> Person:
    """The row's name and ID number, or ValidationError listing what is wrong with them."""
    messages: list[str] = []
    name = cells.text(values.get("name"))
    if not name:
        messages.append(_("The name is empty."))
    number = ""
    try:
        number = idnumber.parse(cells.id_text(values.get("id_number"))).number
    except ValidationError as exc:
        messages.extend(exc.messages)
    if messages:
        raise ValidationError(messages)
    return Person(name=name, id_number=number)


def same_name(written: str, registered: str) -> bool:
    """Names compared as people read them: spaces and the kind of middle dot do not count."""

    def plain(name: str) -> str:
        return "".join(cells.text(name).translate(_DOTS).split()).lower()

    return plain(written) == plain(registered)


def require_same_name(person: Person, registered: str) -> None:
    """Refuse a row whose name is not the one registered for its ID number."""
    if not same_name(person.name, registered):
        raise ValidationError(
            _("The name “%(name)s” is not the name registered for the ID number %(id)s "
              "(“%(registered)s”): check the name and the number.")
            % {"name": person.name, "id": person.masked, "registered": registered},
            code="id_name_mismatch",
        )


def project_enrollments(project: TrainingProject) -> dict[str, Enrollment]:
    """Every enrollment of the project by its worker's ID lookup hash (one query)."""
    enrollments = project.enrollments.select_related("worker").order_by()
    return {enrollment.worker.id_number_hash: enrollment for enrollment in enrollments}


def reasons_of(
    exc: ValidationError | PermissionDenied, labels: Mapping[str, str] | None = None
) -> tuple[str, ...]:
    """A refusal as plain messages; one about a field reads “field: message”."""
    if isinstance(exc, PermissionDenied):
        return (str(exc) or _("You may not do this."),)
    if not hasattr(exc, "error_dict"):
        return tuple(exc.messages)
    reasons = []
    for name, errors in exc.error_dict.items():
        label = (labels or {}).get(name, name)
        for message in ValidationError(errors).messages:
            reasons.append(message if name == NON_FIELD_ERRORS else f"{label}: {message}")
    return tuple(reasons)


def write_row(
    write: Callable[[], T], labels: Mapping[str, str] | None = None
) -> tuple[T | None, tuple[str, ...]]:
    """Run one row's writes in a savepoint: kept whole, or undone whole with the reasons.

    Only refusals are caught; a database error ends the batch (the engine rolls it back).
    """
    try:
        with transaction.atomic():
            return write(), ()
    except (ValidationError, PermissionDenied) as exc:
        return None, reasons_of(exc, labels)


def refused(number: int, reasons: tuple[str, ...] | list[str]) -> RowResult:
    return RowResult(number, Outcome.REFUSED, tuple(reasons))
