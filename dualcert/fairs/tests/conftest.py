"""Fixtures of the fair tests: a frozen clock on the fair's day and a fair with two booths."""

from datetime import date
from typing import Any

import pytest

from dualcert.fairs.tests.factories import FAIR_DAY, NOW, BoothFactory, JobFairFactory


@pytest.fixture(autouse=True)
def _frozen_clock(time_machine: Any) -> None:
    """Every fair test runs at 10:30 on the fair's day, Beijing time."""
    time_machine.move_to(NOW, tick=False)
    assert date.today() == FAIR_DAY


@pytest.fixture
def fair(world: Any) -> Any:
    """An open fair in county A: employer_1 at booth A01 with demand_1."""
    made = JobFairFactory(region=world.county_a)
    BoothFactory(fair=made, employer=world.employer_1, number="A01", demands=[world.demand_1])
    return made


@pytest.fixture
def wide_fair(world: Any) -> Any:
    """An open prefecture-wide fair: employer_2 at booth B01 with demand_2."""
    made = JobFairFactory(region=None, name="全州民营企业招聘会")
    BoothFactory(fair=made, employer=world.employer_2, number="B01", demands=[world.demand_2])
    return made
