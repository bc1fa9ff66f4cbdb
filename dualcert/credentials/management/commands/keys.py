"""Create, list and retire issuer signing keys; sign certificates that have no payload yet."""

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from dualcert.assessment.models import EvaluationBody
from dualcert.catalog.models import Department
from dualcert.credentials.models import IssuerKey
from dualcert.credentials.signing import keys


def _moment(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


class Command(BaseCommand):
    help = ("Issuer signing keys: 'list'; 'create' (--department CODE | --evaluation-body NAME "
            "| --all-missing) [--signs-from ISO]; 'retire KID' [--at ISO]; 'sign-missing'. "
            "Private keys are written to SIGNING_KEY_DIR, never to the database.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["list", "create", "retire", "sign-missing"])
        parser.add_argument("kid", nargs="?", help="the key id to retire")
        parser.add_argument("--department", help="department code (permits; HRSS signs lists)")
        parser.add_argument("--evaluation-body", help="evaluation body name as filed")
        parser.add_argument("--all-missing", action="store_true",
                            help="create a first key for every issuer that has none")
        parser.add_argument("--signs-from", type=_moment, default=None,
                            help="when the new key starts signing (it replaces the current key "
                                 "then); default now")
        parser.add_argument("--at", type=_moment, default=None, help="when to retire; default now")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, "_" + options["action"].replace("-", "_"))(options)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc

    def _list(self, options: dict[str, Any]) -> None:
        for key in IssuerKey.objects.order_by("issuer_code", "signs_from"):
            retired = f"retired {key.retired_at:%Y-%m-%d %H:%M}" if key.retired_at else "active"
            self.stdout.write(
                f"{key.kid}  {key.issuer_code}  {key.issuer_name}  from "
                f"{key.signs_from:%Y-%m-%d %H:%M}  {retired}  types: "
                f"{', '.join(key.certificate_types) or '-'}{'  + lists' if key.signs_lists else ''}"
            )

    def _issuers(self, options: dict[str, Any]) -> list[keys.Issuer]:
        if options["all_missing"]:
            issuers: list[keys.Issuer] = [
                *Department.objects.exclude(issuer_keys__isnull=False).order_by("code"),
                *EvaluationBody.objects.exclude(issuer_keys__isnull=False).order_by("name"),
            ]
            return issuers
        if options["department"]:
            found = Department.objects.filter(code=options["department"]).first()
        elif options["evaluation_body"]:
            found = EvaluationBody.objects.filter(name=options["evaluation_body"]).first()
        else:
            raise CommandError("Name the issuer: --department CODE, --evaluation-body NAME "
                               "or --all-missing.")
        if found is None:
            raise CommandError("No such issuer.")
        return [found]

    def _create(self, options: dict[str, Any]) -> None:
        for issuer in self._issuers(options):
            if options["all_missing"] and keys.current_key(issuer) is not None:
                continue  # the bureau's list key appears with the first trust list
            key = keys.issuer_key_create(actor=None, issuer=issuer,
                                         signs_from=options["signs_from"])
            self.stdout.write(f"created {key.kid} for {key.issuer_name}, signing from "
                              f"{key.signs_from:%Y-%m-%d %H:%M}; private key in "
                              f"{keys.key_path(key.kid)}")

    def _retire(self, options: dict[str, Any]) -> None:
        key = IssuerKey.objects.filter(kid=options["kid"] or "").first()
        if key is None:
            raise CommandError("Give the id of an existing key (see 'keys list').")
        keys.issuer_key_retire(actor=None, key=key, at=options["at"])
        self.stdout.write(f"retired {key.kid} from {key.retired_at:%Y-%m-%d %H:%M}")

    def _sign_missing(self, options: dict[str, Any]) -> None:
        count = keys.certificates_sign_missing()
        self.stdout.write(f"{count} certificate(s) signed.")
