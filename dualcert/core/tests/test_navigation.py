"""Every page a role uses is reachable from its navigation and answers that role."""

import pytest
from django.urls import reverse

from dualcert.core.navigation import LANDING, NAV

pytestmark = pytest.mark.django_db

PERSONA = {"bureau": "bureau", "county": "county_a", "department": "dept_1",
           "institution": "inst_1", "evaluator": "eval_1", "employer": "employer_1",
           "worker": "worker_1"}


def test_every_navigation_link_resolves():
    for items in NAV.values():
        for _label, name in items:
            assert reverse(name).startswith("/")


@pytest.mark.parametrize("role", list(NAV))
def test_each_navigation_page_opens_for_its_role(world, client_for, role):
    client = client_for(world.users[PERSONA[role]])
    for _label, name in NAV[role]:
        response = client.get(reverse(name))
        assert response.status_code == 200, (name, response.status_code)


@pytest.mark.parametrize("role", list(LANDING))
def test_home_sends_each_role_to_its_landing_page(world, client_for, role):
    response = client_for(world.users[PERSONA[role]]).get(reverse("core:home"))
    assert response.status_code == 302 and response["Location"] == reverse(LANDING[role])


def test_account_without_role_is_told_to_ask_for_one(world, client_for):
    response = client_for(world.users["outsider"]).get(reverse("core:home"))
    assert response.status_code == 403


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("core:home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("core:login"))


def test_audit_log_is_for_the_bureau_only(world, client_for):
    assert client_for(world.users["bureau"]).get(reverse("core:audit")).status_code == 200
    assert client_for(world.users["county_a"]).get(reverse("core:audit")).status_code == 403
