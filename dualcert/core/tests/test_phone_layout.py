"""Every navigation page of every role is readable on a 360 px wide phone, also right-to-left."""

import pytest
from django.urls import reverse

from dualcert.core.navigation import NAV
from dualcert.core.tests.test_navigation import PERSONA
from tests.browser import page_layout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

@pytest.mark.parametrize("lang", ["zh-hans", "ug"])
def test_navigation_pages_fit_a_360px_phone(world, live_server, phone_page, sign_in_page, lang):
    phone_page.context.add_cookies([{"name": "django_language", "value": lang,
                                     "url": live_server.url}])
    for role, items in NAV.items():
        sign_in_page(phone_page, world.users[PERSONA[role]])
        for _label, name in items:
            phone_page.goto(live_server.url + reverse(name))
            assert phone_page.locator("main h1").count() >= 1, name
            layout = page_layout(phone_page)
            assert layout["scroll"] <= 360, (role, name, layout)
            if lang == "ug":
                assert phone_page.get_attribute("html", "dir") == "rtl"
