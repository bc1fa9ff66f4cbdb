"""`dualcert verify`: check certificates from payloads, QR URLs, photos of the QR and PDFs.

Exit status: 0 when everything found is valid, 1 when anything found is not, 2 when an
input could not be read at all (a missing file, a picture without a QR code, bad list files).
"""

import json
import sys
from argparse import ArgumentTypeError
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dualcert.credentials.scanning import NotReadable, qr_texts_in_file
from dualcert.credentials.signing.batch import verify_many
from dualcert.credentials.signing.lists import trust_store_current
from dualcert.credentials.signing.payload import PREFIX
from dualcert.credentials.signing.trust import ListError, TrustStore
from dualcert.credentials.signing.verify import Outcome, Verdict
from dualcert.credentials.verifications import outcome_fields

ALL_VALID, NOT_ALL_VALID, INPUT_UNREADABLE = 0, 1, 2


@dataclass(frozen=True)
class Found:
    """One payload to verify and where it came from (argument, file line, PDF page)."""

    source: str
    text: str


@dataclass(frozen=True)
class Problem:
    source: str
    message: str


def _is_text(argument: str) -> bool:
    """A payload or a URL carrying one; anything else names a file."""
    value = argument.strip()
    return value.startswith(PREFIX) or "://" in value or "#" in value


def _from_argument(number: int, argument: str) -> tuple[list[Found], list[Problem]]:
    if _is_text(argument):
        return [Found(_("argument %(number)s") % {"number": number}, argument.strip())], []
    try:
        return [Found(where, text) for where, text in qr_texts_in_file(Path(argument))], []
    except NotReadable as exc:
        return [], [Problem(argument, str(exc))]


def _from_list_file(name: str) -> tuple[list[Found], list[Problem]]:
    try:
        lines = sys.stdin.readlines() if name == "-" else Path(name).read_text(
            encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        return [], [Problem(name, _("the file cannot be read (%(error)s)") % {
            "error": exc.strerror if isinstance(exc, OSError) else _("not UTF-8 text")})]
    found = [Found(f"{name}:{number}", line.strip())
             for number, line in enumerate(lines, start=1) if line.strip()]
    return found, []


def collect(arguments: list[str], list_files: list[str]) -> tuple[list[Found], list[Problem]]:
    """Every payload in the arguments and list files, in order, and the inputs that failed."""
    found: list[Found] = []
    problems: list[Problem] = []
    parts = [_from_argument(n, a) for n, a in enumerate(arguments, start=1)]
    parts += [_from_list_file(name) for name in list_files]
    for items, failed in parts:
        found += items
        problems += failed
    return found, problems


def _load_json(path: str, what: str) -> dict[str, Any]:
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise CommandError(_("The %(what)s %(path)s cannot be read: %(error)s")
                           % {"what": what, "path": path, "error": exc},
                           returncode=INPUT_UNREADABLE) from exc
    if not isinstance(document, dict):
        raise CommandError(_("The %(what)s %(path)s is not a list document.")
                           % {"what": what, "path": path}, returncode=INPUT_UNREADABLE)
    return document


def load_trust(trust_list: str | None, revocations: str | None) -> TrustStore:
    """The trust store from two downloaded list files, else from this database's lists."""
    if bool(trust_list) != bool(revocations):
        raise CommandError(_("Give both --trust-list and --revocations to verify offline, or "
                             "neither to use this installation's current lists."),
                           returncode=INPUT_UNREADABLE)
    try:
        if trust_list and revocations:
            return TrustStore.from_documents(_load_json(trust_list, _("trust list")),
                                             _load_json(revocations, _("revocation list")))
        return trust_store_current()
    except ListError as exc:
        raise CommandError(_("The list files do not hold up (%(error)s): download both again.")
                           % {"error": exc}, returncode=INPUT_UNREADABLE) from exc
    except DatabaseError as exc:
        raise CommandError(_("The database cannot be read (%(error)s). Verify offline with "
                             "--trust-list and --revocations instead.") % {"error": exc},
                           returncode=INPUT_UNREADABLE) from exc


def _moment(value: str) -> float:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ArgumentTypeError(_("%(value)r is not a date and time such as "
                                  "2030-01-01T08:00+08:00") % {"value": value}) from exc
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment.timestamp()


def exit_status(outcomes: list[Outcome], problems: list[Problem]) -> int:
    if problems or not outcomes:
        return INPUT_UNREADABLE
    return ALL_VALID if all(outcome.valid for outcome in outcomes) else NOT_ALL_VALID


def summary(outcomes: list[Outcome]) -> str:
    counts = Counter(outcome.verdict for outcome in outcomes)
    parts = ", ".join(f"{counts[verdict]} {verdict.label}" for verdict in Verdict
                      if counts[verdict])
    total = ngettext("%(count)s certificate", "%(count)s certificates", len(outcomes)) % {
        "count": len(outcomes)}
    return f"{total}: {parts}." if parts else f"{total}."


def line(found: Found, outcome: Outcome) -> str:
    """verdict · number · holder · type · issuer [source], one line per certificate."""
    claims = outcome.certificate
    issuer = outcome.issuer_name or str(claims.get("ib", ""))
    fields = [str(outcome.verdict.label), *(str(claims.get(key, "")) for key in ("n", "h", "tn")),
              issuer, f"[{found.source}]"]
    return "  ".join(field for field in fields if field)


class Command(BaseCommand):
    help = ("Verify certificates: signed payloads (DC1:…), the URLs in their QR codes, PNG or "
            "JPEG pictures of a QR code, and certificate PDFs. Exit status 0: all valid; "
            "1: some not valid; 2: an input could not be read.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("inputs", nargs="*", metavar="PAYLOAD|URL|FILE",
                            help="Payloads, URLs, picture files or PDF files, in any mix.")
        parser.add_argument("--from-file", action="append", default=[], metavar="FILE",
                            help="A text file with one payload or URL a line (- reads stdin); "
                                 "may be given more than once.")
        parser.add_argument("--trust-list", metavar="FILE",
                            help="A downloaded trust list (verify offline; with --revocations).")
        parser.add_argument("--revocations", metavar="FILE",
                            help="A downloaded revocation list (with --trust-list).")
        parser.add_argument("--json", action="store_true", help="Print the results as JSON.")
        parser.add_argument("--now", type=_moment, default=None, metavar="ISO",
                            help="Judge expiry at this time (e.g. 2030-01-01T00:00+08:00).")

    def handle(self, *args: Any, **options: Any) -> None:
        found, problems = collect(options["inputs"], options["from_file"])
        if not found and not problems:
            raise CommandError(_("Give at least one payload, URL, picture or PDF file, or "
                                 "--from-file."), returncode=INPUT_UNREADABLE)
        # Nothing readable: say why without needing the lists (or a database) at all.
        trust = load_trust(options["trust_list"], options["revocations"]) if found else None
        outcomes = (verify_many([item.text for item in found], trust, now=options["now"])
                    if trust is not None else [])
        if options["json"]:
            self._write_json(found, outcomes, problems, trust)
        else:
            self._write_lines(found, outcomes, problems)
        status = exit_status(outcomes, problems)
        if status != ALL_VALID:
            raise SystemExit(status)

    def _write_lines(self, found: list[Found], outcomes: list[Outcome],
                     problems: list[Problem]) -> None:
        for item, outcome in zip(found, outcomes, strict=True):
            self.stdout.write(line(item, outcome))
        for problem in problems:
            self.stderr.write(_("Cannot read %(source)s: %(message)s.")
                              % {"source": problem.source, "message": problem.message})
        self.stdout.write(summary(outcomes))

    def _write_json(self, found: list[Found], outcomes: list[Outcome], problems: list[Problem],
                    trust: TrustStore | None) -> None:
        document = {
            "results": [{"source": item.source, **outcome_fields(outcome, trust)}
                        for item, outcome in zip(found, outcomes, strict=True)
                        if trust is not None],
            "errors": [{"source": p.source, "message": p.message} for p in problems],
            "summary": {"total": len(outcomes),
                        **Counter(str(outcome.verdict.value) for outcome in outcomes)},
            "trust_list_version": trust.trust_version if trust else None,
            "revocations_version": trust.revocations_version if trust else None,
        }
        self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2, default=str))
