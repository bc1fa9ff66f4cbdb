"""Fixtures of the training tests: a frozen clock and a pathway with named hours."""

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from dualcert.training.tests.builders import TODAY, named_pathway


@pytest.fixture(autouse=True)
def _frozen_clock(time_machine: Any) -> None:
    """Every training test runs on the morning of TODAY, Beijing time."""
    time_machine.move_to(
        datetime(TODAY.year, TODAY.month, TODAY.day, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai")),
        tick=False,
    )
    assert date.today() == TODAY


@pytest.fixture
def electrician(world: Any) -> Any:
    """电工（五级）+ 低压电工作业, owned by world.dept_1, with known requirement hours."""
    return named_pathway(world.dept_1)
