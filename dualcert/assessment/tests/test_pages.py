import pytest
from django.urls import reverse

from dualcert.assessment.models import Score, Sitting
from dualcert.assessment.tests.helpers import assessing, confirmed, enroll, scored, sitting_for
from dualcert.credentials.models import Certificate
from dualcert.credentials.services import certificates_issue

pytestmark = pytest.mark.django_db


def _url(name, sitting):
    return reverse(f"assessment:{name}", kwargs={"public_id": sitting.public_id})


# -- the list ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("who", "sees"), [
    ("bureau", {1, 2}), ("county_a", {1}), ("dept_1", {1}), ("inst_1", {1}), ("eval_1", {1}),
    ("eval_2", {2}), ("dept_2", {2}),
])
def test_sittings_list_shows_each_role_its_sittings(world, client_for, who, sees):
    sittings = {1: sitting_for(world, 1, place="考点甲"), 2: sitting_for(world, 2, place="考点乙")}
    content = client_for(world.users[who]).get(reverse("assessment:sittings")).content.decode()
    for n, sitting in sittings.items():
        assert (_url("sitting", sitting) in content) == (n in sees)


def test_sittings_list_refuses_outsider_and_anonymous(world, client, client_for):
    response = client.get(reverse("assessment:sittings"))
    assert response.status_code == 302 and "/login/" in response.url
    outsider = client_for(world.users["outsider"])
    assert outsider.get(reverse("assessment:sittings")).status_code == 404


def test_sittings_list_offers_scheduling_for_projects_without_a_sitting(world, client_for):
    assessing(world.project_1, "training")
    link = reverse("assessment:sitting_create", kwargs={"project_id": world.project_1.public_id})
    assert link in client_for(world.users["county_a"]).get(
        reverse("assessment:sittings")).content.decode()
    assert link not in client_for(world.users["inst_1"]).get(
        reverse("assessment:sittings")).content.decode()


def test_sittings_list_filters_by_status(world, client_for):
    scheduled, submitted = sitting_for(world, 2), scored(world, [(80, 80, False)])
    page = client_for(world.users["bureau"]).get(reverse("assessment:sittings"),
                                                 {"status": "scored"}).content.decode()
    assert _url("sitting", submitted) in page and _url("sitting", scheduled) not in page


@pytest.mark.parametrize("rows", [3, 10])
def test_sittings_list_query_count_does_not_grow_with_rows(
    world, client_for, django_assert_num_queries, rows
):
    from tests.factories import TrainingProjectFactory

    for _ in range(rows):
        project = TrainingProjectFactory(pathway=world.pathway_1, institution=world.inst_1,
                                         status="assessing")
        enroll(project, 2)
        Sitting.objects.create(project=project, evaluation_body=world.body_1,
                               day=project.start_date, place="考点", skill_examiner="甲",
                               permit_examiner="乙")
    client = client_for(world.users["county_a"])
    with django_assert_num_queries(6):
        response = client.get(reverse("assessment:sittings"))
    assert response.status_code == 200 and len(response.context["page"]) == rows


# -- scheduling -------------------------------------------------------------------------------

def _create_url(project):
    return reverse("assessment:sitting_create", kwargs={"project_id": project.public_id})


def test_county_officer_schedules_the_sitting_from_the_form(world, client_for):
    project = assessing(world.project_1)
    client = client_for(world.users["county_a"])
    assert client.get(_create_url(project)).status_code == 200
    response = client.post(_create_url(project), {
        "evaluation_body": world.body_1.public_id, "day": "2099-01-10", "place": "考点",
        "skill_examiner": "甲", "permit_examiner": "乙",
    })
    sitting = Sitting.objects.get(project=project)
    assert response.status_code == 302 and response.url == _url("sitting", sitting)


def test_schedule_form_shows_the_missing_examiner(world, client_for):
    project = assessing(world.project_1)
    response = client_for(world.users["bureau"]).post(_create_url(project), {
        "evaluation_body": world.body_1.public_id, "day": "2099-01-10", "place": "考点",
        "skill_examiner": "甲", "permit_examiner": "",
    })
    assert response.status_code == 200 and response.context["form"].errors["permit_examiner"]
    assert not Sitting.objects.exists()


def test_schedule_form_for_a_project_with_a_sitting_leads_to_it(world, client_for):
    sitting = sitting_for(world)
    response = client_for(world.users["county_a"]).get(_create_url(sitting.project))
    assert response.status_code == 302 and response.url == _url("sitting", sitting)


@pytest.mark.parametrize(("who", "status"), [
    ("county_b", 404), ("eval_1", 404), ("outsider", 404), ("dept_1", 403), ("inst_1", 403),
])
def test_schedule_form_is_refused_to_other_roles(world, client_for, who, status):
    project = assessing(world.project_1)
    assert client_for(world.users[who]).get(_create_url(project)).status_code == status


# -- the sitting page -------------------------------------------------------------------------

def test_evaluator_gets_one_score_sheet_form_with_masked_id_numbers(world, client_for):
    sitting = sitting_for(world)
    candidates = enroll(sitting.project, 3)
    response = client_for(world.users["eval_1"]).get(_url("sitting", sitting))
    content = response.content.decode()
    assert response.status_code == 200
    assert content.count(f'action="{_url("sitting_scores", sitting)}"') == 1
    for enrollment in candidates:
        key = enrollment.public_id.hex
        assert f'name="theory_{key}"' in content and f'name="absent_{key}"' in content
        assert enrollment.worker.id_number_masked in content
        assert enrollment.worker.id_number not in content
    assert _url("sitting_submit", sitting) in content


def test_department_officer_sees_the_sheet_read_only_and_the_confirm_button(world, client_for):
    sitting = scored(world, [(90, 90, False), (70, 90, False)])
    content = client_for(world.users["dept_1"]).get(_url("sitting", sitting)).content.decode()
    assert "name=\"theory_" not in content
    assert _url("sitting_confirm", sitting) in content
    assert content.count('class="badge ok"') == 3  # two skill passes, one permit pass
    assert content.count('class="badge bad"') == 1  # the permit's theory mark was missed


def test_issue_button_shows_for_allowed_roles_once_confirmed(world, client_for):
    sitting = confirmed(world, [(90, 90, False)])
    issue = reverse("credentials:sitting_issue", kwargs={"public_id": sitting.public_id})
    assert issue in client_for(world.users["county_a"]).get(
        _url("sitting", sitting)).content.decode()
    assert issue not in client_for(world.users["eval_1"]).get(
        _url("sitting", sitting)).content.decode()


def test_issue_button_hidden_once_every_certificate_is_issued(world, client_for):
    sitting = confirmed(world, [(90, 90, False)])
    certificates_issue(actor=world.users["bureau"], sitting=sitting)
    issue = reverse("credentials:sitting_issue", kwargs={"public_id": sitting.public_id})
    page = client_for(world.users["county_a"]).get(_url("sitting", sitting)).content.decode()
    assert issue not in page
    for certificate in Certificate.objects.all():
        assert reverse("credentials:certificate",
                       kwargs={"public_id": certificate.public_id}) in page


@pytest.mark.parametrize(("who", "status"), [
    ("eval_2", 404), ("county_b", 404), ("dept_2", 404), ("inst_2", 404), ("outsider", 404),
    ("worker_2", 404), ("eval_1", 200), ("inst_1", 200), ("dept_1", 200), ("bureau", 200),
])
def test_sitting_page_is_scoped(world, client_for, who, status):
    sitting = sitting_for(world)
    assert client_for(world.users[who]).get(_url("sitting", sitting)).status_code == status


@pytest.mark.parametrize("rows", [3, 10])
def test_sitting_page_query_count_does_not_grow_with_candidates(
    world, client_for, django_assert_num_queries, rows
):
    sitting = scored(world, [(90, 90, False)] * rows)
    client = client_for(world.users["eval_1"])
    with django_assert_num_queries(7):
        response = client.get(_url("sitting", sitting))
    assert len(response.context["candidates"]) == rows


def test_score_sheet_page_query_count_does_not_grow_with_candidates(
    world, client_for, django_assert_num_queries
):
    sitting = sitting_for(world)
    enroll(sitting.project, 12)
    client = client_for(world.users["eval_1"])
    with django_assert_num_queries(7):
        response = client.get(_url("sitting", sitting))
    assert len(response.context["sheet"].lines()) == 12


# -- actions ----------------------------------------------------------------------------------

def _sheet(candidates, marks):
    data = {}
    for enrollment, (theory, practical, absent) in zip(candidates, marks, strict=True):
        key = enrollment.public_id.hex
        data[f"theory_{key}"] = theory
        data[f"practical_{key}"] = practical
        if absent:
            data[f"absent_{key}"] = "on"
    return data


def test_evaluator_saves_the_whole_sheet_in_one_post(world, client_for):
    sitting = sitting_for(world)
    candidates = enroll(sitting.project, 3)
    response = client_for(world.users["eval_1"]).post(
        _url("sitting_scores", sitting),
        _sheet(candidates, [(80, 90, False), ("", "", True), ("", "", False)]),
    )
    assert response.status_code == 302
    assert Score.objects.count() == 2  # the untouched line is left for later
    assert Score.objects.get(enrollment=candidates[1]).absent


def test_sheet_with_a_wrong_line_saves_nothing_and_shows_the_errors(world, client_for):
    sitting = sitting_for(world)
    candidates = enroll(sitting.project, 2)
    response = client_for(world.users["eval_1"]).post(
        _url("sitting_scores", sitting), _sheet(candidates, [(80, 90, False), (75, "", False)]),
    )
    assert response.status_code == 400
    assert "nothing was saved" in response.content.decode()
    assert not Score.objects.exists()


def test_sheet_with_a_mark_over_100_is_refused(world, client_for):
    sitting = sitting_for(world)
    candidates = enroll(sitting.project, 1)
    response = client_for(world.users["eval_1"]).post(
        _url("sitting_scores", sitting), _sheet(candidates, [(101, 90, False)]),
    )
    assert response.status_code == 400 and not Score.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("dept_1", 403), ("inst_1", 403), ("bureau", 403),
                                             ("eval_2", 404), ("outsider", 404)])
def test_score_sheet_post_refused_to_everyone_but_the_evaluator(world, client_for, who, status):
    sitting = sitting_for(world)
    candidates = enroll(sitting.project, 1)
    response = client_for(world.users[who]).post(
        _url("sitting_scores", sitting), _sheet(candidates, [(80, 80, False)]))
    assert response.status_code == status and not Score.objects.exists()


def test_submit_with_missing_sheets_shows_who_is_missing(world, client_for):
    sitting = sitting_for(world)
    (candidate,) = enroll(sitting.project, 1)
    response = client_for(world.users["eval_1"]).post(_url("sitting_submit", sitting),
                                                      follow=True)
    assert candidate.worker.name in response.content.decode()
    sitting.refresh_from_db()
    assert sitting.status == "scheduled"


def test_submit_reopen_and_confirm_through_the_page(world, client_for):
    sitting = sitting_for(world)
    candidates = enroll(sitting.project, 1)
    evaluator = client_for(world.users["eval_1"])
    evaluator.post(_url("sitting_scores", sitting), _sheet(candidates, [(90, 90, False)]))
    evaluator.post(_url("sitting_submit", sitting))
    evaluator.post(_url("sitting_reopen", sitting))
    evaluator.post(_url("sitting_submit", sitting))
    sitting.refresh_from_db()
    assert sitting.status == "scored"
    client_for(world.users["dept_1"]).post(_url("sitting_confirm", sitting))
    sitting.refresh_from_db()
    assert sitting.status == "confirmed"


@pytest.mark.parametrize(("who", "status"), [("dept_2", 404), ("county_a", 403), ("inst_1", 403)])
def test_confirm_post_refused_to_other_departments_and_roles(world, client_for, who, status):
    sitting = scored(world, [(90, 90, False)])
    assert client_for(world.users[who]).post(_url("sitting_confirm", sitting)).status_code == status
    sitting.refresh_from_db()
    assert sitting.status == "scored"


def test_submit_post_by_read_only_role_is_403(world, client_for):
    sitting = sitting_for(world)
    response = client_for(world.users["inst_1"]).post(_url("sitting_submit", sitting))
    assert response.status_code == 403


def test_actions_need_post(world, client_for):
    sitting = sitting_for(world)
    assert client_for(world.users["eval_1"]).get(_url("sitting_submit", sitting)).status_code == 405
