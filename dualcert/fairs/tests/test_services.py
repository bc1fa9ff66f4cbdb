from datetime import date, time
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dualcert.core.models import AuditEntry
from dualcert.core.workflow import history
from dualcert.employment.models import Referral
from dualcert.employment.tests.factories import ReferralFactory
from dualcert.fairs import passes, services
from dualcert.fairs.models import Booth, FairCheckIn, FairReferral, JobFair
from dualcert.fairs.tests.factories import (
    FAIR_DAY,
    BoothFactory,
    JobFairFactory,
    at_fair,
    certify,
    check_in,
)
from tests.factories import JobDemandFactory, Role, WorkerFactory, make_user

pytestmark = pytest.mark.django_db


def plan(world: Any, user: str, region: Any, **extra: Any) -> JobFair:
    values = {"name": "春风行动专场招聘会", "day": FAIR_DAY, "place": "人力资源市场",
              "campaign": "spring_breeze", "region": region, "organiser": "昌吉市人社局", **extra}
    return services.fair_create(actor=world.users[user], **values)


# ---- planning and moves ---------------------------------------------------------------------

def test_county_officer_plans_a_fair_in_own_county_with_an_audit_row(world):
    fair = plan(world, "county_a", world.county_a)
    assert fair.status == "planned" and fair.created_by == world.users["county_a"]
    assert AuditEntry.objects.filter(action="fair.create", object_pk=fair.pk).exists()


@pytest.mark.parametrize("user,region", [("county_a", "county_b"), ("county_a", None),
                                         ("employer_1", "county_a"), ("worker_1", "county_a"),
                                         ("inst_1", "county_a"), ("outsider", None)])
def test_planning_refused_outside_the_planners_area(world, user, region):
    with pytest.raises(PermissionDenied):
        plan(world, user, getattr(world, region) if region else None)


def test_bureau_plans_a_prefecture_wide_fair(world):
    assert plan(world, "bureau", None).prefecture_wide


@pytest.mark.parametrize("extra,field", [
    ({"day": date(2026, 3, 1)}, "day"),
    ({"opens_at": time(16), "closes_at": time(10)}, "closes_at"),
    ({"campaign": "carnival"}, "campaign"),
])
def test_planning_refuses_bad_values(world, extra, field):
    with pytest.raises(ValidationError) as refused:
        plan(world, "bureau", None, **extra)
    assert field in refused.value.message_dict


def test_fair_opens_on_its_day_and_closes_with_history(world):
    fair = plan(world, "county_a", world.county_a)
    services.fair_open(actor=world.users["county_a"], fair=fair)
    services.fair_close(actor=world.users["county_a"], fair=fair)
    moves = [(c.from_state, c.to_state) for c in history(fair)]
    assert moves == [("planned", "open"), ("open", "closed")]
    assert AuditEntry.objects.filter(object_pk=fair.pk, action__in=["fair.open", "fair.close"]
                                     ).count() == 2


def test_fair_cannot_open_before_its_day(world):
    fair = plan(world, "county_a", world.county_a, day=date(2026, 3, 20))
    with pytest.raises(ValidationError, match="on that day only"):
        services.fair_open(actor=world.users["county_a"], fair=fair)
    fair.refresh_from_db()
    assert fair.status == "planned"


def test_closed_fair_cannot_reopen(world):
    fair = JobFairFactory(region=world.county_a, status="closed")
    with pytest.raises(ValidationError, match="cannot move"):
        services.fair_open(actor=world.users["bureau"], fair=fair)


def test_cancel_keeps_the_reason_in_history(world):
    fair = plan(world, "bureau", None)
    services.fair_cancel(actor=world.users["bureau"], fair=fair, reason="大风天气")
    assert [c.reason for c in history(fair)] == ["大风天气"]


def test_county_officer_cannot_move_a_prefecture_wide_fair(world):
    fair = JobFairFactory(region=None, status="planned")
    with pytest.raises(PermissionDenied):
        services.fair_open(actor=world.users["county_a"], fair=fair)


# ---- booths ---------------------------------------------------------------------------------

def test_booth_takes_the_employers_open_demands(world):
    fair = JobFairFactory(region=world.county_a, status="planned")
    booth = services.booth_add(actor=world.users["county_a"], fair=fair,
                               employer=world.employer_1, number="A1",
                               demands=[world.demand_1])
    assert list(booth.demands.all()) == [world.demand_1]


def test_booth_refuses_another_employers_demand(world):
    fair = JobFairFactory(region=world.county_a, status="planned")
    with pytest.raises(ValidationError, match="job of another employer"):
        services.booth_add(actor=world.users["county_a"], fair=fair, employer=world.employer_1,
                           demands=[world.demand_2])
    assert not Booth.objects.exists()


def test_booth_refuses_a_demand_that_is_not_open(world):
    filled = JobDemandFactory(employer=world.employer_1, status="filled")
    booth = BoothFactory(fair=JobFairFactory(region=world.county_a), employer=world.employer_1)
    with pytest.raises(ValidationError, match="only open job demands"):
        services.booth_demand_add(actor=world.users["employer_1"], booth=booth, demand=filled)


def test_employer_adds_its_own_demand_but_not_to_another_booth(world):
    fair = JobFairFactory(region=world.county_a)
    mine = BoothFactory(fair=fair, employer=world.employer_1)
    theirs = BoothFactory(fair=fair, employer=world.employer_2)
    services.booth_demand_add(actor=world.users["employer_1"], booth=mine, demand=world.demand_1)
    assert list(mine.demands.all()) == [world.demand_1]
    with pytest.raises(PermissionDenied):
        services.booth_demand_add(actor=world.users["employer_1"], booth=theirs,
                                  demand=world.demand_2)


def test_an_employer_has_one_booth_per_fair(world):
    fair = JobFairFactory(region=world.county_a)
    BoothFactory(fair=fair, employer=world.employer_1)
    with pytest.raises(ValidationError, match="already has a booth"):
        services.booth_add(actor=world.users["bureau"], fair=fair, employer=world.employer_1)


def test_booth_of_a_closed_fair_cannot_change(world):
    booth = BoothFactory(fair=JobFairFactory(region=world.county_a, status="closed"),
                         employer=world.employer_1)
    with pytest.raises(ValidationError, match="can no longer change"):
        services.booth_demand_add(actor=world.users["employer_1"], booth=booth,
                                  demand=world.demand_1)


def test_booth_with_referrals_cannot_be_removed(world, fair):
    booth = fair.booths.get()
    at_fair(booth, ReferralFactory(demand=world.demand_1, worker=world.worker_1))
    with pytest.raises(ValidationError, match="stays on the fair's record"):
        services.booth_remove(actor=world.users["county_a"], booth=booth)


def test_officer_removes_an_empty_booth(world, fair):
    services.booth_remove(actor=world.users["county_a"], booth=fair.booths.get())
    assert not fair.booths.exists()


# ---- check-in -------------------------------------------------------------------------------

def test_worker_checks_in_by_poster_once(world, fair):
    checkin = services.checkin_by_poster(actor=world.users["worker_1"], fair=fair)
    assert checkin.method == "poster" and checkin.worker == world.worker_1
    with pytest.raises(ValidationError, match="already checked in at 10:30"):
        services.checkin_by_poster(actor=world.users["worker_1"], fair=fair)
    assert FairCheckIn.objects.count() == 1


@pytest.mark.parametrize("user", ["county_a", "employer_1", "bureau"])
def test_only_workers_check_in_by_poster(world, fair, user):
    with pytest.raises(PermissionDenied):
        services.checkin_by_poster(actor=world.users[user], fair=fair)


def test_check_in_refused_before_the_fair_opens(world):
    fair = JobFairFactory(region=world.county_a, status="planned")
    with pytest.raises(ValidationError, match="Check-in opens when the fair opens"):
        services.checkin_by_poster(actor=world.users["worker_1"], fair=fair)
    token = passes.pass_token(fair, world.worker_1)
    with pytest.raises(ValidationError, match="Check-in opens"):
        services.checkin_by_pass(actor=world.users["county_a"], fair=fair, text=token)


def test_check_in_refused_after_the_fair_closed(world):
    fair = JobFairFactory(region=world.county_a, status="closed")
    with pytest.raises(ValidationError, match="check-in has ended"):
        services.checkin_by_poster(actor=world.users["worker_1"], fair=fair)


def test_desk_checks_in_by_pass_text_or_link(world, fair):
    services.checkin_by_pass(actor=world.users["county_a"], fair=fair,
                             text=passes.pass_url(fair, world.worker_1))
    services.checkin_by_pass(actor=world.users["county_a"], fair=fair,
                             text=f"  {passes.pass_token(fair, world.worker_2)}\n")
    assert set(fair.checkins.values_list("worker_id", flat=True)) == {
        world.worker_1.pk, world.worker_2.pk}


def test_desk_refuses_a_forged_pass(world, fair):
    token = passes.pass_token(fair, world.worker_1)
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    with pytest.raises(ValidationError, match="not a fair pass"):
        services.checkin_by_pass(actor=world.users["county_a"], fair=fair, text=forged)
    with pytest.raises(ValidationError, match="not a fair pass"):
        services.checkin_by_pass(actor=world.users["county_a"], fair=fair, text="hello")


def test_desk_refuses_a_poster_token_as_a_pass(world, fair):
    with pytest.raises(ValidationError, match="not a fair pass"):
        services.checkin_by_pass(actor=world.users["county_a"], fair=fair,
                                 text=passes.poster_token(fair))


def test_desk_refuses_a_pass_of_another_fair(world, fair):
    other = JobFairFactory(region=world.county_a)
    with pytest.raises(ValidationError, match="another job fair"):
        services.checkin_by_pass(actor=world.users["county_a"], fair=fair,
                                 text=passes.pass_token(other, world.worker_1))


def test_desk_refuses_a_duplicate_check_in(world, fair):
    check_in(fair, world.worker_1)
    with pytest.raises(ValidationError, match="already checked in"):
        services.checkin_by_pass(actor=world.users["county_a"], fair=fair,
                                 text=passes.pass_token(fair, world.worker_1))


@pytest.mark.parametrize("user", ["employer_1", "worker_1", "inst_1"])
def test_only_officers_staff_the_desk(world, fair, user):
    with pytest.raises(PermissionDenied):
        services.checkin_by_pass(actor=world.users[user], fair=fair,
                                 text=passes.pass_token(fair, world.worker_1))


# ---- referrals at the fair ------------------------------------------------------------------

def test_employer_invites_a_candidate_at_its_booth(world, fair):
    certify(world.worker_1, world.demand_1)
    booth = fair.booths.get()
    link = services.fair_referral_invite(actor=world.users["employer_1"], booth=booth,
                                         demand=world.demand_1, worker=world.worker_1)
    assert link.channel == "invited" and link.fair == fair
    assert link.referral.status == "recommended" and link.referral.worker == world.worker_1


def test_officer_recommendation_at_the_booth_is_recorded_as_such(world, fair):
    certify(world.worker_1, world.demand_1)
    link = services.fair_referral_invite(actor=world.users["county_a"], booth=fair.booths.get(),
                                         demand=world.demand_1, worker=world.worker_1)
    assert link.channel == "recommended"


def test_invite_refuses_a_demand_not_at_the_booth(world, fair):
    other = JobDemandFactory(employer=world.employer_1)
    certify(world.worker_1, other)
    with pytest.raises(ValidationError, match="not offered at this booth"):
        services.fair_referral_invite(actor=world.users["employer_1"], booth=fair.booths.get(),
                                      demand=other, worker=world.worker_1)


def test_invite_refusals_of_the_employment_rules_leave_no_link(world, fair):
    world.worker_1.consent_recommend = False
    world.worker_1.save()
    with pytest.raises(ValidationError, match="not agreed to be recommended"):
        services.fair_referral_invite(actor=world.users["employer_1"], booth=fair.booths.get(),
                                      demand=world.demand_1, worker=world.worker_1)
    assert not FairReferral.objects.exists() and not Referral.objects.exists()


def test_invite_by_another_employer_is_refused(world, fair):
    certify(world.worker_1, world.demand_1)
    with pytest.raises(PermissionDenied):
        services.fair_referral_invite(actor=world.users["employer_2"], booth=fair.booths.get(),
                                      demand=world.demand_1, worker=world.worker_1)


def test_invite_refused_once_the_fair_closed(world):
    fair = JobFairFactory(region=world.county_a, status="closed")
    booth = BoothFactory(fair=fair, employer=world.employer_1, demands=[world.demand_1])
    certify(world.worker_1, world.demand_1)
    with pytest.raises(ValidationError, match="no longer recorded"):
        services.fair_referral_invite(actor=world.users["employer_1"], booth=booth,
                                      demand=world.demand_1, worker=world.worker_1)


def test_worker_applies_at_the_fair_and_an_invitation_keeps_its_link(world, fair):
    certify(world.worker_1, world.demand_1)
    booth = fair.booths.get()
    invited = services.fair_referral_invite(actor=world.users["employer_1"], booth=booth,
                                            demand=world.demand_1, worker=world.worker_1)
    applied = services.fair_referral_apply(actor=world.users["worker_1"], booth=booth,
                                           demand=world.demand_1)
    assert applied.pk == invited.pk and applied.channel == "invited"
    assert applied.referral.status == "applied"


def test_worker_applies_without_invitation(world, fair):
    link = services.fair_referral_apply(actor=world.users["worker_1"], booth=fair.booths.get(),
                                        demand=world.demand_1)
    assert link.channel == "applied" and link.referral.applied_at is not None


def test_second_application_is_refused_with_the_employment_message(world, fair):
    booth = fair.booths.get()
    services.fair_referral_apply(actor=world.users["worker_1"], booth=booth,
                                 demand=world.demand_1)
    with pytest.raises(ValidationError, match="already applied"):
        services.fair_referral_apply(actor=world.users["worker_1"], booth=booth,
                                     demand=world.demand_1)
    assert FairReferral.objects.count() == 1


def test_worker_home_county_is_irrelevant_to_applying_at_a_prefecture_wide_fair(world, wide_fair):
    worker = WorkerFactory(region=world.county_a)
    user = make_user("visitor", Role.WORKER, worker=worker)
    link = services.fair_referral_apply(actor=user, booth=wide_fair.booths.get(),
                                        demand=world.demand_2)
    assert link.referral.worker == worker
