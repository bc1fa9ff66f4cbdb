"""Payloads for verification tests: altered, re-signed, or signed by keys nobody trusts.

Everything here works on the payload's own structures (cbor2, zlib, base64url) the way an
attacker holding a real QR code would, and builds trust documents without a database.
"""

import base64
import json
import zlib
from datetime import UTC, datetime
from typing import Any

import cbor2
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from dualcert.credentials.signing import payload as cose
from dualcert.credentials.signing.trust import (
    REVOCATIONS_FORMAT,
    TRUST_FORMAT,
    TrustStore,
    b64url,
    revocation_hash,
)

ISSUED_AT = int(datetime(2026, 6, 10, tzinfo=UTC).timestamp())


def message_of(text: str) -> list[Any]:
    """[protected, unprotected, payload, signature] of a valid payload."""
    body = text[len(cose.PREFIX):]
    raw = zlib.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    tagged = cbor2.loads(raw)
    return list(tagged.value)


def encode(message: list[Any]) -> str:
    data = cbor2.dumps(cbor2.CBORTag(cose.COSE_SIGN1_TAG, message))
    return cose.PREFIX + b64url(zlib.compress(data, 9))


def with_claim(text: str, key: str, value: Any) -> str:
    """The payload with one certificate claim changed and the old signature kept (forged)."""
    protected, unprotected, payload, signature = message_of(text)
    claims = cbor2.loads(payload)
    claims[cose.CLAIM_CERTIFICATE][key] = value
    return encode([protected, unprotected, cbor2.dumps(claims), signature])


def claims_of(text: str) -> dict[Any, Any]:
    return dict(cbor2.loads(message_of(text)[2]))


def certificate_claims(number: str = "T2026000001", type_code: str = "P-ELEC") -> dict[str, Any]:
    return {"n": number, "t": type_code, "tn": "低压电工作业", "k": "permit", "h": "测试人",
            "idt": "居民身份证", "id": "652301********0017", "o": "", "oc": "", "l": "",
            "p": "电工作业 · 低压电工作业", "ib": "应急管理局", "d": "2026-06-10",
            "x": "2032-06-09"}


class Issuer:
    """An issuer key made in memory, with its trust-list entry."""

    def __init__(self, code: str, types: list[str], *, signs_lists: bool = False,
                 signs_from: str = "2026-01-01T00:00:00+00:00") -> None:
        self.private_key = Ed25519PrivateKey.generate()
        raw = self.private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.kid = raw[:8]
        self.code = code
        self.entry = {
            "kid": b64url(self.kid), "alg": "EdDSA", "public_key": b64url(raw), "issuer": code,
            "issuer_name": f"{code} 发证机关", "certificate_types": types,
            "signs_lists": signs_lists, "signs_from": signs_from, "retired_at": None,
        }

    def sign(self, certificate: dict[str, Any], *, issued_at: int = ISSUED_AT,
             expires_at: int | None = None, issuer: str | None = None) -> str:
        claims = cose.claims_for(issuer=issuer or self.code, issued_at=issued_at,
                                 expires_at=expires_at, certificate=certificate)
        return cose.sign(claims, kid=self.kid, private_key=self.private_key)


def trust_documents(issuers: list[Issuer], list_signer: Issuer,
                    revoked_numbers: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The trust list and a signed revocation list, shaped as the server publishes them."""
    made_at = "2026-06-01T00:00:00+00:00"
    trust = {"format": TRUST_FORMAT, "version": 1, "made_at": made_at,
             "keys": [issuer.entry for issuer in issuers]}
    body = json.dumps({"version": 1, "made_at": made_at,
                       "revoked": sorted(revocation_hash(n) for n in revoked_numbers)},
                      sort_keys=True).encode("utf-8")
    revocations = {"format": REVOCATIONS_FORMAT, "version": 1, "made_at": made_at,
                   "kid": b64url(list_signer.kid), "payload": b64url(body),
                   "signature": b64url(list_signer.private_key.sign(body))}
    return trust, revocations


def trust_store(issuers: list[Issuer], list_signer: Issuer,
                revoked_numbers: list[str]) -> TrustStore:
    return TrustStore.from_documents(*trust_documents(issuers, list_signer, revoked_numbers))
