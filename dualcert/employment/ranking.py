"""The database's half of matching: rank a demand's candidates by the score in one query.

The query reads the match index (match_index.py): the rows of the demand's certificate
types, grouped by worker into "holds / will hold each required type", scored with the
worker's place, availability, expected wage and priority group carried on the rows. It never
touches the workers or certificates tables, so its cost follows the number of holders of
the demand's types. Most lists are settled by the demand's own county first: once the last
of the list there scores more than anyone from elsewhere could (in-county rows are read
through the (type, county) index), the prefecture-wide pass is skipped. The score is the one
`matching.score_worker` computes; matching.py writes the reasons and checks each row against
the live tables.

The SQL text is built only from model metadata (table names) and numbers fixed in code;
every value goes in as a query parameter (hence the `noqa: S608` marks).
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection

# The score's parts; matching.py imports them from here so the two can never differ.
CERTIFICATE_POINTS = 60
COUNTY_POINTS = 15
TOWNSHIP_POINTS = 5
AVAILABLE_POINTS = 10
WAGE_POINTS = 5
PRIORITY_POINTS = 5
# The most a worker from another county can score: every certificate, available, within
# the pay, in a priority group.
ELSEWHERE_BEST = CERTIFICATE_POINTS + AVAILABLE_POINTS + WAGE_POINTS + PRIORITY_POINTS


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


def _marks(values: Any) -> str:
    return ", ".join(["%s"] * len(values))


def _query(demand: Any, accepted: list[frozenset[int]], today: date, size: int,
           *, county_only: bool) -> tuple[str, list[Any]]:
    from dualcert.employment.models import MatchEntry

    n = max(1, len(accepted))
    counts = "(m.held = %s AND (m.valid_until IS NULL OR m.valid_until >= %s))"
    counts_soon = f"(m.held = %s OR {counts})"
    columns, params = ["m.worker_id"], []
    for index, ids in enumerate(accepted):
        columns.append(f"MAX(CASE WHEN {counts} AND m.certificate_type_id IN ({_marks(ids)}) "
                       f"THEN 1 ELSE 0 END) AS h{index}")
        params += [True, today, *sorted(ids)]
    for index, ids in enumerate(accepted):
        columns.append(f"MAX(CASE WHEN {counts_soon} AND m.certificate_type_id IN "
                       f"({_marks(ids)}) THEN 1 ELSE 0 END) AS s{index}")
        params += [False, True, today, *sorted(ids)]
    columns += ["MAX(m.region_id) AS region_id", "MAX(m.township_id) AS township_id",
                "MAX(m.available_from) AS available_from",
                "MAX(m.expected_wage) AS expected_wage",
                "MAX(CASE WHEN m.priority = %s THEN 1 ELSE 0 END) AS priority",
                "MAX(m.name) AS name"]
    params.append(True)
    where = []
    type_ids = sorted(set().union(*accepted)) if accepted else []
    if type_ids:
        where.append(f"m.certificate_type_id IN ({_marks(type_ids)})")
        params += type_ids
    else:  # any valid certificate makes a candidate; training leads to none in particular
        where.append("m.held = %s")
        params.append(True)
    if county_only:
        where.append("m.region_id = %s")
        params.append(demand.region_id)
    # A worker counts only through a row that counts today (not an expired certificate).
    having = f"MAX(CASE WHEN {counts_soon} THEN 1 ELSE 0 END) = 1"
    params += [False, True, today]

    held = " + ".join(f"cov.h{i}" for i in range(len(accepted))) or "1"
    soon = " + ".join(f"cov.s{i}" for i in range(len(accepted))) or "1"
    township = getattr(demand, "township_id", None)
    score = (
        f"(({held}) * {2 * CERTIFICATE_POINTS} + {n}) / {2 * n}"
        f" + CASE WHEN cov.region_id = %s THEN {COUNTY_POINTS} ELSE 0 END"
        + (f" + CASE WHEN cov.township_id = %s THEN {TOWNSHIP_POINTS} ELSE 0 END"
           if township else "")
        + f" + CASE WHEN cov.available_from IS NULL OR cov.available_from <= %s"
          f" THEN {AVAILABLE_POINTS} ELSE 0 END"
        f" + CASE WHEN cov.expected_wage <= %s THEN {WAGE_POINTS} ELSE 0 END"
        f" + cov.priority * {PRIORITY_POINTS}"
    )
    head: list[Any] = [demand.region_id, *([township] if township else []), today,
                       demand.wage_max]
    tier = f"CASE WHEN {held} >= {n} THEN 2 WHEN {soon} >= {n} THEN 1 ELSE 0 END"
    table = connection.ops.quote_name(MatchEntry._meta.db_table)
    sql = (
        f"SELECT cov.worker_id, {tier} AS tier, {score} AS score, cov.priority FROM ("  # noqa: S608
        f"SELECT {', '.join(columns)} FROM {table} m WHERE {' AND '.join(where)} "
        f"GROUP BY m.worker_id HAVING {having}) cov "
        "ORDER BY tier DESC, score DESC, cov.priority DESC, cov.name, cov.worker_id LIMIT %s"
    )
    return sql, [*head, *params, size]


def _run(sql: str, params: list[Any]) -> list[Ranked]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [Ranked(pk, tier, score, bool(priority))
                for pk, tier, score, priority in cursor.fetchall()]


def ranked_workers(demand: Any, accepted: list[frozenset[int]], today: date,
                   size: int) -> list[Ranked]:
    """The best `size` candidates in the index, best first.

    `accepted` holds, per required type, the type ids that count as it (empty: the demand
    requires no certificate, and any valid certificate makes a candidate). Order: holds all
    required types, then will hold all once training ends, then score, priority group, name.
    """
    local = _run(*_query(demand, accepted, today, size, county_only=True))
    # Settled in the county when the list is full and its last row holds everything and
    # outscores anyone from elsewhere (whose rows could otherwise come between).
    if len(local) == size and local[-1].tier == 2 and local[-1].score > ELSEWHERE_BEST:
        return local
    return _run(*_query(demand, accepted, today, size, county_only=False))
