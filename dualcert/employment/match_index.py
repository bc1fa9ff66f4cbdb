"""The match index: one narrow row per consenting worker and certificate type they hold (or
are being trained for), carrying what the score needs, so ranking a demand's candidates
reads only the rows of the demand's certificate types instead of joining every holder to
the workers table.

It is derived data. Every write that can change a worker's rows refreshes that worker in the
same transaction: saves of workers, certificates and enrollments and changes of target groups
(signals, see apps.py), state moves of certificates, enrollments and projects (the
`state_changed` signal of core.workflow), and the bulk paths that bypass signals (roster
imports call `match_refresh`, the demo generator and `dualcert match_rebuild` call
`match_rebuild`). The ranking never trusts it alone: the workers it names are loaded and
scored from the live tables (consent, certificates, training), so a stale row can cost a
place in the list but never show a worker who withdrew consent or a revoked certificate.
"""

from collections.abc import Iterable
from typing import Any

from django.db import connection

from dualcert.catalog.models import Pathway, TargetGroup
from dualcert.credentials.models import Certificate
from dualcert.people.models import Worker
from dualcert.training.models import Enrollment, TrainingProject

# Refresh in slices: an IN list of this many ids stays within every database's limits.
SLICE = 500
COLUMNS = ("worker_id", "certificate_type_id", "held", "valid_until", "region_id",
           "township_id", "available_from", "expected_wage", "priority", "name")


def _table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _marks(values: Any) -> str:
    return ", ".join(["%s"] * len(values))


def _worker_columns() -> str:
    groups = _table(Worker.target_groups.through)
    return (
        "w.region_id, w.township_id, w.available_from, w.expected_wage, "  # noqa: S608
        f"CASE WHEN EXISTS (SELECT 1 FROM {groups} g JOIN {_table(TargetGroup)} t "
        "ON t.id = g.targetgroup_id WHERE g.worker_id = w.id AND t.priority = %s) "
        "THEN %s ELSE %s END, w.name"
    )


def _insert_sql(only: list[int] | None) -> tuple[str, list[Any]]:
    """INSERT … SELECT of the rows of the given workers (all workers without a list)."""
    from dualcert.employment.models import MatchEntry

    of_workers = f" AND w.id IN ({_marks(only)})" if only is not None else ""
    certificate = _table(Certificate)
    enrollment, project = _table(Enrollment), _table(TrainingProject)
    pathway = _table(Pathway)
    held = (
        f"SELECT c.worker_id, c.certificate_type_id, %s, "  # noqa: S608
        "CASE WHEN COUNT(*) > COUNT(c.expires_on) THEN NULL ELSE MAX(c.expires_on) END, "
        f"{_worker_columns()} FROM {certificate} c JOIN {_table(Worker)} w ON w.id = c.worker_id "
        f"WHERE c.status = %s AND w.consent_recommend = %s{of_workers} "
        "GROUP BY c.worker_id, c.certificate_type_id, w.id, w.region_id, w.township_id, "
        "w.available_from, w.expected_wage, w.name"
    )
    params: list[Any] = [True, True, True, False, Certificate.Status.VALID, True,
                         *(only or [])]
    parts = [held]
    for column in ("permit_id", "skill_certificate_id"):
        parts.append(
            f"SELECT DISTINCT e.worker_id, p.{column}, %s, CAST(NULL AS DATE), {_worker_columns()} "  # noqa: S608
            f"FROM {enrollment} e JOIN {project} tp ON tp.id = e.project_id "
            f"JOIN {pathway} p ON p.id = tp.pathway_id JOIN {_table(Worker)} w "
            "ON w.id = e.worker_id WHERE e.status IN (%s, %s) AND tp.status IN (%s, %s) "
            f"AND w.consent_recommend = %s{of_workers}"
        )
        params += [False, True, True, False, Enrollment.Status.ENROLLED,
                   Enrollment.Status.COMPLETED, TrainingProject.Status.TRAINING,
                   TrainingProject.Status.ASSESSING, True, *(only or [])]
    columns = ", ".join(COLUMNS)
    sql = f"INSERT INTO {_table(MatchEntry)} ({columns}) " + " UNION ".join(parts)
    return sql, params


def match_refresh(worker_ids: Iterable[int]) -> None:
    """Rewrite the index rows of these workers from the live tables."""
    from dualcert.employment.models import MatchEntry

    ids = sorted({pk for pk in worker_ids if pk is not None})
    with connection.cursor() as cursor:
        for first in range(0, len(ids), SLICE):
            part = ids[first:first + SLICE]
            cursor.execute(
                f"DELETE FROM {_table(MatchEntry)} WHERE worker_id IN ({_marks(part)})",  # noqa: S608
                part,
            )
            cursor.execute(*_insert_sql(part))


def match_rebuild() -> int:
    """Rewrite the whole index (after bulk loads); returns the number of rows."""
    from dualcert.employment.models import MatchEntry

    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {_table(MatchEntry)}")  # noqa: S608
        cursor.execute(*_insert_sql(None))
    return MatchEntry.objects.count()


def refresh_project(project_id: int) -> None:
    """A project moved: its enrolled workers' training rows may come or go."""
    match_refresh(Enrollment.objects.filter(project_id=project_id)
                  .values_list("worker_id", flat=True))
