import pytest
from django.http import Http404

from dualcert.core.scoping import get_for, scope_for
from dualcert.training.models import TrainingProject

pytestmark = pytest.mark.django_db


def test_outsider_without_role_sees_no_projects(world):
    assert TrainingProject.objects.visible_to(world.users["outsider"]).count() == 0


def test_get_for_gives_404_for_an_invisible_project(world):
    with pytest.raises(Http404):
        get_for(TrainingProject.objects.all(), world.users["inst_1"], world.project_2.public_id)


def test_get_for_gives_404_for_a_malformed_public_id(world):
    with pytest.raises(Http404):
        get_for(TrainingProject.objects.all(), world.users["bureau"], "not-a-uuid")


def test_scope_names_the_membership(world):
    scope = scope_for(world.users["county_a"])
    assert scope.role == "county" and scope.region_id == world.county_a.pk
