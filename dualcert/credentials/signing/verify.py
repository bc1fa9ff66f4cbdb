"""One verdict for one payload, by the rules every verifier (page, API, command line) shares."""

import time
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from dualcert.credentials.signing import payload as cose
from dualcert.credentials.signing.trust import TrustStore, b64url, revocation_hash

# Claims every certificate payload carries (see `payload_claims` in keys.py).
REQUIRED_CLAIMS = ("n", "t", "h")


class Verdict(models.TextChoices):
    VALID = "valid", _("valid")
    FORGED = "forged", _("forged or altered")
    UNKNOWN_KEY = "unknown_key", _("unknown issuer key")
    KEY_NOT_ALLOWED = "key_not_allowed", _("key not allowed for this certificate type")
    EXPIRED = "expired", _("expired")
    REVOKED = "revoked", _("revoked")
    UNREADABLE = "unreadable", _("unreadable")


@dataclass(frozen=True)
class Outcome:
    verdict: Verdict
    certificate: dict[str, Any] = field(default_factory=dict)
    issuer: str = ""
    issuer_name: str = ""
    kid: str = ""
    issued_at: int | None = None
    expires_at: int | None = None

    @property
    def valid(self) -> bool:
        return self.verdict == Verdict.VALID

    @property
    def number(self) -> str:
        return str(self.certificate.get("n", ""))


def _well_formed(decoded: cose.Decoded) -> bool:
    claims, certificate = decoded.claims, decoded.certificate
    if not isinstance(claims.get(cose.CLAIM_IAT), int) or not isinstance(
        claims.get(cose.CLAIM_ISS), str
    ):
        return False
    if cose.CLAIM_EXP in claims and not isinstance(claims[cose.CLAIM_EXP], int):
        return False
    return all(isinstance(certificate.get(key), str) for key in REQUIRED_CLAIMS)


def verify(text: str, trust: TrustStore, *, now: float | None = None) -> Outcome:
    """Judge one "DC1:…" payload (or a URL carrying it) against the trust store.

    Checks run from the most basic up, and the first failure is the verdict: unreadable
    (but altered when the compressed bytes fail their integrity check), unknown key, bad
    signature (forged or altered), key used outside its types, issuer or period, revoked,
    expired.
    """
    try:
        decoded = cose.decode(cose.text_from_url_or_payload(text))
    except cose.Altered:
        return Outcome(Verdict.FORGED)
    except cose.Unreadable:
        return Outcome(Verdict.UNREADABLE)
    if not _well_formed(decoded):
        return Outcome(Verdict.UNREADABLE)
    claims, certificate = decoded.claims, decoded.certificate
    key = trust.keys.get(decoded.kid)
    base = {"certificate": certificate, "kid": b64url(decoded.kid),
            "issued_at": claims[cose.CLAIM_IAT], "expires_at": claims.get(cose.CLAIM_EXP)}
    if key is None:
        return Outcome(Verdict.UNKNOWN_KEY, **base)
    base.update(issuer=key.issuer, issuer_name=key.issuer_name)
    if not key.verifies(decoded.signature, decoded.signed_bytes()):
        return Outcome(Verdict.FORGED, **base)
    if (claims[cose.CLAIM_ISS] != key.issuer or certificate["t"] not in key.certificate_types
            or not key.in_period(claims[cose.CLAIM_IAT])):
        return Outcome(Verdict.KEY_NOT_ALLOWED, **base)
    if revocation_hash(certificate["n"]) in trust.revoked:
        return Outcome(Verdict.REVOKED, **base)
    expires_at = claims.get(cose.CLAIM_EXP)
    if expires_at is not None and (time.time() if now is None else now) >= expires_at:
        return Outcome(Verdict.EXPIRED, **base)
    return Outcome(Verdict.VALID, **base)
