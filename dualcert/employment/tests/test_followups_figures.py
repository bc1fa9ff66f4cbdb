"""Follow-up outcomes move the headline figures: retention at 6 and 12 months, wage now."""

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from dualcert.employment.followups import (
    followup_mark_unreachable,
    followup_record,
    followups_schedule,
)
from dualcert.employment.tests.factories import CertificateFactory, hire
from dualcert.insights.selectors import headline_figures
from tests.factories import WorkerFactory

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")
START = date(2025, 1, 10)
EMPLOYED = {"still_employed": True, "left_reason": ""}


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    # Every checkpoint of a placement that started on START has fallen due.
    with time_machine.travel(datetime(2026, 2, 1, 10, tzinfo=BEIJING), tick=False):
        yield


@pytest.fixture
def placed(world: Any) -> dict[str, Any]:
    """Four certified workers (three in county A, one in county B) and one uncertified worker
    in county A, all hired on START: name → {months: follow-up}."""
    workers = {
        "w1": WorkerFactory(region=world.county_a), "w2": WorkerFactory(region=world.county_a),
        "w3": WorkerFactory(region=world.county_a), "w4": WorkerFactory(region=world.county_b),
        "uncertified": WorkerFactory(region=world.county_a),
    }
    out = {}
    for name, worker in workers.items():
        if name != "uncertified":
            CertificateFactory(worker=worker, issued_on=date(2024, 12, 1))
        placement = hire(worker, world.demand_1, start=START, wage=5000)
        out[name] = {f.months: f for f in followups_schedule(placement)}
    return out


def record(world: Any, followup: Any, *, wage: int | None = None, left: str = "") -> None:
    followup_record(actor=world.users["bureau"], followup=followup,
                    still_employed=wage is not None, monthly_wage_now=wage, left_reason=left)


@pytest.fixture
def outcomes(world: Any, placed: dict[str, Any]) -> dict[str, Any]:
    record(world, placed["w1"][6], wage=5200)
    record(world, placed["w1"][12], wage=5600)
    record(world, placed["w2"][6], wage=5000)
    record(world, placed["w2"][12], left="辞职")
    record(world, placed["w3"][6], left="回乡务农")
    followup_mark_unreachable(actor=world.users["bureau"], followup=placed["w3"][12],
                              reason="电话停机")
    record(world, placed["w4"][6], wage=6000)  # its 12-month follow-up stays due
    record(world, placed["uncertified"][6], wage=9000)
    record(world, placed["w1"][3], wage=5100)
    record(world, placed["w2"][3], left="工地完工")
    return placed


def test_retention_is_none_until_follow_ups_are_recorded(world, placed):
    totals = headline_figures(world.users["bureau"]).totals
    assert (totals.retention_3, totals.retention_6, totals.retention_12,
            totals.wage_followup) == (None, None, None, None)


def test_outcomes_set_retention_at_6_and_12_months_exactly(world, outcomes):
    totals = headline_figures(world.users["bureau"]).totals
    assert (totals.retained_6, totals.followed_6, totals.retention_6) == (3, 4, Decimal("75.0"))
    # w3's unreachable and w4's unrecorded 12-month follow-ups count in neither.
    assert (totals.retained_12, totals.followed_12, totals.retention_12) == (
        1, 2, Decimal("50.0"))
    county_a = headline_figures(world.users["county_a"]).totals
    assert county_a.retention_6 == Decimal("66.7") and county_a.retention_12 == Decimal("50.0")
    county_b = headline_figures(world.users["county_b"]).totals
    assert county_b.retention_6 == Decimal("100.0") and county_b.retention_12 is None


def test_a_recorded_3_month_follow_up_moves_retention_at_3_months_only(world, outcomes):
    totals = headline_figures(world.users["bureau"]).totals
    assert (totals.retained_3, totals.followed_3, totals.retention_3) == (1, 2, Decimal("50.0"))
    record(world, outcomes["w4"][3], wage=6100)
    after = headline_figures(world.users["bureau"]).totals
    assert (after.retained_3, after.followed_3) == (2, 3)
    assert (after.followed_6, after.followed_12) == (totals.followed_6, totals.followed_12)


def test_county_rows_carry_their_own_retention(world, outcomes):
    rows = {r.code: r.figures for r in headline_figures(world.users["bureau"]).counties}
    assert rows[world.county_a.code].retention_6 == Decimal("66.7")
    assert rows[world.county_b.code].retention_6 == Decimal("100.0")


def test_median_wage_now_is_taken_at_each_placements_latest_recorded_follow_up(world, outcomes):
    # w1: 5,600 at 12 months; w4: 6,000 at 6 months; w2 and w3 left at their latest one.
    assert headline_figures(world.users["bureau"]).totals.wage_followup == 5800
    assert headline_figures(world.users["county_a"]).totals.wage_followup == 5600


def test_a_left_worker_turns_retention_down_by_one(world, outcomes):
    before = headline_figures(world.users["bureau"]).totals
    record(world, outcomes["w4"][12], left="企业停产")
    after = headline_figures(world.users["bureau"]).totals
    assert (before.retention_12, after.retention_12) == (Decimal("50.0"), Decimal("33.3"))


def test_follow_ups_leave_the_employment_rate_and_wages_as_they_were(world, placed):
    before = headline_figures(world.users["bureau"]).totals
    record(world, placed["w1"][6], wage=8000)
    after = headline_figures(world.users["bureau"]).totals
    unchanged = ("followed_6", "retained_6", "wage_followup")
    assert replace(after, **{k: getattr(before, k) for k in unchanged}) == before
    assert after.employment_rate == before.employment_rate and after.wage_after == 5000


def test_headline_with_follow_ups_keeps_its_query_count(world, outcomes,
                                                        django_assert_max_num_queries):
    with django_assert_max_num_queries(7):
        headline_figures(world.users["bureau"])


def test_dashboard_shows_retention_as_percentages(client_for, world, outcomes):
    body = client_for(world.users["county_a"]).get(
        reverse("insights:dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<div class="kpi" data-kpi="retention_6"><b>66.7%</b>' in body
    assert '<div class="kpi" data-kpi="retention_12"><b>50.0%</b>' in body
    assert "2 of 3 followed up" in body


def test_headline_api_reports_retention(client_for, world, outcomes):
    body = client_for(world.users["bureau"]).get("/api/insights/headline").json()
    assert body["retention"] == {
        "followed_3": 2, "retained_3": 1, "retention_3": "50.0",
        "followed_6": 4, "retained_6": 3, "retention_6": "75.0",
        "followed_12": 2, "retained_12": 1, "retention_12": "50.0", "wage_followup": 5800}
