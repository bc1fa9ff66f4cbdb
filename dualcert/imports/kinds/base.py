"""The contract between the import engine and each kind of import.

The engine (imports/engine.py) reads the file, maps columns to fields and hands a kind
chunks of rows inside the batch's one transaction. A kind checks each row with the same
rules as the pages (it calls the same services) and says what became of it. It never commits
and never catches database errors: the engine decides whether the batch is kept.
"""

from abc import ABC, abstractmethod
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from dualcert.core.scoping import Scope
from dualcert.imports.fields import FieldSpec


class Outcome(models.TextChoices):
    CREATED = "created", pgettext_lazy("import rows", "created")
    UPDATED = "updated", pgettext_lazy("import rows", "updated")
    UNCHANGED = "unchanged", _("unchanged")
    DUPLICATE = "duplicate", _("duplicate of an earlier row")
    REFUSED = "refused", _("refused")


@dataclass(frozen=True)
class MappedRow:
    """One data row: its row number as the spreadsheet shows it, and its cells by field key.

    Values are the raw cells (str, int, float, bool, date, datetime or None); the kind reads
    them with cells.py, so every kind reads dates, numbers and ID numbers the same way.
    """

    number: int
    values: dict[str, Any]


@dataclass(frozen=True)
class RowResult:
    number: int
    outcome: Outcome
    reasons: tuple[str, ...] = ()


@dataclass
class RunContext:
    """What a run knows besides the rows: who imports, into which project, and a scratch pad
    the kind keeps between chunks (rows seen so far, sessions found, …)."""

    actor: Any
    project: Any = None  # training.TrainingProject for enrollments, attendance and scores
    today: date | None = None
    state: dict[str, Any] = field(default_factory=dict)


class Kind(ABC):
    """Base of an import kind; subclasses set the class attributes and `process`."""

    key: str = ""
    label: str | Promise = ""
    fields: tuple[FieldSpec, ...] = ()
    needs_project: bool = False
    chunk_size: int = 500

    def field(self, key: str) -> FieldSpec:
        return next(spec for spec in self.fields if spec.key == key)

    def offered(self, scope: Scope, project: Any) -> bool:
        """Whether the upload page offers this kind (for `project`): a guess from the role and
        the project's state that costs no query and takes no lock; `check` decides."""
        return True

    @abstractmethod
    def check(self, context: RunContext) -> None:
        """Refuse the whole batch before any row is read (ValidationError / PermissionDenied):
        the actor's role, the project's state. Called at upload and again when the run starts.
        """

    @abstractmethod
    def process(self, context: RunContext, rows: Sequence[MappedRow]) -> list[RowResult]:
        """Check and write one chunk of rows; one RowResult per row, in order."""

    def finish(self, context: RunContext) -> list[RowResult]:
        """Work that waits for the last chunk (e.g. recomputing hours); may refuse rows."""
        return []


def worker_called(masked_id: str) -> str:
    """How a row's messages name a worker: by the masked ID number, never the full one."""
    return gettext("The worker with ID number %(id)s") % {"id": masked_id}


class FirstRows:
    """The first accepted row of each person (or person and session) in a file.

    A later row saying the same is a duplicate and writes nothing; one saying something
    else is refused, naming the earlier row, since the file contradicts itself.
    """

    def __init__(self) -> None:
        self._first: dict[Hashable, tuple[int, Any]] = {}

    def judge(self, key: Hashable, number: int, said: Any, *, who: str) -> RowResult | None:
        """A result for a row already seen under `key`, or None for the first one."""
        first = self._first.get(key)
        if first is None:
            return None
        row, first_said = first
        if first_said == said:
            return RowResult(number, Outcome.DUPLICATE,
                             (gettext("The same as row %(row)d.") % {"row": row},))
        return RowResult(number, Outcome.REFUSED, (
            gettext("%(who)s is already on row %(row)d with different details: keep one of "
                    "the two rows.") % {"who": who, "row": row},
        ))

    def remember(self, key: Hashable, number: int, said: Any) -> None:
        self._first.setdefault(key, (number, said))
