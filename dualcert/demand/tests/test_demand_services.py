from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from dualcert.catalog.models import CertificateType
from dualcert.core.models import AuditEntry, StateChange
from dualcert.core.workflow import transition
from dualcert.demand.models import JobDemand
from dualcert.demand.services import demand_close, demand_create, demand_update
from tests.factories import CertificateTypeFactory, OccupationFactory

pytestmark = pytest.mark.django_db

TODAY = date(2025, 4, 1)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2025-04-01 10:00 +0800", tick=False):
        yield


def terms(world, **changes):
    values = {
        "employer": world.employer_1, "title": "低压电工", "occupation": OccupationFactory(),
        "required_certificates": [world.pathway_1.permit], "headcount": 5, "wage_min": 4500,
        "wage_max": 6500, "region": world.county_a, "place": "昌吉高新区",
        "deadline": TODAY + timedelta(days=30),
    }
    return {**values, **changes}


def update_terms(world, demand, **changes):
    values = terms(world, occupation=demand.occupation, **changes)
    del values["employer"]
    return {"demand": demand, **values}


def test_employer_posts_for_itself_without_naming_the_employer(world):
    demand = demand_create(actor=world.users["employer_1"], **terms(world, employer=None))
    assert demand.employer == world.employer_1 and demand.status == JobDemand.Status.OPEN
    assert list(demand.required_certificates.all()) == [world.pathway_1.permit]


def test_employer_posting_for_another_employer_is_refused(world):
    with pytest.raises(PermissionDenied, match="own company"):
        demand_create(actor=world.users["employer_1"], **terms(world, employer=world.employer_2))
    assert not JobDemand.objects.filter(title="低压电工").exists()


def test_county_officer_posts_on_behalf_of_an_employer_of_the_county(world):
    demand = demand_create(actor=world.users["county_a"], **terms(world))
    assert demand.employer == world.employer_1


def test_county_officer_refused_for_an_employer_of_another_county(world):
    with pytest.raises(PermissionDenied, match="own county"):
        demand_create(actor=world.users["county_a"],
                      **terms(world, employer=world.employer_2, region=world.county_a))


def test_county_officer_refused_for_work_in_another_county(world):
    with pytest.raises(PermissionDenied, match="own county"):
        demand_create(actor=world.users["county_a"], **terms(world, region=world.county_b))


def test_bureau_posts_for_any_employer_anywhere(world):
    demand = demand_create(actor=world.users["bureau"],
                           **terms(world, employer=world.employer_2, region=world.county_a))
    assert demand.employer == world.employer_2 and demand.region == world.county_a


def test_officer_must_name_the_employer(world):
    with pytest.raises(ValidationError) as refused:
        demand_create(actor=world.users["bureau"], **terms(world, employer=None))
    assert "employer" in refused.value.message_dict


@pytest.mark.parametrize("role", ["worker_1", "inst_1", "dept_1", "eval_1", "outsider"])
def test_roles_that_do_not_post_demands_are_refused(world, role):
    with pytest.raises(PermissionDenied):
        demand_create(actor=world.users[role], **terms(world))


def test_headcount_zero_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        demand_create(actor=world.users["employer_1"], **terms(world, headcount=0))
    assert "at least 1" in refused.value.message_dict["headcount"][0]


def test_wage_range_upside_down_is_refused_naming_both_wages(world):
    with pytest.raises(ValidationError) as refused:
        demand_create(actor=world.users["employer_1"],
                      **terms(world, wage_min=7000, wage_max=5000))
    message = refused.value.message_dict["wage_max"][0]
    assert "5000" in message and "7000" in message


def test_zero_wage_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        demand_create(actor=world.users["employer_1"], **terms(world, wage_min=0, wage_max=0))
    assert "wage_min" in refused.value.message_dict


def test_equal_wages_are_a_valid_range(world):
    demand = demand_create(actor=world.users["employer_1"],
                           **terms(world, wage_min=5000, wage_max=5000))
    assert demand.wage_min == demand.wage_max == 5000


def test_deadline_in_the_past_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        demand_create(actor=world.users["employer_1"],
                      **terms(world, deadline=TODAY - timedelta(days=1)))
    assert "2025-03-31" in refused.value.message_dict["deadline"][0]


def test_deadline_today_is_accepted(world):
    demand = demand_create(actor=world.users["employer_1"], **terms(world, deadline=TODAY))
    assert demand.deadline == TODAY


def test_several_bad_inputs_are_reported_together(world):
    with pytest.raises(ValidationError) as refused:
        demand_create(actor=world.users["employer_1"],
                      **terms(world, headcount=0, wage_min=9000, wage_max=1000,
                              deadline=TODAY - timedelta(days=3)))
    assert set(refused.value.message_dict) == {"headcount", "wage_max", "deadline"}


def test_certificate_type_missing_from_the_catalogue_is_refused(world):
    gone = CertificateTypeFactory()
    CertificateType.objects.filter(pk=gone.pk).delete()
    unsaved = CertificateType(code="nope", name="不存在的证")
    with pytest.raises(ValidationError) as refused:
        demand_create(actor=world.users["employer_1"],
                      **terms(world, required_certificates=[gone, unsaved]))
    message = refused.value.message_dict["required_certificates"][0]
    assert gone.name in message and "不存在的证" in message


def test_posting_is_audited(world):
    demand = demand_create(actor=world.users["employer_1"], **terms(world))
    entry = AuditEntry.objects.get(object_pk=demand.pk, action="demand.create")
    assert entry.actor == world.users["employer_1"]
    assert entry.after["headcount"] == 5
    assert entry.after["required_certificates"] == [world.pathway_1.permit.pk]


def test_update_changes_an_open_demand_and_audits_the_difference(world):
    updated = demand_update(actor=world.users["employer_1"],
                            **update_terms(world, world.demand_1, headcount=3,
                                           required_certificates=[]))
    assert updated.headcount == 3 and not updated.required_certificates.exists()
    entry = AuditEntry.objects.get(object_pk=world.demand_1.pk, action="demand.update")
    assert entry.before["headcount"] == 10 and entry.after["headcount"] == 3


def test_update_refused_once_the_demand_is_closed(world):
    demand_close(actor=world.users["employer_1"], demand=world.demand_1)
    with pytest.raises(ValidationError, match="Only an open job demand"):
        demand_update(actor=world.users["employer_1"], **update_terms(world, world.demand_1))


def test_update_by_another_employer_is_refused(world):
    with pytest.raises(PermissionDenied):
        demand_update(actor=world.users["employer_2"], **update_terms(world, world.demand_1))


def test_update_by_county_officer_of_another_county_is_refused(world):
    with pytest.raises(PermissionDenied):
        demand_update(actor=world.users["county_b"], **update_terms(world, world.demand_1))


def test_update_applies_the_same_rules_as_posting(world):
    with pytest.raises(ValidationError) as refused:
        demand_update(actor=world.users["bureau"],
                      **update_terms(world, world.demand_1, headcount=0, wage_max=1))
    assert {"headcount", "wage_max"} <= set(refused.value.message_dict)


def test_update_keeps_a_passed_deadline_but_refuses_moving_it_into_the_past(world):
    with time_machine.travel("2025-01-01 10:00 +0800", tick=False):
        demand = demand_create(actor=world.users["employer_1"],
                               **terms(world, deadline=date(2025, 2, 1)))
    updated = demand_update(actor=world.users["employer_1"],
                            **update_terms(world, demand, deadline=date(2025, 2, 1),
                                           wage_max=8000))
    assert updated.wage_max == 8000
    with pytest.raises(ValidationError) as refused:
        demand_update(actor=world.users["employer_1"],
                      **update_terms(world, demand, deadline=date(2025, 3, 1)))
    assert "deadline" in refused.value.message_dict


def test_close_moves_open_to_closed_with_history_and_audit(world):
    closed = demand_close(actor=world.users["county_a"], demand=world.demand_1, reason="招满了")
    assert closed.status == JobDemand.Status.CLOSED
    change = StateChange.objects.get(object_pk=world.demand_1.pk, to_state="closed")
    assert change.from_state == "open" and change.reason == "招满了"
    entry = AuditEntry.objects.get(object_pk=world.demand_1.pk, action="demand.close")
    assert entry.before == {"status": "open"} and entry.after == {"status": "closed"}


def test_close_moves_filled_to_closed(world):
    transition(world.demand_1, to="filled", actor=None, allowed=JobDemand.TRANSITIONS)
    closed = demand_close(actor=world.users["employer_1"], demand=world.demand_1)
    assert closed.status == JobDemand.Status.CLOSED


def test_closing_a_closed_demand_is_refused(world):
    demand_close(actor=world.users["employer_1"], demand=world.demand_1)
    with pytest.raises(ValidationError, match="cannot move"):
        demand_close(actor=world.users["employer_1"], demand=world.demand_1)
    assert StateChange.objects.filter(object_pk=world.demand_1.pk).count() == 1


@pytest.mark.parametrize("role", ["worker_1", "employer_2", "county_b", "inst_1"])
def test_close_by_a_role_that_may_not_change_the_demand_is_refused(world, role):
    with pytest.raises(PermissionDenied):
        demand_close(actor=world.users[role], demand=world.demand_1)
    world.demand_1.refresh_from_db()
    assert world.demand_1.status == JobDemand.Status.OPEN
