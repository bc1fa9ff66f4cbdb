import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from dualcert.core.models import AuditEntry, StateChange
from dualcert.demand.services import demand_close
from dualcert.people.services import worker_set_consent

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", password="pw-root")


@pytest.fixture
def logged(world):
    worker_set_consent(actor=world.users["bureau"], worker=world.worker_1, consent=False)
    demand_close(actor=world.users["bureau"], demand=world.demand_1)
    return AuditEntry.objects.first(), StateChange.objects.get()


def test_bureau_admin_reads_the_audit_log_and_state_changes(world, client_for, superuser, logged):
    client = client_for(superuser)
    audit = client.get(reverse("admin:core_auditentry_changelist"))
    changes = client.get(reverse("admin:core_statechange_changelist"))
    assert audit.status_code == 200 and len(audit.context["cl"].result_list) == 2
    assert changes.status_code == 200 and len(changes.context["cl"].result_list) == 1


@pytest.mark.parametrize("model", ["auditentry", "statechange"])
def test_logs_cannot_be_added_changed_or_deleted_in_the_admin(world, client_for, superuser,
                                                              logged, model):
    entry, change = logged
    obj = entry if model == "auditentry" else change
    client = client_for(superuser)
    assert client.get(reverse(f"admin:core_{model}_add")).status_code == 403
    assert client.post(reverse(f"admin:core_{model}_delete", args=[obj.pk]),
                       {"post": "yes"}).status_code == 403
    page = client.get(reverse(f"admin:core_{model}_change", args=[obj.pk]))
    assert page.status_code == 200 and page.context["has_change_permission"] is False
    assert AuditEntry.objects.count() == 2 and StateChange.objects.count() == 1


def test_bulk_delete_action_is_not_offered_for_logs(world, client_for, superuser, logged):
    response = client_for(superuser).get(reverse("admin:core_auditentry_changelist"))
    assert "delete_selected" not in response.content.decode()


def test_bureau_role_staff_reaches_the_admin(world, client_for):
    boss = world.users["bureau"]
    boss.is_staff = True
    boss.save()
    assert client_for(boss).get(reverse("admin:index")).status_code == 200


@pytest.mark.parametrize("role", ["county_a", "dept_1", "inst_1", "employer_1", "worker_1",
                                  "outsider"])
def test_staff_accounts_of_other_roles_are_kept_out_of_the_admin(world, client_for, role):
    user = world.users[role]
    user.is_staff = True
    user.save()
    response = client_for(user).get(reverse("admin:core_auditentry_changelist"))
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]


def test_bureau_role_without_staff_flag_is_kept_out_of_the_admin(world, client_for):
    response = client_for(world.users["bureau"]).get(reverse("admin:index"))
    assert response.status_code == 302


def test_bureau_admin_sees_api_tokens_without_the_secret_and_revokes_them(world, client_for,
                                                                         superuser):
    from dualcert.core.models import ApiToken
    from dualcert.core.tokens import api_token_create

    record, token = api_token_create(actor=None, user=world.users["employer_1"], name="门禁系统")
    client = client_for(superuser)
    page = client.get(reverse("admin:core_apitoken_changelist"))
    assert page.status_code == 200
    assert record.prefix in page.content.decode() and token not in page.content.decode()
    assert client.get(reverse("admin:core_apitoken_add")).status_code == 403
    response = client.post(reverse("admin:core_apitoken_changelist"),
                           {"action": "revoke", "_selected_action": [record.pk]})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.revoked_at is not None
    assert AuditEntry.objects.filter(action="api_token.revoke", object_pk=record.pk).exists()
    assert ApiToken.objects.filter(revoked_at__isnull=True).count() == 0


def test_api_tokens_are_kept_from_other_roles_in_the_admin(world, client_for):
    county = world.users["county_a"]
    county.is_staff = True
    county.save()
    response = client_for(county).get(reverse("admin:core_apitoken_changelist"))
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]
