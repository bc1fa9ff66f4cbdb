"""The dashboard, funnel and candidates pages stay readable on a 360 px phone."""

from typing import Any

import pytest
from django.urls import reverse

from dualcert.employment.tests.factories import CertificateFactory
from dualcert.insights.tests.dataset import build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def overflow(page: Any) -> int:
    """How far the page is wider than the screen (tables scroll inside their own box)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_pages_fit_a_360px_screen(live_server, phone_page, sign_in_page, world):
    build(world)
    CertificateFactory(worker=world.worker_1)
    urls = {
        "bureau": [reverse("insights:dashboard"),
                   reverse("insights:funnel", kwargs={"public_id": world.project_1.public_id}),
                   reverse("employment:candidates",
                           kwargs={"demand_id": world.demand_1.public_id}),
                   reverse("employment:referrals")],
        "employer_1": [reverse("employment:referrals")],
    }
    for user, paths in urls.items():
        sign_in_page(phone_page, world.users[user])
        for path in paths:
            response = phone_page.goto(live_server.url + path)
            assert response.status == 200, path
            assert overflow(phone_page) <= 0, path
    sign_in_page(phone_page, world.users["bureau"])
    phone_page.goto(live_server.url + reverse("insights:dashboard"))
    kpi = phone_page.locator(".kpi").first.bounding_box()
    assert kpi is not None and kpi["width"] <= 360
    assert "¥2,100" in phone_page.locator(".kpis").inner_text()
