"""Signed payloads: every verdict, judged only by what the public lists say."""

import base64
import json
import os
import stat
import zlib
from datetime import date, timedelta
from typing import Any

import cbor2
import pytest
import time_machine
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone
from pycose.keys import OKPKey
from pycose.keys.curves import Ed25519
from pycose.messages import CoseMessage

from dualcert.core.models import AuditEntry
from dualcert.credentials.models import IssuerKey, PublishedList
from dualcert.credentials.services import certificate_revoke
from dualcert.credentials.signing import payload as cose
from dualcert.credentials.signing.keys import (
    certificate_sign,
    issuer_key_create,
    issuer_key_retire,
    key_path,
    private_key_for,
)
from dualcert.credentials.signing.lists import latest, trust_store_current
from dualcert.credentials.signing.trust import ListError, TrustStore, b64url, unb64url
from dualcert.credentials.signing.verify import Verdict, verify
from dualcert.credentials.tests.helpers import certificate, signed_certificate
from tests.factories import CertificateTypeFactory

pytestmark = pytest.mark.django_db


def _message(text: str) -> list[Any]:
    raw = zlib.decompress(base64.urlsafe_b64decode(text[4:] + "=" * (-len(text[4:]) % 4)))
    return list(cbor2.loads(raw).value)


def _pack(message: list[Any]) -> str:
    data = zlib.compress(cbor2.dumps(cbor2.CBORTag(18, message)))
    return cose.PREFIX + base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _with_claims(text: str, change: Any) -> str:
    """The same signature over changed claims: what a forger who edits the QR would make."""
    message = _message(text)
    claims = dict(cbor2.loads(message[2]))
    claims[cose.CLAIM_CERTIFICATE] = dict(claims[cose.CLAIM_CERTIFICATE])
    change(claims)
    message[2] = cbor2.dumps(claims)
    return _pack(message)


def _sign(key: IssuerKey, *, type_code: str, iss: str | None = None, iat: int | None = None,
          exp: int | None = None) -> str:
    claims = cose.claims_for(
        issuer=iss or key.issuer_code, issued_at=iat or int(timezone.now().timestamp()),
        expires_at=exp, certificate={"n": "P2026000001", "t": type_code, "h": "阿依古丽"})
    return cose.sign(claims, kid=unb64url(key.kid), private_key=private_key_for(key))


def _public_only_store() -> TrustStore:
    """The store a stranger builds from the two public documents, nothing else."""
    return TrustStore.from_documents(json.loads(latest("trust").document),
                                     json.loads(latest("revocations").document))


def test_issued_certificate_verifies_as_valid_with_its_printed_fields(world):
    cert = signed_certificate()
    outcome = verify(cert.signed_payload, _public_only_store())
    assert outcome.verdict == Verdict.VALID
    assert outcome.number == cert.number
    assert outcome.certificate["h"] == cert.worker.name
    assert outcome.certificate["id"] == cert.worker.id_number_masked
    assert outcome.certificate["x"] == cert.expires_on.isoformat()
    assert outcome.issuer_name == cert.certificate_type.department.name


def test_pycose_verifies_the_signature_with_only_the_published_public_key(world):
    cert = signed_certificate()
    raw = zlib.decompress(base64.urlsafe_b64decode(cert.signed_payload[4:] + "=="))
    message = CoseMessage.decode(raw)
    kid = b64url(message.phdr[next(k for k in message.phdr if k.identifier == 4)])
    entry = next(k for k in json.loads(latest("trust").document)["keys"] if k["kid"] == kid)
    message.key = OKPKey(crv=Ed25519, x=unb64url(entry["public_key"]))
    assert message.verify_signature()
    claims = cbor2.loads(message.payload)
    assert claims[cose.CLAIM_CERTIFICATE]["n"] == cert.number
    assert claims[cose.CLAIM_ISS] == entry["issuer"]


def test_the_url_fragment_carries_the_payload_and_verifies_too(world, settings):
    cert = signed_certificate()
    url = cose.fragment_url("https://cert.example.cn", cert.signed_payload)
    assert url == f"https://cert.example.cn/v/#{cert.signed_payload}"
    assert verify(url, _public_only_store()).verdict == Verdict.VALID


def test_a_replaced_signature_is_refused_as_forged(world):
    cert = signed_certificate()
    message = _message(cert.signed_payload)
    message[3] = Ed25519PrivateKey.generate().sign(message[2])
    assert verify(_pack(message), _public_only_store()).verdict == Verdict.FORGED


@pytest.mark.parametrize("claim", ["n", "t", "tn", "h", "id", "o", "l", "p", "ib", "d", "x"])
def test_any_altered_certificate_field_is_refused_as_forged(world, claim):
    cert = signed_certificate()

    def alter(claims: dict[Any, Any]) -> None:
        claims[cose.CLAIM_CERTIFICATE][claim] = str(claims[cose.CLAIM_CERTIFICATE][claim]) + "1"

    altered = _with_claims(cert.signed_payload, alter)
    assert verify(altered, _public_only_store()).verdict == Verdict.FORGED


@pytest.mark.parametrize("claim", [cose.CLAIM_ISS, cose.CLAIM_IAT, cose.CLAIM_EXP])
def test_altered_token_claims_are_refused_as_forged(world, claim):
    cert = signed_certificate()

    def alter(claims: dict[Any, Any]) -> None:
        claims[claim] = claims[claim] + (1 if isinstance(claims[claim], int) else "x")

    altered = _with_claims(cert.signed_payload, alter)
    assert verify(altered, _public_only_store()).verdict == Verdict.FORGED


def test_a_key_missing_from_the_trust_list_is_an_unknown_issuer_key(world):
    cert = signed_certificate()
    message = _message(cert.signed_payload)
    stranger = Ed25519PrivateKey.generate()
    message[0] = cbor2.dumps({cose.HEADER_ALG: cose.ALG_EDDSA, cose.HEADER_KID: b"12345678"})
    message[3] = stranger.sign(cose.sig_structure(message[0], message[2]))
    assert verify(_pack(message), _public_only_store()).verdict == Verdict.UNKNOWN_KEY


def test_a_key_signing_a_type_it_may_not_sign_is_refused(world):
    key = issuer_key_create(actor=None, issuer=world.dept_1, certificate_types=["MEM-ELEC"])
    store = _public_only_store()
    assert verify(_sign(key, type_code="MEM-ELEC"), store).verdict == Verdict.VALID
    assert verify(_sign(key, type_code="SAMR-BOILER"), store).verdict == Verdict.KEY_NOT_ALLOWED


def test_a_key_signing_in_another_issuers_name_is_refused(world):
    key = issuer_key_create(actor=None, issuer=world.dept_1, certificate_types=["MEM-ELEC"])
    forged_issuer = _sign(key, type_code="MEM-ELEC", iss=world.dept_2.code)
    assert verify(forged_issuer, _public_only_store()).verdict == Verdict.KEY_NOT_ALLOWED


def test_a_type_added_after_the_key_is_allowed_for_its_own_issuer_only(world):
    key = issuer_key_create(actor=None, issuer=world.dept_1)
    added = CertificateTypeFactory(department=world.dept_1, kind="permit")
    cert = certificate_sign(actor=None, certificate=certificate(certificate_type=added))
    key.refresh_from_db()
    assert added.code in key.certificate_types
    assert verify(cert.signed_payload, _public_only_store()).verdict == Verdict.VALID
    assert AuditEntry.objects.filter(object_pk=key.pk, action="issuer_key.allow_type").exists()


def test_department_keys_may_sign_only_their_own_permits(world):
    own = CertificateTypeFactory(department=world.dept_1, kind="permit")
    other = CertificateTypeFactory(department=world.dept_2, kind="permit")
    key = issuer_key_create(actor=None, issuer=world.dept_1)
    assert own.code in key.certificate_types
    assert other.code not in key.certificate_types


def test_an_expired_certificate_is_expired_after_its_last_valid_day(world):
    cert = signed_certificate(issued_on=date(2020, 1, 1), years=2)  # last valid day 2021-12-31
    outcome = verify(cert.signed_payload, _public_only_store())
    assert outcome.verdict == Verdict.EXPIRED
    last_day_noon = timezone.make_aware(timezone.datetime(2021, 12, 31, 12)).timestamp()
    assert verify(cert.signed_payload, _public_only_store(),
                  now=last_day_noon).verdict == Verdict.VALID


def test_a_revoked_certificate_is_revoked_once_the_list_is_republished(world):
    cert = signed_certificate()
    before = _public_only_store()
    certificate_revoke(actor=world.users["bureau"], certificate=cert, reason="证书信息造假")
    assert verify(cert.signed_payload, before).verdict == Verdict.VALID  # an old cached list
    assert verify(cert.signed_payload, _public_only_store()).verdict == Verdict.REVOKED
    assert verify(cert.signed_payload, trust_store_current()).verdict == Verdict.REVOKED
    assert before.revocations_version < _public_only_store().revocations_version


def test_a_retired_key_still_verifies_what_it_signed_before_rotation(world):
    with time_machine.travel(timezone.now() - timedelta(days=90), tick=True):
        old_cert = signed_certificate(number="P2026000001")
    old_key = old_cert.signing_key
    new_key = issuer_key_create(actor=None, issuer=old_key.department)
    old_key.refresh_from_db()
    assert old_key.retired_at == new_key.signs_from
    new_cert = signed_certificate(number="P2026000002", certificate_type=old_cert.certificate_type)
    assert new_cert.signing_key == new_key
    store = _public_only_store()
    assert verify(old_cert.signed_payload, store).verdict == Verdict.VALID
    assert verify(new_cert.signed_payload, store).verdict == Verdict.VALID
    late = _sign(old_key, type_code=old_cert.certificate_type.code,
                 iat=int(new_key.signs_from.timestamp()) + 60)
    assert verify(late, store).verdict == Verdict.KEY_NOT_ALLOWED


def test_a_key_scheduled_for_later_takes_over_only_from_its_date(world):
    first = issuer_key_create(actor=None, issuer=world.dept_1)
    later = issuer_key_create(actor=None, issuer=world.dept_1,
                              signs_from=timezone.now() + timedelta(days=30))
    cert = certificate(certificate_type=CertificateTypeFactory(department=world.dept_1,
                                                               kind="permit"))
    assert certificate_sign(actor=None, certificate=cert).signing_key == first
    first.refresh_from_db()
    assert first.retired_at == later.signs_from


def test_a_new_key_must_start_after_the_current_one(world):
    key = issuer_key_create(actor=None, issuer=world.dept_1)
    with pytest.raises(ValidationError, match="must start later"):
        issuer_key_create(actor=None, issuer=world.dept_1, signs_from=key.signs_from)


def test_retiring_twice_or_before_the_start_is_refused(world):
    key = issuer_key_create(actor=None, issuer=world.dept_1)
    with pytest.raises(ValidationError, match="only after"):
        issuer_key_retire(actor=None, key=key, at=key.signs_from - timedelta(days=1))
    issuer_key_retire(actor=None, key=key, at=key.signs_from + timedelta(seconds=5))
    with pytest.raises(ValidationError, match="already retired"):
        issuer_key_retire(actor=None, key=key, at=key.signs_from + timedelta(days=1))


@pytest.mark.parametrize("text", [
    "", "DC1:", "hello", "HC1:6BFOXN*TS0BI$ZD4N9", "DC1:!!!!", "DC1:AAAA",
    "DC1:" + base64.urlsafe_b64encode(zlib.compress(b"not cbor at all \xff")).decode(),
    "DC1:" + base64.urlsafe_b64encode(zlib.compress(cbor2.dumps([1, 2, 3]))).decode(),
    "DC1:" + base64.urlsafe_b64encode(zlib.compress(cbor2.dumps(
        cbor2.CBORTag(18, [b"", {}, b"", b""])))).decode(),
    "DC1:" + base64.urlsafe_b64encode(zlib.compress(b"\0" * 10_000_000)).decode(),
], ids=["empty", "prefix-only", "no-prefix", "other-scheme", "bad-base64", "not-zlib",
        "not-cbor", "not-cose", "empty-cose", "zip-bomb"])
def test_garbage_is_unreadable(world, text):
    assert verify(text, _public_only_store()).verdict == Verdict.UNREADABLE


@pytest.mark.parametrize("keep", [0.25, 0.5, 0.9, 0.99])
def test_a_payload_cut_short_is_refused_as_altered(world, keep):
    text = signed_certificate().signed_payload
    length = int(len(text) * keep)
    if (length - len(cose.PREFIX)) % 4 == 1:
        length -= 1  # one base64 character alone holds no byte: that cut is not base64 at all
    assert verify(text[:length], _public_only_store()).verdict == Verdict.FORGED


@pytest.mark.parametrize("keep", [0, 1, 2, 5])
def test_a_payload_cut_before_its_compression_header_or_mid_character_is_unreadable(world, keep):
    text = signed_certificate().signed_payload
    # 0–2 characters hold less than the 2-byte zlib header; 5 leaves a lone base64 character.
    assert verify(text[: len(cose.PREFIX) + keep], _public_only_store()).verdict == (
        Verdict.UNREADABLE)


def test_a_payload_whose_header_names_another_algorithm_is_unreadable(world):
    message = _message(signed_certificate().signed_payload)
    message[0] = cbor2.dumps({cose.HEADER_ALG: -7, cose.HEADER_KID: b"12345678"})  # ES256
    assert verify(_pack(message), _public_only_store()).verdict == Verdict.UNREADABLE


def test_a_tampered_revocation_list_is_refused(world):
    cert = signed_certificate()
    certificate_revoke(actor=world.users["bureau"], certificate=cert, reason="证书信息造假")
    envelope = json.loads(latest("revocations").document)
    body = json.loads(unb64url(envelope["payload"]))
    body["revoked"] = []
    envelope["payload"] = b64url(json.dumps(body).encode())
    with pytest.raises(ListError, match="signature"):
        TrustStore.from_documents(json.loads(latest("trust").document), envelope)


def test_a_revocation_list_signed_by_a_certificate_key_is_refused(world):
    cert = signed_certificate()
    envelope = json.loads(latest("revocations").document)
    envelope["kid"] = cert.signing_key.kid
    with pytest.raises(ListError, match="may not sign"):
        TrustStore.from_documents(json.loads(latest("trust").document), envelope)


def test_private_keys_live_only_in_the_key_directory_readable_by_the_owner(world):
    key = issuer_key_create(actor=None, issuer=world.dept_1)
    mode = stat.S_IMODE(os.stat(key_path(key.kid)).st_mode)
    assert mode == 0o600
    assert b"PRIVATE KEY" in key_path(key.kid).read_bytes()
    assert len(unb64url(key.public_key)) == 32
    assert "PRIVATE" not in latest("trust").document


def test_a_missing_private_key_file_is_a_clear_refusal(world):
    key = issuer_key_create(actor=None, issuer=world.dept_1)
    key_path(key.kid).rename(key_path(key.kid).with_suffix(".moved"))
    from dualcert.credentials.signing import keys as keys_module
    keys_module._loaded.pop(key.kid, None)
    cert = certificate(certificate_type=CertificateTypeFactory(department=world.dept_1,
                                                               kind="permit"))
    with pytest.raises(ValidationError, match="not in the key directory"):
        certificate_sign(actor=None, certificate=cert)


def test_key_changes_are_audited_and_republish_the_trust_list(world):
    key = issuer_key_create(actor=world.users["bureau"], issuer=world.dept_1)
    version = latest("trust").version
    issuer_key_retire(actor=world.users["bureau"], key=key,
                      at=key.signs_from + timedelta(seconds=1))
    assert latest("trust").version == version + 1
    actions = set(AuditEntry.objects.filter(object_pk=key.pk).values_list("action", flat=True))
    assert {"issuer_key.create", "issuer_key.retire"} <= actions
    retired = next(k for k in json.loads(latest("trust").document)["keys"] if k["kid"] == key.kid)
    assert retired["retired_at"] is not None


def test_keys_command_creates_lists_retires_and_signs(world, capsys):
    call_command("keys", "create", "--department", world.dept_2.code)
    key = IssuerKey.objects.get(department=world.dept_2)
    call_command("keys", "list")
    assert key.kid in capsys.readouterr().out
    unsigned = certificate(certificate_type=CertificateTypeFactory(department=world.dept_2,
                                                                   kind="permit"))
    call_command("keys", "sign-missing")
    unsigned.refresh_from_db()
    assert unsigned.signing_key == key
    assert verify(unsigned.signed_payload, _public_only_store()).verdict == Verdict.VALID
    call_command("keys", "retire", key.kid, "--at",
                 (key.signs_from + timedelta(seconds=1)).isoformat())
    key.refresh_from_db()
    assert key.retired_at is not None
    assert PublishedList.objects.filter(kind="trust").count() >= 2


def test_keys_command_refuses_unknown_issuers_and_keys(world):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No such issuer"):
        call_command("keys", "create", "--department", "nope")
    with pytest.raises(CommandError, match="Name the issuer"):
        call_command("keys", "create")
    with pytest.raises(CommandError, match="existing key"):
        call_command("keys", "retire", "nokey")


def test_keys_command_all_missing_gives_every_issuer_one_key(world):
    call_command("keys", "create", "--all-missing")
    assert not IssuerKey.objects.filter(department__isnull=True,
                                        evaluation_body__isnull=True).exists()
    assert IssuerKey.objects.filter(evaluation_body=world.body_1).count() == 1
    assert IssuerKey.objects.filter(department=world.dept_1).count() == 1
    call_command("keys", "create", "--all-missing")
    assert IssuerKey.objects.filter(department=world.dept_1).count() == 1


def test_issuing_signs_the_skill_certificate_by_the_body_and_the_permit_by_its_department(world):
    from dualcert.assessment.tests.helpers import confirmed
    from dualcert.credentials.models import Certificate
    from dualcert.credentials.services import certificates_issue

    sitting = confirmed(world, [(90, 90, False)])
    certificates_issue(actor=world.users["bureau"], sitting=sitting)
    store = _public_only_store()
    for cert in Certificate.objects.select_related("certificate_type", "signing_key"):
        outcome = verify(cert.signed_payload, store)
        assert outcome.verdict == Verdict.VALID
        assert outcome.number == cert.number
        if cert.certificate_type.kind == "skill":
            assert cert.signing_key.evaluation_body == world.body_1
            level = cert.certificate_type.level
            assert outcome.certificate["l"] == {5: "五级/初级工", 4: "四级/中级工",
                                                3: "三级/高级工"}[level]
        else:
            assert cert.signing_key.department == world.dept_1
    issued = AuditEntry.objects.filter(action="certificate.issue")
    assert all(entry.after["signing_key"] for entry in issued)


def test_one_changed_character_anywhere_in_the_body_is_refused_as_altered(world):
    text = signed_certificate().signed_payload
    store = _public_only_store()
    # After the zlib header and before the final block and checksum, any change breaks the
    # compressed data's integrity check.
    for position in range(len(cose.PREFIX) + 3, len(text) * 3 // 4):
        replacement = "A" if text[position] != "A" else "B"
        changed = text[:position] + replacement + text[position + 1:]
        assert verify(changed, store).verdict == Verdict.FORGED, position
