from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dualcert.catalog.models import TargetGroup
from dualcert.employment.models import Placement, Referral
from dualcert.employment.tests.factories import CertificateFactory, ReferralFactory
from tests.factories import JobDemandFactory, WorkerFactory

pytestmark = pytest.mark.django_db

LIST = reverse("employment:referrals")


def candidates_url(demand: Any) -> str:
    return reverse("employment:candidates", kwargs={"demand_id": demand.public_id})


def detail_url(referral: Referral) -> str:
    return reverse("employment:referral", kwargs={"public_id": referral.public_id})


def page_for(client_for: Any, world: Any, user: str, url: str) -> Any:
    return client_for(world.users[user]).get(url, HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def referrals(world: Any) -> dict[str, Any]:
    return {
        "a": ReferralFactory(demand=world.demand_1, worker=world.worker_1, status="applied"),
        "b": ReferralFactory(demand=world.demand_2, worker=world.worker_2, status="recommended"),
    }


# ---- referrals list ------------------------------------------------------------------------

@pytest.mark.parametrize("user,visible", [
    ("bureau", {"a", "b"}), ("county_a", {"a"}), ("county_b", {"b"}),
    ("employer_1", {"a"}), ("employer_2", {"b"}), ("worker_1", {"a"}), ("worker_2", {"b"}),
])
def test_referral_list_shows_only_the_users_scope(client_for, world, referrals, user, visible):
    response = page_for(client_for, world, user, LIST)
    assert response.status_code == 200
    shown = {key for key, r in referrals.items() if detail_url(r) in response.content.decode()}
    assert shown == visible


@pytest.mark.parametrize("user", ["inst_1", "dept_1", "eval_1", "outsider"])
def test_referral_list_is_forbidden_to_roles_without_referrals(client_for, world, user):
    assert page_for(client_for, world, user, LIST).status_code == 403


def test_referral_list_needs_sign_in(client):
    response = client.get(LIST)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_county_officer_sees_own_workers_referred_to_another_county(client_for, world):
    away = ReferralFactory(demand=world.demand_2, worker=world.worker_1)
    assert detail_url(away) in page_for(client_for, world, "county_a", LIST).content.decode()
    assert page_for(client_for, world, "county_a", detail_url(away)).status_code == 200


def test_referral_list_filters_by_status(client_for, world, referrals):
    response = client_for(world.users["bureau"]).get(LIST, {"status": "recommended"})
    body = response.content.decode()
    assert detail_url(referrals["b"]) in body and detail_url(referrals["a"]) not in body


def test_employer_sees_no_name_before_the_worker_applies(client_for, world):
    invited = ReferralFactory(demand=world.demand_1, worker=WorkerFactory(name="隐名者"))
    applied = ReferralFactory(demand=world.demand_1, worker=WorkerFactory(name="已申请者"),
                              status="applied")
    body = page_for(client_for, world, "employer_1", LIST).content.decode()
    assert "隐名者" not in body and f"#{str(invited.public_id)[:6]}" in body
    assert "已申请者" in body
    detail = page_for(client_for, world, "employer_1", detail_url(applied)).content.decode()
    assert "已申请者" in detail


def _list_queries(client: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(LIST).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("user", ["bureau", "employer_1"])
def test_referral_list_query_count_does_not_grow_with_rows(client_for, world, user):
    client = client_for(world.users[user])
    for _ in range(3):
        ReferralFactory(demand=world.demand_1, worker=WorkerFactory(region=world.county_a),
                        status="applied")
    few = _list_queries(client)
    for _ in range(7):
        referral = ReferralFactory(demand=world.demand_1, status="offered")
        Placement.objects.create(referral=referral, worker=referral.worker,
                                 employer=world.employer_1, start_date=date(2026, 1, 1),
                                 monthly_wage=5000)
    assert _list_queries(client) == few
    assert few <= 6


# ---- candidates page -----------------------------------------------------------------------

@pytest.fixture
def holders(world: Any) -> list[Any]:
    people = [WorkerFactory(region=world.county_a, name=f"持证人{i}") for i in range(2)]
    for person in people:
        CertificateFactory(worker=person)
    return people


@pytest.mark.parametrize("user,status", [
    ("bureau", 200), ("county_a", 200), ("employer_1", 200),
    ("county_b", 404), ("employer_2", 404), ("outsider", 404), ("eval_1", 404),
    ("worker_1", 403), ("inst_1", 403), ("dept_1", 403),
])
def test_candidates_page_scoping(client_for, world, holders, user, status):
    assert page_for(client_for, world, user, candidates_url(world.demand_1)).status_code == status


def test_candidates_page_shows_officers_names_masked_ids_scores_and_reasons(
    client_for, world, holders,
):
    body = page_for(client_for, world, "county_a", candidates_url(world.demand_1)).content.decode()
    assert "持证人0" in body and holders[0].id_number_masked in body
    assert holders[0].id_number not in body
    assert "Score 85 / 100" in body and ">Recommend<" in body


def test_candidates_page_hides_names_from_the_employer_until_they_apply(
    client_for, world, holders,
):
    ReferralFactory(demand=world.demand_1, worker=holders[1], status="applied")
    client = client_for(world.users["employer_1"])
    body = client.get(candidates_url(world.demand_1), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "持证人0" not in body and holders[0].id_number_masked not in body
    assert "Candidate #1" in body and ">Invite to apply<" in body
    assert "持证人1" in body


def test_candidates_page_lists_missing_certificates(client_for, world, holders):
    permit = world.pathway_1.permit
    world.demand_1.required_certificates.add(permit)
    CertificateFactory(worker=holders[0], certificate_type=world.pathway_1.skill_certificate)
    world.demand_1.required_certificates.add(world.pathway_1.skill_certificate)
    body = page_for(client_for, world, "bureau", candidates_url(world.demand_1)).content.decode()
    assert permit.name in body and "badge bad" in body


def _candidate_queries(client: Any, demand: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(candidates_url(demand)).status_code == 200
    return len(ctx.captured_queries)


def test_candidates_page_query_count_does_not_grow_with_candidates(client_for, world):
    group = TargetGroup.objects.create(code="tp", name="脱贫", priority=True)
    client = client_for(world.users["employer_1"])

    def add(n: int) -> None:
        for _ in range(n):
            person: Any = WorkerFactory(region=world.county_a)
            person.target_groups.add(group)
            CertificateFactory(worker=person)
            ReferralFactory(demand=world.demand_1, worker=person, status="applied")

    add(3)
    few = _candidate_queries(client, world.demand_1)
    add(7)
    assert _candidate_queries(client, world.demand_1) == few
    assert few <= 13


def test_employer_invites_a_candidate_from_the_page(client_for, world, holders):
    client = client_for(world.users["employer_1"])
    url = reverse("employment:recommend", kwargs={"demand_id": world.demand_1.public_id})
    response = client.post(url, {"worker": str(holders[0].public_id)})
    assert response.status_code == 302
    referral = Referral.objects.get(worker=holders[0], demand=world.demand_1)
    assert referral.status == "recommended" and referral.score == 85


def test_recommend_of_a_non_candidate_is_not_found_for_the_employer(client_for, world):
    client = client_for(world.users["employer_1"])
    url = reverse("employment:recommend", kwargs={"demand_id": world.demand_1.public_id})
    assert client.post(url, {"worker": str(world.worker_1.public_id)}).status_code == 404
    assert not Referral.objects.exists()


def test_recommend_refusal_is_shown_as_a_message(client_for, world):
    world.worker_1.consent_recommend = False
    world.worker_1.save()
    client = client_for(world.users["county_a"])
    url = reverse("employment:recommend", kwargs={"demand_id": world.demand_1.public_id})
    response = client.post(url, {"worker": str(world.worker_1.public_id)}, follow=True,
                           HTTP_ACCEPT_LANGUAGE="en")
    assert not Referral.objects.exists()
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


# ---- referral detail and moves ---------------------------------------------------------------

@pytest.mark.parametrize("user,status", [
    ("bureau", 200), ("county_a", 200), ("employer_1", 200), ("worker_1", 200),
    ("county_b", 404), ("employer_2", 404), ("worker_2", 404), ("inst_1", 404),
    ("outsider", 404),
])
def test_referral_detail_scoping(client_for, world, referrals, user, status):
    assert page_for(client_for, world, user, detail_url(referrals["a"])).status_code == status


def move_url(referral: Referral, verb: str) -> str:
    return reverse("employment:move", kwargs={"public_id": referral.public_id, "verb": verb})


@pytest.mark.parametrize("user,shown,hidden", [
    ("employer_1", ["interview", "reject"], ["apply", "decline", "offer"]),
    ("worker_1", ["decline"], ["interview", "reject", "offer"]),
    ("bureau", ["decline"], ["interview", "reject"]),
])
def test_detail_offers_only_the_moves_of_the_users_role(client_for, world, referrals, user,
                                                         shown, hidden):
    body = page_for(client_for, world, user, detail_url(referrals["a"])).content.decode()
    for verb in shown:
        assert move_url(referrals["a"], verb) in body
    for verb in hidden:
        assert move_url(referrals["a"], verb) not in body
    assert reverse("employment:hire", kwargs={"public_id": referrals["a"].public_id}) not in body


def test_employer_moves_a_referral_through_to_hire(client_for, world, referrals):
    referral = referrals["a"]
    client = client_for(world.users["employer_1"])
    assert client.post(move_url(referral, "interview")).status_code == 302
    assert client.post(move_url(referral, "offer")).status_code == 302
    body = client.get(detail_url(referral)).content.decode()
    assert reverse("employment:hire", kwargs={"public_id": referral.public_id}) in body
    response = client.post(reverse("employment:hire", kwargs={"public_id": referral.public_id}),
                           {"start_date": "2026-04-01", "monthly_wage": "6300",
                            "contract_type": "fixed"})
    assert response.status_code == 302
    assert Placement.objects.get(referral=referral).monthly_wage == 6300
    history = client.get(detail_url(referral)).context["history"]
    assert [(c.from_state, c.to_state) for c, _f, _t in history] == [
        ("applied", "interviewed"), ("interviewed", "offered"), ("offered", "hired")]


def test_hire_form_with_zero_wage_is_refused_on_the_page(client_for, world):
    referral = ReferralFactory(demand=world.demand_1, worker=world.worker_1, status="offered")
    response = client_for(world.users["employer_1"]).post(
        reverse("employment:hire", kwargs={"public_id": referral.public_id}),
        {"start_date": "2026-04-01", "monthly_wage": "0", "contract_type": "fixed"})
    assert response.status_code == 400 and response.context["hire_form"].errors
    assert not Placement.objects.exists()


def test_hire_post_by_the_worker_is_forbidden(client_for, world):
    referral = ReferralFactory(demand=world.demand_1, worker=world.worker_1, status="offered")
    response = client_for(world.users["worker_1"]).post(
        reverse("employment:hire", kwargs={"public_id": referral.public_id}),
        {"start_date": "2026-04-01", "monthly_wage": "5000", "contract_type": "fixed"})
    assert response.status_code == 403 and not Placement.objects.exists()


def test_wrong_role_move_post_is_forbidden(client_for, world, referrals):
    response = client_for(world.users["worker_1"]).post(move_url(referrals["a"], "interview"))
    assert response.status_code == 403
    assert Referral.objects.get(pk=referrals["a"].pk).status == "applied"


def test_wrong_state_move_post_shows_a_message(client_for, world, referrals):
    response = client_for(world.users["employer_1"]).post(move_url(referrals["a"], "offer"),
                                                          follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert Referral.objects.get(pk=referrals["a"].pk).status == "applied"


def test_unknown_move_is_not_found(client_for, world, referrals):
    assert client_for(world.users["bureau"]).post(move_url(referrals["a"], "promote")).status_code \
        == 404


# ---- one-tap apply ---------------------------------------------------------------------------

def apply_url(demand: Any) -> str:
    return reverse("employment:apply", kwargs={"demand_id": demand.public_id})


def test_worker_applies_with_one_post(client_for, world):
    client = client_for(world.users["worker_1"])
    response = client.post(apply_url(world.demand_2))
    referral = Referral.objects.get(worker=world.worker_1, demand=world.demand_2)
    assert response.status_code == 302 and response["Location"] == detail_url(referral)
    assert referral.status == "applied"


def test_apply_needs_post(client_for, world):
    assert client_for(world.users["worker_1"]).get(apply_url(world.demand_1)).status_code == 405


def test_apply_to_a_demand_the_worker_cannot_see_is_not_found(client_for, world):
    hidden = JobDemandFactory(employer=world.employer_1, status="closed")
    assert client_for(world.users["worker_1"]).post(apply_url(hidden)).status_code == 404


def test_apply_by_an_employer_is_forbidden(client_for, world):
    assert client_for(world.users["employer_1"]).post(apply_url(world.demand_1)).status_code == 403


def test_apply_twice_shows_a_message(client_for, world):
    client = client_for(world.users["worker_1"])
    client.post(apply_url(world.demand_1), follow=True)
    response = client.post(apply_url(world.demand_1), follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert Referral.objects.filter(worker=world.worker_1).count() == 1


# ---- scoping of the POST-only pages and of the querysets ----------------------------------

@pytest.mark.parametrize("user,status", [
    ("county_b", 404), ("employer_2", 404), ("outsider", 404), ("worker_1", 403), ("inst_1", 403),
])
def test_recommend_post_scoping(client_for, world, holders, user, status):
    url = reverse("employment:recommend", kwargs={"demand_id": world.demand_1.public_id})
    response = client_for(world.users[user]).post(url, {"worker": str(holders[0].public_id)})
    assert response.status_code == status and not Referral.objects.exists()


@pytest.mark.parametrize("user", ["county_b", "employer_2", "worker_2", "outsider"])
def test_move_post_outside_scope_is_not_found(client_for, world, referrals, user):
    response = client_for(world.users[user]).post(move_url(referrals["a"], "decline"))
    assert response.status_code == 404
    assert Referral.objects.get(pk=referrals["a"].pk).status == "applied"


def test_county_scope_covers_the_countys_demands_and_its_own_workers(world):
    away = ReferralFactory(demand=world.demand_2, worker=world.worker_1, status="offered")
    placement = Placement.objects.create(referral=away, worker=world.worker_1,
                                         employer=world.employer_2, start_date=date(2026, 1, 1),
                                         monthly_wage=5000)
    for user in ("county_a", "county_b"):
        assert away in Referral.objects.visible_to(world.users[user])
        assert placement in Placement.objects.visible_to(world.users[user])
    third = ReferralFactory(demand=world.demand_2, worker=world.worker_2)
    assert third not in Referral.objects.visible_to(world.users["county_a"])


def test_county_officer_sees_names_of_other_counties_candidates_only_once_referred(
    client_for, world,
):
    own = WorkerFactory(region=world.county_a, name="本县持证人")
    other = WorkerFactory(region=world.county_b, name="外县持证人")
    referred = WorkerFactory(region=world.county_b, name="已推荐外县人")
    for person in (own, other, referred):
        CertificateFactory(worker=person)
    ReferralFactory(demand=world.demand_1, worker=referred)
    body = page_for(client_for, world, "county_a", candidates_url(world.demand_1)).content.decode()
    assert "本县持证人" in body and "已推荐外县人" in body
    assert "外县持证人" not in body and other.id_number_masked not in body
    assert "Candidate #" in body


@pytest.mark.parametrize("user,full", [
    ("county_a", True), ("bureau", True), ("worker_1", True), ("county_b", False),
    ("employer_2", False),
])
def test_referral_detail_shows_the_full_id_number_only_to_those_who_need_it(
    client_for, world, user, full,
):
    referral = ReferralFactory(demand=world.demand_2, worker=world.worker_1, status="applied")
    body = page_for(client_for, world, user, detail_url(referral)).content.decode()
    assert (world.worker_1.id_number in body) is full
    assert world.worker_1.id_number_masked in body or full


def test_candidates_page_marks_a_worker_in_training_as_qualified_once_training_ends(
    client_for, world
):
    from datetime import timedelta

    from django.utils import timezone

    from dualcert.training.models import Enrollment
    from tests.factories import TrainingProjectFactory

    world.demand_1.required_certificates.set([world.pathway_1.permit])
    learner: Any = WorkerFactory(region=world.county_a, consent_recommend=True)
    today = timezone.localdate()
    project: Any = TrainingProjectFactory(
        pathway=world.pathway_1, status="training",
        start_date=today - timedelta(days=10), end_date=today + timedelta(days=20))
    Enrollment.objects.create(project=project, worker=learner, status="enrolled")
    page = client_for(world.users["county_a"]).get(
        reverse("employment:candidates", kwargs={"demand_id": world.demand_1.public_id}))
    assert page.content.decode().count("data-qualified-soon") == 1
