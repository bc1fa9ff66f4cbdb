"""API tokens: integrators' programs call the JSON API with `Authorization: Bearer <token>`.

A token is random, shown once when made, and stored only as its SHA-256, so a copy of the
database gives nobody a working token. Tokens are never written to a log or an audit row;
the audit keeps the token's name and prefix.
"""

import hashlib
import secrets
import time
from functools import lru_cache
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer

from dualcert.core.audit import audit_record
from dualcert.core.models import ApiToken

TOKEN_PREFIX = "dct_"  # noqa: S105  (marks our tokens; not a secret)
SHOWN_PREFIX_LENGTH = len(TOKEN_PREFIX) + 6
# Marking a token used costs a write; once a minute (per process) is precise enough to spot
# unused tokens.
LAST_USED_PRECISION = 60.0
# An account's role and organisation name the verifier in the log; a change shows within this.
ACCOUNT_KEPT = 60.0
MEMBERSHIP_RELATED = tuple(
    f"membership__{name}"
    for name in ("employer", "department", "institution", "evaluation_body", "region")
)
# A live token is asked about again after this: a revocation made in another process (the
# console) holds within it; one made in this process holds at once.
LIVE_RECHECKED_AFTER = 1.0
# Per process, by token hash: when the token was found live (and its id), when this process
# last wrote last_used_at, and the account.
_live: dict[str, tuple[float, int]] = {}
_marked: dict[str, float] = {}
_accounts: dict[str, tuple[float, Any]] = {}


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def api_token_create(*, actor: Any, user: Any, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`; returns the record and the token, which is never shown again."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name that says who uses it.")})
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = ApiToken.objects.create(user=user, name=name, token_hash=token_hash(token),
                                     prefix=token[:SHOWN_PREFIX_LENGTH])
    audit_record(actor=actor, action="api_token.create", obj=record,
                 after={"user": user.get_username(), "name": name, "prefix": record.prefix})
    return record, token


@transaction.atomic
def api_token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    """Stop a token working from now on; the record stays for the audit trail."""
    if token.revoked_at is not None:
        raise ValidationError(_("This token is already revoked."), code="already_revoked")
    token.revoked_at = timezone.now()
    _live.pop(token.token_hash, None)
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=token.revoked_at)
    audit_record(actor=actor, action="api_token.revoke", obj=token,
                 after={"name": token.name, "prefix": token.prefix})
    return token


def api_tokens_listed(*, username: str = "") -> QuerySet[ApiToken]:
    """Every token (of one user when a username is given), newest first, for the console."""
    tokens = ApiToken.objects.select_related("user").order_by("-created_at", "-id")
    return tokens.filter(user__username=username) if username else tokens


def api_token_find(key: str) -> ApiToken | None:
    """The one token with this id or shown prefix, else None (also when a prefix is shared)."""
    key = key.rstrip("…")
    found = list(ApiToken.objects.filter(pk=int(key)) if key.isdigit()
                 else ApiToken.objects.filter(prefix=key)[:2])
    return found[0] if len(found) == 1 else None


@lru_cache(maxsize=1)
def _live_token_sql() -> str:
    token, user = ApiToken._meta, get_user_model()._meta
    name = connection.ops.quote_name

    def column(meta: Any, field: str) -> str:
        return name(meta.get_field(field).column)

    # Identifiers come from the models, values are parameters.
    return (
        f"SELECT t.{column(token, 'id')} FROM {name(token.db_table)} t "  # noqa: S608
        f"JOIN {name(user.db_table)} u ON u.{column(user, 'id')} = t.{column(token, 'user')} "
        f"WHERE t.{column(token, 'token_hash')} = %s AND t.{column(token, 'revoked_at')} IS NULL"
        f" AND u.{column(user, 'is_active')} = %s"
    )


def _live_token(digest: str) -> int | None:
    """The id of the live token with this hash whose account is active, else None.

    Plain SQL built from the models' own table and column names: it runs on the verification
    API's calls, where compiling the same ORM query cost more than verifying the certificate
    (bench/verify.py). A live token is asked about again after LIVE_RECHECKED_AFTER.
    """
    now = time.monotonic()
    known = _live.get(digest)
    if known is not None and now - known[0] < LIVE_RECHECKED_AFTER:
        return known[1]
    with connection.cursor() as cursor:
        cursor.execute(_live_token_sql(), [digest, True])
        row = cursor.fetchone()
    if row is None:
        _live.pop(digest, None)
        return None
    if len(_live) > 1000:
        _live.clear()
    _live[digest] = (now, int(row[0]))
    return int(row[0])


def _mark_used(token_id: int, digest: str) -> None:
    now = time.monotonic()
    if now - _marked.get(digest, -LAST_USED_PRECISION) >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token_id).update(last_used_at=timezone.now())
        _marked[digest] = now


def _account(token_id: int, digest: str) -> Any:
    """The token's account with its role and organisation, kept a minute per process."""
    now = time.monotonic()
    kept = _accounts.get(digest)
    if kept is not None and now - kept[0] < ACCOUNT_KEPT:
        return kept[1]
    if len(_accounts) > 1000:
        _accounts.clear()
    user = (get_user_model().objects.select_related(*MEMBERSHIP_RELATED)
            .get(api_tokens__pk=token_id))
    _accounts[digest] = (now, user)
    return user


def api_token_user(token: str) -> Any:
    """The active user a live token belongs to, or None; notes when the token was last used.

    Whether the token is live is asked of the database at most once a second per process;
    the account's role and organisation (for the verifier's name) are kept for a minute.
    """
    if not token.startswith(TOKEN_PREFIX):
        return None
    digest = token_hash(token)
    token_id = _live_token(digest)
    if token_id is None:
        return None
    _mark_used(token_id, digest)
    return _account(token_id, digest)


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`: a wrong or revoked token is refused with 401.

    Without the header it answers None, so the next authentication (the session) is tried.
    The token is bound to no browser, so a call made with it needs no CSRF token.
    """

    def __call__(self, request: HttpRequest) -> Any:
        # Parsed here rather than in HttpBearer, which may log the header's value.
        scheme, _space, token = request.headers.get(self.header, "").partition(" ")
        if scheme.lower() != self.openapi_scheme:
            return None
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_user(token)
        if user is None:
            raise HttpError(401, _("The API token is not valid, or it has been revoked."))
        request.user = user
        request.api_token_used = True  # type: ignore[attr-defined]
        return user


def called_with_token(request: HttpRequest) -> bool:
    return bool(getattr(request, "api_token_used", False))
