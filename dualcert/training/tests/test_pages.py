import re

import pytest
from django.urls import reverse

from dualcert.assessment.models import Sitting
from dualcert.catalog.models import Education
from dualcert.people import idnumber
from dualcert.training.models import Attendance, Enrollment, Module, TrainingProject
from dualcert.training.tests.builders import (
    START,
    cover_fully,
    days,
    enroll,
    items_of,
    project,
    session,
    set_status,
)
from tests.factories import TrainingProjectFactory

pytestmark = pytest.mark.django_db


def _url(view, obj=None, **kwargs):
    if obj is not None:
        kwargs["public_id"] = obj.public_id
    return reverse(f"training:{view}", kwargs=kwargs or None)


def _messages(response):
    return [str(m) for m in response.context["messages"]]


# --- the list ---------------------------------------------------------------------------

def test_list_shows_only_projects_in_scope(world, client_for):
    page = client_for(world.users["inst_1"]).get(_url("projects"))
    assert page.status_code == 200
    assert world.project_1.name in page.content.decode()
    assert world.project_2.name not in page.content.decode()


def test_list_filters_by_status(world, client_for):
    set_status(world.project_2, "enrolling")
    page = client_for(world.users["bureau"]).get(_url("projects"), {"status": "enrolling"})
    assert [p.pk for p in page.context["page"]] == [world.project_2.pk]


def test_worker_sees_enrolling_projects_and_own_with_apply_button(world, client_for):
    set_status(world.project_2, "enrolling")
    mine = project(world, "training")
    enroll(mine, world.worker_1)
    page = client_for(world.users["worker_1"]).get(_url("projects"))
    assert {p.pk for p in page.context["page"]} == {world.project_2.pk, mine.pk}
    html = page.content.decode()
    assert _url("enrollment_apply_self", world.project_2) in html
    assert _url("enrollment_apply_self", mine) not in html


def test_worker_applies_from_the_list(world, client_for):
    set_status(world.project_2, "enrolling")
    client = client_for(world.users["worker_1"])
    response = client.post(_url("enrollment_apply_self", world.project_2), follow=True)
    assert Enrollment.objects.get(project=world.project_2).worker == world.worker_1
    assert "Application sent" in " ".join(_messages(response))


def test_outsider_gets_404_and_anonymous_is_sent_to_login(world, client, client_for):
    assert client.get(_url("projects")).status_code == 302
    assert client_for(world.users["outsider"]).get(_url("projects")).status_code == 404


def test_list_query_count_does_not_grow_with_rows(world, client_for,
                                                  django_assert_max_num_queries):
    client = client_for(world.users["bureau"])
    client.get(_url("projects"))  # warm the session and the content types
    with django_assert_max_num_queries(8) as few:
        client.get(_url("projects"))
    TrainingProjectFactory.create_batch(8, institution=world.inst_1)
    for each in TrainingProject.objects.all():
        enroll(each)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(_url("projects"))
    assert len(page.context["page"]) == 10


def test_worker_list_query_count_does_not_grow_with_rows(world, client_for,
                                                         django_assert_max_num_queries):
    client = client_for(world.users["worker_1"])
    set_status(world.project_1, "enrolling")
    client.get(_url("projects"))
    with django_assert_max_num_queries(8) as few:
        client.get(_url("projects"))
    for each in TrainingProjectFactory.create_batch(8, institution=world.inst_2):
        set_status(each, "enrolling")
        enroll(each, world.worker_1, status="applied")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(_url("projects"))
    assert len(page.context["page"]) == 9


# --- create ----------------------------------------------------------------------------

def test_create_page_preselects_demand_and_its_pathway(world, client_for):
    world.demand_1.occupation = world.pathway_1.skill_certificate.occupation
    world.demand_1.save()
    page = client_for(world.users["county_a"]).get(
        _url("project_create"), {"demand": str(world.demand_1.public_id)}
    )
    form = page.context["form"]
    assert form.initial["demands"] == [world.demand_1]
    assert form.initial["pathway"] == world.pathway_1
    html = page.content.decode()
    assert f'value="{world.demand_1.public_id}" id="id_demands_0" checked' in html
    assert "region" not in form.fields  # a county officer's projects are in their county


def test_create_page_ignores_a_demand_out_of_scope(world, client_for):
    page = client_for(world.users["county_a"]).get(
        _url("project_create"), {"demand": str(world.demand_2.public_id)}
    )
    assert page.context["form"].initial == {}


def test_create_page_creates_and_redirects(world, client_for):
    client = client_for(world.users["bureau"])
    response = client.post(_url("project_create"), {
        "name": "电工双证 1 期", "pathway": world.pathway_1.public_id,
        "institution": world.inst_1.public_id, "region": world.county_a.public_id,
        "place": "实训楼", "demands": [world.demand_1.public_id],
        "capacity": 20, "subsidy_per_person": 1500, "completion_threshold": 90,
        "start_date": "2026-04-01", "end_date": "2026-04-30",
    })
    made = TrainingProject.objects.get(name="电工双证 1 期")
    assert response.status_code == 302 and response.url == _url("project", made)
    assert made.code == "XM2026-0001"


def test_create_page_shows_service_refusals_on_the_form(world, client_for):
    response = client_for(world.users["county_a"]).post(_url("project_create"), {
        "name": "x", "pathway": world.pathway_1.public_id, "institution": world.inst_1.public_id,
        "capacity": 20, "subsidy_per_person": 0, "completion_threshold": 90,
        "start_date": "2026-04-30", "end_date": "2026-04-01",
    })
    assert response.status_code == 200
    assert "is before the start date" in response.content.decode()


@pytest.mark.parametrize(("role", "status"), [("inst_1", 403), ("dept_1", 403),
                                              ("worker_1", 403), ("outsider", 404)])
def test_create_page_is_for_officers(world, client_for, role, status):
    assert client_for(world.users[role]).get(_url("project_create")).status_code == status


# --- the project page ------------------------------------------------------------------

@pytest.mark.parametrize(("role", "status"), [
    ("bureau", 200), ("county_a", 200), ("inst_1", 200), ("dept_1", 200),
    ("county_b", 404), ("inst_2", 404), ("dept_2", 404), ("eval_1", 404), ("employer_2", 404),
    ("worker_1", 404), ("outsider", 404),
])
def test_project_page_scoping(world, client_for, role, status):
    response = client_for(world.users[role]).get(_url("project", world.project_1))
    assert response.status_code == status


def test_project_page_shows_coverage_gaps_and_moves_for_officers(world, client_for, electrician):
    draft = project(world, pathway=electrician)
    items = items_of(electrician)
    Module.objects.create(project=draft, name="安全", theory_hours=12, practical_hours=8
                          ).requirement_items.add(items["安全技术"])
    html = client_for(world.users["county_a"]).get(_url("project", draft)).content.decode()
    assert html.count('class="badge bad"') == 7  # 安全技术 lacks theory only; 3 items lack both
    assert "theory 12 h short" in html
    assert _url("project_move", draft, name="approve") in html
    assert _url("module_add", draft) in html


def test_department_officer_reads_but_sees_no_buttons(world, client_for):
    cover_fully(world.project_1)
    html = client_for(world.users["dept_1"]).get(_url("project", world.project_1)).content.decode()
    assert "/moves/" not in html and _url("module_add", world.project_1) not in html


def test_project_page_shows_masked_id_numbers_only(world, client_for):
    enroll(world.project_1, world.worker_1)
    html = client_for(world.users["bureau"]).get(_url("project", world.project_1)).content.decode()
    assert world.worker_1.id_number_masked in html
    assert world.worker_1.id_number not in html


def test_worker_sees_only_their_own_enrollment(world, client_for):
    set_status(world.project_1, "enrolling")
    enroll(world.project_1, world.worker_1, status="applied")
    other = enroll(world.project_1)
    html = client_for(world.users["worker_1"]).get(_url("project", world.project_1)
                                                   ).content.decode()
    assert world.worker_1.name in html and other.worker.name not in html


def test_employer_sees_only_consenting_trainees(world, client_for):
    agreed = enroll(world.project_1)
    declined = enroll(world.project_1)
    type(declined.worker).objects.filter(pk=declined.worker.pk).update(consent_recommend=False)
    page = client_for(world.users["employer_1"]).get(_url("project", world.project_1))
    assert [e.pk for e in page.context["p"].enrollments] == [agreed.pk]


def test_project_page_query_count_does_not_grow(world, client_for, electrician,
                                                django_assert_max_num_queries):
    subject = project(world, "enrolling", pathway=electrician)
    cover_fully(subject)
    for _ in range(3):
        enroll(subject, status="applied")
    session(subject)
    client = client_for(world.users["inst_1"])
    client.get(_url("project", subject))
    with django_assert_max_num_queries(25) as few:
        client.get(_url("project", subject))
    for _ in range(3):
        cover_fully(subject)
        session(subject, START + days(1))
    for _ in range(10):
        enroll(subject, status="applied")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(_url("project", subject))
    assert len(page.context["p"].enrollments) == 13 and len(page.context["p"].modules) == 16


def test_approve_button_refusal_lists_every_gap(world, client_for, electrician):
    draft = project(world, pathway=electrician)
    modules = cover_fully(draft)
    Module.objects.filter(pk=modules[2].pk).update(theory_hours=12)
    Module.objects.filter(pk=modules[3].pk).update(practical_hours=20)
    response = client_for(world.users["county_a"]).post(
        _url("project_move", draft, name="approve"), follow=True
    )
    assert response.status_code == 200
    assert _messages(response) == [
        "Refused, for these reasons:",
        "低压电工作业 · 安全技术: theory 12 of 24 hours (12 short)",
        "低压电工作业 · 实际操作: practical 20 of 24 hours (4 short)",
    ]


def test_approve_button_moves_the_project(world, client_for):
    cover_fully(world.project_1)
    response = client_for(world.users["county_a"]).post(
        _url("project_move", world.project_1, name="approve"), follow=True
    )
    assert TrainingProject.objects.get(pk=world.project_1.pk).status == "approved"
    assert "approved" in _messages(response)[0]


def test_institution_pressing_an_officers_move_gets_a_message(world, client_for):
    cover_fully(world.project_1)
    response = client_for(world.users["inst_1"]).post(
        _url("project_move", world.project_1, name="approve"), follow=True
    )
    assert response.status_code == 200 and "Only the bureau" in _messages(response)[0]
    assert TrainingProject.objects.get(pk=world.project_1.pk).status == "draft"


def test_move_page_accepts_post_only(world, client_for):
    url = _url("project_move", world.project_1, name="approve")
    assert client_for(world.users["bureau"]).get(url).status_code == 405


# --- write views: outsider 404, other scope 404, read-only 403 ------------------------

def _write_urls(world):
    subject = world.project_1
    set_status(subject, "training")
    module = Module.objects.create(project=subject, name="m", theory_hours=2)
    one = enroll(subject)
    lesson = session(subject)
    return [
        _url("project_move", subject, name="finish_training"), _url("module_add", subject),
        _url("session_add", subject), _url("enrollment_apply", subject),
        _url("enrollment_admit_all", subject), _url("module", module),
        _url("module_remove", module), _url("enrollment_admit", one),
        _url("enrollment_drop", one), _url("attendance", lesson),
    ]


@pytest.mark.parametrize(("role", "status"), [
    ("outsider", 404), ("inst_2", 404), ("county_b", 404), ("dept_2", 404),
    ("dept_1", 403), ("employer_1", 403),
])
def test_write_views_refuse_by_scope(world, client_for, role, status):
    client = client_for(world.users[role])
    for url in _write_urls(world):
        assert client.post(url, {"reason": "x"}).status_code == status, url
    assert TrainingProject.objects.get(pk=world.project_1.pk).status == "training"


# --- forms on the project page ---------------------------------------------------------

def test_module_form_adds_a_module(world, client_for, electrician):
    draft = project(world, pathway=electrician)
    items = items_of(electrician)
    response = client_for(world.users["inst_1"]).post(_url("module_add", draft), {
        "name": "安全技术", "order": 1, "theory_hours": 24, "practical_hours": 8,
        "requirement_items": [items["安全技术"].public_id, items["理论基础"].public_id],
    })
    assert response.status_code == 302
    assert draft.modules.get().requirement_items.count() == 2


def test_module_form_shows_the_refusal(world, client_for, electrician):
    draft = project(world, pathway=electrician)
    response = client_for(world.users["inst_1"]).post(_url("module_add", draft), {
        "name": "空", "order": 1, "theory_hours": 0, "practical_hours": 0,
    })
    assert response.status_code == 200
    assert "at least one hour" in response.content.decode()


def test_module_edit_page_saves_and_removes(world, client_for, electrician):
    draft = project(world, pathway=electrician)
    module = Module.objects.create(project=draft, name="旧", theory_hours=2)
    client = client_for(world.users["county_a"])
    assert client.get(_url("module", module)).status_code == 200
    client.post(_url("module", module), {"name": "新", "order": 3, "theory_hours": 5,
                                         "practical_hours": 1})
    module.refresh_from_db()
    assert (module.name, module.order, module.hours) == ("新", 3, 6)
    client.post(_url("module_remove", module))
    assert not draft.modules.exists()


def test_session_form_schedules_and_refuses_days_outside(world, client_for):
    subject = project(world, "approved")
    client = client_for(world.users["inst_1"])
    bad = client.post(_url("session_add", subject),
                      {"day": "2026-05-01", "topic": "实操", "hours": 4})
    assert bad.status_code == 200
    assert "outside the project's dates" in " ".join(bad.context["session_form"].non_field_errors())
    good = client.post(_url("session_add", subject),
                       {"day": START.isoformat(), "topic": "实操", "hours": 4})
    assert good.status_code == 302 and subject.sessions.count() == 1


def _apply_data(world, **overrides):
    data = {"name": "新学员", "id_number": idnumber.generate("652301", START.replace(1991), 5),
            "phone": "13900002222", "education": Education.SENIOR,
            "region": world.county_a.public_id,
            "wage_before": 2800, "consent_recommend": "on"}
    data.update(overrides)
    return data


def test_apply_form_files_an_application(world, client_for):
    subject = project(world, "enrolling")
    response = client_for(world.users["inst_1"]).post(_url("enrollment_apply", subject),
                                                      _apply_data(world))
    assert response.status_code == 302
    enrollment = subject.enrollments.get()
    assert enrollment.worker.name == "新学员" and enrollment.worker.consent_recommend


def test_apply_form_shows_check_digit_error_on_the_id_field(world, client_for):
    subject = project(world, "enrolling")
    good = _apply_data(world)["id_number"]
    wrong = good[:-1] + ("1" if good[-1] != "1" else "2")
    response = client_for(world.users["inst_1"]).post(_url("enrollment_apply", subject),
                                                      _apply_data(world, id_number=wrong))
    assert response.status_code == 200
    assert "check digit" in str(response.context["apply_form"].errors["id_number"])
    assert not subject.enrollments.exists()


def test_apply_form_lists_every_eligibility_reason(world, client_for):
    subject = project(world, "enrolling")
    old = idnumber.generate("652301", START.replace(1950), 7)
    response = client_for(world.users["county_a"]).post(_url("enrollment_apply", subject),
                                                        _apply_data(world, id_number=old))
    errors = response.context["apply_form"].non_field_errors()
    assert re.match(r"Aged 76 on 2026-03-09, above the maximum age of 60", errors[0])


def test_admit_buttons(world, client_for):
    subject = project(world, "enrolling", capacity=1)
    first, second = enroll(subject, status="applied"), enroll(subject, status="applied")
    client = client_for(world.users["inst_1"])
    client.post(_url("enrollment_admit", first))
    response = client.post(_url("enrollment_admit", second), follow=True)
    assert Enrollment.objects.get(pk=first.pk).status == "enrolled"
    assert "The project is full: 1 of 1 places are taken." in _messages(response)


def test_admit_all_button_reports_refusals(world, client_for):
    subject = project(world, "enrolling", capacity=1)
    enroll(subject, status="applied")
    late = enroll(subject, status="applied")
    response = client_for(world.users["county_a"]).post(_url("enrollment_admit_all", subject),
                                                        follow=True)
    assert _messages(response) == [
        "1 admitted.", f"{late.worker.name} not admitted: The project is full: 1 of 1 places "
        "are taken.",
    ]


def test_drop_button_needs_a_reason(world, client_for):
    subject = project(world, "training")
    one = enroll(subject)
    client = client_for(world.users["inst_1"])
    response = client.post(_url("enrollment_drop", one), {"reason": ""}, follow=True)
    assert "Say why" in _messages(response)[0]
    client.post(_url("enrollment_drop", one), {"reason": "就业"})
    assert Enrollment.objects.get(pk=one.pk).status == "dropped"


# --- attendance page ------------------------------------------------------------------

def test_attendance_page_ticks_and_saves(world, client_for, time_machine):
    subject = project(world, "training")
    lesson = session(subject, START, 5)
    here, away = enroll(subject), enroll(subject)
    time_machine.move_to("2026-03-09 18:00 +0800", tick=False)
    client = client_for(world.users["inst_1"])
    page = client.get(_url("attendance", lesson))
    assert page.status_code == 200 and here.worker.id_number_masked in page.content.decode()
    assert set(page.context["form"].initial["present"]) == {str(here.public_id),
                                                           str(away.public_id)}
    response = client.post(_url("attendance", lesson), {"present": [str(here.public_id)]})
    assert response.status_code == 302
    assert dict(Attendance.objects.values_list("enrollment_id", "present")) == {
        here.pk: True, away.pk: False}
    assert Enrollment.objects.get(pk=here.pk).attended_hours == 5
    again = client.get(_url("attendance", lesson))
    assert again.context["form"].initial["present"] == [str(here.public_id)]


def test_attendance_page_shows_refusal_for_future_session(world, client_for):
    subject = project(world, "training")
    lesson = session(subject, START, 5)
    one = enroll(subject)
    response = client_for(world.users["inst_1"]).post(_url("attendance", lesson),
                                                      {"present": [str(one.public_id)]})
    assert response.status_code == 200 and "has not taken place yet" in response.content.decode()


# --- links to the other stages ---------------------------------------------------------

def test_officer_is_offered_to_schedule_the_sitting_and_the_institution_is_not(world,
                                                                               client_for):
    create = reverse("assessment:sitting_create", kwargs={"project_id": world.project_1.public_id})
    funnel = reverse("insights:funnel", kwargs={"public_id": world.project_1.public_id})
    officer = client_for(world.users["county_a"]).get(_url("project", world.project_1))
    assert create in officer.content.decode() and funnel in officer.content.decode()
    staff = client_for(world.users["inst_1"]).get(_url("project", world.project_1))
    assert create not in staff.content.decode()


def test_project_page_links_its_sitting(world, client_for):
    set_status(world.project_1, "assessing")
    held = Sitting.objects.create(
        project=world.project_1, evaluation_body=world.body_1, day=START, place="考场",
        skill_examiner="甲", permit_examiner="乙",
    )
    html = client_for(world.users["inst_1"]).get(_url("project", world.project_1)
                                                 ).content.decode()
    assert reverse("assessment:sitting", kwargs={"public_id": held.public_id}) in html


def test_worker_sees_why_self_application_was_refused(world, client_for):
    set_status(world.project_1, "enrolling")
    other = project(world, "training", subsidy_per_person=900, name="在训项目")
    enroll(other, world.worker_1)
    response = client_for(world.users["worker_1"]).post(
        _url("enrollment_apply_self", world.project_1), follow=True
    )
    texts = _messages(response)
    assert texts[0] == "You cannot apply for this project:" and "“在训项目”" in texts[1]
    assert not world.project_1.enrollments.exists()
