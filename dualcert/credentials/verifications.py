"""Verifying payloads for a signed-in caller, and keeping the log the holder can read.

Kept apart from services.py because it is the API's hot path: a batch of up to 1,000
payloads costs one query for the trust lists' versions, one to match certificates by number
and one insert for the log, whatever the batch size; a single verification costs the
versions query and one insert (see verification_log.py for writing the log a moment later).
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from dualcert.core.scoping import Role
from dualcert.credentials.models import Certificate
from dualcert.credentials.signing.batch import verify_many
from dualcert.credentials.signing.lists import trust_store_current
from dualcert.credentials.signing.trust import TrustStore
from dualcert.credentials.signing.verify import Outcome, Verdict, verify
from dualcert.credentials.verification_log import log_row, log_rows

# Seconds between two looks at the lists' versions in one process: a revocation published
# elsewhere reaches the API within this (offline verifiers cache the lists far longer).
LISTS_RECHECKED_AFTER = 1.0
# The membership field naming the verifier's organisation, by role.
ORGANISATION_OF_ROLE = {
    Role.EMPLOYER: "employer", Role.DEPARTMENT: "department", Role.INSTITUTION: "institution",
    Role.EVALUATOR: "evaluation_body", Role.COUNTY: "region",
}


@dataclass(frozen=True)
class Checked:
    """The outcomes of one call and the versions of the lists they were judged against."""

    outcomes: list[Outcome]
    trust: TrustStore


def verifier_name(user: Any) -> str:
    """How a verification is shown to the holder: the caller's organisation, else the login."""
    membership = getattr(user, "membership", None)
    field = ORGANISATION_OF_ROLE.get(membership.role) if membership is not None else None
    organisation = getattr(membership, field, None) if field else None
    return organisation.name if organisation is not None else str(user.get_username())


def verifications_record(*, actor: Any, texts: list[str]) -> Checked:
    """Verify each payload against the current lists and log every verification.

    A log row names the certificate whose number the payload carries, whatever the verdict
    (so a holder also sees a forged copy of their certificate being shown).
    """
    trust = trust_store_current(max_age=LISTS_RECHECKED_AFTER)
    outcomes = verify_many(texts, trust)
    user = actor if getattr(actor, "is_authenticated", False) else None
    name = verifier_name(actor)
    log_rows([log_row(user, name, outcome.number, str(outcome.verdict)) for outcome in outcomes])
    return Checked(outcomes, trust)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def certificate_fields(claims: dict[str, Any]) -> dict[str, Any]:
    """The certificate claims of a payload under readable names (text only, whatever came)."""
    return {
        "number": _text(claims.get("n")), "type_code": _text(claims.get("t")),
        "type_name": _text(claims.get("tn")), "kind": _text(claims.get("k")),
        "holder_name": _text(claims.get("h")), "holder_id_masked": _text(claims.get("id")),
        "occupation": _text(claims.get("o")), "level": _text(claims.get("l")),
        "permit_item": _text(claims.get("p")), "issuer_name": _text(claims.get("ib")),
        "issued_on": _text(claims.get("d")), "expires_on": _text(claims.get("x")) or None,
    }


def outcome_fields(outcome: Outcome, trust: TrustStore) -> dict[str, Any]:
    """One verification as the API and `dualcert verify --json` report it."""
    return {
        "verdict": outcome.verdict, "verdict_label": str(outcome.verdict.label),
        "certificate": certificate_fields(outcome.certificate) if outcome.certificate else None,
        "issuer": ({"code": outcome.issuer, "name": outcome.issuer_name} if outcome.issuer
                   else None),
        "kid": outcome.kid or None,
        "trust_list_version": trust.trust_version,
        "revocations_version": trust.revocations_version,
    }


@dataclass(frozen=True)
class CertificateCheck:
    """The outcome of checking one certificate now; `signed` False: no signed code on record,
    so only the register was checked."""

    certificate: Certificate
    verdict: Verdict
    signed: bool

    @property
    def valid(self) -> bool:
        return self.verdict == Verdict.VALID


def _register_verdict(certificate: Certificate, today: date) -> Verdict:
    if certificate.status == Certificate.Status.REVOKED:
        return Verdict.REVOKED
    expired = certificate.expires_on is not None and certificate.expires_on < today
    if certificate.status == Certificate.Status.EXPIRED or expired:
        return Verdict.EXPIRED
    return Verdict.VALID


def certificate_check_now(*, actor: Any, certificate: Certificate, today: date) -> CertificateCheck:
    """Check a certificate right now and log the check for its holder to see.

    Its signed code is judged by the shared verification rules against the current trust and
    revocation lists (signature, issuer key, revocation, expiry); the register's status and
    end date are checked too, and the first failure is the verdict. The log row names the
    checker's organisation, as the verification API's rows do.
    """
    register = _register_verdict(certificate, today)
    verdict = register
    if certificate.signed_payload:
        outcome = verify(certificate.signed_payload,
                         trust_store_current(max_age=LISTS_RECHECKED_AFTER))
        signature = outcome.verdict
        if signature == Verdict.VALID and outcome.number != certificate.number:
            signature = Verdict.FORGED  # a genuine code, but of another certificate
        verdict = signature if signature != Verdict.VALID else register
    user = actor if getattr(actor, "is_authenticated", False) else None
    log_rows([log_row(user, verifier_name(actor), certificate.number, str(verdict))])
    return CertificateCheck(certificate, verdict, bool(certificate.signed_payload))
