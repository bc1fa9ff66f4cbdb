"""Follow-ups of placements: scheduling at hire, due dates, who may record what and when."""

import importlib
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError

from dualcert.core.models import AuditEntry, StateChange
from dualcert.core.workflow import history
from dualcert.employment import services
from dualcert.employment.followups import (
    due_date_for,
    followup_mark_unreachable,
    followup_record,
    followups_schedule,
)
from dualcert.employment.models import FollowUp, Placement
from dualcert.employment.tests.factories import ReferralFactory, hire

pytestmark = pytest.mark.django_db

BEIJING = ZoneInfo("Asia/Shanghai")
START = date(2026, 1, 15)


def at(day: date, hour: int = 10) -> Any:
    """Freeze the clock on a Beijing day."""
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=BEIJING),
                               tick=False)


def followup_of(world: Any, months: int = 3, *, start: date = START,
                worker: Any = None) -> FollowUp:
    placement = hire(worker or world.worker_1, world.demand_1, start=start, wage=5000)
    followups_schedule(placement)
    return placement.followups.get(months=months)


def audits(followup: FollowUp) -> list[str]:
    entries = AuditEntry.objects.filter(object_public_id=followup.public_id)
    return list(entries.order_by("id").values_list("action", flat=True))


# ---- scheduling ----------------------------------------------------------------------------

@pytest.mark.parametrize("start,months,due", [
    (date(2026, 11, 30), 3, date(2027, 2, 28)),   # clamped to the end of February
    (date(2027, 11, 30), 3, date(2028, 2, 29)),   # leap year
    (date(2027, 8, 31), 6, date(2028, 2, 29)),
    (date(2026, 1, 31), 3, date(2026, 4, 30)),
    (date(2028, 2, 29), 12, date(2029, 2, 28)),
    (date(2026, 12, 15), 12, date(2027, 12, 15)),  # across the year end
    (date(2026, 10, 1), 3, date(2027, 1, 1)),
])
def test_due_date_is_start_plus_months_clamped_to_month_end(start, months, due):
    assert due_date_for(start, months) == due


def test_hire_schedules_follow_ups_at_3_6_and_12_months(world):
    referral = ReferralFactory(demand=world.demand_1, worker=world.worker_1, status="offered")
    with at(date(2026, 11, 20)):
        placement = services.referral_hire(
            actor=world.users["employer_1"], referral=referral, start_date=date(2026, 11, 30),
            monthly_wage=6200, contract_type="fixed")
    rows = list(placement.followups.values_list("months", "due_date", "status"))
    assert rows == [(3, date(2027, 2, 28), "due"), (6, date(2027, 5, 30), "due"),
                    (12, date(2027, 11, 30), "due")]


def test_refused_hire_schedules_no_follow_ups(world):
    referral = ReferralFactory(demand=world.demand_1, worker=world.worker_1, status="offered")
    with pytest.raises(ValidationError):
        services.referral_hire(actor=world.users["employer_1"], referral=referral,
                               start_date=START, monthly_wage=0, contract_type="fixed")
    assert not FollowUp.objects.exists()


def test_backfill_schedules_missing_follow_ups_of_earlier_placements_once(world):
    placement = hire(world.worker_1, world.demand_1, start=date(2025, 8, 31), wage=4000)
    migration = importlib.import_module("dualcert.employment.migrations.0004_followup")
    migration.schedule_existing(apps, None)
    migration.schedule_existing(apps, None)
    assert list(placement.followups.values_list("months", "due_date")) == [
        (3, date(2025, 11, 30)), (6, date(2026, 2, 28)), (12, date(2026, 8, 31))]


def test_one_follow_up_per_placement_and_checkpoint(world):
    placement = hire(world.worker_1, world.demand_1, start=START, wage=5000)
    followups_schedule(placement)
    with pytest.raises(Exception, match="UNIQUE|unique|duplicate"):
        followups_schedule(placement)


# ---- recording -----------------------------------------------------------------------------

def test_recording_before_the_due_date_is_refused_with_that_date(world):
    followup = followup_of(world)  # due 2026-04-15
    with at(date(2026, 4, 14)), pytest.raises(ValidationError) as exc:
        followup_record(actor=world.users["county_a"], followup=followup, still_employed=True,
                        monthly_wage_now=5200)
    assert "2026-04-15" in exc.value.messages[0] and exc.value.code == "not_due"
    followup.refresh_from_db()
    assert followup.status == "due" and audits(followup) == []


def test_county_officer_records_a_due_follow_up_with_history_and_audit(world):
    followup = followup_of(world)
    with at(date(2026, 4, 15)):
        followup_record(actor=world.users["county_a"], followup=followup, still_employed=True,
                        monthly_wage_now=5200)
    followup.refresh_from_db()
    assert (followup.status, followup.still_employed, followup.monthly_wage_now) == (
        "done", True, 5200)
    assert followup.recorded_by == world.users["county_a"]
    assert followup.recorded_at == datetime(2026, 4, 15, 10, tzinfo=BEIJING)
    [change] = history(followup)
    assert (change.from_state, change.to_state, change.actor) == (
        "due", "done", world.users["county_a"])
    assert audits(followup) == ["followup.record"]
    entry = AuditEntry.objects.get(object_pk=followup.pk, action="followup.record")
    assert entry.after["monthly_wage_now"] == 5200 and entry.before["status"] == "due"


def test_bureau_may_record_any_follow_up(world):
    followup = followup_of(world, worker=world.worker_2)
    with at(date(2026, 5, 1)):
        followup_record(actor=world.users["bureau"], followup=followup, still_employed=False,
                        monthly_wage_now=None, left_reason="回乡务农")
    followup.refresh_from_db()
    assert (followup.status, followup.still_employed, followup.left_reason) == (
        "done", False, "回乡务农")


@pytest.mark.parametrize("user", ["county_b", "inst_1", "employer_1", "dept_1", "eval_1",
                                  "worker_1", "outsider"])
def test_recording_is_refused_to_anyone_but_the_workers_county_and_the_bureau(world, user):
    followup = followup_of(world)
    with at(date(2026, 5, 1)), pytest.raises(PermissionDenied):
        followup_record(actor=world.users[user], followup=followup, still_employed=True,
                        monthly_wage_now=5200)
    with at(date(2026, 5, 1)), pytest.raises(PermissionDenied):
        followup_mark_unreachable(actor=world.users[user], followup=followup, reason="电话停机")
    assert FollowUp.objects.get(pk=followup.pk).status == "due"


@pytest.mark.parametrize("wage", [None, 0, -5])
def test_still_employed_needs_a_wage_of_at_least_one_yuan(world, wage):
    followup = followup_of(world)
    with at(date(2026, 5, 1)), pytest.raises(ValidationError) as exc:
        followup_record(actor=world.users["county_a"], followup=followup, still_employed=True,
                        monthly_wage_now=wage)
    assert exc.value.code == "monthly_wage_now"


@pytest.mark.parametrize("reason", ["", "   "])
def test_leaving_needs_a_reason(world, reason):
    followup = followup_of(world)
    with at(date(2026, 5, 1)), pytest.raises(ValidationError) as exc:
        followup_record(actor=world.users["county_a"], followup=followup, still_employed=False,
                        monthly_wage_now=None, left_reason=reason)
    assert exc.value.code == "left_reason"


def test_a_worker_who_left_has_no_wage_recorded(world):
    followup = followup_of(world)
    with at(date(2026, 5, 1)):
        followup_record(actor=world.users["county_a"], followup=followup, still_employed=False,
                        monthly_wage_now=4800, left_reason="合同到期")
    followup.refresh_from_db()
    assert followup.monthly_wage_now is None and followup.left_reason == "合同到期"


def test_unreachable_needs_a_reason_and_is_kept_in_history(world):
    followup = followup_of(world)
    with at(date(2026, 5, 1)):
        with pytest.raises(ValidationError):
            followup_mark_unreachable(actor=world.users["county_a"], followup=followup,
                                      reason=" ")
        followup_mark_unreachable(actor=world.users["county_a"], followup=followup,
                                  reason="电话停机，村委会也联系不上")
    followup.refresh_from_db()
    assert followup.status == "unreachable" and followup.still_employed is None
    assert [c.reason for c in history(followup)] == ["电话停机，村委会也联系不上"]
    assert audits(followup) == ["followup.unreachable"]


def test_unreachable_is_refused_before_the_due_date(world):
    followup = followup_of(world)
    with at(date(2026, 4, 1)), pytest.raises(ValidationError, match="2026-04-15"):
        followup_mark_unreachable(actor=world.users["county_a"], followup=followup,
                                  reason="电话停机")


def test_unreachable_worker_may_be_recorded_later(world):
    followup = followup_of(world)
    with at(date(2026, 5, 1)):
        followup_mark_unreachable(actor=world.users["county_a"], followup=followup,
                                  reason="电话停机")
    with at(date(2026, 6, 1)):
        followup_record(actor=world.users["county_a"], followup=followup, still_employed=True,
                        monthly_wage_now=5100)
    assert FollowUp.objects.get(pk=followup.pk).status == "done"
    assert [(c.from_state, c.to_state) for c in history(followup)] == [
        ("due", "unreachable"), ("unreachable", "done")]


def test_recorded_follow_up_cannot_be_marked_unreachable(world):
    followup = followup_of(world)
    with at(date(2026, 5, 1)):
        followup_record(actor=world.users["county_a"], followup=followup, still_employed=True,
                        monthly_wage_now=5100)
        with pytest.raises(ValidationError) as exc:
            followup_mark_unreachable(actor=world.users["county_a"], followup=followup,
                                      reason="电话停机")
    assert exc.value.code == "illegal_transition"


def test_outcome_may_be_corrected_within_30_days_and_is_audited(world):
    followup = followup_of(world)
    with at(date(2026, 5, 1)):
        followup_record(actor=world.users["county_a"], followup=followup, still_employed=True,
                        monthly_wage_now=5100)
    with at(date(2026, 5, 1) + timedelta(days=30)):
        followup_record(actor=world.users["county_a"], followup=followup, still_employed=True,
                        monthly_wage_now=5300)
    assert FollowUp.objects.get(pk=followup.pk).monthly_wage_now == 5300
    assert audits(followup) == ["followup.record", "followup.correct"]
    assert StateChange.objects.filter(object_pk=followup.pk, to_state="done").count() == 2


def test_correction_after_30_days_is_refused(world):
    followup = followup_of(world)
    with at(date(2026, 5, 1)):
        followup_record(actor=world.users["county_a"], followup=followup, still_employed=True,
                        monthly_wage_now=5100)
    with at(date(2026, 6, 1)), pytest.raises(ValidationError) as exc:
        followup_record(actor=world.users["county_a"], followup=followup, still_employed=False,
                        monthly_wage_now=None, left_reason="辞职")
    assert exc.value.code == "too_late"
    assert FollowUp.objects.get(pk=followup.pk).monthly_wage_now == 5100


def test_database_refuses_an_outcome_that_contradicts_the_status(world):
    followup = followup_of(world)
    with pytest.raises(Exception, match="CHECK|check|followup_outcome"):
        FollowUp.objects.filter(pk=followup.pk).update(status="done", still_employed=True)


def test_follow_ups_go_with_their_placement(world):
    followup = followup_of(world)
    Placement.objects.filter(pk=followup.placement_id).delete()
    assert not FollowUp.objects.exists()
