from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dualcert.demand.models import JobDemand
from dualcert.demand.services import demand_close
from dualcert.employment.models import Referral
from tests.factories import JobDemandFactory

pytestmark = pytest.mark.django_db


def listed(response):
    return {d.title for d in response.context["page"]}


def detail_url(demand, name="demand:demand"):
    return reverse(name, kwargs={"public_id": demand.public_id})


def titled(world):
    world.demand_1.title, world.demand_2.title = "电工A", "焊工B"
    world.demand_1.save()
    world.demand_2.save()


@pytest.mark.parametrize(("role", "expected"), [
    ("bureau", {"电工A", "焊工B"}), ("county_a", {"电工A"}), ("county_b", {"焊工B"}),
    ("employer_1", {"电工A"}), ("inst_1", {"电工A"}), ("dept_2", {"焊工B"}),
    ("eval_1", set()),
])
def test_demand_list_is_scoped_by_role(world, client_for, role, expected):
    titled(world)
    response = client_for(world.users[role]).get(reverse("demand:demands"))
    assert response.status_code == 200 and listed(response) == expected


def test_account_without_role_gets_403_on_demand_list(world, client_for):
    assert client_for(world.users["outsider"]).get(reverse("demand:demands")).status_code == 403


def test_employer_list_offers_the_post_button(world, client_for):
    html = client_for(world.users["employer_1"]).get(reverse("demand:demands")).content.decode()
    assert reverse("demand:demand_create") in html


def test_officers_filter_by_status_and_county(world, client_for):
    titled(world)
    demand_close(actor=world.users["bureau"], demand=world.demand_2)
    client = client_for(world.users["bureau"])
    assert listed(client.get(reverse("demand:demands"), {"status": "open"})) == {"电工A"}
    assert listed(client.get(reverse("demand:demands"), {"region": "652302"})) == {"焊工B"}
    assert listed(client.get(reverse("demand:demands"), {"q": "焊"})) == {"焊工B"}


def test_worker_sees_open_demands_as_offer_cards_with_apply_forms(world, client_for):
    titled(world)
    demand_close(actor=world.users["bureau"], demand=world.demand_2)
    JobDemandFactory(title="过期", deadline=date.today() - timedelta(days=1))
    response = client_for(world.users["worker_1"]).get(reverse("demand:demands"))
    html = response.content.decode()
    assert listed(response) == {"电工A"}
    assert "demand/offers.html" in [t.name for t in response.templates]
    apply_url = reverse("employment:apply", kwargs={"demand_id": world.demand_1.public_id})
    assert f'action="{apply_url}"' in html
    assert world.employer_1.name in html and "5000–7000" in html


def test_offer_already_applied_for_shows_no_second_apply_form(world, client_for):
    Referral.objects.create(demand=world.demand_1, worker=world.worker_1, status="applied")
    html = client_for(world.users["worker_1"]).get(reverse("demand:demands")).content.decode()
    apply_url = reverse("employment:apply", kwargs={"demand_id": world.demand_1.public_id})
    assert apply_url not in html and "You have applied" in html


def test_offer_the_worker_was_only_recommended_for_keeps_its_apply_form(world, client_for):
    Referral.objects.create(demand=world.demand_1, worker=world.worker_1, status="recommended")
    client = client_for(world.users["worker_1"])
    apply_url = reverse("employment:apply", kwargs={"demand_id": world.demand_1.public_id})
    for page in (reverse("demand:demands"), detail_url(world.demand_1)):
        html = client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert f'action="{apply_url}"' in html and "You have applied" not in html, page


@pytest.mark.parametrize("role", ["county_b", "employer_2", "inst_2", "eval_1", "outsider"])
def test_demand_detail_is_404_outside_scope(world, client_for, role):
    assert client_for(world.users[role]).get(detail_url(world.demand_1)).status_code == 404


def test_closed_demand_is_404_for_workers(world, client_for):
    demand_close(actor=world.users["bureau"], demand=world.demand_1)
    assert client_for(world.users["worker_1"]).get(detail_url(world.demand_1)).status_code == 404


def test_demand_detail_for_officer_links_projects_candidates_and_new_project(world, client_for):
    response = client_for(world.users["county_a"]).get(detail_url(world.demand_1))
    html = response.content.decode()
    assert world.project_1.name in html
    assert f'{reverse("training:project_create")}?demand={world.demand_1.public_id}' in html
    assert reverse("employment:candidates", kwargs={"demand_id": world.demand_1.public_id}) in html
    assert detail_url(world.demand_1, "demand:demand_close") in html


def test_demand_detail_for_employer_has_no_project_button(world, client_for):
    html = client_for(world.users["employer_1"]).get(detail_url(world.demand_1)).content.decode()
    assert reverse("training:project_create") not in html
    assert detail_url(world.demand_1, "demand:demand_edit") in html


def test_demand_detail_for_worker_has_apply_but_no_edit(world, client_for):
    html = client_for(world.users["worker_1"]).get(detail_url(world.demand_1)).content.decode()
    assert reverse("employment:apply", kwargs={"demand_id": world.demand_1.public_id}) in html
    assert detail_url(world.demand_1, "demand:demand_edit") not in html


def form_data(world, **changes):
    data = {
        "title": "维修电工", "occupation": world.demand_1.occupation_id,
        "required_certificates": [world.pathway_1.permit.pk], "headcount": "4",
        "wage_min": "5000", "wage_max": "6000", "region": world.county_a.pk,
        "place": "厂区", "deadline": (date.today() + timedelta(days=10)).isoformat(),
    }
    return {**data, **changes}


def test_employer_posts_a_demand_from_the_page(world, client_for):
    response = client_for(world.users["employer_1"]).post(reverse("demand:demand_create"),
                                                          form_data(world))
    demand = JobDemand.objects.get(title="维修电工")
    assert response.status_code == 302 and response["Location"] == detail_url(demand)
    assert demand.employer == world.employer_1


def test_employer_form_has_no_employer_choice(world, client_for):
    response = client_for(world.users["employer_1"]).get(reverse("demand:demand_create"))
    assert "employer" not in response.context["form"].fields


def test_bad_wage_range_is_shown_on_the_wage_field(world, client_for):
    response = client_for(world.users["employer_1"]).post(
        reverse("demand:demand_create"), form_data(world, wage_min="8000", wage_max="6000")
    )
    assert response.status_code == 200
    assert "below the lowest" in str(response.context["form"].errors["wage_max"])
    assert not JobDemand.objects.filter(title="维修电工").exists()


def test_county_officer_posting_for_another_county_sees_the_refusal(world, client_for):
    response = client_for(world.users["county_a"]).post(
        reverse("demand:demand_create"),
        form_data(world, employer=world.employer_1.pk, region=world.county_b.pk),
    )
    assert "own county" in str(response.context["form"].non_field_errors())


@pytest.mark.parametrize("role", ["worker_1", "inst_1", "dept_1", "eval_1", "outsider"])
def test_roles_that_do_not_post_get_403_on_the_post_page(world, client_for, role):
    assert client_for(world.users[role]).get(reverse("demand:demand_create")).status_code == 403


def test_employer_edits_an_open_demand(world, client_for):
    response = client_for(world.users["employer_1"]).post(
        detail_url(world.demand_1, "demand:demand_edit"), form_data(world, headcount="2")
    )
    world.demand_1.refresh_from_db()
    assert response.status_code == 302 and world.demand_1.headcount == 2


def test_worker_gets_403_on_edit_and_close(world, client_for):
    client = client_for(world.users["worker_1"])
    assert client.get(detail_url(world.demand_1, "demand:demand_edit")).status_code == 403
    assert client.post(detail_url(world.demand_1, "demand:demand_close")).status_code == 403


def test_close_button_closes_and_second_close_shows_a_message(world, client_for):
    client = client_for(world.users["employer_1"])
    client.post(detail_url(world.demand_1, "demand:demand_close"))
    world.demand_1.refresh_from_db()
    assert world.demand_1.status == JobDemand.Status.CLOSED
    response = client.post(detail_url(world.demand_1, "demand:demand_close"), follow=True)
    assert "cannot move" in response.content.decode()


def test_close_needs_post(world, client_for):
    client = client_for(world.users["employer_1"])
    assert client.get(detail_url(world.demand_1, "demand:demand_close")).status_code == 405


def queries_of(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return len(captured.captured_queries), response


@pytest.mark.parametrize("role", ["bureau", "worker_1"])
def test_demand_list_query_count_does_not_grow_with_rows(world, client_for, role,
                                                        django_assert_max_num_queries):
    client = client_for(world.users[role])
    JobDemandFactory(employer=world.employer_1).required_certificates.add(world.pathway_1.permit)
    few, response = queries_of(client, reverse("demand:demands"))
    assert len(response.context["page"]) == 3
    for _ in range(7):
        JobDemandFactory(employer=world.employer_2).required_certificates.add(
            world.pathway_2.permit, world.pathway_2.skill_certificate
        )
    many, response = queries_of(client, reverse("demand:demands"))
    assert len(response.context["page"]) == 10
    assert many == few
    with django_assert_max_num_queries(10):
        client.get(reverse("demand:demands"))
