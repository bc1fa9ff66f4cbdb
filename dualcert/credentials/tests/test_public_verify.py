"""The public lists and the verification page: served to anyone, cacheable, exactly as published."""

import base64
import json
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from dualcert.credentials import public
from dualcert.credentials.models import PublishedList
from dualcert.credentials.services import certificate_revoke
from dualcert.credentials.signing.lists import latest
from dualcert.credentials.signing.trust import revocation_hash
from dualcert.credentials.tests.helpers import signed_certificate

pytestmark = pytest.mark.django_db

LISTS = [("trust_list", PublishedList.Kind.TRUST),
         ("revocations_list", PublishedList.Kind.REVOCATIONS)]


@pytest.fixture
def anonymous() -> Client:
    return Client()


@pytest.mark.parametrize(("url_name", "kind"), LISTS)
def test_list_is_served_to_anyone_exactly_as_published(world, anonymous, url_name, kind):
    response = anonymous.get(reverse(url_name))
    published = latest(kind)
    assert response.status_code == 200
    assert response.content.decode("utf-8") == published.document
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["ETag"] == f'"{kind}-{published.version}"'
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(("url_name", "kind"), LISTS)
def test_list_may_be_cached_publicly_for_five_minutes(world, anonymous, url_name, kind):
    response = anonymous.get(reverse(url_name))
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert directives == {"public", "max-age=300"}
    assert response["Last-Modified"]


def test_list_urls_are_the_well_known_ones():
    assert reverse("trust_list") == "/.well-known/dualcert/trust-list.json"
    assert reverse("revocations_list") == "/.well-known/dualcert/revocations.json"


@pytest.mark.parametrize(("url_name", "kind"), LISTS)
def test_conditional_get_with_the_current_etag_is_not_modified(world, anonymous, url_name, kind):
    etag = anonymous.get(reverse(url_name))["ETag"]
    response = anonymous.get(reverse(url_name), headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert "max-age=300" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(("url_name", "kind"), LISTS)
def test_conditional_get_with_another_etag_gets_the_document(world, anonymous, url_name, kind):
    response = anonymous.get(reverse(url_name), headers={"If-None-Match": f'"{kind}-0"'})
    assert response.status_code == 200
    assert response.content.decode("utf-8") == latest(kind).document


def test_a_revocation_is_served_as_a_new_version_of_the_revocation_list(world, anonymous):
    cert = signed_certificate(certificate_type=world.pathway_1.permit, worker=world.worker_1)
    url = reverse("revocations_list")
    before = anonymous.get(url)
    certificate_revoke(actor=world.users["dept_1"], certificate=cert, reason="材料造假")
    after = anonymous.get(url, headers={"If-None-Match": before["ETag"]})
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert after.content.decode("utf-8") == latest(PublishedList.Kind.REVOCATIONS).document
    document = json.loads(after.content)
    assert document["version"] > json.loads(before.content)["version"]
    content = json.loads(_unb64(document["payload"]))
    assert revocation_hash(cert.number) in content["revoked"]


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@pytest.mark.parametrize("url_name", ["trust_list", "revocations_list", "verify_page",
                                      "verify_sw"])
def test_public_urls_refuse_writes(world, anonymous, url_name):
    assert anonymous.post(reverse(url_name), {"x": "1"}).status_code == 405


@pytest.mark.parametrize("url_name", ["trust_list", "revocations_list", "verify_page",
                                      "verify_sw"])
def test_public_urls_answer_head_requests(world, anonymous, url_name):
    response = anonymous.head(reverse(url_name))
    assert response.status_code == 200
    assert response.content == b""


def test_verification_page_needs_no_login_and_carries_its_texts(world, anonymous):
    response = anonymous.get("/v/")
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "credentials/verify_page.html"
    html = response.content.decode()
    texts = response.context["texts"]
    assert texts["verdicts"]["forged"]["title"] == "forged or altered"
    assert set(texts["verdicts"]) == {"valid", "forged", "unknown_key", "key_not_allowed",
                                      "expired", "revoked", "unreadable"}
    assert 'id="verify-texts" type="application/json"' in html
    assert "Refresh lists" in html and "How to check a certificate" in html
    assert "Sign out" not in html and 'name="csrfmiddlewaretoken"' not in html
    assert "sessionid" not in response.cookies


def test_verification_page_is_chinese_by_default(world, anonymous, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    response = anonymous.get("/v/")
    assert '<html lang="zh-hans" dir="ltr">' in response.content.decode()


def test_import_map_points_each_module_at_a_served_static_file(world, anonymous):
    html = anonymous.get("/v/").content.decode()
    start = html.index('<script type="importmap">') + len('<script type="importmap">')
    imports = json.loads(html[start:html.index("</script>", start)])["imports"]
    assert set(imports) == {"fflate", "cbor-x/decode.js", "cbor-x/encode.js", "@noble/ed25519"}
    for url in imports.values():
        assert url.startswith("/static/vendor/")
        assert finders.find(url.removeprefix("/static/")), url


def _service_worker_config(text: str) -> dict[str, Any]:
    head, _, _ = text.partition("\n")
    assert head.startswith("self.DUALCERT = ") and head.endswith(";")
    config: dict[str, Any] = json.loads(head.removeprefix("self.DUALCERT = ").removesuffix(";"))
    return config


def test_service_worker_is_javascript_under_the_page_scope_and_keeps_everything(world, anonymous):
    response = anonymous.get(reverse("verify_sw"))
    assert reverse("verify_sw") == "/v/sw.js"
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert "no-cache" in response["Cache-Control"]
    config = _service_worker_config(response.content.decode())
    assert config["page"] == "/v/"
    assert config["lists"] == ["/.well-known/dualcert/trust-list.json",
                               "/.well-known/dualcert/revocations.json"]
    kept = {"/v/", *config["lists"], "/static/credentials/verify.js",
            "/static/credentials/cbor.js", "/static/credentials/verify.css",
            "/static/vendor/fflate/browser.js", "/static/vendor/cbor-x/decode.js",
            "/static/vendor/cbor-x/encode.js", "/static/vendor/noble-ed25519/index.js"}
    assert kept <= set(config["precache"])
    assert "addEventListener(\"fetch\"" in response.content.decode()


def test_service_worker_revalidates_by_etag(world, anonymous):
    first = anonymous.get(reverse("verify_sw"))
    again = anonymous.get(reverse("verify_sw"), headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304


def test_service_worker_version_follows_the_kept_files(world, settings, tmp_path):
    before = _service_worker_config(public._service_worker_text())["version"]
    changed = tmp_path / "credentials"
    changed.mkdir()
    (changed / "verify.css").write_text("/* changed */")
    # Changing the setting clears Django's cached finders.
    settings.STATICFILES_DIRS = [tmp_path, *settings.STATICFILES_DIRS]
    after = _service_worker_config(public._service_worker_text())["version"]
    assert after != before
