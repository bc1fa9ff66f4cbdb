"""Figures from the follow-ups of placements: retention at 3, 6 and 12 months, wage now.

Definitions:
- retention at 3 (6, 12) months: placements whose 3-month (6-, 12-month) follow-up is done and
  found the worker still employed, over placements whose follow-up at that month is done
  (percent, one decimal). Unreachable and not yet recorded follow-ups count in neither;
- median wage at the latest follow-up: per placement, its latest done follow-up (3, 6 or 12
  months); the wage recorded there when the worker was still employed (a worker who left has
  no wage in that job and is left out).
Only placements of workers holding a certificate in scope count, as for the employment rate;
each follow-up goes to the county of the worker.
"""

from collections import defaultdict
from typing import Any

from django.db.models import QuerySet

from dualcert.credentials.models import Certificate
from dualcert.employment.models import FollowUp
from dualcert.insights.selectors.figures import Figures, median_yuan


def _done_followups(certificates: QuerySet[Certificate]) -> QuerySet[Any]:
    return (
        FollowUp.objects.filter(status=FollowUp.Status.DONE,
                                placement__worker_id__in=certificates.values("worker_id"))
        .values_list("placement__worker__region_id", "placement_id", "months",
                     "still_employed", "monthly_wage_now")
        .order_by("placement_id", "months")
    )


def _count(figures: Figures, months: int, employed: bool) -> None:
    followed, retained = f"followed_{months}", f"retained_{months}"
    setattr(figures, followed, getattr(figures, followed) + 1)
    setattr(figures, retained, getattr(figures, retained) + employed)


def add_followups(
    certificates: QuerySet[Certificate], rows: dict[Any, Figures], totals: Figures
) -> None:
    """Add retention counts and the median wage at the latest follow-up to the county rows
    and the totals: one query over the done follow-ups in scope."""
    latest: dict[int, tuple[Any, int | None]] = {}  # placement → (county, wage if employed)
    for region, placement, months, employed, wage in _done_followups(certificates):
        _count(rows[region], months, employed)
        _count(totals, months, employed)
        # Ordered by months, so the last row of a placement is its latest follow-up.
        latest[placement] = (region, wage if employed else None)
    by_region: dict[Any, list[int | None]] = defaultdict(list)
    for region, wage in latest.values():
        by_region[region].append(wage)
    for region, wages in by_region.items():
        rows[region].wage_followup = median_yuan(wages)
    totals.wage_followup = median_yuan(wage for _region, wage in latest.values())
