"""The database's half of matching: rank a demand's candidates by the score in one query.

The query starts from the certificates of the types that count (and from enrollments in
projects under way whose pathway leads to one), groups them by worker into "holds / will
hold each required type", and only then joins the workers those rows name. It never scans
the workers table, so its cost follows the number of holders of the demand's certificate
types, not the number of workers. The score is the one `matching.score_worker` computes;
matching.py writes the reasons for the rows this returns.

The SQL text is built only from model metadata (table names) and numbers fixed in code;
every value goes in as a query parameter (hence the `noqa: S608` marks).
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection

from dualcert.catalog.models import Pathway, TargetGroup
from dualcert.credentials.models import Certificate
from dualcert.people.models import Worker
from dualcert.training.models import Enrollment, TrainingProject

# The score's parts; matching.py imports them from here so the two can never differ.
CERTIFICATE_POINTS = 60
COUNTY_POINTS = 15
TOWNSHIP_POINTS = 5
AVAILABLE_POINTS = 10
WAGE_POINTS = 5
PRIORITY_POINTS = 5


def _table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _marks(values: Any) -> str:
    return ", ".join(["%s"] * len(values))


def _coverage_rows(type_ids: list[int], today: date, params: list[Any]) -> str:
    """(worker_id, type_id, held) of valid certificates and of training under way."""
    certificate, enrollment = _table(Certificate), _table(Enrollment)
    project, pathway = _table(TrainingProject), _table(Pathway)
    of_types = f"certificate_type_id IN ({_marks(type_ids)}) AND " if type_ids else ""
    params += [*type_ids, Certificate.Status.VALID, today]
    parts = [
        f"SELECT worker_id, certificate_type_id AS type_id, 1 AS held FROM {certificate} "  # noqa: S608
        f"WHERE {of_types}status = %s AND (expires_on IS NULL OR expires_on >= %s)"
    ]
    if type_ids:  # without required types, training leads to nothing the demand asks for
        for column in ("permit_id", "skill_certificate_id"):
            parts.append(
                f"SELECT e.worker_id, p.{column}, 0 FROM {enrollment} e "  # noqa: S608
                f"JOIN {project} tp ON tp.id = e.project_id "
                f"JOIN {pathway} p ON p.id = tp.pathway_id "
                f"WHERE e.status IN (%s, %s) AND tp.status IN (%s, %s) "
                f"AND p.{column} IN ({_marks(type_ids)})"
            )
            params += [Enrollment.Status.ENROLLED, Enrollment.Status.COMPLETED,
                       TrainingProject.Status.TRAINING, TrainingProject.Status.ASSESSING,
                       *type_ids]
    return " UNION ALL ".join(parts)


@dataclass(frozen=True)
class Ranked:
    """One row of the database's ranking: the sort key up to (not including) the name."""

    worker_id: int
    tier: int  # 2: holds every required type; 1: will, once training ends; 0: neither
    score: int
    priority: bool

    @property
    def key(self) -> tuple[int, int, bool]:
        return self.tier, self.score, self.priority


def ranked_workers(demand: Any, accepted: list[frozenset[int]], today: date,
                   size: int) -> list[Ranked]:
    """The best `size` consenting candidates, best first.

    `accepted` holds, per required type, the type ids that count as it (empty: the demand
    requires no certificate, and any valid certificate makes a candidate). Order: holds all
    required types, then will hold all once training ends, then score, priority group, name.
    """
    n = max(1, len(accepted))
    held = " + ".join(f"cov.h{i}" for i in range(len(accepted))) or "1"
    soon = " + ".join(f"cov.s{i}" for i in range(len(accepted))) or "1"
    township = getattr(demand, "township_id", None)
    score = (
        f"(({held}) * {2 * CERTIFICATE_POINTS} + {n}) / {2 * n}"
        f" + CASE WHEN w.region_id = %s THEN {COUNTY_POINTS} ELSE 0 END"
        + (f" + CASE WHEN w.township_id = %s THEN {TOWNSHIP_POINTS} ELSE 0 END"
           if township else "")
        + f" + CASE WHEN w.available_from IS NULL OR w.available_from <= %s"
          f" THEN {AVAILABLE_POINTS} ELSE 0 END"
        f" + CASE WHEN w.expected_wage <= %s THEN {WAGE_POINTS} ELSE 0 END"
        f" + CASE WHEN pr.worker_id IS NULL THEN 0 ELSE {PRIORITY_POINTS} END"
    )
    params: list[Any] = [demand.region_id, *([township] if township else []), today,
                         demand.wage_max]
    columns = ["c.worker_id"]
    for index, ids in enumerate(accepted):
        columns.append(f"MAX(CASE WHEN c.held = 1 AND c.type_id IN ({_marks(ids)}) "
                       f"THEN 1 ELSE 0 END) AS h{index}")
        params += sorted(ids)
    for index, ids in enumerate(accepted):
        columns.append(f"MAX(CASE WHEN c.type_id IN ({_marks(ids)}) THEN 1 ELSE 0 END) "
                       f"AS s{index}")
        params += sorted(ids)
    type_ids = sorted(set().union(*accepted)) if accepted else []
    coverage = _coverage_rows(type_ids, today, params)
    priority = (
        f"LEFT JOIN (SELECT DISTINCT g.worker_id FROM {_table(Worker.target_groups.through)} g "  # noqa: S608
        f"JOIN {_table(TargetGroup)} t ON t.id = g.targetgroup_id WHERE t.priority = %s) pr "
        "ON pr.worker_id = w.id"
    )
    params += [True, True, size]
    tier = (f"CASE WHEN {held} >= {n} THEN 2 WHEN {soon} >= {n} THEN 1 ELSE 0 END")
    sql = (
        f"SELECT w.id, {tier} AS tier, {score} AS score, "  # noqa: S608
        f"CASE WHEN pr.worker_id IS NULL THEN 0 ELSE 1 END AS priority FROM ("
        f"SELECT {', '.join(columns)} FROM ({coverage}) c GROUP BY c.worker_id) cov "
        f"JOIN {_table(Worker)} w ON w.id = cov.worker_id {priority} "
        f"WHERE w.consent_recommend = %s "
        f"ORDER BY tier DESC, score DESC, priority DESC, w.name, w.id LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [Ranked(pk, tier, score, bool(priority))
                for pk, tier, score, priority in cursor.fetchall()]
