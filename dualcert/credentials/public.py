"""What anyone may fetch without signing in: the published lists and the verification page.

The page checks a certificate in the phone's browser (static/credentials/verify.js) against
the two lists served here; the payload stays in the URL fragment and never reaches the server.
A service worker keeps the page, its modules and the lists for use without a network.
"""

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from dualcert.credentials.models import PublishedList
from dualcert.credentials.signing.lists import latest
from dualcert.credentials.signing.verify import Verdict

# Long enough for a crowd at a job fair to share one download, short enough that a revocation
# reaches verifiers within minutes.
LIST_MAX_AGE = 300
# The ES modules the page imports by bare name, as the import map resolves them.
MODULES = {
    "fflate": "vendor/fflate/browser.js",
    "cbor-x/decode.js": "vendor/cbor-x/decode.js",
    "cbor-x/encode.js": "vendor/cbor-x/encode.js",
    "@noble/ed25519": "vendor/noble-ed25519/index.js",
}
PAGE_FILES = ("dualcert/site.css", "credentials/verify.css", "credentials/verify.js",
              "credentials/cbor.js")
SERVICE_WORKER_SOURCE = "credentials/sw.js"
PAGE_TEMPLATE = "credentials/verify_page.html"


def _list_response(request: HttpRequest, kind: str) -> HttpResponse:
    published = latest(kind)
    response = HttpResponse(published.document, content_type="application/json; charset=utf-8")
    response["ETag"] = quote_etag(f"{kind}-{published.version}")
    modified = int(published.made_at.timestamp())
    response["Last-Modified"] = http_date(modified)
    patch_cache_control(response, public=True, max_age=LIST_MAX_AGE)
    # Public documents: integrators' own pages may read them too.
    response["Access-Control-Allow-Origin"] = "*"
    conditional = get_conditional_response(
        request, etag=response["ETag"], last_modified=modified, response=response)
    return conditional or response


@require_safe
def trust_list(request: HttpRequest) -> HttpResponse:
    return _list_response(request, PublishedList.Kind.TRUST)


@require_safe
def revocations(request: HttpRequest) -> HttpResponse:
    return _list_response(request, PublishedList.Kind.REVOCATIONS)


def _verdict_texts() -> dict[str, dict[str, str]]:
    explain = {
        Verdict.VALID: _("The issuer's signature holds, and the certificate is neither revoked "
                         "nor expired."),
        Verdict.FORGED: _("The code does not match its signature: it was forged, changed or "
                          "cut short after it was issued. Do not accept it."),
        Verdict.UNKNOWN_KEY: _("The code is signed with a key that is not on the published list "
                               "of issuers. Do not accept it."),
        Verdict.KEY_NOT_ALLOWED: _("The code is signed with a listed key, but that key may not "
                                   "sign this certificate (another type, another issuer or "
                                   "outside the key's period). Do not accept it."),
        Verdict.EXPIRED: _("The certificate is genuine but has passed its expiry date."),
        Verdict.REVOKED: _("The certificate is genuine but its issuer has revoked it."),
        Verdict.UNREADABLE: _("This is not a certificate code, or it is incomplete or damaged. "
                              "Scan the code again."),
    }
    return {v.value: {"title": str(v.label), "explain": explain[v]} for v in Verdict}


def _page_texts() -> dict[str, Any]:
    """Every sentence the page's script may show, in the visitor's language."""
    return {
        "verdicts": _verdict_texts(),
        "kinds": {"skill": _("skill level certificate"), "permit": _("permit")},
        "noExpiry": _("no expiry"),
        "notShown": _("The details in this code cannot be trusted, so they are not shown."),
        "listsMissing": _("The published lists could not be loaded, so the code cannot be "
                          "checked. Connect to the network and refresh the lists."),
        "listsFresh": _("Lists downloaded %(time)s."),
        "listsOffline": _("No network: using the lists downloaded %(time)s."),
        "listsOfflineUndated": _("No network: using the lists kept on this phone."),
        "listsRefused": _("The lists just downloaded failed their signature check; using the "
                          "lists downloaded %(time)s."),
        "refreshing": _("Downloading the lists…"),
        "unsupported": _("This browser cannot run the check. Update it, or open the code in "
                         "another browser."),
    }


def _import_map() -> SafeString:
    imports = {name: static(path) for name, path in MODULES.items()}
    # Inside a <script> element: no "<" may close it early.
    return mark_safe(json.dumps({"imports": imports}).replace("<", "\\u003c"))


@require_safe
def verify_page(request: HttpRequest) -> HttpResponse:
    """The public page that checks a certificate's code in the browser (no login)."""
    return render(request, PAGE_TEMPLATE, {
        "texts": _page_texts(),
        "import_map": _import_map(),
    })


def _read_static(path: str) -> bytes:
    found = finders.find(path)
    return Path(found).read_bytes() if isinstance(found, str) else b""


def _precache_urls() -> list[str]:
    files = [static(path) for path in (*PAGE_FILES, *MODULES.values())]
    return [reverse("verify_page"), reverse("trust_list"), reverse("revocations_list"), *files]


def _service_worker_text() -> str:
    paths = (*PAGE_FILES, *MODULES.values(), SERVICE_WORKER_SOURCE)
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.encode() + b"\0" + _read_static(path))
    config = {
        "version": digest.hexdigest()[:16],
        "page": reverse("verify_page"),
        "lists": [reverse("trust_list"), reverse("revocations_list")],
        "precache": _precache_urls(),
    }
    source = _read_static(SERVICE_WORKER_SOURCE).decode("utf-8")
    return f"self.DUALCERT = {json.dumps(config)};\n{source}"


_cached_service_worker = lru_cache(maxsize=1)(_service_worker_text)


@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    """The verification page's service worker; its version changes with any file it keeps."""
    text = _service_worker_text() if settings.DEBUG else _cached_service_worker()
    response = HttpResponse(text, content_type="text/javascript; charset=utf-8")
    # Browsers look for a new worker on each visit; "no-cache" makes that a cheap revalidation.
    patch_cache_control(response, no_cache=True)
    response["ETag"] = quote_etag(hashlib.sha256(text.encode()).hexdigest()[:16])
    return get_conditional_response(request, etag=response["ETag"], response=response) or response
