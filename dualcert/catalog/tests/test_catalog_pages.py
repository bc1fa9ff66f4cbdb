import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dualcert.catalog.models import CertificateType, FactStatus, RequirementItem
from tests.factories import PathwayFactory

pytestmark = pytest.mark.django_db

ROLES = ["bureau", "county_a", "dept_1", "inst_1", "eval_1", "employer_1", "worker_1"]


@pytest.mark.parametrize("role", ROLES)
def test_every_signed_in_role_reads_the_pathways(world, client_for, role):
    response = client_for(world.users[role]).get(reverse("catalog:pathways"))
    html = response.content.decode()
    assert response.status_code == 200
    assert world.pathway_1.name in html and world.pathway_2.name in html
    assert world.pathway_1.permit.department.name in html


@pytest.mark.parametrize("role", ROLES)
def test_every_signed_in_role_reads_a_pathway(world, client_for, role):
    url = reverse("catalog:pathway", kwargs={"public_id": world.pathway_1.public_id})
    response = client_for(world.users[role]).get(url)
    assert response.status_code == 200
    assert world.pathway_1.skill_certificate.name in response.content.decode()


def test_account_without_role_gets_403_and_anonymous_is_sent_to_sign_in(world, client, client_for):
    assert client.get(reverse("catalog:pathways")).status_code == 302
    assert client_for(world.users["outsider"]).get(reverse("catalog:pathways")).status_code == 403


def test_unknown_pathway_is_404(world, client_for):
    url = reverse("catalog:pathway", kwargs={"public_id": "00000000-0000-0000-0000-000000000000"})
    assert client_for(world.users["bureau"]).get(url).status_code == 404


def test_pathway_shows_permit_facts_and_requirement_hours(world, client_for):
    permit = world.pathway_1.permit
    RequirementItem.objects.filter(certificate_type=permit).update(theory_hours=24)
    url = reverse("catalog:pathway", kwargs={"public_id": world.pathway_1.public_id})
    html = client_for(world.users["inst_1"]).get(url).content.decode()
    assert "18–60" in html  # ages
    assert "500 yuan" in html  # the permit's own fee
    assert "<td class=\"num\">24</td>" in html
    assert f"{permit.code}-1" in html


def test_unconfirmed_fact_is_flagged_with_a_warning_badge(world, client_for):
    CertificateType.objects.filter(pk=world.pathway_1.permit.pk).update(
        fact_status=FactStatus.UNCONFIRMED
    )
    html = client_for(world.users["bureau"]).get(reverse("catalog:pathways")).content.decode()
    assert '<span class="badge warn">unconfirmed' in html


def test_review_filter_keeps_pathways_with_unsure_facts(world, client_for):
    item = world.pathway_2.skill_certificate.requirement_items.first()
    item.fact_status = FactStatus.PARTIAL
    item.save()
    response = client_for(world.users["bureau"]).get(reverse("catalog:pathways"), {"review": "1"})
    assert list(response.context["page"]) == [world.pathway_2]


def test_bureau_admin_gets_links_to_correct_facts_in_the_admin(world, client_for):
    boss = world.users["bureau"]
    boss.is_staff = True
    boss.save()
    html = client_for(boss).get(reverse("catalog:pathways")).content.decode()
    assert reverse("admin:catalog_certificatetype_changelist") in html
    county = client_for(world.users["county_a"]).get(reverse("catalog:pathways"))
    assert reverse("admin:catalog_certificatetype_changelist") not in county.content.decode()


def queries_of(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return len(captured.captured_queries), response


def test_pathways_list_query_count_does_not_grow_with_rows(world, client_for,
                                                          django_assert_max_num_queries):
    client = client_for(world.users["worker_1"])
    PathwayFactory()
    few, response = queries_of(client, reverse("catalog:pathways"))
    assert len(response.context["page"]) == 3
    PathwayFactory.create_batch(7)
    many, response = queries_of(client, reverse("catalog:pathways"))
    assert len(response.context["page"]) == 10
    assert many == few
    with django_assert_max_num_queries(8):
        client.get(reverse("catalog:pathways"))


def test_api_lists_pathways_with_both_certificates(world, client_for):
    response = client_for(world.users["employer_1"]).get("/api/catalog/pathways")
    items = response.json()["items"]
    assert {p["code"] for p in items} == {world.pathway_1.code, world.pathway_2.code}
    permit = next(p for p in items if p["code"] == world.pathway_1.code)["permit"]
    assert permit["department"] == world.dept_1.name and len(permit["requirement_items"]) == 2


def test_api_pathway_detail_and_404(world, client_for):
    client = client_for(world.users["worker_1"])
    ok = client.get(f"/api/catalog/pathways/{world.pathway_1.public_id}")
    missing = client.get("/api/catalog/pathways/00000000-0000-0000-0000-000000000000")
    assert ok.json()["skill_certificate"]["kind"] == "skill" and missing.status_code == 404
