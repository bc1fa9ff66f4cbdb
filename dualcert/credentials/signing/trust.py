"""What a verifier trusts: the published issuer keys and the signed revocation list.

Built from the two public documents alone, so the page, the API and the command line all
judge a payload by exactly what anyone can download.
"""

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

TRUST_FORMAT = "dualcert-trust-list/1"
REVOCATIONS_FORMAT = "dualcert-revocations/1"
REVOCATION_HASH_BYTES = 16


class ListError(ValueError):
    """A trust or revocation document that is malformed or whose signature does not hold."""


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError, TypeError) as exc:
        raise ListError("base64") from exc


def revocation_hash(number: str) -> str:
    """How a revoked certificate appears on the public list: a truncated SHA-256 of its number."""
    digest = hashlib.sha256(b"dualcert-revocation:" + number.encode("utf-8")).digest()
    return b64url(digest[:REVOCATION_HASH_BYTES])


def timestamp(value: str | None) -> int | None:
    if value is None:
        return None
    return int(datetime.fromisoformat(value).timestamp())


@dataclass(frozen=True)
class TrustedKey:
    kid: bytes
    issuer: str
    issuer_name: str
    public_key: Ed25519PublicKey
    certificate_types: frozenset[str]
    signs_lists: bool
    signs_from: int
    retired_at: int | None

    def verifies(self, signature: bytes, data: bytes) -> bool:
        try:
            self.public_key.verify(signature, data)
        except InvalidSignature:
            return False
        return True

    def in_period(self, at: int) -> bool:
        return self.signs_from <= at and (self.retired_at is None or at < self.retired_at)


@dataclass(frozen=True)
class TrustStore:
    keys: dict[bytes, TrustedKey]
    revoked: frozenset[str] = field(default_factory=frozenset)
    trust_version: int = 0
    revocations_version: int = 0
    revocations_made_at: str = ""

    @classmethod
    def from_documents(
        cls, trust_list: dict[str, Any], revocations: dict[str, Any] | None
    ) -> "TrustStore":
        keys = parse_trust_list(trust_list)
        store = cls(keys=keys, trust_version=int(trust_list.get("version", 0)))
        if revocations is None:
            return store
        content = open_revocations(revocations, keys)
        return cls(keys=keys, revoked=frozenset(content["revoked"]),
                   trust_version=store.trust_version,
                   revocations_version=int(content["version"]),
                   revocations_made_at=str(content["made_at"]))


def parse_trust_list(document: dict[str, Any]) -> dict[bytes, TrustedKey]:
    if not isinstance(document, dict) or document.get("format") != TRUST_FORMAT:
        raise ListError("trust list format")
    keys: dict[bytes, TrustedKey] = {}
    try:
        for entry in document["keys"]:
            kid = unb64url(entry["kid"])
            keys[kid] = TrustedKey(
                kid=kid, issuer=entry["issuer"], issuer_name=entry["issuer_name"],
                public_key=Ed25519PublicKey.from_public_bytes(unb64url(entry["public_key"])),
                certificate_types=frozenset(entry["certificate_types"]),
                signs_lists=bool(entry["signs_lists"]),
                signs_from=timestamp(entry["signs_from"]) or 0,
                retired_at=timestamp(entry["retired_at"]),
            )
    except (KeyError, TypeError, ValueError) as exc:
        raise ListError("trust list entry") from exc
    return keys


def open_revocations(envelope: dict[str, Any], keys: dict[bytes, TrustedKey]) -> dict[str, Any]:
    """Check the revocation list's signature against a list-signing key; return its content."""
    if not isinstance(envelope, dict) or envelope.get("format") != REVOCATIONS_FORMAT:
        raise ListError("revocation list format")
    key = keys.get(unb64url(str(envelope.get("kid", ""))))
    if key is None or not key.signs_lists:
        raise ListError("revocation list signed by a key that may not sign it")
    body = unb64url(str(envelope.get("payload", "")))
    if not key.verifies(unb64url(str(envelope.get("signature", ""))), body):
        raise ListError("revocation list signature")
    content = json.loads(body)
    if content.get("version") != envelope.get("version") or not isinstance(
        content.get("revoked"), list
    ):
        raise ListError("revocation list content")
    return dict(content)
