"""The things a spreadsheet can import: workers, enrollments, attendance, scores."""

from dualcert.imports.kinds.base import Kind, MappedRow, Outcome, RowResult, RunContext

__all__ = ["Kind", "MappedRow", "Outcome", "RowResult", "RunContext", "kind_for", "all_kinds"]


def all_kinds() -> dict[str, Kind]:
    """Every import kind by its key, in the order the upload page lists them."""
    from dualcert.imports.kinds.attendance import ATTENDANCE
    from dualcert.imports.kinds.enrollments import ENROLLMENTS
    from dualcert.imports.kinds.scores import SCORES
    from dualcert.imports.kinds.workers import WORKERS

    return {kind.key: kind for kind in (WORKERS, ENROLLMENTS, ATTENDANCE, SCORES)}


def kind_for(key: str) -> Kind:
    """The import kind named `key`; KeyError for an unknown one."""
    return all_kinds()[key]
