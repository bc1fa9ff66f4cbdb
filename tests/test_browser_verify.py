"""The public verification page in real Chromium: it judges a certificate's code in the browser,
keeps working with no network after one visit, and gives the verdict the server gives.

Every payload is also judged by Python's `verify()` against the same two public documents the
page downloads; the page must say the same for each (exposed as `data-verdict`).
"""

import base64
import json
import random
import zlib
from collections.abc import Iterator
from datetime import date
from typing import Any

import cbor2
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.utils import timezone, translation

from dualcert.credentials.services import certificate_revoke
from dualcert.credentials.signing import payload as cose
from dualcert.credentials.signing.keys import (
    payload_claims,
    private_key_for,
    signing_key_for,
)
from dualcert.credentials.signing.lists import latest
from dualcert.credentials.signing.trust import ListError, TrustStore, b64url, unb64url
from dualcert.credentials.signing.verify import Verdict, verify
from dualcert.credentials.tests.helpers import signed_certificate
from tests.browser import assert_fits_phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGE = "zh-hans"  # the phone asks for Chinese, as the page's users' phones do
VERDICT_SET = "() => document.getElementById('result').dataset.verdict !== ''"
CONTROLLED = "() => navigator.serviceWorker.controller !== null"


def tr(msgid: str) -> str:
    """A sentence as the Chinese page prints it (the msgid itself until it is translated)."""
    with translation.override(LANGUAGE):
        return translation.gettext(msgid)


def status_says(msgid: str) -> str:
    """The part of a lists status message before its time placeholder."""
    return tr(msgid).split("%(time)s")[0].strip()


def python_verdict(text: str) -> str:
    """The server's verdict, from only the two documents the page downloads."""
    store = TrustStore.from_documents(json.loads(latest("trust").document),
                                      json.loads(latest("revocations").document))
    return str(verify(text, store).verdict)


def open_page(page: Any, base_url: str, text: str) -> str:
    """Load the page afresh with `text` in the fragment and return its verdict."""
    page.goto("about:blank")
    page.goto(f"{base_url}/v/#{text}")
    page.wait_for_function(VERDICT_SET)
    return str(page.get_attribute("#result", "data-verdict"))


def message_of(text: str) -> list[Any]:
    body = text[len(cose.PREFIX):]
    raw = zlib.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    return list(cbor2.loads(raw).value)


def pack(message: list[Any], *, trailing: bytes = b"") -> str:
    data = zlib.compress(cbor2.dumps(cbor2.CBORTag(cose.COSE_SIGN1_TAG, message)), 9)
    return cose.PREFIX + b64url(data + trailing)


def with_holder(text: str, holder: str) -> str:
    """The old signature over claims whose holder is changed: what a forger would make."""
    protected, unprotected, payload, signature = message_of(text)
    claims = cbor2.loads(payload)
    claims[cose.CLAIM_CERTIFICATE]["h"] = holder
    return pack([protected, unprotected, cbor2.dumps(claims), signature])


def one_character_changed(text: str, position: int) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    replacement = alphabet[(alphabet.index(text[position]) + 17) % 64]
    return text[:position] + replacement + text[position + 1:]


def signed_by(private_key: Ed25519PrivateKey, kid: bytes, *, issuer: str,
              certificate: dict[str, Any], issued_at: int | None = None) -> str:
    claims = cose.claims_for(issuer=issuer, issued_at=issued_at or int(timezone.now().timestamp()),
                             expires_at=None, certificate=certificate)
    return cose.sign(claims, kid=kid, private_key=private_key)


@pytest.fixture
def permit(world: Any) -> Any:
    signed = signed_certificate(certificate_type=world.pathway_1.permit, worker=world.worker_1)
    # Both lists exist before the browser asks: the first request would publish one, and the
    # page and its service worker ask at the same moment.
    latest("revocations")
    return signed


def test_valid_code_offline_after_one_visit_altered_refused_revoked_after_refresh(
    live_server: Any, phone_page: Any, world: Any, permit: Any
) -> None:
    page, url = phone_page, live_server.url
    requests: list[str] = []
    page.context.on("request", lambda request: requests.append(request.url))

    assert open_page(page, url, permit.signed_payload) == "valid"
    assert page.inner_text("[data-claim='h']") == permit.worker.name
    assert page.inner_text("[data-claim='n']") == permit.number
    assert page.inner_text("[data-claim='id']") == permit.worker.id_number_masked
    assert status_says("Lists downloaded %(time)s.") in page.inner_text("#lists-status")
    assert_fits_phone(page)
    page.wait_for_function(CONTROLLED)

    page.context.set_offline(True)
    page.context.route("**/*", lambda route: route.abort())
    requests.clear()
    assert page.reload().from_service_worker
    page.wait_for_function(VERDICT_SET)
    assert page.get_attribute("#result", "data-verdict") == "valid"
    assert page.inner_text("[data-claim='h']") == permit.worker.name
    assert status_says("No network: using the lists downloaded %(time)s.") in page.inner_text(
        "#lists-status")

    # One character of the code changed: the compressed bytes fail their integrity check, so
    # both Python and the page refuse it as altered.
    changed = one_character_changed(permit.signed_payload, len(permit.signed_payload) // 2)
    assert python_verdict(changed) == "forged"
    assert open_page(page, url, changed) == "forged"
    assert page.text_content("#verdict-title") == tr("forged or altered")
    # One character of the holder's name changed under the old signature: forged or altered.
    last = "乙" if permit.worker.name.endswith("甲") else "甲"
    forged = with_holder(permit.signed_payload, permit.worker.name[:-1] + last)
    assert python_verdict(forged) == "forged"
    assert open_page(page, url, forged) == "forged"
    assert page.text_content("#verdict-title") == tr("forged or altered")
    assert page.is_hidden("#details")

    certificate_revoke(actor=world.users["bureau"], certificate=permit, reason="材料造假")
    assert python_verdict(permit.signed_payload) == "revoked"
    assert open_page(page, url, permit.signed_payload) == "valid"  # the kept list is older
    assert all(r.startswith(url) or r == "about:blank" for r in requests), requests

    page.context.unroute("**/*")
    page.context.set_offline(False)
    page.click("#refresh-lists")
    page.wait_for_function("() => document.getElementById('result').dataset.verdict === 'revoked'")
    assert page.inner_text("[data-claim='n']") == permit.number
    assert page.inner_text("#revocations-version") == str(latest("revocations").version)
    assert status_says("Lists downloaded %(time)s.") in page.inner_text("#lists-status")
    assert all(r.startswith(url) or r == "about:blank" for r in requests), requests


def _payloads(world: Any, permit: Any) -> dict[str, str]:
    """One payload per verdict (and a few ways to be unreadable), built as an attacker would."""
    expired = signed_certificate(certificate_type=world.pathway_1.permit, worker=world.worker_2,
                                 number="T2018000001", issued_on=date(2018, 3, 1), years=2)
    revoked = signed_certificate(certificate_type=world.pathway_1.permit, worker=world.worker_2,
                                 number="T2026000002")
    certificate_revoke(actor=world.users["bureau"], certificate=revoked, reason="材料造假")
    claims = payload_claims(permit)
    own_key = signing_key_for(world.dept_1)
    other_key = signing_key_for(world.dept_2)  # may sign only the second department's permits
    stranger = Ed25519PrivateKey.generate()
    return {
        "valid": permit.signed_payload,
        "forged": with_holder(permit.signed_payload, "王五"),
        "forged signature": pack([*message_of(permit.signed_payload)[:3],
                                  stranger.sign(b"something else")]),
        "unknown key": signed_by(stranger, b"stranger", issuer=own_key.issuer_code,
                                 certificate=claims),
        "key of another type": signed_by(private_key_for(other_key), unb64url(other_key.kid),
                                         issuer=other_key.issuer_code, certificate=claims),
        "issuer not the key's": signed_by(private_key_for(own_key), unb64url(own_key.kid),
                                          issuer="someone-else", certificate=claims),
        "signed before the key's period": signed_by(
            private_key_for(own_key), unb64url(own_key.kid), issuer=own_key.issuer_code,
            certificate=claims, issued_at=int(own_key.signs_from.timestamp()) - 86400),
        "expired": expired.signed_payload,
        "revoked": revoked.signed_payload,
        "garbage": "DC1:not-a-certificate-at-all",
        "no prefix": "hello",
        "truncated": permit.signed_payload[: len(permit.signed_payload) // 2],
        "trailing bytes after the zlib stream": pack(message_of(permit.signed_payload),
                                                     trailing=b"junk"),
        "url carrying the code": f"https://cert.example.cn/v/#{permit.signed_payload}",
    }


def test_page_and_server_give_the_same_verdict_for_every_kind_of_code(
    live_server: Any, phone_page: Any, world: Any, permit: Any
) -> None:
    payloads = _payloads(world, permit)
    expected = {name: python_verdict(text) for name, text in payloads.items()}
    assert set(expected.values()) == set(Verdict.values)  # every verdict is exercised
    seen = {name: open_page(phone_page, live_server.url, text) for name, text in payloads.items()}
    assert seen == expected
    assert_fits_phone(phone_page)


def _mutations(text: str, count: int, seed: int = 3) -> list[str]:
    """Random damage a camera, a copy-paste or a forger could do to a code."""
    rng = random.Random(seed)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/!. :"
    made = []
    for _ in range(count):
        i = rng.randrange(len(cose.PREFIX), len(text))
        kind = rng.randrange(5)
        if kind == 0:
            made.append(text[:i] + rng.choice(alphabet) + text[i + 1:])
        elif kind == 1:
            made.append(text[:i] + text[i + 1:])
        elif kind == 2:
            made.append(text[:i] + rng.choice(alphabet) + text[i:])
        elif kind == 3:
            made.append(text[:i])
        else:
            made.append(text + "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 6))))
    return made


def _inner_mutations(text: str, count: int, seed: int = 5) -> list[str]:
    """Damage inside the compression: valid zlib around changed CBOR, so every later check
    (COSE structure, header, claims, key, signature) is reached by some of them."""
    rng = random.Random(seed)
    body = text[len(cose.PREFIX):]
    raw = bytearray(zlib.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))))
    made = []
    for _ in range(count):
        changed = bytearray(raw)
        for _ in range(rng.randrange(1, 3)):
            changed[rng.randrange(len(changed))] = rng.randrange(256)
        if rng.randrange(4) == 0:
            changed = changed[: rng.randrange(len(changed))]
        made.append(cose.PREFIX + b64url(zlib.compress(bytes(changed), 9)))
    return made


def _walk(value: Any) -> Iterator[Any]:
    """Every value in a decoded payload, byte strings holding CBOR included."""
    yield value
    if isinstance(value, cbor2.CBORTag):
        yield from _walk(value.value)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from _walk(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(key)
            yield from _walk(item)
    elif isinstance(value, bytes):
        try:
            inner = cbor2.loads(value)
        except Exception:  # most byte strings are not CBOR
            return
        yield from _walk(inner)


def _cbor_x_reads_it_as_cbor2_does(text: str) -> bool:
    """False for the three CBOR oddities cbor-x cannot read as cbor2 does: a float with a
    32-bit integral value (JavaScript has one number type), a stray break byte (a value to
    cbor2, an error to cbor-x) and a tag number of 2**32 or more. The page may name another
    refusal than the server for such a code; no signer makes one."""
    try:
        message = cbor2.loads(zlib.decompress(
            base64.urlsafe_b64decode(text[4:] + "=" * (-len(text[4:]) % 4))))
    except Exception:  # not even CBOR: unreadable for both
        return True
    return not any((isinstance(value, float) and value.is_integer()
                    and -(2**32) <= value < 2**32)
                   or value is cbor2.break_marker  # type: ignore[attr-defined]
                   or (isinstance(value, cbor2.CBORTag) and value.tag >= 2**32)
                   for value in _walk(message))


def test_page_and_server_agree_on_hundreds_of_damaged_codes(
    live_server: Any, phone_page: Any, world: Any, permit: Any
) -> None:
    inner = [t for t in _inner_mutations(permit.signed_payload, 3000)
             if _cbor_x_reads_it_as_cbor2_does(t)]
    texts = [*_mutations(permit.signed_payload, 300), *inner, "  " + permit.signed_payload + "\n",
             permit.signed_payload + "==", "DC1:", "dc1:" + permit.signed_payload[4:], "DC1:===",
             "DC1:" + b64url(zlib.compress(b"\xa0")), "DC1:" + b64url(zlib.compress(b"")),
             "DC1:" + b64url(b"x\x9c")]
    expected = [python_verdict(text) for text in texts]
    assert open_page(phone_page, live_server.url, permit.signed_payload) == "valid"
    seen = phone_page.evaluate("texts => Promise.all(texts.map(t => window.dualcert.check(t)))",
                               texts)
    differing = [(t, e, s) for t, e, s in zip(texts, expected, seen, strict=True) if e != s]
    assert not differing
    assert {"unreadable", "valid", "forged", "unknown_key"} <= set(expected)


def test_page_without_a_code_explains_how_to_scan_and_fits_a_phone(
    live_server: Any, phone_page: Any, world: Any, permit: Any
) -> None:
    phone_page.goto(f"{live_server.url}/v/")
    phone_page.wait_for_selector("#how-to:not([hidden])")
    assert tr("How to check a certificate") in phone_page.inner_text("#how-to")
    assert phone_page.is_hidden("#result")
    assert_fits_phone(phone_page)


def test_lists_unreachable_on_a_first_visit_gives_a_verdict_not_a_blank_page(
    live_server: Any, phone_page: Any, world: Any, permit: Any
) -> None:
    phone_page.route("**/.well-known/**", lambda route: route.abort())
    phone_page.goto(f"{live_server.url}/v/#{permit.signed_payload}")
    phone_page.wait_for_function(VERDICT_SET)
    assert phone_page.get_attribute("#result", "data-verdict") == "unreadable"
    explain = phone_page.inner_text("#verdict-explain")
    assert tr("The published lists could not be loaded, so the code cannot be checked. Connect "
              "to the network and refresh the lists.") in explain


def _revocations_signed_by(key: Any, revoked: list[str]) -> str:
    """A revocation list as `revocations_publish` makes it, but signed by `key`."""
    current = json.loads(latest("revocations").document)
    body = json.dumps({"version": current["version"], "made_at": current["made_at"],
                       "revoked": revoked}, sort_keys=True).encode()
    return json.dumps({**current, "kid": key.kid, "payload": b64url(body),
                       "signature": b64url(private_key_for(key).sign(body))})


def _revocations_altered(revoked: list[str]) -> str:
    """The published revocation list with its content changed and the old signature kept."""
    current = json.loads(latest("revocations").document)
    content = json.loads(unb64url(current["payload"]))
    body = json.dumps({**content, "revoked": revoked}, sort_keys=True).encode()
    return json.dumps({**current, "payload": b64url(body)})


@pytest.mark.parametrize("forgery", ["signed by a key that may not sign lists",
                                     "altered under the old signature"])
def test_page_uses_a_revocation_list_only_if_its_signature_holds(
    live_server: Any, chromium: Any, world: Any, permit: Any, forgery: str
) -> None:
    certificate_revoke(actor=world.users["bureau"], certificate=permit, reason="材料造假")
    # Either forgery would clear the revocation, if it were believed; the server refuses both.
    forged = {
        "signed by a key that may not sign lists":
            lambda: _revocations_signed_by(signing_key_for(world.dept_1), []),
        "altered under the old signature": lambda: _revocations_altered([]),
    }[forgery]()
    with pytest.raises(ListError):
        TrustStore.from_documents(json.loads(latest("trust").document), json.loads(forged))
    # Without a service worker, so that every list request meets the route below.
    context = chromium.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN",
                                   service_workers="block")
    page, url = context.new_page(), "**/.well-known/dualcert/revocations.json"

    def serve_forged(route: Any) -> None:
        route.fulfill(status=200, content_type="application/json", body=forged)

    try:
        page.route(url, serve_forged)
        assert open_page(page, live_server.url, permit.signed_payload) == "unreadable"
        assert tr("The published lists could not be loaded, so the code cannot be checked. "
                  "Connect to the network and refresh the lists.") in page.inner_text(
            "#lists-status")
        page.unroute(url)
        assert open_page(page, live_server.url, permit.signed_payload) == "revoked"
        page.route(url, serve_forged)
        assert open_page(page, live_server.url, permit.signed_payload) == "revoked"
        assert status_says("The lists just downloaded failed their signature check; using the "
                           "lists downloaded %(time)s.") in page.inner_text("#lists-status")
    finally:
        context.close()


def test_page_is_shown_in_chinese_by_default(
    live_server: Any, phone_page: Any, world: Any, permit: Any, settings: Any
) -> None:
    settings.LANGUAGE_CODE = "zh-hans"
    phone_page.context.set_extra_http_headers({"Accept-Language": "fr"})  # not offered
    assert open_page(phone_page, live_server.url, permit.signed_payload) == "valid"
    assert phone_page.get_attribute("html", "lang") == "zh-hans"
    assert_fits_phone(phone_page)
