"""The one body every refused JSON API call answers with, whatever the stage.

`{"detail": [message, ...]}`, plus `"fields": {field: [message, ...]}` when a ValidationError
names the fields it is about. dualcert/api.py turns exceptions into these bodies; endpoints
declare `response={200: ..., **REFUSALS}` so the OpenAPI schema documents them.
"""

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import HttpError
from ninja.errors import ValidationError as SchemaValidationError


class ErrorOut(Schema):
    """A refusal: every message, and the messages per field when there are any."""

    detail: list[str]
    fields: dict[str, list[str]] | None = None


REFUSALS: dict[int, type[ErrorOut]] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut}


def error_body(messages: list[str], fields: dict[str, list[str]] | None = None) -> dict[str, Any]:
    """The JSON body of a refusal; "fields" only when some field has a message."""
    body: dict[str, Any] = {"detail": [str(m) for m in messages]}
    if fields:
        body["fields"] = fields
    return body


def validation_error_body(exc: ValidationError) -> dict[str, Any]:
    """A service's ValidationError: all its messages, and those tied to a field by field."""
    fields = None
    if hasattr(exc, "error_dict"):
        fields = {name: messages for name, messages in exc.message_dict.items()
                  if name != NON_FIELD_ERRORS}
    return error_body(exc.messages, fields)


def permission_denied_body(exc: PermissionDenied) -> dict[str, Any]:
    """A role refusal, with a default message when the service gave none."""
    return error_body([str(exc) or _("Your role may not do this.")])


def not_found_body() -> dict[str, Any]:
    """An unknown or out-of-scope id: the same answer for both, so nothing leaks."""
    return error_body([_("Nothing matching was found, or you may not see it.")])


def http_error_body(exc: HttpError) -> dict[str, Any]:
    """Ninja's own refusals (not signed in, CSRF check failed) in the same shape."""
    return error_body([str(exc)])


def _field_name(loc: Any) -> str:
    """("body", "payload", "rows", 0, "theory") → "rows.0.theory"; ("query", "page") → "page"."""
    parts = list(loc)
    # A body's location also names the view's parameter, which means nothing to the caller.
    parts = parts[2:] if parts[:1] == ["body"] and len(parts) > 2 else parts[1:]
    return ".".join(str(part) for part in parts) or NON_FIELD_ERRORS


def schema_error_body(exc: SchemaValidationError) -> dict[str, Any]:
    """A request that does not match the endpoint's input schema (422), field by field."""
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        name = _field_name(error.get("loc", ()))
        fields.setdefault(name, []).append(str(error.get("msg", "")))
    messages = [f"{name}: {message}" for name, found in fields.items() for message in found]
    return error_body(messages, fields)
