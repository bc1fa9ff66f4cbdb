"""The fair pages people use standing at a fair fit a 360 px phone."""

from typing import Any

import pytest
from django.urls import reverse

from dualcert.employment.tests.factories import ReferralFactory
from dualcert.fairs.tests.factories import certify, check_in
from tests.browser import assert_fits_phone
from tests.factories import WorkerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _url(live_server: Any, name: str, **kwargs: Any) -> str:
    return live_server.url + reverse(f"fairs:{name}", kwargs=kwargs)


def test_fair_pages_fit_a_phone(world, fair, live_server, phone_page, sign_in_page):
    booth = fair.booths.get()
    for n in range(3):
        worker = WorkerFactory(region=world.county_a, name=f"求职者{n}")
        certify(worker, world.demand_1)
        check_in(fair, worker)
    ReferralFactory(demand=world.demand_1, worker=worker, status="applied")
    ids = {"public_id": fair.public_id}
    sign_in_page(phone_page, world.users["worker_1"])
    assert_fits_phone(phone_page, _url(live_server, "fair", **ids))
    assert phone_page.locator("img.fair-qr").evaluate("img => img.naturalWidth") > 0
    sign_in_page(phone_page, world.users["employer_1"])
    assert_fits_phone(phone_page, _url(live_server, "booth", booth_id=booth.public_id, **ids))
    sign_in_page(phone_page, world.users["county_a"])
    for name in ("fair", "desk", "results", "poster", "print"):
        assert_fits_phone(phone_page, _url(live_server, name, **ids))
