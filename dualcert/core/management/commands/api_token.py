"""`dualcert api_token create|list|revoke`: bearer tokens for programs that call the JSON API."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from dualcert.core.tokens import (
    api_token_create,
    api_token_find,
    api_token_revoke,
    api_tokens_listed,
)


def _when(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "-"


class Command(BaseCommand):
    help = ("Create, list and revoke API tokens. A program sends its token as "
            "`Authorization: Bearer <token>`; the token is printed once, when it is created.")

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Make a token for an account.")
        create.add_argument("username", help="The account the token acts as.")
        create.add_argument("--name", required=True,
                            help="Who or what uses the token (e.g. the hiring system of X).")
        listing = actions.add_parser("list", help="List tokens (never the tokens themselves).")
        listing.add_argument("username", nargs="?", default="", help="Only this account's.")
        revoke = actions.add_parser("revoke", help="Stop a token working.")
        revoke.add_argument("token", help="The token's id or its prefix, as `list` shows them.")

    def handle(self, *args: Any, **options: Any) -> None:
        {"create": self._create, "list": self._list, "revoke": self._revoke}[options["action"]](
            options
        )

    def _create(self, options: dict[str, Any]) -> None:
        user_model = get_user_model()
        try:
            user = user_model.objects.get(username=options["username"])
        except user_model.DoesNotExist as exc:
            raise CommandError(f"There is no account named {options['username']!r}.") from exc
        try:
            record, token = api_token_create(actor=None, user=user, name=options["name"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"Token {record.pk} ({record.prefix}…) for {user.get_username()}, "
                          f"“{record.name}”. Copy it now; it is not shown again:")
        self.stdout.write(token)

    def _list(self, options: dict[str, Any]) -> None:
        tokens = list(api_tokens_listed(username=options["username"]))
        if not tokens:
            self.stdout.write("No API tokens.")
            return
        self.stdout.write("id\tprefix\taccount\tname\tcreated\tlast used\trevoked")
        for token in tokens:
            self.stdout.write("\t".join([
                str(token.pk), f"{token.prefix}…", token.user.get_username(), token.name,
                _when(token.created_at), _when(token.last_used_at), _when(token.revoked_at),
            ]))

    def _revoke(self, options: dict[str, Any]) -> None:
        found = api_token_find(options["token"])
        if found is None:
            raise CommandError(f"No single API token has the id or prefix {options['token']!r}; "
                               "see `dualcert api_token list`.")
        try:
            token = api_token_revoke(actor=None, token=found)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"Token {token.pk} ({token.prefix}…) revoked; it no longer works.")
