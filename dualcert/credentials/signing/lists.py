"""The published trust list and the signed revocation list: made, stored, served, loaded.

Each publication is a new numbered version kept as the exact text served, so a cached copy
can be compared by version and every verifier reads the same bytes.
"""

import json
import time
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dualcert.catalog.models import Department
from dualcert.core.workflow import next_number
from dualcert.credentials.models import Certificate, IssuerKey, PublishedList
from dualcert.credentials.signing.trust import (
    REVOCATIONS_FORMAT,
    TRUST_FORMAT,
    TrustStore,
    b64url,
    revocation_hash,
)

Kind = PublishedList.Kind


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


@transaction.atomic  # the version counter is taken under a row lock (also when no caller is)
def _store(kind: str, build: Any) -> PublishedList:
    version = next_number(f"published-list:{kind}")
    made_at = timezone.now().replace(microsecond=0)
    document = build(version, made_at)
    _cache["checked"] = float("-inf")  # this process sees its own publication at once
    return PublishedList.objects.create(
        kind=kind, version=version, made_at=made_at,
        document=json.dumps(document, ensure_ascii=False, sort_keys=True),
    )


def _ensure_list_key() -> None:
    """The bureau's list-signing key exists before any trust list goes out without it."""
    from dualcert.credentials.signing.keys import current_key, issuer_key_create

    bureau = Department.objects.filter(kind=Department.Kind.HRSS).order_by("id").first()
    if bureau is not None and current_key(bureau) is None:
        issuer_key_create(actor=None, issuer=bureau)


def trust_list_publish() -> PublishedList:
    """Publish every issuer key (retired ones too: what they signed still verifies)."""
    _ensure_list_key()
    keys = [{
        "kid": key.kid, "alg": "EdDSA", "public_key": key.public_key,
        "issuer": key.issuer_code, "issuer_name": key.issuer_name,
        "certificate_types": key.certificate_types, "signs_lists": key.signs_lists,
        "signs_from": _iso(key.signs_from), "retired_at": _iso(key.retired_at),
    } for key in IssuerKey.objects.order_by("issuer_code", "signs_from")]
    return _store(Kind.TRUST, lambda version, made_at: {
        "format": TRUST_FORMAT, "version": version, "made_at": _iso(made_at), "keys": keys,
    })


def _list_signing_key() -> IssuerKey:
    from dualcert.credentials.signing.keys import signing_key_for

    bureau = Department.objects.filter(kind=Department.Kind.HRSS).order_by("id").first()
    if bureau is None:
        raise ValidationError(
            _("The catalogue has no human resources and social security department, whose key "
              "signs the revocation list. Load the catalogue first."), code="no_bureau")
    return signing_key_for(bureau)


def revocations_publish() -> PublishedList:
    """Publish the hashed numbers of every revoked certificate, signed by the bureau's key."""
    from dualcert.credentials.signing.keys import private_key_for

    key = _list_signing_key()
    numbers = Certificate.objects.filter(status=Certificate.Status.REVOKED).values_list(
        "number", flat=True)
    revoked = sorted(revocation_hash(number) for number in numbers)

    def build(version: int, made_at: Any) -> dict[str, Any]:
        body = json.dumps({"version": version, "made_at": _iso(made_at), "revoked": revoked},
                          sort_keys=True).encode("utf-8")
        signature = private_key_for(key).sign(body)
        return {"format": REVOCATIONS_FORMAT, "version": version, "made_at": _iso(made_at),
                "kid": key.kid, "payload": b64url(body), "signature": b64url(signature)}

    return _store(Kind.REVOCATIONS, build)


def latest(kind: str) -> PublishedList:
    """The newest version of a list, publishing the first one if there is none yet."""
    found = PublishedList.objects.filter(kind=kind).order_by("-version").first()
    if found is not None:
        return found
    return trust_list_publish() if kind == Kind.TRUST else revocations_publish()


# "checked": when this process last asked the database for the newest versions (monotonic).
_cache: dict[str, Any] = {"versions": None, "store": None, "checked": float("-inf")}


def forget_cached_trust() -> None:
    """Drop this process's cached trust store (tests whose databases reuse version numbers)."""
    _cache.update(versions=None, store=None, checked=float("-inf"))


@lru_cache(maxsize=1)
def _versions_sql() -> str:
    meta: Any = PublishedList._meta
    name = connection.ops.quote_name
    kind, version = (name(meta.get_field(f).column) for f in ("kind", "version"))
    return f"SELECT {kind}, MAX({version}) FROM {name(meta.db_table)} GROUP BY {kind}"  # noqa: S608


def _newest_versions() -> dict[str, int]:
    # Asked before every API verification: plain SQL from the model's names, because
    # compiling the ORM query cost more than the verification itself (bench/verify.py).
    with connection.cursor() as cursor:
        cursor.execute(_versions_sql())
        return {str(kind): int(version) for kind, version in cursor.fetchall()}


def trust_store_current(*, max_age: float = 0.0) -> TrustStore:
    """The trust store from the newest lists; rebuilt only when a version changed (one query).

    With `max_age` (seconds), the versions are asked at most that often by this process:
    another process's new list is then seen up to that much later (a publication made in
    this process is seen at once).
    """
    now = time.monotonic()
    if max_age and _cache["store"] is not None and now - _cache["checked"] < max_age:
        held: TrustStore = _cache["store"]
        return held
    versions = _newest_versions()
    key = (versions.get(Kind.TRUST), versions.get(Kind.REVOCATIONS))
    if None in key or _cache["versions"] != key:
        revocations = json.loads(latest(Kind.REVOCATIONS).document)
        trust = json.loads(latest(Kind.TRUST).document)
        store = TrustStore.from_documents(trust, revocations)
        _cache.update(versions=(store.trust_version, store.revocations_version), store=store)
    _cache["checked"] = now  # after any first publication above, which the store includes
    store_now: TrustStore = _cache["store"]
    return store_now
