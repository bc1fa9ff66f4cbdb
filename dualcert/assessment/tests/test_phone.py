"""The sitting page with its score sheet, a certificate and a lookup fit a 360 px phone."""

import pytest
from django.urls import reverse

from dualcert.assessment.tests.helpers import confirmed, enroll, sitting_for
from dualcert.credentials.models import Certificate
from dualcert.credentials.services import certificates_issue
from tests.browser import assert_fits_phone, page_layout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

@pytest.mark.parametrize("lang", ["zh-hans", "ug"])
def test_sitting_certificate_and_lookup_pages_fit_a_phone(
    world, live_server, phone_page, sign_in_page, lang
):
    phone_page.context.add_cookies([{"name": "django_language", "value": lang,
                                     "url": live_server.url}])
    scheduled = sitting_for(world, 2)
    enroll(scheduled.project, 3)
    done = confirmed(world, [(90, 90, False), (70, 90, False)])
    certificates_issue(actor=world.users["bureau"], sitting=done)
    sign_in_page(phone_page, world.users["eval_2"])
    assert_fits_phone(phone_page, live_server.url + reverse("assessment:sitting",
                                                kwargs={"public_id": scheduled.public_id}))
    assert phone_page.locator("input.mark").count() == 6
    sign_in_page(phone_page, world.users["dept_1"])
    assert_fits_phone(phone_page, live_server.url + reverse("assessment:sitting",
                                                kwargs={"public_id": done.public_id}))
    permit = Certificate.objects.filter(certificate_type__kind="permit").first()
    assert_fits_phone(phone_page, live_server.url + reverse("credentials:certificate",
                                                kwargs={"public_id": permit.public_id}))
    assert_fits_phone(phone_page, live_server.url + reverse("credentials:lookup"))
    phone_page.fill("#id_number", permit.number)
    phone_page.fill("#id_holder_name", permit.worker.name)
    with phone_page.expect_navigation():
        phone_page.click("main form button[type=submit]")
    assert phone_page.locator("section.card dl.facts").count() == 1
    assert page_layout(phone_page)["scroll"] <= 360
