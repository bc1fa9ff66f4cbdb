"""From a worker's phone to the dashboard, clicked through in real Chromium.

A dual-certified worker of 昌吉市 finds a fitting job on a 360 px phone and applies; the
employer, at a desk, sees the applicant's name appear, verifies a certificate and records the
interview, the offer and the hire; three months on, the county officer records the follow-up;
the county's dashboard moves with each step. What nobody clicks here (certificates, an earlier
placement) is prepared with factories and services. Pages are shown in Chinese; expected
messages go through the same translation catalogue. Screenshots land in test-artifacts/.
"""

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from dualcert.credentials.models import Certificate
from dualcert.credentials.signing.keys import certificates_sign_missing
from dualcert.employment.matching import candidate_for_worker, candidates_for_demand
from dualcert.employment.models import FollowUp, Placement, Referral
from dualcert.employment.services import (
    referral_apply,
    referral_hire,
    referral_interview,
    referral_offer,
    referral_recommend,
)
from dualcert.employment.tests.factories import assess, enroll
from tests.browser import assert_fits_phone
from tests.factories import JobDemandFactory, WorkerFactory
from tests.story import at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
LANGUAGE = "zh-hans"
ISSUED = date(2026, 4, 16)
PERMIT_EXPIRES = date(2032, 4, 15)
HIRED_FROM, WAGE_AT_HIRE, WAGE_NOW = date(2026, 5, 11), 6200, 6500
# The earlier hire of another certified worker of the county, so no figure starts at 0.
EARLIER_FROM, EARLIER_WAGE = date(2026, 5, 4), 5800
WAGE_BEFORE = {"applicant": 3000, "earlier": 2800, "unplaced": 3200}


def tr(msgid: str, **values: Any) -> str:
    """A message as the Chinese pages print it."""
    with translation.override(LANGUAGE):
        message = translation.gettext(msgid)
    return message % values if values else message


def label(choice: Any) -> str:
    """A choice's label (a lazy translation) as the Chinese pages print it."""
    with translation.override(LANGUAGE):
        return str(choice.label)


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def go(page: Any, server: Any, path: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": LANGUAGE,
                               "url": server.url}])
    response = page.goto(server.url + path)
    assert response is not None and response.status == 200, path


def press(page: Any, selector: str) -> None:
    """Click a button or link and wait for the page it leads to."""
    with page.expect_navigation() as navigation:
        page.locator(selector).click()
    assert navigation.value.status == 200, selector


def said(page: Any, level: str) -> list[str]:
    return [t.strip() for t in page.locator(f".messages li.{level}").all_inner_texts()]


@dataclass(frozen=True)
class Kpi:
    value: str
    caption: str


def kpis(page: Any, server: Any, *names: str) -> dict[str, Kpi]:
    go(page, server, reverse("insights:dashboard"))
    return {name: Kpi(page.locator(f"[data-kpi={name}] b").inner_text().strip(),
                      page.locator(f"[data-kpi={name}] span").inner_text().strip())
            for name in names}


def employment_kpi(rate: str, placed: int, certified: int) -> Kpi:
    return Kpi(rate, tr("Employed after certification (%(placed)s of %(certified)s)",
                        placed=placed, certified=certified))


def retention_kpi(rate: str, kept: int, followed: int) -> Kpi:
    return Kpi(rate, tr("Still employed after 3 months (%(kept)s of %(followed)s followed up)",
                        kept=kept, followed=followed))


@dataclass
class Setting:
    demand: Any
    applicant: Any
    permit: Certificate
    earlier: Placement


def certified(worker: Any, project: Any, wage_before: int) -> None:
    assess(enroll(project, worker, wage_before=wage_before), issued_on=ISSUED)


def set_the_scene(world: Any) -> Setting:
    """Four dual-certified workers (three of 昌吉市, one of 阜康市), one already placed, and an
    open demand of a 昌吉市 employer asking for both certificates of the pathway."""
    skill, permit = world.pathway_1.skill_certificate, world.pathway_1.permit
    earlier_worker: Any = WorkerFactory(region=world.county_a, name="李晓东")
    unplaced = WorkerFactory(region=world.county_a, name="王海燕", consent_recommend=False)
    world.worker_1.name = "马建新"
    world.worker_1.save(update_fields=["name"])
    world.employer_1.name = "昌吉新源电力设备有限公司"
    world.employer_1.save(update_fields=["name"])
    certified(world.worker_1, world.project_1, WAGE_BEFORE["applicant"])
    certified(earlier_worker, world.project_1, WAGE_BEFORE["earlier"])
    certified(unplaced, world.project_1, WAGE_BEFORE["unplaced"])
    certified(world.worker_2, world.project_2, 2500)  # another county: not counted
    Certificate.objects.filter(certificate_type=permit).update(expires_on=PERMIT_EXPIRES)
    certificates_sign_missing()

    officer, employer = world.users["county_a"], world.users["employer_1"]
    earlier = referral_recommend(actor=officer, demand=world.demand_1, worker=earlier_worker)
    referral_apply(actor=officer, referral=earlier)
    referral_interview(actor=employer, referral=earlier)
    referral_offer(actor=employer, referral=earlier)
    placement = referral_hire(actor=employer, referral=earlier, start_date=EARLIER_FROM,
                              monthly_wage=EARLIER_WAGE, contract_type=Placement.Contract.FIXED)

    demand: Any = JobDemandFactory(
        employer=world.employer_1, title="低压电工（配电运维）", occupation=skill.occupation,
        place="昌吉市高新区 配电运维车间", headcount=3, wage_min=5500, wage_max=7000,
        deadline=date(2026, 5, 31))
    demand.required_certificates.set([skill, permit])
    return Setting(demand, world.worker_1,
                   Certificate.objects.get(worker=world.worker_1, certificate_type=permit),
                   placement)


def candidates_path(setting: Setting) -> str:
    return reverse("employment:candidates", kwargs={"demand_id": setting.demand.public_id})


def applicant_card(page: Any, setting: Setting) -> Any:
    return page.locator(f"ol.candidates > li:has(#cert-{setting.permit.public_id})")


def employer_sees_no_name_yet(page: Any, server: Any, setting: Setting) -> None:
    ranked = candidates_for_demand(demand=setting.demand, today=timezone.localdate())
    rank = next(n for n, c in enumerate(ranked, start=1) if c.worker.pk == setting.applicant.pk)
    go(page, server, candidates_path(setting))
    assert applicant_card(page, setting).locator("h2").inner_text().strip() == tr(
        "Candidate #%(n)s", n=rank)
    assert setting.applicant.name not in page.locator("main").inner_text()


def worker_applies_on_phone(page: Any, server: Any, setting: Setting) -> Referral:
    go(page, server, reverse("employment:my_jobs"))
    apply_url = reverse("employment:apply", kwargs={"demand_id": setting.demand.public_id})
    job = page.locator(f"#qualifying ~ article.job:has(form[action='{apply_url}'])")
    assert job.locator("h2").first.inner_text().strip() == setting.demand.title
    job.locator("details > summary").click()
    with translation.override(LANGUAGE):
        reasons = candidate_for_worker(demand=setting.demand, worker=setting.applicant,
                                       today=timezone.localdate()).reasons
    assert reasons and job.locator("details li").all_inner_texts() == [str(r) for r in reasons]
    assert_fits_phone(page)
    shot(page, "employment-01-worker-jobs-for-you-phone")

    press(page, f"form[action='{apply_url}'] button[type=submit]")
    referral = Referral.objects.get(demand=setting.demand, worker=setting.applicant)
    assert referral.status == Referral.Status.APPLIED
    assert page.url == server.url + reverse("employment:referral",
                                            kwargs={"public_id": referral.public_id})
    assert said(page, "success") == [
        tr("You applied for this job. The employer can now see your name.")]
    assert page.locator("dl.facts .badge").inner_text().strip() == label(Referral.Status.APPLIED)
    assert_fits_phone(page)
    shot(page, "employment-02-worker-applied-phone")
    return referral


def verified_message(certificate: Certificate) -> str:
    assert certificate.expires_on is not None
    with translation.override(LANGUAGE):
        until = date_format(certificate.expires_on, "SHORT_DATE_FORMAT")
    return tr("“%(type)s” checked just now: valid (valid until %(until)s). The issuer's "
              "signature holds and the certificate is neither revoked nor expired.",
              type=certificate.certificate_type.name, until=until)


def employer_verifies_and_hires(page: Any, server: Any, setting: Setting,
                                referral: Referral) -> Placement:
    go(page, server, candidates_path(setting))
    card = applicant_card(page, setting)
    assert card.locator("h2").inner_text().startswith(setting.applicant.name)
    assert setting.applicant.id_number_masked in card.locator("h2").inner_text()
    press(page, f"#cert-{setting.permit.public_id} button[type=submit]")
    assert said(page, "success") == [verified_message(setting.permit)]
    shot(page, "employment-03-employer-verifies-desk")

    referral_path = reverse("employment:referral", kwargs={"public_id": referral.public_id})
    press(page, f"main .card.item a[href='{referral_path}']")
    for verb, status in (("interview", Referral.Status.INTERVIEWED),
                         ("offer", Referral.Status.OFFERED)):
        press(page, f"form[action$='/{verb}/'] button[type=submit]")
        assert said(page, "success") == [tr("Saved: %(status)s.", status=label(status))], verb
    page.fill("#id_start_date", HIRED_FROM.isoformat())
    page.fill("#id_monthly_wage", str(WAGE_AT_HIRE))
    page.select_option("#id_contract_type", Placement.Contract.OPEN.value)
    press(page, "form[action$='/hire/'] button[type=submit]")
    assert said(page, "success") == [tr("The hire is recorded.")]
    assert page.locator("dl.facts .badge").inner_text().strip() == label(Referral.Status.HIRED)
    shot(page, "employment-04-employer-hired-desk")

    placement = Placement.objects.get(referral=referral)
    assert (placement.worker_id, placement.employer_id, placement.start_date,
            placement.monthly_wage, placement.contract_type) == (
        setting.applicant.pk, setting.demand.employer_id, HIRED_FROM, WAGE_AT_HIRE,
        Placement.Contract.OPEN)
    assert Referral.objects.get(pk=referral.pk).status == Referral.Status.HIRED
    return placement


def officer_records_followup(page: Any, server: Any, setting: Setting,
                             placement: Placement) -> FollowUp:
    followup = FollowUp.objects.get(placement=placement, months=3)
    later = FollowUp.objects.filter(placement=placement, months__in=[6, 12])
    overdue = FollowUp.objects.get(placement=setting.earlier, months=3)  # due on 2026-08-04
    go(page, server, reverse("employment:followups"))
    assert page.locator("tr[data-followup]").evaluate_all(
        "rows => rows.map(r => [r.dataset.followup, r.className])") == [
        [str(overdue.public_id), "overdue"], [str(followup.public_id), ""]]
    row = page.locator(f"tr[data-followup='{followup.public_id}']")
    assert row.locator(".badge").inner_text().strip() == label(FollowUp.Status.DUE)
    assert row.locator("td").nth(4).inner_text().strip() == "2026-08-11"
    for f in later:
        assert page.locator(f"tr[data-followup='{f.public_id}']").count() == 0
    press(page, f"tr[data-followup='{followup.public_id}'] a")
    page.check("input[name=still_employed][value=yes]")
    page.fill("#id_monthly_wage_now", str(WAGE_NOW))
    press(page, f"main form[action$='/followups/{followup.public_id}/'] button[type=submit]")
    assert said(page, "success") == [tr("The follow-up is recorded.")]
    assert page.locator(f"tr[data-followup='{followup.public_id}']").count() == 0
    followup.refresh_from_db()
    assert (followup.status, followup.still_employed, followup.monthly_wage_now) == (
        FollowUp.Status.DONE, True, WAGE_NOW)
    return followup


@pytest.fixture
def may_2026(time_machine: Any) -> Any:
    """The story starts before the world is made, so its dates (deadlines) are of May 2026."""
    at(time_machine, date(2026, 5, 6), 9, 0, tick=True)
    return time_machine


def test_worker_applies_on_a_phone_and_the_hire_and_followup_move_the_dashboard(
    may_2026: Any, world: Any, live_server: Any, desk_page: Any, phone_page: Any,
    sign_in_page: Any,
) -> None:
    setting = set_the_scene(world)
    officer = world.users["county_a"]
    figures = ("employment_rate", "wages", "retention_3")
    # 昌吉市 holds three certified workers, one placed (阜康市's worker is not counted).
    sign_in_page(desk_page, officer)
    assert kpis(desk_page, live_server, *figures) == {
        "employment_rate": employment_kpi("33.3%", 1, 3),
        "wages": Kpi("¥2,800 → ¥5,800", tr("Median monthly wage before → after")),
        "retention_3": retention_kpi("—", 0, 0),
    }

    sign_in_page(desk_page, world.users["employer_1"])
    employer_sees_no_name_yet(desk_page, live_server, setting)
    sign_in_page(phone_page, world.users["worker_1"])
    referral = worker_applies_on_phone(phone_page, live_server, setting)
    at(may_2026, date(2026, 5, 8), 10, 0, tick=True)
    placement = employer_verifies_and_hires(desk_page, live_server, setting, referral)

    sign_in_page(desk_page, officer)
    hired = kpis(desk_page, live_server, *figures)
    # Two of three placed; medians of (2800, 3000) before and (5800, 6200) after.
    assert hired == {
        "employment_rate": employment_kpi("66.7%", 2, 3),
        "wages": Kpi("¥2,900 → ¥6,000", tr("Median monthly wage before → after")),
        "retention_3": retention_kpi("—", 0, 0),
    }

    # The 3-month follow-up falls due on 2026-08-11; the session of May has long expired.
    at(may_2026, date(2026, 8, 11), 9, 0, tick=True)
    sign_in_page(desk_page, officer)
    officer_records_followup(desk_page, live_server, setting, placement)
    assert kpis(desk_page, live_server, *figures) == {
        **hired, "retention_3": retention_kpi("100.0%", 1, 1),
    }
    shot(desk_page, "employment-05-county-dashboard-desk")
