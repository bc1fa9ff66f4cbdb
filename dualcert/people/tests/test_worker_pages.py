import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dualcert.employment.services import referral_apply
from dualcert.people.tests.helpers import certify, enroll, links_of, refer
from tests.factories import WorkerFactory

pytestmark = pytest.mark.django_db


def queries_of(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return len(captured.captured_queries), response


def names_on(response):
    return {row[0].name for row in response.context["rows"]}


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("people:workers"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_account_without_role_gets_403_on_workers_list(world, client_for):
    assert client_for(world.users["outsider"]).get(reverse("people:workers")).status_code == 403


def test_county_officer_lists_only_own_county(world, client_for):
    response = client_for(world.users["county_a"]).get(reverse("people:workers"))
    assert names_on(response) == {world.worker_1.name}


def test_institution_sees_only_workers_enrolled_in_its_projects(world, client_for):
    enroll(world.project_1, world.worker_1)
    enroll(world.project_2, world.worker_2)
    WorkerFactory(region=world.county_a)  # same county, never enrolled
    response = client_for(world.users["inst_1"]).get(reverse("people:workers"))
    assert names_on(response) == {world.worker_1.name}


def test_employer_sees_no_workers_until_one_is_referred(world, client_for):
    client = client_for(world.users["employer_1"])
    assert names_on(client.get(reverse("people:workers"))) == set()
    refer(world.demand_1, world.worker_2)
    assert names_on(client.get(reverse("people:workers"))) == {world.worker_2.name}


def test_employer_sees_nothing_of_an_invited_worker_until_they_apply(world, client_for):
    referral = refer(world.demand_1, world.worker_2, status="recommended")
    client = client_for(world.users["employer_1"])
    assert names_on(client.get(reverse("people:workers"))) == set()
    url = reverse("people:worker", kwargs={"public_id": world.worker_2.public_id})
    assert client.get(url).status_code == 404
    referral_apply(actor=world.users["worker_2"], referral=referral)
    assert names_on(client.get(reverse("people:workers"))) == {world.worker_2.name}


def test_employer_does_not_see_referred_worker_who_withdrew_consent(world, client_for):
    refer(world.demand_1, world.worker_2)
    world.worker_2.consent_recommend = False
    world.worker_2.save()
    response = client_for(world.users["employer_1"]).get(reverse("people:workers"))
    assert names_on(response) == set()


def test_name_search_is_posted_so_no_name_reaches_a_url(world, client_for):
    WorkerFactory(region=world.county_a, name="张三丰")
    client = client_for(world.users["bureau"])
    response = client.post(reverse("people:workers"), {"q": "三丰"})
    assert names_on(response) == {"张三丰"}
    assert 'method="get"' not in response.content.decode()


def test_name_in_the_query_string_is_ignored(world, client_for):
    WorkerFactory(region=world.county_a, name="张三丰")
    response = client_for(world.users["bureau"]).get(reverse("people:workers"), {"q": "三丰"})
    assert len(names_on(response)) > 1


def test_post_id_search_finds_the_worker(world, client_for):
    response = client_for(world.users["bureau"]).post(
        reverse("people:workers"), {"id_number": world.worker_2.id_number.lower()}
    )
    assert response.status_code == 200
    assert names_on(response) == {world.worker_2.name}


def test_post_id_search_stays_inside_scope(world, client_for):
    response = client_for(world.users["county_a"]).post(
        reverse("people:workers"), {"id_number": world.worker_2.id_number}
    )
    assert names_on(response) == set()
    assert "No worker you may see has this ID number." in response.content.decode()


def test_post_id_search_with_wrong_check_digit_says_so(world, client_for):
    wrong = world.worker_1.id_number[:17] + ("0" if world.worker_1.id_number[17] != "0" else "1")
    response = client_for(world.users["bureau"]).post(reverse("people:workers"),
                                                      {"id_number": wrong})
    assert names_on(response) == set()
    assert "check digit" in str(response.context["id_form"].errors["id_number"])


def test_id_number_in_the_query_string_is_not_searched(world, client_for):
    response = client_for(world.users["bureau"]).get(
        reverse("people:workers"), {"id_number": world.worker_1.id_number}
    )
    assert names_on(response) == {world.worker_1.name, world.worker_2.name}


def test_post_id_search_page_has_no_id_number_in_any_link(world, client_for):
    number = world.worker_1.id_number
    response = client_for(world.users["bureau"]).post(reverse("people:workers"),
                                                      {"id_number": number})
    assert all(number not in link for link in links_of(response.content.decode()))


@pytest.mark.parametrize(("role", "full"), [
    ("bureau", True), ("county_a", True), ("inst_1", False), ("employer_1", False),
])
def test_workers_list_shows_full_id_only_to_bureau_and_county(world, client_for, role, full):
    enroll(world.project_1, world.worker_1)
    refer(world.demand_1, world.worker_1)
    html = client_for(world.users[role]).get(reverse("people:workers")).content.decode()
    assert (world.worker_1.id_number in html) is full
    assert world.worker_1.id_number_masked in html or full


def test_workers_list_query_count_does_not_grow_with_rows(world, client_for,
                                                          django_assert_max_num_queries):
    client = client_for(world.users["county_a"])
    WorkerFactory.create_batch(2, region=world.county_a)
    few, response = queries_of(client, reverse("people:workers"))
    assert len(response.context["rows"]) == 3
    WorkerFactory.create_batch(7, region=world.county_a)
    many, response = queries_of(client, reverse("people:workers"))
    assert len(response.context["rows"]) == 10
    assert many == few
    with django_assert_max_num_queries(8):
        client.get(reverse("people:workers"))


# --- the worker's record -------------------------------------------------------------------

def detail(worker):
    return reverse("people:worker", kwargs={"public_id": worker.public_id})


@pytest.mark.parametrize("role", ["outsider", "county_b", "inst_1", "employer_1", "worker_2",
                                  "dept_1", "eval_1"])
def test_worker_record_is_404_outside_scope(world, client_for, role):
    url = detail(world.worker_1)
    assert client_for(world.users[role]).get(url).status_code == 404


@pytest.mark.parametrize(("role", "full"), [
    ("bureau", True), ("county_a", True), ("inst_1", False), ("employer_1", False),
])
def test_worker_record_shows_full_or_masked_id_by_role(world, client_for, role, full):
    enroll(world.project_1, world.worker_1)
    refer(world.demand_1, world.worker_1)
    response = client_for(world.users[role]).get(detail(world.worker_1))
    html = response.content.decode()
    assert response.status_code == 200
    assert (world.worker_1.id_number in html) is full
    assert all(world.worker_1.id_number not in link for link in links_of(html))
    assert response.context["shown_id"] == (
        world.worker_1.id_number if full else world.worker_1.id_number_masked
    )


def test_worker_record_lists_enrollments_certificates_referrals(world, client_for):
    enroll(world.project_1, world.worker_1, status="enrolled", attended_hours=12)
    cert = certify(world.worker_1, world.pathway_1.permit)
    refer(world.demand_1, world.worker_1)
    html = client_for(world.users["county_a"]).get(detail(world.worker_1)).content
    html = html.decode()
    assert world.project_1.name in html and cert.number in html and world.demand_1.title in html


def test_institution_sees_only_its_own_enrollments_of_a_shared_worker(world, client_for):
    enroll(world.project_1, world.worker_1)
    enroll(world.project_2, world.worker_1)
    response = client_for(world.users["inst_1"]).get(detail(world.worker_1))
    assert [e.project for e in response.context["enrollments"]] == [world.project_1]


def test_audit_history_shown_to_officers_only(world, client_for):
    from dualcert.people.services import worker_set_consent

    worker_set_consent(actor=world.users["bureau"], worker=world.worker_1, consent=False)
    enroll(world.project_1, world.worker_1)
    county = client_for(world.users["county_a"]).get(detail(world.worker_1))
    assert [e.action for e in county.context["history"]] == ["worker.consent"]
    institution = client_for(world.users["inst_1"]).get(detail(world.worker_1))
    assert "worker.consent" not in institution.content.decode()
