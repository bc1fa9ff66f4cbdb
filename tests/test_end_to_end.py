"""One job demand for ten electricians, followed through every page to eight dual-certified hires.

Each step is a person submitting the page's own form with the Django test client, signed in
as the role that does it in real life, on the reference catalogue as production loads it
(pathway PW-ELEC: 电工 五级/初级工 + 低压电工作业 of 应急管理). Values a person would pick from
a list are found on the page by their labels. The clock stands on the days things happen:
the project in March 2026, the sitting in April, the hires in May. Pages are read in English
so the messages compared here do not change when translations are added.
"""

import html
import re
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from dualcert.catalog.loading import catalog_load
from dualcert.catalog.models import Pathway
from dualcert.people.models import Worker
from tests.factories import Role, make_user
from tests.page_reading import (
    UUID_RE,
    body,
    choice,
    chosen,
    controls,
    errors,
    figure,
    first,
    flash,
    landed_on,
    link,
)
from tests.story import (
    CHECK_DIGIT_TYPO,
    COUNTY,
    DROPOUT,
    DUAL,
    END,
    HIRED_ON,
    ONE_CERTIFICATE,
    SESSION_HOURS,
    START,
    TRAINEES,
    UNDER_AGE,
    Applicant,
    Cast,
    ModulePlan,
    at,
    cast_of_the_story,
    expected_gaps,
    fused_plan,
)

pytestmark = pytest.mark.django_db


def desk(user: Any) -> Client:
    """A browser of its own for `user`, signed in anew (sessions expire as the weeks pass)."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def submit(client: Client, url: str, data: dict[str, Any] | None = None) -> Any:
    response = client.post(url, data or {}, follow=True)
    assert response.status_code == 200, (url, response.status_code)
    return response


def visit(client: Client, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response


def text(response: Any) -> str:
    return html.unescape(body(response))


def project_url(project_id: str) -> str:
    return reverse("training:project", kwargs={"public_id": project_id})


def move(client: Client, project_id: str, name: str) -> Any:
    return submit(client, reverse("training:project_move", args=[project_id, name]))


# 1. The employer posts its job demand.

def employer_posts_demand(employer: Any) -> str:
    client = desk(employer)
    url = reverse("demand:demand_create")
    form = visit(client, url)
    assert not controls(form, "employer"), "an employer posts for itself only"
    data = {
        "title": "低压配电电工", "occupation": choice(form, "occupation", "电工"),
        "required_certificates": [choice(form, "required_certificates", "电工 五级/初级工"),
                                  choice(form, "required_certificates", "低压电工作业")],
        "headcount": 10, "wage_min": 5500, "wage_max": 5000,
        "region": choice(form, "region", "昌吉市"), "place": "昌吉市高新区 配电运维车间",
        "deadline": "2026-05-31",
    }
    refused = submit(client, url, data)
    assert errors(refused) == ["The highest monthly wage (5000 yuan) is below the lowest "
                               "(5500 yuan): correct one of them."]
    posted = submit(client, url, {**data, "wage_max": 7000})
    assert flash(posted) == [("success", "The job demand is posted.")]
    assert "电工 五级/初级工" in text(posted) and "5500–7000 yuan" in text(posted)
    return landed_on(posted)


# 2. The bureau answers it with a training project on the PW-ELEC pathway.

def bureau_creates_project(bureau: Any, demand_id: str, pathway: Pathway) -> str:
    client = desk(bureau)
    demand = visit(client, reverse("demand:demand", kwargs={"public_id": demand_id}))
    form = visit(client, link(demand, "Create a training project from this demand"))
    assert chosen(form, "demands") == [demand_id]
    assert chosen(form, "pathway") == [str(pathway.public_id)], "the demand's two certificates"
    created = submit(client, reverse("training:project_create"), {
        "name": "低压电工一培双证班（2026 第一期）", "pathway": str(pathway.public_id),
        "institution": choice(form, "institution", "昌吉市天山职业技能培训学校"),
        "region": choice(form, "region", "昌吉市"), "place": "昌吉市北京南路实训基地",
        "demands": [demand_id], "capacity": 12, "subsidy_per_person": 1500,
        "completion_threshold": 90, "start_date": START, "end_date": END,
    })
    [(level, message)] = flash(created)
    assert level == "success" and re.fullmatch(r"Project XM2026-\d{4} created as a draft\.",
                                                message)
    return landed_on(created)


# 3. The fused curriculum: refused while short of hours, approved once it covers both.

def module_data(page: Any, plan: ModulePlan, order: int) -> dict[str, Any]:
    items = [
        choice(page, "requirement_items", f"{i.certificate_type.name} · {i.name} "
               f"({i.theory_hours} + {i.practical_hours} h)")
        for i in plan.items
    ]
    return {"name": plan.name, "order": order, "theory_hours": plan.theory,
            "practical_hours": plan.practical, "requirement_items": items}


def add_module(client: Client, project_id: str, plan: ModulePlan, order: int) -> Any:
    page = visit(client, project_url(project_id))
    added = submit(client, reverse("training:module_add", args=[project_id]),
                   module_data(page, plan, order))
    assert flash(added) == [("success", "Module added.")], errors(added)
    return added


def curriculum_is_refused_then_approved(cast: Cast, project_id: str) -> list[ModulePlan]:
    plans = fused_plan(cast.pathway)
    school, bureau = desk(cast.institution), desk(cast.bureau)
    first_draft = [replace(plans[0], theory=plans[0].theory - 2), plans[1]]
    for order, plan in enumerate(first_draft, start=1):
        add_module(school, project_id, plan, order)
    refused = move(bureau, project_id, "approve")
    gaps = [gap.english() for gap in expected_gaps(first_draft, cast.pathway)]
    assert gaps[0] == "电工 五级/初级工 · 职业道德与安全用电: theory 10 of 12 hours (2 short)"
    assert flash(refused) == [("error", "Refused, for these reasons:")] + [
        ("error", gap) for gap in gaps]
    short_items = len({gap.rsplit(": ", 1)[0] for gap in gaps})
    assert f"{short_items} requirement items are short of hours." in text(refused)

    page = visit(school, project_url(project_id))
    edit_url = link(page, plans[0].name)
    edit = visit(school, edit_url)
    saved = submit(school, edit_url, module_data(edit, plans[0], 1))
    assert flash(saved) == [("success", "Module saved.")], errors(saved)
    for order, plan in enumerate(plans[2:], start=3):
        add_module(school, project_id, plan, order)
    assert expected_gaps(plans, cast.pathway) == []
    assert flash(move(bureau, project_id, "approve")) == [
        ("success", "The project is now “approved”.")]
    opened = move(bureau, project_id, "open_enrollment")
    assert flash(opened) == [("success", "The project is now “enrolling”.")]
    assert "short of hours" not in text(opened)
    return plans


def institution_schedules_sessions(institution: Any, project_id: str,
                                   plans: list[ModulePlan]) -> int:
    """One 8-hour session a working day, module after module; returns the total hours."""
    total = sum(p.theory + p.practical for p in plans)
    assert total % SESSION_HOURS == 0, "the plan below schedules whole 8-hour days"
    days = [START + timedelta(days=n) for n in range((END - START).days + 1)]
    days = [d for d in days if d.weekday() < 5]
    client = desk(institution)
    page = visit(client, project_url(project_id))
    topics = [(p, n) for p in plans for n in range((p.theory + p.practical) // SESSION_HOURS)]
    assert len(topics) <= len(days)
    for day, (plan, n) in zip(days, topics, strict=False):
        added = submit(client, reverse("training:session_add", args=[project_id]), {
            "module": choice(page, "module", plan.name), "day": day,
            "topic": f"{plan.name} 第{n + 1}讲", "hours": SESSION_HOURS,
        })
        assert flash(added) == [("success", "Session scheduled.")], errors(added)
    needed = total * 90 / 100
    facts = text(added)
    assert f"<dd>{total}</dd>" in facts and f"90% attendance: {needed:g} hours" in facts
    return total


# 4. Applications: one typo in an ID number, one applicant too young, ten admitted.

def apply(client: Client, project_id: str, page: Any, person: Applicant, n: int,
          id_number: str | None = None) -> Any:
    return submit(client, reverse("training:enrollment_apply", args=[project_id]), {
        "name": person.name, "id_number": id_number or person.id_number,
        "phone": f"1390994{n:04d}", "education": person.education,
        "region": choice(page, "region", "昌吉市"), "wage_before": person.wage_before,
        "consent_recommend": "on",
    })


def institution_enrolls_ten(institution: Any, project_id: str) -> None:
    client = desk(institution)
    page = visit(client, project_url(project_id))
    number = CHECK_DIGIT_TYPO.id_number
    typo = number[:-1] + ("0" if number[-1] != "0" else "1")
    for n, person in enumerate(TRAINEES[:5] + [CHECK_DIGIT_TYPO] + TRAINEES[5:] + [UNDER_AGE]):
        filed = apply(client, project_id, page, person, n,
                      typo if person is CHECK_DIGIT_TYPO else None)
        if person is CHECK_DIGIT_TYPO:
            assert errors(filed) == ["The ID number's check digit is wrong: please check every "
                                     "digit again."] and not flash(filed)
        elif person is UNDER_AGE:
            assert errors(filed) == ["Aged 16 on 2026-03-09, below the minimum age of 18 for "
                                     "低压电工作业."] and not flash(filed)
        else:
            assert flash(filed) == [("success", "Application filed.")], errors(filed)
    admitted = submit(client, reverse("training:enrollment_admit_all", args=[project_id]))
    assert flash(admitted) == [("success", "10 admitted.")]
    rows = enrollment_rows(admitted)
    assert set(rows) == {p.name for p in TRAINEES}
    assert {status for status, _hours in rows.values()} == {"enrolled"}


def enrollment_rows(response: Any) -> dict[str, tuple[str, int]]:
    """Worker name → (status, attended hours) from a project page's enrollments table."""
    rows = re.findall(r'<td>([^<]+)</td>\s*<td>[^<]+</td>\s*<td><span class="badge[^"]*">'
                      r'([^<]+)</span></td>\s*<td class="num">(\d+)</td>', text(response))
    return {name: (status, int(hours)) for name, status, hours in rows}


# 5. Training: attendance ticked session by session; 90% of the hours are needed.

def training_runs(time_machine: Any, institution: Any, project_id: str, total: int) -> None:
    at(time_machine, START, 8, 0)
    assert flash(move(desk(institution), project_id, "start_training")) == [
        ("success", "The project is now “training”.")]
    page = body(visit(desk(institution), project_url(project_id)))
    day_and_link = (r"<td>(\d{4}-\d{2}-\d{2})</td>(?:(?!</tr>).)*"
                    rf"/training/sessions/({UUID_RE})/attendance/")
    sessions = re.findall(day_and_link, page, re.S)
    spare = (total - total * 90 // 100) // SESSION_HOURS  # sessions one may miss and complete
    missed = {ONE_CERTIFICATE.name: set(range(spare)),  # exactly at the threshold
              DROPOUT.name: set(range(spare + 1))}      # one session short of it
    assert len(sessions) * SESSION_HOURS == total
    for n, (day, session) in enumerate(sessions):
        at(time_machine, date.fromisoformat(day), 17, 30)
        client = desk(institution)
        url = reverse("training:attendance", kwargs={"public_id": session})
        boxes = controls(visit(client, url), "present")
        present = [b.value for b in boxes if n not in missed.get(b.label.split(" (")[0], ())]
        saved = submit(client, url, {"present": present})
        assert flash(saved) == [("success", f"Attendance saved: {len(present)} present, "
                                            f"{len(boxes) - len(present)} absent.")]
    at(time_machine, END, 18, 0)
    finished = move(desk(institution), project_id, "finish_training")
    assert flash(finished) == [("success", "The project is now “assessing”.")]
    rows = enrollment_rows(finished)
    assert rows[DROPOUT.name] == ("dropped", total - (spare + 1) * SESSION_HOURS)
    assert rows[ONE_CERTIFICATE.name] == ("completed", total * 90 // 100)
    assert sorted(status for status, _hours in rows.values()) == ["completed"] * 9 + ["dropped"]


# 6. One sitting for both certificates: scores, confirmation by 应急管理, certificates.

def sitting_is_held(time_machine: Any, cast: Cast, project_id: str) -> None:
    at(time_machine, date(2026, 4, 7), 10, 0)
    bureau = desk(cast.bureau)
    form = visit(bureau, link(visit(bureau, project_url(project_id)),
                              "Schedule the assessment sitting"))
    scheduled = submit(bureau, form.request["PATH_INFO"], {
        "evaluation_body": choice(form, "evaluation_body", cast.body_name),
        "day": "2026-04-15", "place": "昌吉市北京南路实训基地 考场一", "skill_examiner": "王振华",
        "permit_examiner": "赵立军",
    })
    assert flash(scheduled) == [("success", "The sitting is scheduled.")], errors(scheduled)
    sitting_id = landed_on(scheduled)
    sitting_url = reverse("assessment:sitting", kwargs={"public_id": sitting_id})

    at(time_machine, date(2026, 4, 15), 16, 0)
    evaluator = desk(cast.evaluator)
    sheet = visit(evaluator, sitting_url)
    marks = {p.name: p for p in TRAINEES}
    data: dict[str, Any] = {}
    for box in controls(sheet):
        if box.name.startswith(("theory_", "practical_")):
            kind = box.name.split("_")[0]
            person = marks[box.attrs["aria-label"].rsplit(" · ", 1)[0]]
            data[box.name] = getattr(person, kind)
    assert len(data) == 2 * 9 and DROPOUT.name not in text(sheet)
    saved = submit(evaluator, reverse("assessment:sitting_scores", args=[sitting_id]), data)
    assert flash(saved) == [("success", "9 score sheets saved.")], errors(saved)
    submitted = submit(evaluator, reverse("assessment:sitting_submit", args=[sitting_id]))
    assert flash(submitted) == [
        ("success", "The score sheet is submitted and the results are judged.")]

    at(time_machine, date(2026, 4, 16), 10, 0)
    officer = desk(cast.department)
    confirmed = submit(officer, reverse("assessment:sitting_confirm", args=[sitting_id]))
    assert flash(confirmed) == [("success", "The results are confirmed.")]
    issued = submit(officer, reverse("credentials:sitting_issue", args=[sitting_id]))
    assert flash(issued) == [("success", "17 certificates issued, 0 already issued. "
                              "Dual-certified: 8; one certificate: 1; retakes offered: 1.")]
    page = text(issued)
    assert "9 of 9 passed (pass marks: theory 60, practical 60)." in page
    assert "8 of 9 passed (pass marks: theory 80, practical 80)." in page
    assert page.count("retake offered") == 1
    assert re.search(rf"<td>{ONE_CERTIFICATE.name}<br>(?:(?!</tr>).)*badge bad\">failed</span>"
                     r"\s*<span class=\"badge warn\">retake offered", page, re.S)


def certificates_are_in_the_register(cast: Cast) -> dict[tuple[str, str], str]:
    """(holder, certificate type) → number, read from the bureau's certificate register."""
    client = desk(cast.bureau)
    register = visit(client, reverse("credentials:certificates"))
    assert "17 certificates" in text(register)
    rows = re.findall(r'<bdi class="code">([^<]+)</bdi></a></td>\s*<td>([^<]+)</td>\s*'
                      r'<td><bdi class="code">[^<]+</bdi></td>\s*<td>([^<]+)</td>', text(register))
    numbers = {(holder, kind): number for number, holder, kind in rows}
    skill, permit = cast.pathway.skill_certificate, cast.pathway.permit
    assert {h for h, k in numbers if k == skill.name} == {p.name for p in TRAINEES[:9]}
    assert {h for h, k in numbers if k == permit.name} == {p.name for p in DUAL}
    skill_number = re.compile(rf"S0000 65 {cast.site_code} 26 5 \d{{6}}".replace(" ", ""))
    permit_number = re.compile(rf"{permit.number_prefix}2026\d{{6}}")
    for (_holder, kind), number in numbers.items():
        assert (skill_number if kind == skill.name else permit_number).fullmatch(number), number
    only_permits = visit(client, reverse("credentials:certificates") + "?certificate_type="
                         + choice(register, "certificate_type", permit.name))
    assert "8 certificates" in text(only_permits)
    return numbers


# 7. The employer checks a certificate it is shown.

def employer_verifies(employer: Any, number: str, holder: str) -> None:
    client = desk(employer)
    url = reverse("credentials:lookup")
    visit(client, url)
    found = submit(client, url, {"number": number, "holder_name": holder})
    page = text(found)
    assert "Certificate found" in page and f"<dd>{holder}</dd>" in page and number in page
    assert "低压电工作业" in page and "2032-04-15" in page and "2029-04-16" in page
    wrong = submit(client, url, {"number": number, "holder_name": "马建国"})
    assert "Certificate found" not in text(wrong)
    assert ("No certificate with this number and holder's name was found. Check both and try "
            "again.") in text(wrong)


# 8. Employment: the dual-certified are recommended, apply and are hired.

def candidates_are_recommended(cast: Cast, demand_id: str) -> None:
    client = desk(cast.bureau)
    demand = visit(client, reverse("demand:demand", kwargs={"public_id": demand_id}))
    ranked = visit(client, link(demand, "Ranked candidates"))
    cards = body(ranked).split('<li class="card">')[1:]
    found: dict[str, tuple[bool, str, str]] = {}
    for card in cards:
        name = html.unescape(first(r"<h2>(.*?) <small>", card))
        worker = first(rf'name="worker" value="({UUID_RE})"', card)
        found[name] = ("badge ok\">qualified" in card, worker, card)
    assert set(found) == {p.name for p in TRAINEES[:9]}
    assert {n for n, (qualified, _w, _c) in found.items() if qualified} == {p.name for p in DUAL}
    assert "Missing: 低压电工作业" in found[ONE_CERTIFICATE.name][2]
    assert list(found)[-1] == ONE_CERTIFICATE.name, "the qualified rank first"
    for person in DUAL:
        done = submit(client, reverse("employment:recommend", args=[demand_id]),
                      {"worker": found[person.name][1]})
        assert flash(done) == [("success", "The candidate was recommended for this job.")]


def referral_links(response: Any) -> dict[str, str]:
    """Worker name → the referral's page, from a referrals list."""
    rows = re.findall(rf'<a href="(/employment/referrals/{UUID_RE}/)">[^<]*</a>.*?</td>\s*'
                      r"<td>([^<]+)<br>", body(response), re.S)
    return {html.unescape(name): href for href, name in rows}


def candidates_apply(cast: Cast, demand_id: str) -> None:
    client = desk(cast.bureau)
    referrals = referral_links(visit(client, reverse("employment:referrals")))
    assert set(referrals) == {p.name for p in DUAL}
    for person in DUAL[1:]:  # on the worker's word, by the officer
        verb_url = referrals[person.name] + "apply/"
        assert flash(submit(client, verb_url)) == [("success", "Saved: applied.")]
    own = make_user("ma.jianxin", Role.WORKER, worker=Worker.objects.get(name=DUAL[0].name))
    worker = desk(own)
    offer = visit(worker, reverse("demand:demand", kwargs={"public_id": demand_id}))
    apply_url = reverse("employment:apply", args=[demand_id])
    assert f'action="{apply_url}"' in body(offer)
    applied = submit(worker, apply_url)
    assert flash(applied) == [
        ("success", "You applied for this job. The employer can now see your name.")]
    wallet = text(visit(worker, reverse("people:me")))
    assert len(re.findall(r"<code>(?:S\d{21}|TZ-DY\d{10})</code>", wallet)) == 2


def employer_hires(employer: Any) -> None:
    client = desk(employer)
    referrals = referral_links(visit(client, reverse("employment:referrals")))
    assert set(referrals) == {p.name for p in DUAL}, "names show once they applied"
    for person in DUAL:
        url = referrals[person.name]
        for verb, status in (("interview", "interviewed"), ("offer", "offered")):
            assert flash(submit(client, url + verb + "/")) == [("success", f"Saved: {status}.")]
        hired = submit(client, url + "hire/", {"start_date": HIRED_ON,
                                                "monthly_wage": person.wage_after,
                                                "contract_type": "fixed"})
        assert flash(hired) == [("success", "The hire is recorded.")], errors(hired)
        assert f"{person.wage_after} yuan" in text(hired)
    listing = text(visit(client, reverse("employment:referrals")))
    assert listing.count("from 2026-05-11,") == 8


# 9. The figures the bureau reports, on the pages and in the JSON API.

def kpi(page: str, key: str) -> str:
    return first(rf'data-kpi="{key}"><b>(.*?)</b>', page)


def figures_add_up(cast: Cast, project_id: str) -> None:
    client = desk(cast.bureau)
    page = text(visit(client, reverse("insights:dashboard")))
    fees = 8 * cast.pathway.permit.standard_fee
    assert {k: figure(kpi(page, k)) for k in (
        "person_times", "completed", "dual_certified", "certificates", "fees_saved",
        "subsidy_spent")} == {"person_times": 10, "completed": 9, "dual_certified": 8,
                              "certificates": 17, "fees_saved": fees, "subsidy_spent": 9 * 1500}
    assert kpi(page, "employment_rate") == "88.9%" and "(8 of 9)" in page
    assert kpi(page, "wages") == "¥3,000 → ¥6,200"  # medians of the eight hired
    for code, count in ((cast.pathway.skill_certificate.code, 9),
                        (cast.pathway.permit.code, 8)):
        row = first(rf'data-certificate-type="{code}">(.*?)</tr>', page)
        assert row.endswith(f'<td class="num">{count}</td>')
    county = first(rf'data-county="{COUNTY}">(.*?)</tr>', page)
    assert re.findall(r'<td class="num">([^<]+)</td>', county) == [
        "10", "9", "8", "17", f"{fees:,}", "13,500", "88.9%", "3,000", "6,200"]

    funnel = text(visit(client, reverse("insights:funnel", kwargs={"public_id": project_id})))
    steps = dict(re.findall(r'data-step="(\w+)">.*?<b>([\d,]+)</b>', funnel, re.S))
    expected = {"headcount": 10, "enrolled": 10, "completed": 9, "assessed": 9,
                "dual_certified": 8, "hired": 8}
    assert {k: figure(v) for k, v in steps.items()} == expected

    api = client.get("/api/insights/headline").json()
    totals = {**api["totals"], "employment_rate": Decimal(str(api["totals"]["employment_rate"]))}
    assert totals == {
        "person_times": 10, "completed": 9, "dual_certified": 8, "certificates": 17,
        "fees_saved": fees, "subsidy_spent": 13500, "certified": 9, "placed": 8,
        "employment_rate": Decimal("88.9"), "wage_before": 3000, "wage_after": 6200,
    }
    assert {t["code"]: t["count"] for t in api["by_type"]} == {
        cast.pathway.skill_certificate.code: 9, cast.pathway.permit.code: 8}
    [changji] = [c for c in api["counties"] if c["code"] == COUNTY]
    assert changji["figures"]["dual_certified"] == 8 and changji["figures"]["placed"] == 8
    steps_api = client.get(f"/api/insights/projects/{project_id}/funnel").json()["steps"]
    assert {s["key"]: s["count"] for s in steps_api} == expected


def test_ten_electricians_go_from_job_demand_to_eight_dual_certified_hires(
    time_machine: Any,
) -> None:
    catalog_load()
    cast = cast_of_the_story()

    at(time_machine, date(2026, 3, 2))
    demand_id = employer_posts_demand(cast.employer)
    project_id = bureau_creates_project(cast.bureau, demand_id, cast.pathway)
    plans = curriculum_is_refused_then_approved(cast, project_id)
    total_hours = institution_schedules_sessions(cast.institution, project_id, plans)
    institution_enrolls_ten(cast.institution, project_id)

    training_runs(time_machine, cast.institution, project_id, total_hours)

    sitting_is_held(time_machine, cast, project_id)
    numbers = certificates_are_in_the_register(cast)

    at(time_machine, date(2026, 4, 20))
    employer_verifies(cast.employer, numbers[(DUAL[3].name, cast.pathway.permit.name)],
                      DUAL[3].name)

    at(time_machine, date(2026, 5, 6))
    candidates_are_recommended(cast, demand_id)
    candidates_apply(cast, demand_id)
    at(time_machine, date(2026, 5, 8))
    employer_hires(cast.employer)

    at(time_machine, date(2026, 5, 20))
    figures_add_up(cast, project_id)
