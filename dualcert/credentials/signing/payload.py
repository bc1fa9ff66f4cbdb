"""The signed payload: CWT claims in a COSE_Sign1, compressed and text-encoded for a QR code.

Encoding and decoding only; whether a payload is to be trusted is `verify.py`'s question.
CBOR is cbor2's and the signature is `cryptography`'s Ed25519: nothing here re-implements
either, it only arranges the structures the two RFCs define.
"""

import base64
import binascii
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import cbor2
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

PREFIX = "DC1:"
COSE_SIGN1_TAG = 18
# COSE header labels (RFC 9052 §3.1) and the EdDSA algorithm id (RFC 9053 §2.2).
HEADER_ALG = 1
HEADER_KID = 4
ALG_EDDSA = -8
# CWT claim keys (RFC 8392 §4) and our private claim holding the certificate's fields.
CLAIM_ISS = 1
CLAIM_EXP = 4
CLAIM_IAT = 6
CLAIM_CERTIFICATE = -70001
# A zlib bomb cannot get past this: a real payload is well under 2 KB.
MAX_DECOMPRESSED = 16 * 1024


class Unreadable(ValueError):
    """The text is not a payload this system could have made (truncated, garbage, wrong shape)."""


class Altered(Unreadable):
    """A whole payload whose compressed bytes fail their integrity check: it was changed."""


@dataclass(frozen=True)
class Decoded:
    """A payload taken apart, signature not yet checked."""

    protected: bytes          # the protected header exactly as signed
    kid: bytes
    payload: bytes            # the CWT exactly as signed
    signature: bytes
    claims: dict[Any, Any]

    @property
    def certificate(self) -> dict[str, Any]:
        value = self.claims.get(CLAIM_CERTIFICATE)
        return dict(value) if isinstance(value, Mapping) else {}

    def signed_bytes(self) -> bytes:
        return sig_structure(self.protected, self.payload)


def sig_structure(protected: bytes, payload: bytes) -> bytes:
    """The bytes an Ed25519 COSE_Sign1 signature covers (RFC 9052 §4.4), no external AAD."""
    return cbor2.dumps(["Signature1", protected, b"", payload])


def claims_for(
    *, issuer: str, issued_at: int, expires_at: int | None, certificate: dict[str, Any]
) -> dict[int, Any]:
    claims: dict[int, Any] = {CLAIM_ISS: issuer, CLAIM_IAT: issued_at,
                              CLAIM_CERTIFICATE: certificate}
    if expires_at is not None:
        claims[CLAIM_EXP] = expires_at
    return claims


def sign(claims: dict[int, Any], *, kid: bytes, private_key: Ed25519PrivateKey) -> str:
    """COSE_Sign1 over the CWT claims, zlib-compressed, base64url, behind the prefix."""
    protected = cbor2.dumps({HEADER_ALG: ALG_EDDSA, HEADER_KID: kid})
    payload = cbor2.dumps(claims)
    signature = private_key.sign(sig_structure(protected, payload))
    message = cbor2.dumps(cbor2.CBORTag(COSE_SIGN1_TAG, [protected, {}, payload, signature]))
    compressed = zlib.compress(message, 9)
    return PREFIX + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def _unpack_text(text: str) -> bytes:
    text = text.strip()
    if not text.startswith(PREFIX):
        raise Unreadable("prefix")
    body = text[len(PREFIX):]
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError) as exc:
        raise Unreadable("base64") from exc
    if len(raw) < 2 or not _zlib_header(raw[0], raw[1]):
        raise Unreadable("zlib header")
    inflater = zlib.decompressobj()
    try:
        message = inflater.decompress(raw, MAX_DECOMPRESSED)
    except zlib.error as exc:
        # A well-formed start whose data or Adler-32 checksum is wrong: someone changed it.
        raise Altered("zlib") from exc
    if inflater.unconsumed_tail:
        raise Unreadable("zlib size")
    if not inflater.eof:
        # Cut short. Told apart from a change only by how far a decoder reads before it
        # notices, which differs between zlib and the page's inflater: both call it altered.
        raise Altered("zlib incomplete")
    return message


def _zlib_header(cmf: int, flg: int) -> bool:
    """RFC 1950: deflate, window ≤ 32 KB, header checksum right, no preset dictionary."""
    return cmf & 0x0F == 8 and cmf >> 4 <= 7 and (cmf << 8 | flg) % 31 == 0 and not flg & 0x20


def _loads(data: bytes) -> Any:
    try:
        return cbor2.loads(data)
    except Exception as exc:  # cbor2 raises several types on malformed input
        raise Unreadable("cbor") from exc


def decode(text: str) -> Decoded:
    """Take a "DC1:…" text apart; raise `Unreadable` for anything not shaped like a payload."""
    message = _loads(_unpack_text(text))
    if isinstance(message, cbor2.CBORTag):
        if message.tag != COSE_SIGN1_TAG:
            raise Unreadable("tag")
        message = message.value
    if not (isinstance(message, list | tuple) and len(message) == 4):
        raise Unreadable("cose")
    protected, _unprotected, payload, signature = message
    if not all(isinstance(part, bytes) for part in (protected, payload, signature)):
        raise Unreadable("cose")
    header = _loads(protected)
    if not isinstance(header, Mapping) or header.get(HEADER_ALG) != ALG_EDDSA:
        raise Unreadable("header")
    kid = header.get(HEADER_KID)
    claims = _loads(payload)
    if not isinstance(kid, bytes) or not isinstance(claims, Mapping):
        raise Unreadable("claims")
    return Decoded(protected=protected, kid=kid, payload=payload, signature=signature,
                   claims=dict(claims))


def fragment_url(base_url: str, text: str) -> str:
    """The public verification page's URL with the payload in the fragment (never sent)."""
    return f"{base_url.rstrip('/')}/v/#{text}"


def text_from_url_or_payload(value: str) -> str:
    """Accept a bare payload or any URL carrying it in the fragment."""
    value = value.strip()
    if "#" in value and not value.startswith(PREFIX):
        return value.split("#", 1)[1]
    return value
