import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from dualcert.training.models import TrainingProject
from dualcert.training.tests.builders import enroll

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(world, client):
    client.force_login(get_user_model().objects.create_superuser("root", "r@example.org", "pw"))
    return client


def test_project_status_cannot_be_edited_in_admin(world, admin_client):
    url = reverse("admin:training_trainingproject_change", args=[world.project_1.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert 'name="status"' not in page.content.decode()
    admin_client.post(url, {"name": "改名", "place": "新址", "status": "closed",
                            "modules-TOTAL_FORMS": 0, "modules-INITIAL_FORMS": 0})
    world.project_1.refresh_from_db()
    assert (world.project_1.name, world.project_1.status) == ("改名", "draft")


def test_projects_and_enrollments_are_not_added_or_changed_in_admin(world, admin_client):
    one = enroll(world.project_1)
    assert admin_client.get(reverse("admin:training_trainingproject_add")).status_code == 403
    assert admin_client.get(reverse("admin:training_enrollment_add")).status_code == 403
    page = admin_client.get(reverse("admin:training_enrollment_change", args=[one.pk]))
    assert page.status_code == 200 and 'name="status"' not in page.content.decode()
    for name in ("institution", "trainingproject", "module", "session", "enrollment"):
        assert admin_client.get(reverse(f"admin:training_{name}_changelist")).status_code == 200
    assert TrainingProject.objects.count() == 2
