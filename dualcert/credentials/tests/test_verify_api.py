import json
import time
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pydantic import TypeAdapter

from dualcert.core import tokens
from dualcert.core.tokens import api_token_create, api_token_revoke
from dualcert.credentials import verifications
from dualcert.credentials.models import Verification
from dualcert.credentials.schemas import VerificationOut
from dualcert.credentials.selectors import verifications_for_worker
from dualcert.credentials.services import certificate_revoke
from dualcert.credentials.signing.keys import payload_claims, private_key_for
from dualcert.credentials.signing.payload import claims_for, fragment_url, sign
from dualcert.credentials.signing.trust import unb64url
from dualcert.credentials.tests.helpers import signed_certificate
from dualcert.credentials.tests.payloads import Issuer, certificate_claims, with_claim

pytestmark = pytest.mark.django_db

# SAVEPOINT, SET LOCAL synchronous_commit, RELEASE around a batch's log insert on PostgreSQL
LOG_TRANSACTION = 3 if connection.vendor == "postgresql" else 0
URL = "/api/credentials/verify"
BATCH_URL = "/api/credentials/verify/batch"


def _post(client, url, body, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


@pytest.fixture
def certs(world):
    """Two signed certificates of worker_1 (county A) and one of worker_2 (county B)."""
    return {
        "mine": signed_certificate(certificate_type=world.pathway_1.permit, worker=world.worker_1),
        "mine_too": signed_certificate(certificate_type=world.pathway_2.permit,
                                       worker=world.worker_1, number="T2026000002"),
        "theirs": signed_certificate(certificate_type=world.pathway_1.permit,
                                     worker=world.worker_2, number="T2026000003"),
    }


def test_valid_payload_verified_with_the_certificate_as_signed(world, certs, client_for):
    cert = certs["mine"]
    body = _post(client_for(world.users["employer_1"]), URL,
                 {"payload": cert.signed_payload}).json()
    assert body["verdict"] == "valid" and body["verdict_label"] == "valid"
    assert body["certificate"] == {
        "number": cert.number, "type_code": cert.certificate_type.code,
        "type_name": cert.certificate_type.name, "kind": "permit",
        "holder_name": world.worker_1.name, "holder_id_masked": world.worker_1.id_number_masked,
        "occupation": payload_claims(cert)["o"], "level": "", "permit_item": payload_claims(
            cert)["p"], "issuer_name": cert.issuer_name, "issued_on": "2026-06-10",
        "expires_on": cert.expires_on.isoformat(),
    }
    assert body["issuer"] == {"code": cert.signing_key.issuer_code,
                              "name": cert.signing_key.issuer_name}
    assert body["kid"] == cert.signing_key.kid
    assert body["trust_list_version"] >= 1 and body["revocations_version"] >= 1


def test_url_from_the_qr_code_verified_like_its_payload(world, certs, client_for):
    url = fragment_url("https://cert.example.gov.cn", certs["mine"].signed_payload)
    body = _post(client_for(world.users["employer_1"]), URL, {"payload": url}).json()
    assert body["verdict"] == "valid" and body["certificate"]["number"] == certs["mine"].number


def _key_not_allowed_payload(world, certs):
    """dept_1's real key signing a certificate of dept_2's type."""
    key = certs["mine"].signing_key
    claims = {**payload_claims(certs["mine"]), "t": world.pathway_2.permit.code}
    signed = claims_for(issuer=key.issuer_code, issued_at=int(key.signs_from.timestamp()) + 5,
                        expires_at=None, certificate=claims)
    return sign(signed, kid=unb64url(key.kid), private_key=private_key_for(key))


def test_every_verdict_reaches_the_caller(world, certs, client_for):
    certificate_revoke(actor=world.users["dept_1"], certificate=certs["theirs"], reason="吊销")
    expired = signed_certificate(certificate_type=world.pathway_1.permit, worker=world.worker_1,
                                 number="T2010000009", issued_on=date(2010, 3, 1), years=2)
    cases = {
        "valid": certs["mine"].signed_payload,
        "forged": with_claim(certs["mine"].signed_payload, "h", "冒名者"),
        "unknown_key": Issuer("ROGUE", ["P-ELEC"]).sign(certificate_claims()),
        "key_not_allowed": _key_not_allowed_payload(world, certs),
        "expired": expired.signed_payload,
        "revoked": certs["theirs"].signed_payload,
        "unreadable": "DC1:not-a-payload",
    }
    client = client_for(world.users["employer_1"])
    got = {name: _post(client, URL, {"payload": text}).json() for name, text in cases.items()}
    assert {name: body["verdict"] for name, body in got.items()} == {n: n for n in cases}
    assert got["forged"]["verdict_label"] == "forged or altered"
    assert got["unknown_key"]["issuer"] is None and got["unknown_key"]["kid"]
    assert got["unreadable"]["certificate"] is None and got["unreadable"]["kid"] is None


def test_batch_answers_in_the_order_asked(world, certs, client_for):
    certificate_revoke(actor=world.users["dept_1"], certificate=certs["theirs"], reason="吊销")
    payloads = [certs["mine"].signed_payload, "garbage", certs["theirs"].signed_payload,
                certs["mine_too"].signed_payload]
    response = _post(client_for(world.users["employer_1"]), BATCH_URL, {"payloads": payloads})
    assert response.status_code == 200
    assert [r["verdict"] for r in response.json()] == ["valid", "unreadable", "revoked", "valid"]
    assert [r["certificate"] and r["certificate"]["number"] for r in response.json()] == [
        "T2026000001", None, "T2026000003", "T2026000002"]


def test_batch_of_1001_refused_with_the_limit_named(world, client_for):
    response = _post(client_for(world.users["employer_1"]), BATCH_URL,
                     {"payloads": ["DC1:x"] * 1001})
    assert response.status_code == 422
    assert response.json()["fields"]["payloads"] == [
        "A batch holds at most 1,000 payloads; this one has 1,001. Split it into several calls."]
    assert not Verification.objects.exists()


def test_batch_of_exactly_1000_accepted(world, client_for):
    response = _post(client_for(world.users["employer_1"]), BATCH_URL,
                     {"payloads": ["DC1:x"] * 1000})
    assert response.status_code == 200 and len(response.json()) == 1000
    assert Verification.objects.count() == 1000


def test_empty_batch_refused(world, client_for):
    response = _post(client_for(world.users["employer_1"]), BATCH_URL, {"payloads": []})
    assert response.status_code == 422
    assert response.json()["fields"]["payloads"] == ["Send at least one payload."]


def test_missing_payload_refused(world, client_for):
    response = _post(client_for(world.users["employer_1"]), URL, {"text": "DC1:x"})
    assert response.status_code == 422 and "payload" in response.json()["fields"]


def test_body_that_is_not_json_refused_with_400(world, client_for):
    client = client_for(world.users["employer_1"])
    response = client.post(URL, "DC1:not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"]


def test_anonymous_caller_refused(world, certs):
    response = _post(Client(), URL, {"payload": certs["mine"].signed_payload})
    assert response.status_code == 401
    strict = _post(Client(enforce_csrf_checks=True), URL,
                   {"payload": certs["mine"].signed_payload})
    assert strict.status_code == 403
    assert not Verification.objects.exists()


def test_signed_in_account_without_role_refused(world, certs, client_for):
    response = _post(client_for(world.users["outsider"]), URL,
                     {"payload": certs["mine"].signed_payload})
    assert response.status_code == 403
    assert "with a role" in response.json()["detail"][0]
    assert not Verification.objects.exists()


@pytest.mark.parametrize("role", ["bureau", "county_a", "dept_2", "inst_1", "eval_1",
                                  "worker_2"])
def test_every_role_may_verify(world, certs, client_for, role):
    response = _post(client_for(world.users[role]), URL, {"payload": certs["mine"].signed_payload})
    assert response.status_code == 200 and response.json()["verdict"] == "valid"


def test_session_post_without_csrf_token_refused(world, certs):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["employer_1"])
    refused = _post(client, URL, {"payload": certs["mine"].signed_payload})
    assert refused.status_code == 403 and refused.json()["detail"] == ["CSRF check Failed"]
    client.cookies["csrftoken"] = "a" * 32
    allowed = _post(client, URL, {"payload": certs["mine"].signed_payload},
                    HTTP_X_CSRFTOKEN="a" * 32)
    assert allowed.status_code == 200 and allowed.json()["verdict"] == "valid"


def test_api_token_verifies_without_session_or_csrf(world, certs):
    record, token = api_token_create(actor=None, user=world.users["employer_1"], name="HR system")
    client = Client(enforce_csrf_checks=True)
    response = _post(client, URL, {"payload": certs["mine"].signed_payload},
                     HTTP_AUTHORIZATION=f"Bearer {token}")
    batch = _post(client, BATCH_URL, {"payloads": [certs["mine"].signed_payload]},
                  HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200 and response.json()["verdict"] == "valid"
    assert batch.status_code == 200 and batch.json()[0]["verdict"] == "valid"
    record.refresh_from_db()
    assert record.last_used_at is not None
    log = Verification.objects.first()
    assert log.verified_by == world.users["employer_1"]
    assert log.verifier_name == world.employer_1.name


def test_token_of_account_without_role_still_verifies(world, certs):
    _record, token = api_token_create(actor=None, user=world.users["outsider"], name="platform")
    response = _post(Client(), URL, {"payload": certs["mine"].signed_payload},
                     HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert Verification.objects.get().verifier_name == "outsider"


def test_revoked_or_wrong_token_refused(world, certs):
    record, token = api_token_create(actor=None, user=world.users["employer_1"], name="HR system")
    api_token_revoke(actor=None, token=record)
    for presented in (token, token[:-1] + "x", "not-even-ours"):
        response = _post(Client(), URL, {"payload": certs["mine"].signed_payload},
                         HTTP_AUTHORIZATION=f"Bearer {presented}")
        assert response.status_code == 401
        assert response.json()["detail"] == [
            "The API token is not valid, or it has been revoked."]
    assert not Verification.objects.exists()


def test_token_of_deactivated_account_refused(world, certs):
    _record, token = api_token_create(actor=None, user=world.users["employer_1"], name="HR")
    world.users["employer_1"].is_active = False
    world.users["employer_1"].save()
    response = _post(Client(), URL, {"payload": certs["mine"].signed_payload},
                     HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 401


def test_each_verification_logged_with_verifier_and_verdict(world, certs, client_for):
    client = client_for(world.users["employer_1"])
    _post(client, URL, {"payload": certs["mine"].signed_payload})
    _post(client, BATCH_URL, {"payloads": [
        with_claim(certs["mine"].signed_payload, "h", "冒名者"), "garbage"]})
    logs = list(Verification.objects.order_by("id"))
    assert [(log.certificate, log.verdict) for log in logs] == [
        (certs["mine"], "valid"), (certs["mine"], "forged"), (None, "unreadable")]
    assert {log.verifier_name for log in logs} == {world.employer_1.name}
    assert {log.verified_by for log in logs} == {world.users["employer_1"]}


@pytest.mark.parametrize(("role", "expected"), [
    ("county_a", "region"), ("dept_1", "department"), ("inst_1", "institution"),
    ("eval_1", "evaluation_body"), ("bureau", "username"), ("worker_2", "username"),
])
def test_verifier_named_by_their_organisation(world, certs, client_for, role, expected):
    user = world.users[role]
    _post(client_for(user), URL, {"payload": certs["mine"].signed_payload})
    membership = user.membership
    name = (user.username if expected == "username"
            else getattr(membership, expected).name)
    assert Verification.objects.get().verifier_name == name


def test_holder_and_their_officers_see_the_log_others_do_not(world, certs, client_for):
    _post(client_for(world.users["employer_1"]), BATCH_URL, {"payloads": [
        certs["mine"].signed_payload, certs["mine_too"].signed_payload,
        certs["theirs"].signed_payload, "garbage"]})

    def numbers(role, **kwargs):
        seen = verifications_for_worker(world.users[role], **kwargs)
        return sorted(log.certificate.number for log in seen)

    assert numbers("worker_1") == ["T2026000001", "T2026000002"]
    assert numbers("worker_2") == ["T2026000003"]
    assert numbers("county_a") == ["T2026000001", "T2026000002"]
    assert numbers("county_b") == ["T2026000003"]
    assert numbers("bureau") == ["T2026000001", "T2026000002", "T2026000003"]
    assert numbers("bureau", worker=world.worker_2) == ["T2026000003"]
    for role in ("employer_1", "dept_1", "inst_1", "eval_1", "outsider"):
        assert numbers(role) == []
    assert len(verifications_for_worker(world.users["bureau"], 2)) == 2


def test_holder_sees_newest_verification_first_with_verifier_name(world, certs, client_for):
    _post(client_for(world.users["employer_1"]), URL, {"payload": certs["mine"].signed_payload})
    _post(client_for(world.users["county_a"]), URL, {"payload": certs["mine"].signed_payload})
    seen = list(verifications_for_worker(world.users["worker_1"]))
    assert [log.verifier_name for log in seen] == [world.county_a.name, world.employer_1.name]


def _batch_queries(client, payloads):
    with CaptureQueriesContext(connection) as queries:
        response = _post(client, BATCH_URL, {"payloads": payloads})
    assert response.status_code == 200 and len(response.json()) == len(payloads)
    return len(queries)


def test_batch_query_count_pinned_whatever_its_size(world, certs, client_for, monkeypatch):
    monkeypatch.setattr(verifications, "LISTS_RECHECKED_AFTER", 3600)  # however slow the run
    client = client_for(world.users["employer_1"])
    texts = [certs[name].signed_payload for name in ("mine", "mine_too", "theirs")]
    _batch_queries(client, texts)  # the first call loads the lists into the process cache
    small = _batch_queries(client, (texts * 4)[:10])
    large = _batch_queries(client, (texts * 34)[:100])
    # session, user, membership, employer (verifier's name), certificates by number, one
    # insert of the log rows (on PostgreSQL inside a savepoint that turns off waiting for the
    # disk: three statements more); the lists' versions were asked by the first call and are
    # asked again only a second later
    assert small == large == 6 + LOG_TRANSACTION
    assert Verification.objects.count() == 3 + 10 + 100


def test_token_call_query_count_pinned(world, certs, monkeypatch):
    monkeypatch.setattr(verifications, "LISTS_RECHECKED_AFTER", 3600)  # however slow the run
    monkeypatch.setattr(tokens, "LIVE_RECHECKED_AFTER", 3600)
    _record, token = api_token_create(actor=None, user=world.users["employer_1"], name="HR")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    _post(client, URL, {"payload": certs["mine"].signed_payload})
    with CaptureQueriesContext(connection) as queries:
        response = _post(client, URL, {"payload": certs["mine"].signed_payload})
    assert response.status_code == 200
    # within a second of the first call the token's liveness, its account and the lists'
    # versions are known to this process: only the log row is written (the certificate
    # matched inside the insert)
    assert len(queries) == 1


def test_token_revoked_right_after_use_stops_at_once(world, certs):
    record, token = api_token_create(actor=None, user=world.users["employer_1"], name="HR")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert _post(client, URL, {"payload": certs["mine"].signed_payload}).status_code == 200
    api_token_revoke(actor=None, token=record)
    assert _post(client, URL, {"payload": certs["mine"].signed_payload}).status_code == 401


def test_revocation_made_right_after_a_verification_shows_at_once(world, certs, client_for):
    client = client_for(world.users["employer_1"])
    payload = {"payload": certs["theirs"].signed_payload}
    assert _post(client, URL, payload).json()["verdict"] == "valid"
    certificate_revoke(actor=world.users["dept_1"], certificate=certs["theirs"], reason="吊销")
    assert _post(client, URL, payload).json()["verdict"] == "revoked"


def test_bodies_match_the_declared_output_schema(world, certs, client_for):
    client = client_for(world.users["employer_1"])
    single = _post(client, URL, {"payload": certs["mine"].signed_payload})
    batch = _post(client, BATCH_URL, {"payloads": [certs["mine"].signed_payload, "DC1:x"]})
    assert single["Content-Type"] == "application/json"
    assert VerificationOut.model_validate(single.json()).model_dump(mode="json") == single.json()
    checked = TypeAdapter(list[VerificationOut]).validate_python(batch.json())
    assert [item.model_dump(mode="json") for item in checked] == batch.json()


@pytest.mark.django_db(transaction=True)
def test_delayed_log_written_a_moment_later_with_the_verification_times(
        world, certs, client_for, settings):
    settings.VERIFICATION_LOG_DELAY_MS = 3000
    client = client_for(world.users["employer_1"])
    before = timezone.now()
    _post(client, URL, {"payload": certs["mine"].signed_payload})
    _post(client, BATCH_URL, {"payloads": [certs["theirs"].signed_payload, "garbage"]})
    asked = timezone.now()
    assert Verification.objects.count() == 0  # held in this process for up to 3 s
    deadline = time.monotonic() + 20
    while Verification.objects.count() < 3 and time.monotonic() < deadline:
        time.sleep(0.1)
    logs = list(Verification.objects.order_by("id"))
    assert [(log.certificate, log.verdict, log.verifier_name) for log in logs] == [
        (certs["mine"], "valid", world.employer_1.name),
        (certs["theirs"], "valid", world.employer_1.name),
        (None, "unreadable", world.employer_1.name)]
    assert all(before <= log.at <= asked for log in logs)
