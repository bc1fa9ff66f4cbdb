import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dualcert.core.models import ApiToken, AuditEntry
from dualcert.core.tokens import api_token_create, api_token_user, token_hash
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def command(*args):
    out = io.StringIO()
    call_command("api_token", *args, stdout=out)
    return out.getvalue()


def test_create_prints_the_token_once_and_stores_only_its_hash():
    user = make_user("hr_system")
    output = command("create", "hr_system", "--name", "HR system of 某公司")
    token = output.splitlines()[-1]
    record = ApiToken.objects.get()
    assert token.startswith("dct_") and len(token) > 40
    assert record.token_hash == token_hash(token) and token not in record.token_hash
    assert record.prefix == token[:10] and record.name == "HR system of 某公司"
    assert api_token_user(token) == user
    audit = AuditEntry.objects.get(action="api_token.create")
    assert token not in str(audit.after) and audit.after["prefix"] == record.prefix


def test_list_shows_prefixes_never_tokens():
    user = make_user("hr_system")
    _record, token = api_token_create(actor=None, user=user, name="HR")
    listing = command("list")
    assert token not in listing
    assert f"{token[:10]}…\thr_system\tHR\t" in listing
    assert command("list", "nobody") == "No API tokens.\n"


def test_revoke_by_prefix_or_id_stops_the_token():
    user = make_user("hr_system")
    first, first_token = api_token_create(actor=None, user=user, name="one")
    second, second_token = api_token_create(actor=None, user=user, name="two")
    assert "revoked" in command("revoke", first.prefix)
    assert "revoked" in command("revoke", str(second.pk))
    assert api_token_user(first_token) is None and api_token_user(second_token) is None
    rows = [line.split("\t") for line in command("list").splitlines()[1:]]
    assert len(rows) == 2 and all(row[-1] != "-" for row in rows)


@pytest.mark.parametrize(("args", "message"), [
    (("create", "ghost", "--name", "x"), "no account named 'ghost'"),
    (("create", "hr_system", "--name", "  "), "Give the token a name"),
    (("revoke", "dct_nothing"), "No single API token"),
])
def test_console_refusals_are_clear(args, message):
    make_user("hr_system")
    with pytest.raises(CommandError, match=message):
        command(*args)


def test_revoking_twice_refused():
    record, _token = api_token_create(actor=None, user=make_user("hr_system"), name="HR")
    command("revoke", record.prefix)
    with pytest.raises(CommandError, match="already revoked"):
        command("revoke", record.prefix)


def test_token_of_another_shape_or_unknown_gets_nobody():
    api_token_create(actor=None, user=make_user("hr_system"), name="HR")
    assert api_token_user("") is None
    assert api_token_user("Basic abc") is None
    assert api_token_user("dct_" + "x" * 43) is None
