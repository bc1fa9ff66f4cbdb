from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dualcert.core.workflow import transition
from dualcert.employment.matching import candidates_for_demand
from dualcert.employment.models import Referral
from dualcert.employment.tests.factories import ReferralFactory
from dualcert.fairs import selectors
from dualcert.fairs.models import Booth, FairCheckIn, JobFair
from dualcert.fairs.tests.factories import (
    BoothFactory,
    JobFairFactory,
    at_fair,
    certify,
    check_in,
)
from tests.factories import EmployerFactory, JobDemandFactory, WorkerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fairs(world: Any) -> dict[str, Any]:
    made = {
        "a_open": JobFairFactory(region=world.county_a, status="open"),
        "a_closed": JobFairFactory(region=world.county_a, status="closed"),
        "b_planned": JobFairFactory(region=world.county_b, status="planned"),
        "wide": JobFairFactory(region=None, status="planned"),
    }
    BoothFactory(fair=made["a_closed"], employer=world.employer_1)
    BoothFactory(fair=made["wide"], employer=world.employer_2)
    return made


@pytest.mark.parametrize("user,visible", [
    ("bureau", {"a_open", "a_closed", "b_planned", "wide"}),
    ("county_a", {"a_open", "a_closed", "wide"}),
    ("county_b", {"b_planned", "wide"}),
    ("employer_1", {"a_closed"}),
    ("employer_2", {"wide"}),
    ("worker_1", {"a_open", "wide"}),
    ("worker_2", {"b_planned", "wide"}),
    ("inst_1", set()), ("dept_1", set()), ("eval_1", set()), ("outsider", set()),
])
def test_fairs_visible_to_each_role(world, fairs, user, visible):
    seen = set(JobFair.objects.visible_to(world.users[user]).values_list("pk", flat=True))
    assert seen == {fairs[k].pk for k in visible}


@pytest.mark.parametrize("user,writable", [
    ("bureau", {"a_open", "a_closed", "b_planned", "wide"}),
    ("county_a", {"a_open", "a_closed"}),
    ("employer_1", set()), ("worker_1", set()), ("outsider", set()),
])
def test_fairs_organised_by_each_role(world, fairs, user, writable):
    seen = set(JobFair.objects.writable_by(world.users[user]).values_list("pk", flat=True))
    assert seen == {fairs[k].pk for k in writable}


def test_booths_and_check_ins_follow_their_fair(world, fairs):
    check_in(fairs["a_open"], world.worker_1)
    check_in(fairs["wide"], world.worker_2)
    assert Booth.objects.visible_to(world.users["county_b"]).get().fair == fairs["wide"]
    assert Booth.objects.visible_to(world.users["outsider"]).count() == 0
    mine = FairCheckIn.objects.visible_to(world.users["worker_1"])
    assert [c.worker for c in mine] == [world.worker_1]
    assert FairCheckIn.objects.visible_to(world.users["county_b"]).get().worker == world.worker_2


# ---- pre-match ------------------------------------------------------------------------------

def _fair_of(employers: int, demands: int, candidates: int, world: Any) -> Any:
    fair: Any = JobFairFactory(region=world.county_a)
    for _ in range(employers):
        employer = EmployerFactory(region=world.county_a)
        wanted = [JobDemandFactory(employer=employer) for _ in range(demands)]
        BoothFactory(fair=fair, employer=employer, demands=wanted)
        for demand in wanted:
            for _ in range(candidates):
                worker: Any = WorkerFactory(region=world.county_a)
                certify(worker, demand)
                if worker.pk % 2:
                    check_in(fair, worker)
                if worker.pk % 3 == 0:
                    ReferralFactory(demand=demand, worker=worker)
    return fair


def _prematch_queries(fair: JobFair, world: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        result = selectors.fair_prematch(fair=fair, today=timezone.localdate(),
                                         viewer=world.users["county_a"])
        for booth in result:
            for item in booth.demands:
                for row in item.rows:
                    _ = (row.candidate.worker.region.name, row.referral, row.checked_in,
                         [c.certificate_type.name for c in row.candidate.certificates])
    return len(ctx.captured_queries)


def _matching_queries(demand: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        candidates_for_demand(demand=demand, today=timezone.localdate(), limit=50)
    return len(ctx.captured_queries)


def test_prematch_queries_are_fixed_per_demand_whatever_the_candidates(world):
    few = _prematch_queries(_fair_of(2, 2, 1, world), world)
    many_fair = _fair_of(2, 2, 4, world)
    many = _prematch_queries(many_fair, world)
    assert few == many
    # Booths and demands (2), then what matching costs for each of the four demands, then
    # the referrals and the check-ins of all candidates together (2): none per candidate.
    per_demand = _matching_queries(many_fair.booths.first().demands.first())
    assert many == 2 + per_demand * 4 + 2


def test_prematch_marks_checked_in_candidates_and_their_referrals(world, fair):
    here, away = WorkerFactory(region=world.county_a), WorkerFactory(region=world.county_a)
    certify(here, world.demand_1)
    certify(away, world.demand_1)
    check_in(fair, here)
    referral = ReferralFactory(demand=world.demand_1, worker=away)
    [booth] = selectors.fair_prematch(fair=fair, today=timezone.localdate())
    rows = {r.candidate.worker: r for r in booth.demands[0].rows}
    assert rows[here].checked_in and rows[here].referral is None
    assert not rows[away].checked_in and rows[away].referral == referral


def test_prematch_masks_names_for_the_employer_until_the_worker_applies(world, fair):
    invited, applied = WorkerFactory(region=world.county_a), WorkerFactory(region=world.county_a)
    for worker in (invited, applied):
        certify(worker, world.demand_1)
    ReferralFactory(demand=world.demand_1, worker=invited)
    ReferralFactory(demand=world.demand_1, worker=applied, status="applied")
    [booth] = selectors.fair_prematch(fair=fair, today=timezone.localdate(),
                                      viewer=world.users["employer_1"])
    shown = {r.candidate.worker: r.shown for r in booth.demands[0].rows}
    assert shown == {invited: False, applied: True}


def test_prematch_lists_visitors_ranked_below_the_list(world, fair):
    workers = [WorkerFactory(region=world.county_a) for _ in range(4)]
    for w in workers:
        certify(w, world.demand_1)
    [booth] = selectors.fair_prematch(fair=fair, today=timezone.localdate(), limit=2)
    ranked = [r.candidate.worker for r in booth.demands[0].rows]
    last = next(w for w in workers if w not in ranked)
    check_in(fair, last)
    [booth] = selectors.fair_prematch(fair=fair, today=timezone.localdate(), limit=2)
    assert len(booth.demands[0].rows) == 2
    assert [r.candidate.worker for r in booth.demands[0].also_here] == [last]


def test_prematch_leaves_out_workers_who_did_not_consent(world, fair):
    shy = WorkerFactory(region=world.county_a, consent_recommend=False)
    certify(shy, world.demand_1)
    [booth] = selectors.fair_prematch(fair=fair, today=timezone.localdate())
    assert booth.demands[0].rows == []


# ---- results --------------------------------------------------------------------------------

def _through(referral: Referral, *states: str, actor: Any = None) -> None:
    for state in states:
        transition(referral, to=state, actor=actor, allowed=Referral.TRANSITIONS)


def test_results_count_each_step_reached_even_when_later_declined(world, fair):
    booth_1 = fair.booths.get()
    demand_3 = JobDemandFactory(employer=world.employer_2, region=world.county_a)
    booth_2 = BoothFactory(fair=fair, employer=world.employer_2, number="A02",
                           demands=[demand_3])
    workers = [WorkerFactory(region=world.county_a) for _ in range(6)]
    for w in workers[:4]:
        check_in(fair, w)
    plan = [
        (booth_1, world.demand_1, workers[0], ("applied",)),
        (booth_1, world.demand_1, workers[1], ("applied", "interviewed", "declined")),
        (booth_1, world.demand_1, workers[2], ("applied", "interviewed", "offered", "declined")),
        (booth_1, world.demand_1, workers[3], ("applied", "interviewed", "offered", "hired")),
        (booth_2, demand_3, workers[3], ("applied", "interviewed", "rejected")),
        (booth_2, demand_3, workers[4], ()),
    ]
    for booth, demand, worker, states in plan:
        referral = ReferralFactory(demand=demand, worker=worker)
        _through(referral, *states)
        at_fair(booth, referral)
    # A referral made outside the fair does not count.
    _through(ReferralFactory(demand=world.demand_1, worker=workers[5]), "applied", "interviewed")

    with CaptureQueriesContext(connection) as ctx:
        results = selectors.fair_results(fair=fair)
    assert len(ctx.captured_queries) <= 5
    rows = {r.booth: r.figures for r in results.booths}
    assert rows[booth_1] == selectors.ResultRow(referrals=4, workers=4, interviewed=3,
                                                offered=2, hired=1)
    assert rows[booth_2] == selectors.ResultRow(referrals=2, workers=2, interviewed=1,
                                                offered=0, hired=0)
    assert results.totals == selectors.ResultRow(referrals=6, workers=5, interviewed=4,
                                                 offered=2, hired=1)
    assert results.visitors == 4 and results.visitors_referred == 4


def test_results_count_states_reached_without_recorded_history(world, fair):
    hired = ReferralFactory(demand=world.demand_1, worker=world.worker_1, status="hired")
    at_fair(fair.booths.get(), hired)
    assert selectors.fair_results(fair=fair).totals == selectors.ResultRow(
        referrals=1, workers=1, interviewed=1, offered=1, hired=1)


def test_results_for_an_employer_hold_its_booth_only(world, fair):
    other = BoothFactory(fair=fair, employer=world.employer_2, number="A02",
                         demands=[world.demand_2])
    at_fair(other, ReferralFactory(demand=world.demand_2, worker=world.worker_2))
    results = selectors.fair_results(fair=fair, employer_id=world.employer_1.pk)
    assert [r.booth.employer for r in results.booths] == [world.employer_1]
    assert results.totals.referrals == 0
