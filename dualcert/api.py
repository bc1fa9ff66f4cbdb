"""The JSON API: one router per stage, session-authenticated with CSRF, OpenAPI at /api/docs.

The certificate verification endpoints also accept `Authorization: Bearer <API token>`
(`dualcert.core.tokens`, tokens made with `dualcert api_token create`), for integrators'
programs; a token is bound to no browser, so those calls need no CSRF token.

Endpoints only call selectors and services; the refusals those raise become HTTP errors here,
all with the body of `dualcert.core.api_errors.ErrorOut`: ValidationError → 400,
PermissionDenied → 403, Http404 → 404.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import path
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.errors import ValidationError as SchemaValidationError
from ninja.security import django_auth

from dualcert.assessment.api import router as assessment
from dualcert.catalog.api import router as catalog
from dualcert.core.api_errors import (
    http_error_body,
    not_found_body,
    permission_denied_body,
    schema_error_body,
    validation_error_body,
)
from dualcert.credentials.api import router as credentials
from dualcert.demand.api import router as demand
from dualcert.employment.api import router as employment
from dualcert.fairs.api import router as fairs
from dualcert.imports.api import router as imports
from dualcert.insights.api import router as insights
from dualcert.people.api import router as people
from dualcert.training.api import router as training

api = NinjaAPI(title="dualcert", version="1", auth=django_auth, urls_namespace="api")
# Credentials first: certificate verification is most of the API's traffic, and URL patterns
# are tried in the order they are added.
for prefix, router in [
    ("credentials", credentials), ("catalog", catalog), ("people", people), ("demand", demand),
    ("training", training), ("assessment", assessment), ("employment", employment),
    ("fairs", fairs), ("insights", insights), ("imports", imports),
]:
    api.add_router(f"/{prefix}/", router)


@api.exception_handler(ValidationError)
def refused(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, validation_error_body(exc), status=400)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, permission_denied_body(exc), status=403)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, not_found_body(), status=404)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, http_error_body(exc), status=exc.status_code)


@api.exception_handler(SchemaValidationError)
def schema_mismatch(request: HttpRequest, exc: SchemaValidationError) -> HttpResponse:
    return api.create_response(request, schema_error_body(exc), status=422)


urlpatterns = [path("", api.urls)]
