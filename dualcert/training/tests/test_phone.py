"""The projects list, a project page and the attendance page fit a 360 px phone."""

import pytest
from django.urls import reverse

from dualcert.training.tests.builders import START, cover_fully, enroll, project, session
from tests.browser import assert_fits_phone, page_layout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

@pytest.mark.parametrize("lang", ["zh-hans", "ug"])
def test_training_pages_fit_a_phone(world, electrician, live_server, phone_page, sign_in_page,
                                    lang):
    phone_page.context.add_cookies([{"name": "django_language", "value": lang,
                                     "url": live_server.url}])
    running = project(world, "enrolling", pathway=electrician, name="低压电工双证培训班（第一期）")
    cover_fully(running)
    enroll(running, status="applied")
    lesson = session(running, START)
    sign_in_page(phone_page, world.users["inst_1"])
    assert_fits_phone(phone_page, live_server.url + reverse("training:projects"))
    assert_fits_phone(phone_page, live_server.url + reverse("training:project",
                                                kwargs={"public_id": running.public_id}))
    assert phone_page.locator("table").count() == 4
    phone_page.locator("details summary").last.click()  # open the application form
    assert page_layout(phone_page)["scroll"] <= 360
    assert_fits_phone(phone_page, live_server.url + reverse("training:attendance",
                                                kwargs={"public_id": lesson.public_id}))
