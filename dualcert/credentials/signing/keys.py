"""Issuer keys: private halves in the key directory, public halves and rules in the database.

A certificate is signed once, when it is issued, by the current key of its issuer: the
evaluation body for a skill-level certificate (it issues them, FACTS.md §3), the department
for a permit. The bureau's own key signs the revocation list.
"""

import hashlib
import os
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dualcert.assessment.models import EvaluationBody
from dualcert.catalog.models import CertificateType, Department
from dualcert.core.audit import audit_record
from dualcert.credentials.models import Certificate, IssuerKey
from dualcert.credentials.signing import payload as cose
from dualcert.credentials.signing.trust import b64url, unb64url

KEY_FIELDS = ("kid", "issuer_code", "issuer_name", "public_key", "certificate_types",
              "signs_lists", "signs_from", "retired_at")
Issuer = Department | EvaluationBody
# 证件类型 as the certificate prints it: every worker here is registered by a resident ID number.
ID_KIND = "居民身份证"


def key_path(kid: str) -> Path:
    return Path(settings.SIGNING_KEY_DIR) / f"{unb64url(kid).hex()}.pem"


def _write_private_key(kid: str, private_key: Ed25519PrivateKey) -> None:
    directory = Path(settings.SIGNING_KEY_DIR)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    pem = private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    # Created with owner-only permissions from the start, never world-readable for a moment.
    descriptor = os.open(key_path(kid), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)


_loaded: dict[str, Ed25519PrivateKey] = {}


def private_key_for(key: IssuerKey) -> Ed25519PrivateKey:
    """The key's private half from the key directory, with a clear refusal when it is missing."""
    if key.kid in _loaded:
        return _loaded[key.kid]
    path = key_path(key.kid)
    try:
        loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except FileNotFoundError as exc:
        raise ValidationError(
            _("The private signing key %(kid)s of “%(issuer)s” is not in the key directory "
              "(%(dir)s). Restore it from the key backup, or create a new key with "
              "“dualcert keys create”.")
            % {"kid": key.kid, "issuer": key.issuer_name, "dir": settings.SIGNING_KEY_DIR},
            code="key_missing",
        ) from exc
    if not isinstance(loaded, Ed25519PrivateKey):
        raise ValidationError(_("The key file for %(kid)s is not an Ed25519 key.")
                              % {"kid": key.kid}, code="key_wrong_kind")
    _loaded[key.kid] = loaded
    return loaded


def _issuer_fields(issuer: Issuer) -> dict[str, Any]:
    if isinstance(issuer, EvaluationBody):
        types = CertificateType.objects.filter(kind=CertificateType.Kind.SKILL)
        return {"evaluation_body": issuer, "issuer_code": f"EB-{issuer.public_id}",
                "issuer_name": issuer.name, "signs_lists": False,
                "certificate_types": sorted(types.values_list("code", flat=True))}
    types = CertificateType.objects.filter(department=issuer)
    return {"department": issuer, "issuer_code": issuer.code, "issuer_name": issuer.name,
            "signs_lists": issuer.kind == Department.Kind.HRSS,
            "certificate_types": sorted(types.values_list("code", flat=True))}


@transaction.atomic
def issuer_key_create(
    *, actor: Any, issuer: Issuer, signs_from: datetime | None = None,
    certificate_types: list[str] | None = None,
) -> IssuerKey:
    """A new key for an issuer; from `signs_from` on it replaces the issuer's current key.

    The key it replaces is retired at that moment: it signs nothing new but keeps verifying
    what it signed. The trust list is republished.
    """
    from dualcert.credentials.signing.lists import trust_list_publish

    start = (signs_from or timezone.now()).replace(microsecond=0)
    private_key = Ed25519PrivateKey.generate()
    raw = private_key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    kid = b64url(hashlib.sha256(raw).digest()[:8])
    if _keys_of(issuer).filter(signs_from__gte=start).exists():
        raise ValidationError(
            _("“%(issuer)s” already has a key that starts signing at or after that moment; a "
              "new key must start later.") % {"issuer": str(issuer)}, code="key_overlaps")
    fields = _issuer_fields(issuer)
    if certificate_types is not None:
        fields["certificate_types"] = sorted(certificate_types)
    for older in _keys_of(issuer).filter(Q(retired_at__isnull=True) | Q(retired_at__gt=start),
                                        signs_from__lt=start):
        _retire(actor, older, start)
    key = IssuerKey.objects.create(kid=kid, public_key=b64url(raw), signs_from=start, **fields)
    _write_private_key(kid, private_key)
    audit_record(actor=actor, action="issuer_key.create", obj=key,
                 after={k: str(getattr(key, k)) for k in KEY_FIELDS})
    trust_list_publish()
    return key


def _keys_of(issuer: Issuer) -> Any:
    if isinstance(issuer, EvaluationBody):
        return IssuerKey.objects.filter(evaluation_body=issuer)
    return IssuerKey.objects.filter(department=issuer)


def _retire(actor: Any, key: IssuerKey, at: datetime) -> None:
    before = str(key.retired_at)
    IssuerKey.objects.filter(pk=key.pk).update(retired_at=at, updated_at=timezone.now())
    key.retired_at = at
    audit_record(actor=actor, action="issuer_key.retire", obj=key,
                 before={"retired_at": before}, after={"retired_at": str(at)})


@transaction.atomic
def issuer_key_retire(*, actor: Any, key: IssuerKey, at: datetime | None = None) -> IssuerKey:
    """Stop a key signing from `at` (now by default); what it signed before still verifies."""
    from dualcert.credentials.signing.lists import trust_list_publish

    at = (at or timezone.now()).replace(microsecond=0)
    if key.retired_at is not None and key.retired_at <= at:
        raise ValidationError(_("This key is already retired."), code="already_retired")
    if at <= key.signs_from:
        raise ValidationError(_("A key can be retired only after the moment it starts signing."),
                              code="retire_before_start")
    _retire(actor, key, at)
    trust_list_publish()
    return key


def current_key(issuer: Issuer, *, at: datetime | None = None) -> IssuerKey | None:
    at = at or timezone.now()
    return (_keys_of(issuer).filter(signs_from__lte=at)
            .filter(Q(retired_at__isnull=True) | Q(retired_at__gt=at))
            .order_by("-signs_from").first())


def signing_key_for(issuer: Issuer, *, actor: Any = None) -> IssuerKey:
    """The issuer's current key; an issuer that has none gets its first one now (audited)."""
    return current_key(issuer) or issuer_key_create(actor=actor, issuer=issuer)


def issuer_of(certificate: Certificate) -> Issuer:
    if certificate.certificate_type.kind == CertificateType.Kind.SKILL and certificate.result_id:
        return certificate.result.score.sitting.evaluation_body  # type: ignore[union-attr]
    return certificate.certificate_type.department


def _expires_at(certificate: Certificate) -> int | None:
    if certificate.expires_on is None:
        return None
    day_after = certificate.expires_on + timedelta(days=1)
    return int(timezone.make_aware(datetime.combine(day_after, time.min)).timestamp())


def payload_claims(certificate: Certificate) -> dict[str, Any]:
    """The certificate's fields as they are printed (Chinese, whatever the signer's language)."""
    certificate_type = certificate.certificate_type
    occupation = certificate_type.occupation
    with translation.override("zh-hans"):
        level = str(certificate_type.get_level_display()) if certificate_type.level else ""
    permit_item = " · ".join(p for p in (certificate_type.category, certificate_type.item) if p)
    return {
        "n": certificate.number, "t": certificate_type.code, "tn": certificate_type.name,
        "k": certificate_type.kind, "h": certificate.worker.name,
        "idt": ID_KIND, "id": certificate.worker.id_number_masked,
        "o": occupation.name if occupation else "", "oc": occupation.code if occupation else "",
        "l": level, "p": permit_item, "ib": certificate.issuer_name,
        "d": certificate.issued_on.isoformat(),
        "x": certificate.expires_on.isoformat() if certificate.expires_on else "",
    }


def _signed_text(certificate: Certificate, key: IssuerKey) -> str:
    claims = cose.claims_for(
        issuer=key.issuer_code, issued_at=int(timezone.now().timestamp()),
        expires_at=_expires_at(certificate), certificate=payload_claims(certificate),
    )
    return cose.sign(claims, kid=unb64url(key.kid), private_key=private_key_for(key))


def _own_type(issuer: Issuer, certificate_type: CertificateType) -> bool:
    if isinstance(issuer, EvaluationBody):
        return certificate_type.kind == CertificateType.Kind.SKILL
    return certificate_type.department_id == issuer.pk


def _allow_type(actor: Any, key: IssuerKey, issuer: Issuer,
                certificate_type: CertificateType) -> None:
    """A type added to the catalogue after the key was made: its own issuer's key may sign it."""
    if certificate_type.code in key.certificate_types:
        return
    from dualcert.credentials.signing.lists import trust_list_publish

    if not _own_type(issuer, certificate_type):
        raise ValidationError(
            _("“%(issuer)s” does not issue “%(type)s”, so its key may not sign it.")
            % {"issuer": str(issuer), "type": certificate_type.name}, code="key_not_allowed")
    before = list(key.certificate_types)
    key.certificate_types = sorted({*before, certificate_type.code})
    IssuerKey.objects.filter(pk=key.pk).update(certificate_types=key.certificate_types,
                                               updated_at=timezone.now())
    audit_record(actor=actor, action="issuer_key.allow_type", obj=key,
                 before={"certificate_types": before},
                 after={"certificate_types": key.certificate_types})
    trust_list_publish()


def certificate_sign(*, actor: Any, certificate: Certificate) -> Certificate:
    """Sign the certificate's payload with its issuer's current key and keep it on the record."""
    issuer = issuer_of(certificate)
    key = signing_key_for(issuer, actor=actor)
    _allow_type(actor, key, issuer, certificate.certificate_type)
    text = _signed_text(certificate, key)
    Certificate.objects.filter(pk=certificate.pk).update(
        signed_payload=text, signing_key=key, updated_at=timezone.now()
    )
    certificate.signed_payload, certificate.signing_key = text, key
    return certificate


@transaction.atomic
def certificates_sign_missing(*, actor: Any = None, batch_size: int = 1000) -> int:
    """Sign every certificate that has no payload yet (older records, the demo's history)."""
    unsigned = (Certificate.objects.filter(signed_payload="")
                .select_related("certificate_type__occupation", "certificate_type__department",
                                "worker", "result__score__sitting__evaluation_body")
                .order_by("id"))
    keys: dict[tuple[str, int], IssuerKey] = {}
    signed = 0
    while chunk := list(unsigned[:batch_size]):
        for certificate in chunk:
            issuer = issuer_of(certificate)
            slot = (type(issuer).__name__, issuer.pk)
            if slot not in keys:
                keys[slot] = signing_key_for(issuer, actor=actor)
            _allow_type(actor, keys[slot], issuer, certificate.certificate_type)
            certificate.signing_key = keys[slot]
            certificate.signed_payload = _signed_text(certificate, keys[slot])
        Certificate.objects.bulk_update(chunk, ["signed_payload", "signing_key"])
        signed += len(chunk)
    return signed
