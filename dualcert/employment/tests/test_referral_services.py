from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dualcert.core.models import AuditEntry
from dualcert.core.workflow import history
from dualcert.demand.models import JobDemand
from dualcert.employment import services
from dualcert.employment.models import Placement, Referral
from dualcert.employment.tests.factories import CertificateFactory, ReferralFactory, hire

pytestmark = pytest.mark.django_db

SERVICES = {
    "apply": services.referral_apply,
    "interview": services.referral_interview,
    "offer": services.referral_offer,
    "reject": services.referral_reject,
    "decline": services.referral_decline,
}
RIGHT_ACTOR = {
    "apply": "worker_1", "interview": "employer_1", "offer": "employer_1",
    "reject": "employer_1", "decline": "worker_1", "hire": "employer_1",
}
WRONG_ACTORS = {
    "apply": ["employer_1", "employer_2", "worker_2", "county_b", "inst_1", "dept_1", "outsider"],
    "interview": ["worker_1", "county_a", "bureau", "employer_2", "outsider"],
    "offer": ["worker_1", "county_a", "bureau", "employer_2"],
    "reject": ["worker_1", "county_a", "bureau", "employer_2"],
    "decline": ["employer_1", "worker_2", "county_b", "eval_1"],
    "hire": ["worker_1", "county_a", "bureau", "employer_2"],
}
ALL_STATES = [s.value for s in Referral.Status]


def from_states(verb: str) -> list[str]:
    target = services.MOVES[verb][0]
    return [s for s in ALL_STATES if target in Referral.TRANSITIONS[s]]


def run(verb: str, actor: Any, referral: Referral) -> Any:
    if verb == "hire":
        return services.referral_hire(actor=actor, referral=referral, start_date=date(2026, 4, 1),
                                      monthly_wage=6000, contract_type="fixed")
    return SERVICES[verb](actor=actor, referral=referral)


@pytest.fixture
def holder(world: Any) -> Any:
    CertificateFactory(worker=world.worker_1)
    return world.worker_1


def referral_in(world: Any, status: str, **kwargs: Any) -> Any:
    return ReferralFactory(demand=world.demand_1, worker=world.worker_1, status=status, **kwargs)


# ---- recommend -------------------------------------------------------------------------

def test_officer_recommends_a_candidate_with_score_and_reasons(world, holder):
    referral = services.referral_recommend(
        actor=world.users["county_a"], demand=world.demand_1, worker=holder)
    assert referral.status == Referral.Status.RECOMMENDED
    assert referral.score == 60 + 15 + 10  # no certificate required, same county, available
    assert len(referral.reasons) >= 3
    assert AuditEntry.objects.filter(action="referral.create", object_pk=referral.pk).exists()


def test_employer_of_the_demand_may_invite_a_candidate(world, holder):
    referral = services.referral_recommend(
        actor=world.users["employer_1"], demand=world.demand_1, worker=holder)
    assert referral.status == Referral.Status.RECOMMENDED and referral.applied_at is None


def test_county_officer_may_recommend_own_worker_to_another_countys_demand(world):
    CertificateFactory(worker=world.worker_2)
    referral = services.referral_recommend(
        actor=world.users["county_b"], demand=world.demand_1, worker=world.worker_2)
    assert referral.demand == world.demand_1


def test_recommend_refused_without_the_workers_consent(world, holder):
    holder.consent_recommend = False
    holder.save()
    with pytest.raises(ValidationError, match="not agreed to be recommended"):
        services.referral_recommend(actor=world.users["bureau"], demand=world.demand_1,
                                    worker=holder)
    assert not Referral.objects.exists()


@pytest.mark.parametrize("status", ["filled", "closed"])
def test_recommend_refused_when_the_demand_is_not_open(world, holder, status):
    JobDemand.objects.filter(pk=world.demand_1.pk).update(status=status)
    world.demand_1.refresh_from_db()
    with pytest.raises(ValidationError, match="only open demands"):
        services.referral_recommend(actor=world.users["bureau"], demand=world.demand_1,
                                    worker=holder)


def test_recommend_refused_twice_for_the_same_worker_and_demand(world, holder):
    services.referral_recommend(actor=world.users["bureau"], demand=world.demand_1, worker=holder)
    with pytest.raises(ValidationError, match="already referred"):
        services.referral_recommend(actor=world.users["employer_1"], demand=world.demand_1,
                                    worker=holder)
    assert Referral.objects.count() == 1


def test_recommend_refused_for_a_worker_without_any_certificate_the_job_asks_for(world):
    with pytest.raises(ValidationError, match="holds no valid certificate"):
        services.referral_recommend(actor=world.users["bureau"], demand=world.demand_1,
                                    worker=world.worker_1)


@pytest.mark.parametrize("user", ["worker_1", "inst_1", "dept_1", "eval_1", "employer_2",
                                  "county_b", "outsider"])
def test_recommend_refused_for_roles_without_a_part_in_it(world, holder, user):
    with pytest.raises(PermissionDenied):
        services.referral_recommend(actor=world.users[user], demand=world.demand_1,
                                    worker=holder)


# ---- one-tap apply -----------------------------------------------------------------------

def test_worker_applies_in_one_tap(world):
    referral = services.referral_apply_self(actor=world.users["worker_1"], demand=world.demand_1)
    assert referral.status == Referral.Status.APPLIED and referral.applied_at is not None
    moves = [(h.from_state, h.to_state, h.actor) for h in history(referral)]
    assert moves == [("recommended", "applied", world.users["worker_1"])]
    actions = set(AuditEntry.objects.filter(object_pk=referral.pk).values_list("action", flat=True))
    assert {"referral.create", "referral.apply"} <= actions


def test_one_tap_apply_accepts_an_invitation(world):
    invited = referral_in(world, "recommended")
    referral = services.referral_apply_self(actor=world.users["worker_1"], demand=world.demand_1)
    assert referral.pk == invited.pk and referral.status == "applied"


def test_one_tap_apply_refused_when_already_applied(world):
    referral_in(world, "interviewed")
    with pytest.raises(ValidationError, match="already applied"):
        services.referral_apply_self(actor=world.users["worker_1"], demand=world.demand_1)


def test_one_tap_apply_refused_for_a_closed_demand(world):
    JobDemand.objects.filter(pk=world.demand_1.pk).update(status="closed")
    world.demand_1.refresh_from_db()
    with pytest.raises(ValidationError, match="only open demands"):
        services.referral_apply_self(actor=world.users["worker_1"], demand=world.demand_1)


@pytest.mark.parametrize("user", ["employer_1", "county_a", "bureau", "outsider"])
def test_one_tap_apply_is_for_workers_only(world, user):
    with pytest.raises(PermissionDenied):
        services.referral_apply_self(actor=world.users[user], demand=world.demand_1)


# ---- every move: wrong state, wrong role ---------------------------------------------

@pytest.mark.parametrize("verb,state", [
    (verb, state) for verb in RIGHT_ACTOR for state in ALL_STATES if state not in from_states(verb)
])
def test_move_refused_from_the_wrong_state(world, verb, state):
    referral = referral_in(world, state)
    with pytest.raises(ValidationError):
        run(verb, world.users[RIGHT_ACTOR[verb]], referral)
    referral.refresh_from_db()
    assert referral.status == state
    assert not Placement.objects.exists()


@pytest.mark.parametrize("verb,user", [
    (verb, user) for verb, users in WRONG_ACTORS.items() for user in users
])
def test_move_refused_for_the_wrong_role(world, verb, user):
    referral = referral_in(world, from_states(verb)[0])
    with pytest.raises(PermissionDenied):
        run(verb, world.users[user], referral)
    referral.refresh_from_db()
    assert referral.status == from_states(verb)[0]


@pytest.mark.parametrize("verb", list(RIGHT_ACTOR))
def test_each_move_is_kept_in_history_and_audited(world, verb):
    state = from_states(verb)[0]
    referral = referral_in(world, state)
    run(verb, world.users[RIGHT_ACTOR[verb]], referral)
    referral.refresh_from_db()
    assert referral.status == services.MOVES[verb][0]
    assert [(h.from_state, h.to_state) for h in history(referral)] == [(state, referral.status)]
    entry = AuditEntry.objects.get(action=f"referral.{verb}", object_pk=referral.pk)
    assert entry.before == {"status": state} and entry.after == {"status": referral.status}


@pytest.mark.parametrize("user", ["county_a", "bureau"])
def test_officer_may_apply_and_decline_on_the_workers_behalf(world, user):
    referral = referral_in(world, "recommended")
    services.referral_apply(actor=world.users[user], referral=referral)
    services.referral_decline(actor=world.users[user], referral=referral, reason="已在别处就业")
    assert referral.status == "declined" and referral.applied_at is not None
    assert history(referral).last().reason == "已在别处就业"


def test_apply_refused_once_the_demand_is_filled(world):
    referral = referral_in(world, "recommended")
    JobDemand.objects.filter(pk=world.demand_1.pk).update(status="filled")
    referral.demand.refresh_from_db()
    with pytest.raises(ValidationError, match="only open demands"):
        services.referral_apply(actor=world.users["worker_1"], referral=referral)


# ---- hire --------------------------------------------------------------------------------

def test_hire_creates_the_placement(world):
    referral = referral_in(world, "offered")
    placement = services.referral_hire(
        actor=world.users["employer_1"], referral=referral, start_date=date(2026, 4, 1),
        monthly_wage=6200, contract_type="open")
    assert (placement.worker, placement.employer, placement.monthly_wage) == (
        world.worker_1, world.employer_1, 6200)
    assert placement.contract_type == "open" and placement.start_date == date(2026, 4, 1)
    assert Referral.objects.get(pk=referral.pk).status == "hired"
    assert AuditEntry.objects.filter(action="placement.create", object_pk=placement.pk).exists()
    assert JobDemand.objects.get(pk=world.demand_1.pk).status == "open"  # 1 of 10 hired


def test_hire_that_reaches_the_headcount_fills_the_demand(world):
    JobDemand.objects.filter(pk=world.demand_1.pk).update(headcount=2)
    world.demand_1.refresh_from_db()
    hire(world.worker_2, world.demand_1, start=date(2026, 3, 1), wage=5000)
    referral = referral_in(world, "offered")
    services.referral_hire(actor=world.users["employer_1"], referral=referral,
                           start_date=date(2026, 4, 1), monthly_wage=6000, contract_type="fixed")
    demand = JobDemand.objects.get(pk=world.demand_1.pk)
    assert demand.status == "filled" and referral.demand.status == "filled"
    assert [(h.from_state, h.to_state) for h in history(demand)] == [("open", "filled")]
    assert AuditEntry.objects.filter(action="demand.fill", object_pk=demand.pk).exists()


def test_hire_refused_once_the_demand_is_filled(world):
    referral = referral_in(world, "offered")
    JobDemand.objects.filter(pk=world.demand_1.pk).update(status="filled")
    with pytest.raises(ValidationError, match="no more hires"):
        run("hire", world.users["employer_1"], referral)
    assert not Placement.objects.exists()


@pytest.mark.parametrize("wage", [0, -100, None])
def test_hire_refused_without_a_wage_of_at_least_one_yuan(world, wage):
    referral = referral_in(world, "offered")
    with pytest.raises(ValidationError, match="at least 1"):
        services.referral_hire(actor=world.users["employer_1"], referral=referral,
                               start_date=date(2026, 4, 1), monthly_wage=wage,
                               contract_type="fixed")
    assert Referral.objects.get(pk=referral.pk).status == "offered"


def test_hire_refused_for_an_unknown_contract_or_missing_start_date(world):
    referral = referral_in(world, "offered")
    with pytest.raises(ValidationError, match="kind of contract"):
        services.referral_hire(actor=world.users["employer_1"], referral=referral,
                               start_date=date(2026, 4, 1), monthly_wage=5000,
                               contract_type="casual")
    with pytest.raises(ValidationError, match="start date"):
        services.referral_hire(actor=world.users["employer_1"], referral=referral,
                               start_date=None, monthly_wage=5000, contract_type="fixed")


def test_moves_offered_to_each_party(world):
    referral = referral_in(world, "applied")
    moves = {u: services.referral_moves_for(world.users[u], referral)
             for u in ("worker_1", "employer_1", "county_a", "employer_2", "county_b")}
    assert moves == {
        "worker_1": ["decline"], "employer_1": ["interview", "reject"],
        "county_a": ["decline"], "employer_2": [], "county_b": [],
    }
