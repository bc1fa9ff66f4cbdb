from dataclasses import asdict
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from dualcert.credentials.models import Certificate
from dualcert.insights.selectors import (
    Figures,
    headline_figures,
    median_yuan,
    percentage,
    project_funnel,
)
from dualcert.insights.tests.dataset import build

pytestmark = pytest.mark.django_db

BUREAU = Figures(
    person_times=6, completed=5, dual_certified=3, certificates=8, fees_saved=2100,
    subsidy_spent=5800, certified=5, placed=3, wage_before=3000, wage_after=5600,
)
COUNTY_A = Figures(
    person_times=4, completed=3, dual_certified=1, certificates=3, fees_saved=800,
    subsidy_spent=3600, certified=2, placed=2, wage_before=3101, wage_after=5300,
)
COUNTY_B = Figures(
    person_times=2, completed=2, dual_certified=2, certificates=5, fees_saved=1300,
    subsidy_spent=2200, certified=3, placed=1, wage_before=2800, wage_after=6000,
)
DEPT_1 = Figures(
    person_times=5, completed=4, dual_certified=2, certificates=5, fees_saved=1600,
    subsidy_spent=4800, certified=3, placed=3, wage_before=3000, wage_after=5600,
)


@pytest.fixture
def data(world: Any) -> Any:
    return build(world)


def test_bureau_headline_figures_are_exact(world, data):
    headline = headline_figures(world.users["bureau"])
    assert headline.totals == BUREAU
    assert headline.totals.employment_rate == Decimal("60.0")
    types = {(t.code, t.count) for t in headline.by_type}
    assert types == {
        (world.pathway_1.skill_certificate.code, 3), (world.pathway_1.permit.code, 2),
        (world.pathway_2.skill_certificate.code, 1), (world.pathway_2.permit.code, 2),
    }


def test_bureau_gets_one_row_per_county_using_the_workers_county(world, data):
    rows = {r.region.code: r.figures for r in headline_figures(world.users["bureau"]).counties}
    assert rows == {"652301": COUNTY_A, "652302": COUNTY_B}
    assert rows["652301"].employment_rate == Decimal("100.0")
    assert rows["652302"].employment_rate == Decimal("33.3")


def test_county_officer_sees_own_county_only(world, data):
    headline = headline_figures(world.users["county_a"])
    assert headline.totals == COUNTY_A and headline.counties == []
    assert headline_figures(world.users["county_b"]).totals == COUNTY_B


def test_county_officer_may_not_ask_for_another_county(world, data):
    with pytest.raises(PermissionDenied):
        headline_figures(world.users["county_a"], county=world.county_b)


def test_bureau_may_narrow_to_one_county(world, data):
    headline = headline_figures(world.users["bureau"], county=world.county_b)
    assert headline.totals == COUNTY_B and headline.counties == []


def test_department_officer_sees_projects_on_their_permits_pathways(world, data):
    assert headline_figures(world.users["dept_1"]).totals == DEPT_1
    dept_2 = headline_figures(world.users["dept_2"]).totals
    # b1 on project_2: S2 + P2 from the sitting; b3's imported P2 belongs to no project.
    assert asdict(dept_2) == asdict(Figures(
        person_times=1, completed=1, dual_certified=1, certificates=2, fees_saved=500,
        subsidy_spent=1000, certified=1, placed=0, wage_before=None, wage_after=None,
    ))


@pytest.mark.parametrize("user", ["inst_1", "eval_1", "employer_1", "worker_1", "outsider"])
def test_other_roles_get_no_figures(world, user):
    with pytest.raises(PermissionDenied):
        headline_figures(world.users[user])


def test_empty_prefecture_has_zeros_and_no_rate(world):
    totals = headline_figures(world.users["bureau"]).totals
    assert totals == Figures() and totals.employment_rate is None


def test_revoked_certificate_still_counts_as_issued(world, data):
    Certificate.objects.filter(worker=data.workers["a2"]).update(status="revoked")
    assert headline_figures(world.users["bureau"]).totals.certificates == 8


def test_headline_query_count_is_fixed(world, django_assert_max_num_queries, data):
    with django_assert_max_num_queries(7):
        headline_figures(world.users["bureau"])


def test_percentage_and_median_rounding():
    assert percentage(1, 3) == Decimal("33.3") and percentage(2, 3) == Decimal("66.7")
    assert percentage(1, 0) is None
    assert median_yuan([3000, 3201]) == 3101 and median_yuan([None, 5]) == 5
    assert median_yuan([None]) is None


def test_project_funnel_is_exact(world, data):
    steps = project_funnel(world.project_1)
    assert [(s.key, s.count) for s in steps] == [
        ("headcount", 15), ("enrolled", 5), ("completed", 4), ("assessed", 3),
        ("dual_certified", 2), ("hired", 3),
    ]
    assert [s.share_of_previous for s in steps] == [
        None, Decimal("33.3"), Decimal("80.0"), Decimal("75.0"), Decimal("66.7"),
        Decimal("150.0"),
    ]
    assert [s.width for s in steps] == [100, 33, 27, 20, 13, 20]


def test_funnel_of_an_empty_project_is_all_zero(world):
    steps = project_funnel(world.project_2)
    assert [s.count for s in steps] == [10, 0, 0, 0, 0, 0]
    assert steps[2].share_of_previous is None


def test_funnel_query_count_is_fixed(world, data, django_assert_num_queries):
    with django_assert_num_queries(4):
        project_funnel(world.project_1)
