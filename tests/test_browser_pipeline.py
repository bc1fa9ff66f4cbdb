"""The employer's and the institution's part of the pipeline, clicked through in real Chromium.

The employer posts its demand at a desk; the institution builds the fused curriculum, files
applications and ticks attendance on a 360 px phone; the bureau approves (refusing first) at
a desk. What nobody clicks here (the remaining sessions, the sitting, the referral up to the
offer) is prepared with the services. At the end the employer verifies a certificate and
records the hire. Pages are shown in Chinese, as the users see them; expected messages go
through the same translation catalogue. Screenshots land in test-artifacts/.
"""

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from dualcert.assessment.models import EvaluationBody
from dualcert.assessment.services import (
    ScoreRow,
    scores_record_sheet,
    sitting_confirm,
    sitting_schedule,
    sitting_submit,
)
from dualcert.catalog.loading import catalog_load
from dualcert.credentials.models import Certificate
from dualcert.credentials.services import certificates_issue
from dualcert.demand.models import JobDemand
from dualcert.employment.models import Placement
from dualcert.employment.services import (
    referral_apply,
    referral_interview,
    referral_offer,
    referral_recommend,
)
from dualcert.training.models import Enrollment, TrainingProject
from dualcert.training.services import attendance_record, project_finish_training, session_add
from tests.story import (
    CHECK_DIGIT_TYPO,
    END,
    SESSION_HOURS,
    START,
    TRAINEES,
    Applicant,
    Cast,
    Gap,
    ModulePlan,
    at,
    cast_of_the_story,
    expected_gaps,
    fused_plan,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
LANGUAGE = "zh-hans"
TRAINED = TRAINEES[:3]


def tr(msgid: str, **values: Any) -> str:
    """A message as the Chinese pages print it."""
    with translation.override(LANGUAGE):
        message = translation.gettext(msgid)
    return message % values if values else message


def gap_line(gap: Gap) -> str:
    msgid = {
        "theory": "%(certificate)s · %(item)s: theory %(covered)d of %(required)d hours "
                  "(%(short)d short)",
        "practical": "%(certificate)s · %(item)s: practical %(covered)d of %(required)d hours "
                     "(%(short)d short)",
    }[gap.kind]
    return tr(msgid, certificate=gap.certificate, item=gap.item, covered=gap.covered,
              required=gap.required, short=gap.short)


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def go(page: Any, server: Any, path: str) -> None:
    response = page.goto(server.url + path)
    assert response is not None and response.status == 200, path


def press(page: Any, selector: str) -> None:
    """Click a submit button and wait for the page the form leads to."""
    with page.expect_navigation() as navigation:
        page.locator(selector).click()
    assert navigation.value.status == 200, selector


def said(page: Any, level: str) -> list[str]:
    return [t.strip() for t in page.locator(f".messages li.{level}").all_inner_texts()]


def fits_the_screen(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], page.url


def project_path(project_id: str) -> str:
    return reverse("training:project", kwargs={"public_id": project_id})


def employer_posts_demand(page: Any, server: Any) -> str:
    go(page, server, reverse("demand:demand_create"))
    page.fill("#id_title", "低压配电电工")
    page.select_option("#id_occupation", label="电工")
    page.get_by_label("电工 五级/初级工", exact=True).check()
    page.get_by_label("低压电工作业", exact=True).check()
    page.fill("#id_headcount", "10")
    page.fill("#id_wage_min", "5500")
    page.fill("#id_wage_max", "7000")
    page.select_option("#id_region", label="昌吉市")
    page.fill("#id_place", "昌吉市高新区 配电运维车间")
    page.fill("#id_deadline", "2026-05-31")
    press(page, "main form.card button[type=submit]")
    assert said(page, "success") == [tr("The job demand is posted.")]
    shot(page, "01-employer-demand-posted-desk")
    return page.url.rstrip("/").rsplit("/", 1)[-1]


def bureau_creates_project(page: Any, server: Any, demand_id: str, cast: Cast) -> str:
    go(page, server, reverse("demand:demand", kwargs={"public_id": demand_id}))
    press(page, "a[href*='?demand=']")
    assert page.locator("#id_pathway").input_value() == str(cast.pathway.public_id)
    page.select_option("#id_institution", label="昌吉市天山职业技能培训学校")
    page.fill("#id_name", "低压电工一培双证班（2026 第一期）")
    page.fill("#id_place", "昌吉市北京南路实训基地")
    page.fill("#id_capacity", "12")
    page.fill("#id_subsidy_per_person", "1500")
    page.fill("#id_start_date", START.isoformat())
    page.fill("#id_end_date", END.isoformat())
    press(page, "main form.card button[type=submit]")
    assert len(said(page, "success")) == 1
    return page.url.rstrip("/").rsplit("/", 1)[-1]


def fill_module(page: Any, form: str, plan: ModulePlan, order: int) -> None:
    page.fill(f"{form} [name=name]", plan.name)
    page.fill(f"{form} [name=order]", str(order))
    page.fill(f"{form} [name=theory_hours]", str(plan.theory))
    page.fill(f"{form} [name=practical_hours]", str(plan.practical))
    for item in plan.items:
        page.get_by_label(f"{item.certificate_type.name} · {item.name} "
                          f"({item.theory_hours} + {item.practical_hours} h)", exact=True).check()


def add_module(page: Any, plan: ModulePlan, order: int) -> None:
    form = "form[action$='/modules/']"
    page.locator(f"details:has({form}) > summary").click()
    fill_module(page, form, plan, order)
    press(page, f"{form} button[type=submit]")
    assert said(page, "success") == [tr("Module added.")]


def approval_is_refused_then_given(desk: Any, phone: Any, server: Any, project_id: str,
                                   cast: Cast) -> None:
    plans = fused_plan(cast.pathway)
    draft = [ModulePlan(plans[0].name, plans[0].theory - 2, plans[0].practical, plans[0].items),
             plans[1]]
    go(phone, server, project_path(project_id))
    for order, plan in enumerate(draft, start=1):
        add_module(phone, plan, order)

    go(desk, server, project_path(project_id))
    press(desk, "form[action$='/moves/approve/'] button")
    gaps = expected_gaps(draft, cast.pathway)
    assert said(desk, "error") == [tr("Refused, for these reasons:")] + [gap_line(g) for g in gaps]
    shot(desk, "02-bureau-approval-refused-desk")

    go(phone, server, project_path(project_id))
    short = phone.locator("table").first.locator(".badge.bad")
    assert short.count() == len(gaps)
    assert phone.locator("p.errors").count() == 1
    fits_the_screen(phone)
    shot(phone, "03-institution-sees-gaps-phone")

    press(phone, f"a:text-is('{plans[0].name}')")
    fill_module(phone, "main form.card", plans[0], 1)
    press(phone, "main form.card button[type=submit]")
    assert said(phone, "success") == [tr("Module saved.")]
    for order, plan in enumerate(plans[2:], start=3):
        add_module(phone, plan, order)
    assert phone.locator("table").first.locator(".badge.bad").count() == 0

    go(desk, server, project_path(project_id))
    for name in ("approve", "open_enrollment"):
        press(desk, f"form[action$='/moves/{name}/'] button")
        assert len(said(desk, "success")) == 1, name
    project = TrainingProject.objects.get(public_id=project_id)
    assert project.status == TrainingProject.Status.ENROLLING
    for plan, module in zip(plans, project.modules.order_by("order"), strict=True):
        assert (module.name, module.hours) == (plan.name, plan.theory + plan.practical)


def schedule_sessions(cast: Cast, project: TrainingProject) -> list[Any]:
    """One 8-hour session a working day, module after module (done with the service)."""
    day, sessions = START, []
    for module in project.modules.order_by("order"):
        for n in range(module.hours // SESSION_HOURS):
            while day.weekday() >= 5:
                day = date.fromordinal(day.toordinal() + 1)
            sessions.append(session_add(actor=cast.institution, project=project, module=module,
                                        day=day, topic=f"{module.name} 第{n + 1}讲",
                                        hours=SESSION_HOURS))
            day = date.fromordinal(day.toordinal() + 1)
    assert sessions[-1].day <= END
    return sessions


def apply(page: Any, person: Applicant, id_number: str, n: int) -> None:
    form = "form[action*='/apply/']"
    if not page.locator(f"{form} [name=name]").is_visible():
        page.locator(f"details:has({form}) > summary").click()
    page.fill(f"{form} [name=name]", person.name)
    page.fill(f"{form} [name=id_number]", id_number)
    page.fill(f"{form} [name=phone]", f"1390994{n:04d}")
    page.select_option(f"{form} [name=education]", str(person.education))
    page.select_option(f"{form} [name=region]", label="昌吉市")
    page.fill(f"{form} [name=wage_before]", str(person.wage_before))
    page.check(f"{form} [name=consent_recommend]")
    press(page, f"{form} button[type=submit]")


def institution_enrolls(page: Any, server: Any, project_id: str) -> None:
    go(page, server, project_path(project_id))
    number = CHECK_DIGIT_TYPO.id_number
    apply(page, CHECK_DIGIT_TYPO, number[:-1] + ("0" if number[-1] != "0" else "1"), 0)
    assert page.locator(".field.invalid p.error").all_inner_texts() == [
        tr("The ID number's check digit is wrong: please check every digit again.")]
    assert not said(page, "success")
    fits_the_screen(page)
    shot(page, "04-institution-id-check-digit-error-phone")
    for n, person in enumerate(TRAINED, start=1):
        apply(page, person, person.id_number, n)
        assert said(page, "success") == [tr("Application filed.")]
    press(page, "form[action$='/admit-all/'] button")
    assert said(page, "success") == [tr("%(count)d admitted.", count=len(TRAINED))]


def institution_ticks_attendance(page: Any, server: Any, project_id: str) -> None:
    go(page, server, project_path(project_id))
    press(page, "form[action$='/moves/start_training/'] button")
    press(page, "a[href$='/attendance/'] >> nth=0")
    boxes = page.locator("input[name=present]")
    assert boxes.count() == len(TRAINED)
    assert all(boxes.nth(i).is_checked() for i in range(boxes.count()))
    page.get_by_label(TRAINED[2].name, exact=False).uncheck()
    press(page, "main form.card button[type=submit]")
    assert said(page, "success") == [tr("Attendance saved: %(present)d present, %(absent)d "
                                        "absent.", present=2, absent=1)]
    assert not page.get_by_label(TRAINED[2].name, exact=False).is_checked()
    fits_the_screen(page)
    shot(page, "05-institution-attendance-phone")


def services_run_the_rest(time_machine: Any, cast: Cast, project: TrainingProject,
                          sessions: list[Any], demand: JobDemand) -> Any:
    """Remaining attendance, the sitting, certificates, and the referral up to the offer."""
    at(time_machine, END, 18, 0, tick=True)
    enrolled = set(project.enrollments.values_list("pk", flat=True))
    for session in sessions[1:]:
        attendance_record(actor=cast.institution, session=session,
                          present_enrollment_ids=enrolled)
    project_finish_training(actor=cast.institution, project=project)
    assert set(project.enrollments.values_list("status", flat=True)) == {"completed"}

    at(time_machine, date(2026, 4, 15), 9, 0, tick=True)
    sitting = sitting_schedule(
        actor=cast.bureau, project=project, evaluation_body=EvaluationBody.objects.get(
            name=cast.body_name), day=date(2026, 4, 15), place="考场一",
        skill_examiner="王振华", permit_examiner="赵立军")
    rows = [ScoreRow(enrollment=e, theory=88, practical=90)
            for e in Enrollment.objects.filter(project=project).select_related("worker")]
    scores_record_sheet(actor=cast.evaluator, sitting=sitting, rows=rows)
    sitting_submit(actor=cast.evaluator, sitting=sitting)
    at(time_machine, date(2026, 4, 16), 10, 0, tick=True)
    sitting_confirm(actor=cast.department, sitting=sitting)
    assert certificates_issue(actor=cast.department, sitting=sitting).dual_certified == 3

    at(time_machine, date(2026, 5, 6), 10, 0, tick=True)
    worker = Enrollment.objects.get(project=project, worker__name=TRAINED[0].name).worker
    referral = referral_recommend(actor=cast.bureau, demand=demand, worker=worker)
    referral_apply(actor=cast.bureau, referral=referral)
    referral_interview(actor=cast.employer, referral=referral)
    referral_offer(actor=cast.employer, referral=referral)
    return referral


def employer_verifies_and_hires(page: Any, server: Any, referral: Any) -> None:
    certificate = Certificate.objects.get(worker=referral.worker,
                                          certificate_type__kind="permit")
    go(page, server, reverse("credentials:lookup"))
    for holder, found in (("马建国", False), (referral.worker.name, True)):
        page.fill("#id_number", certificate.number)
        page.fill("#id_holder_name", holder)
        press(page, "main form.card button[type=submit]")
        assert page.locator("section.card").count() == int(found), holder
        assert page.locator("main .errors[role=alert]").count() == int(not found), holder
    card = page.locator("section.card").inner_text()
    assert referral.worker.name in card and certificate.number in card
    shot(page, "06-employer-verifies-certificate-desk")

    go(page, server, reverse("employment:referral", kwargs={"public_id": referral.public_id}))
    page.fill("#id_start_date", "2026-05-11")
    page.fill("#id_monthly_wage", "6200")
    press(page, "form[action$='/hire/'] button[type=submit]")
    assert said(page, "success") == [tr("The hire is recorded.")]
    assert "6200" in page.locator("main").inner_text()
    shot(page, "07-employer-records-hire-desk")
    placement = Placement.objects.get(referral=referral)
    assert (placement.monthly_wage, placement.start_date) == (6200, date(2026, 5, 11))


def test_employer_and_institution_steps_in_chromium(
    live_server: Any, desk_page: Any, phone_page: Any, sign_in_page: Any, time_machine: Any,
) -> None:
    catalog_load()
    cast = cast_of_the_story()
    at(time_machine, date(2026, 3, 2), 9, 30, tick=True)
    sign_in_page(desk_page, cast.employer)
    demand_id = employer_posts_demand(desk_page, live_server)
    sign_in_page(desk_page, cast.bureau)
    project_id = bureau_creates_project(desk_page, live_server, demand_id, cast)
    sign_in_page(phone_page, cast.institution)
    approval_is_refused_then_given(desk_page, phone_page, live_server, project_id, cast)
    project = TrainingProject.objects.get(public_id=project_id)
    sessions = schedule_sessions(cast, project)
    institution_enrolls(phone_page, live_server, project_id)

    at(time_machine, START, 17, 30, tick=True)
    institution_ticks_attendance(phone_page, live_server, project_id)

    referral = services_run_the_rest(time_machine, cast, project, sessions,
                                     JobDemand.objects.get(public_id=demand_id))
    at(time_machine, date(2026, 5, 8), 9, 0, tick=True)
    sign_in_page(desk_page, cast.employer)
    employer_verifies_and_hires(desk_page, live_server, referral)
