"""Random and mutated payloads: `verify` never raises and always answers with a verdict.

The trust store is built once per test from documents made here (no database), and every
verdict is judged at one fixed moment.
"""

import base64
import zlib

import cbor2
from hypothesis import given, settings
from hypothesis import strategies as st

from dualcert.credentials.signing import payload as cose
from dualcert.credentials.signing.trust import b64url
from dualcert.credentials.signing.verify import Verdict, verify
from dualcert.credentials.tests.payloads import (
    ISSUED_AT,
    Issuer,
    certificate_claims,
    encode,
    message_of,
    trust_store,
)

NOW = ISSUED_AT + 3600
FUZZ = settings(max_examples=300, deadline=None)


def _world():
    skills = Issuer("EB-1", ["S-6-31-01-03-4"])
    permits = Issuer("mem", ["P-ELEC"])
    bureau = Issuer("hrss", [], signs_lists=True)
    trust = trust_store([skills, permits, bureau], bureau, ["T2026000009"])
    valid = [
        permits.sign(certificate_claims("T2026000001"), expires_at=NOW + 10**8),
        permits.sign(certificate_claims("T2026000002")),
        skills.sign({**certificate_claims("S2026000003", "S-6-31-01-03-4"), "k": "skill",
                     "l": "四级/中级工"}),
    ]
    for text in valid:
        assert verify(text, trust, now=NOW).verdict == Verdict.VALID
    return trust, valid, permits


def _judged(text, trust):
    outcome = verify(text, trust, now=NOW)
    assert isinstance(outcome.verdict, Verdict)
    assert outcome.verdict in Verdict.values
    return outcome


def _signed_content(text):
    """What the signature covers, plus the signature; None when the text does not decode."""
    try:
        decoded = cose.decode(cose.text_from_url_or_payload(text))
    except cose.Unreadable:
        return None
    return decoded.protected, decoded.payload, decoded.signature


def test_random_text_after_the_prefix_gets_a_verdict():
    trust, _valid, _issuer = _world()

    @FUZZ
    @given(st.text())
    def check(body):
        _judged(cose.PREFIX + body, trust)
        _judged(body, trust)

    check()


def test_random_bytes_behind_each_layer_get_a_verdict():
    trust, _valid, _issuer = _world()

    @FUZZ
    @given(st.binary(max_size=600), st.sampled_from(["base64", "zlib", "cose"]))
    def check(data, layer):
        if layer == "zlib":
            data = zlib.compress(data)
        elif layer == "cose":
            data = zlib.compress(cbor2.dumps(cbor2.CBORTag(18, [data, {}, data[:40], data])))
        _judged(cose.PREFIX + b64url(data), trust)

    check()


CBOR_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True) | st.text(max_size=20) | st.binary(max_size=20),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.integers(-5, 5) | st.text(max_size=3), inner, max_size=4),
    max_leaves=12,
)


def test_any_claims_signed_by_a_trusted_key_get_a_verdict():
    trust, _valid, issuer = _world()

    @FUZZ
    @given(st.dictionaries(st.integers(-70002, 10) | st.text(max_size=4), CBOR_VALUES,
                           max_size=6),
           st.dictionaries(st.sampled_from(["n", "t", "h", "d", "x", "ib"]), CBOR_VALUES))
    def check(claims, certificate):
        claims[cose.CLAIM_CERTIFICATE] = {**certificate_claims(), **certificate}
        text = cose.sign(claims, kid=issuer.kid, private_key=issuer.private_key)
        outcome = _judged(text, trust)
        if outcome.verdict == Verdict.VALID:
            # Only claims a real certificate could carry pass; the rest are refused.
            assert isinstance(claims.get(cose.CLAIM_IAT), int)
            assert claims.get(cose.CLAIM_ISS) == "mem"

    check()


def _flip(text, position, bit):
    flipped = chr(ord(text[position]) ^ (1 << bit))
    return text[:position] + flipped + text[position + 1:]


MUTATIONS = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, 10_000), st.integers(0, 6)),
    st.tuples(st.just("truncate"), st.integers(0, 10_000), st.just(0)),
    st.tuples(st.just("insert"), st.integers(0, 10_000),
              st.sampled_from(list(map(ord, "A_-=+/0z#:é \n")))),
    st.tuples(st.just("delete"), st.integers(0, 10_000), st.just(0)),
)


def _mutated(text, mutation):
    kind, position, value = mutation
    body = text[len(cose.PREFIX):]
    position %= len(body) or 1
    if kind == "flip" and body:
        return cose.PREFIX + _flip(body, position, value)
    if kind == "truncate":
        return cose.PREFIX + body[:position]
    if kind == "insert":
        return cose.PREFIX + body[:position] + chr(value) + body[position:]
    return cose.PREFIX + body[:position] + body[position + 1:]


def test_mutated_text_of_a_valid_payload_never_passes_as_valid_when_its_content_changed():
    trust, valid, _issuer = _world()

    @FUZZ
    @given(st.sampled_from(valid), st.lists(MUTATIONS, min_size=1, max_size=3))
    def check(original, mutations):
        text = original
        for mutation in mutations:
            text = _mutated(text, mutation)
        outcome = _judged(text, trust)
        if outcome.verdict == Verdict.VALID:
            # e.g. a flipped padding bit of the last base64 character: same bytes decoded
            assert _signed_content(text) == _signed_content(original)

    check()


def test_mutated_bytes_of_a_valid_message_never_pass_as_valid_when_signed_content_changed():
    trust, valid, _issuer = _world()

    @FUZZ
    @given(st.sampled_from(valid), st.integers(0, 10_000), st.integers(0, 7),
           st.sampled_from(["flip", "truncate", "insert", "delete"]), st.binary(min_size=1,
                                                                               max_size=3))
    def check(original, position, bit, kind, inserted):
        message = bytearray(zlib.decompress(base64.urlsafe_b64decode(
            original[len(cose.PREFIX):] + "==")))
        position %= len(message)
        if kind == "flip":
            message[position] ^= 1 << bit
        elif kind == "truncate":
            del message[position:]
        elif kind == "insert":
            message[position:position] = inserted
        else:
            del message[position]
        text = cose.PREFIX + b64url(zlib.compress(bytes(message)))
        outcome = _judged(text, trust)
        if outcome.verdict == Verdict.VALID:
            assert _signed_content(text) == _signed_content(original)

    check()


def test_altering_any_claim_of_a_valid_payload_is_refused():
    trust, valid, _issuer = _world()

    @FUZZ
    @given(st.sampled_from(valid), st.sampled_from(list(certificate_claims())),
           st.text(max_size=12))
    def check(original, key, value):
        protected, unprotected, payload, signature = message_of(original)
        claims = cbor2.loads(payload)
        if claims[cose.CLAIM_CERTIFICATE][key] == value:
            return
        claims[cose.CLAIM_CERTIFICATE][key] = value
        forged = encode([protected, unprotected, cbor2.dumps(claims), signature])
        assert _judged(forged, trust).verdict == Verdict.FORGED

    check()
