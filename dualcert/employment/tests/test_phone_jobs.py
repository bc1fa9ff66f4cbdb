"""The worker's jobs page and the employer's certificate check work on a 360 px phone."""

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from dualcert.credentials.models import Verification
from dualcert.credentials.tests.helpers import signed_certificate
from dualcert.demand.models import JobDemand
from dualcert.employment.models import Referral
from dualcert.employment.tests.factories import CertificateFactory
from dualcert.training.models import TrainingProject
from tests.browser import assert_fits_phone
from tests.factories import EmployerFactory, JobDemandFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _demand(world: Any, *types: Any, title: str) -> Any:
    made: Any = JobDemandFactory(
        employer=EmployerFactory(region=world.county_a, name="昌吉新能源设备制造有限公司"),
        title=title, place="昌吉市高新技术产业开发区北京南路", wage_min=5500, wage_max=8000,
        deadline=timezone.localdate() + timedelta(days=20))
    made.required_certificates.set(types)
    return made


@pytest.mark.parametrize("lang", ["zh-hans", "ug"])
def test_worker_sees_jobs_on_a_phone_and_applies_in_one_tap(
        world, live_server, phone_page, sign_in_page, lang):
    phone_page.context.add_cookies([{"name": "django_language", "value": lang,
                                     "url": live_server.url}])
    skill, permit = world.pathway_1.skill_certificate, world.pathway_1.permit
    JobDemand.objects.update(status=JobDemand.Status.CLOSED)  # the world's, asking for nothing
    TrainingProject.objects.filter(pk=world.project_1.pk).update(
        status=TrainingProject.Status.ENROLLING, place="昌吉市三工镇职业技能培训中心")
    CertificateFactory(worker=world.worker_1, certificate_type=skill)
    fitting = _demand(world, skill, title="电工学徒（长期）")
    _demand(world, skill, permit, title="低压电工")
    sign_in_page(phone_page, world.users["worker_1"])
    assert_fits_phone(phone_page, live_server.url + reverse("employment:my_jobs"))
    assert phone_page.locator("article.job").count() == 2
    with phone_page.expect_navigation():
        phone_page.locator("#qualifying ~ article.job button[type=submit]").first.click()
    assert Referral.objects.get(demand=fitting, worker=world.worker_1).status == "applied"
    assert_fits_phone(phone_page)


def test_employer_verifies_a_certificate_on_a_phone(world, live_server, phone_page,
                                                    sign_in_page):
    world.demand_1.required_certificates.set([world.pathway_1.permit])
    cert = signed_certificate(worker=world.worker_1, certificate_type=world.pathway_1.permit)
    sign_in_page(phone_page, world.users["employer_1"])
    url = reverse("employment:candidates", kwargs={"demand_id": world.demand_1.public_id})
    assert_fits_phone(phone_page, live_server.url + url)
    with phone_page.expect_navigation():
        phone_page.locator(f"#cert-{cert.public_id} button").click()
    assert phone_page.locator(".messages li.success").count() == 1
    assert_fits_phone(phone_page)
    assert Verification.objects.get().certificate_id == cert.pk
