"""`dualcert import KIND FILE`: import a spreadsheet from the command line, as the pages do."""

import json
import os
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from dualcert.imports import services
from dualcert.imports.kinds import all_kinds
from dualcert.imports.models import ImportBatch
from dualcert.training.selectors import project_visible_to

REFUSED_ROWS_EXIT = 1
BATCH_REFUSED_EXIT = 2
ROWS_LISTED = 50


def _mapping_overrides(batch: ImportBatch, pairs: list[str]) -> dict[str, str]:
    mapping = dict(batch.mapping)
    headers = [str(h) for h in batch.headers]
    for pair in pairs:
        column, _sep, key = pair.partition("=")
        if column.isdigit():
            index = int(column) - 1
        elif column in headers:
            index = headers.index(column)
        else:
            raise CommandError(_("--map %(pair)s: no column is headed “%(column)s”.")
                               % {"pair": pair, "column": column}, returncode=2)
        mapping = {c: k for c, k in mapping.items() if k != key}
        mapping[str(index)] = key
    return mapping


class Command(BaseCommand):
    help = (
        "Import workers, enrollments, attendance or scores from .xlsx/.xls/.ods/.csv. Prints "
        "the report and writes an error sheet of the refused rows; exits 1 when rows were "
        "refused, 2 when the file or the whole batch was refused."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=list(all_kinds()))
        parser.add_argument("file", type=Path)
        parser.add_argument("--project", help="the project's number or public id")
        parser.add_argument("--mode", choices=ImportBatch.Mode.values,
                            default=ImportBatch.Mode.ALL_OR_NOTHING)
        parser.add_argument("--dry-run", action="store_true",
                            help="check every row and report, write nothing")
        parser.add_argument("--user", default=os.environ.get("DUALCERT_USER", ""),
                            help="the account the import is made as (default $DUALCERT_USER)")
        parser.add_argument("--errors", type=Path,
                            help="where to write the error sheet (default FILE.errors.xlsx)")
        parser.add_argument("--map", action="append", default=[], metavar="COLUMN=FIELD",
                            help="feed FIELD from COLUMN (a header text or a 1-based number)")
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            actor = self._actor(options["user"])
            project = self._project(actor, options["project"])
            batch = self._prepare(actor, project, options)
            report = self._run(actor, batch, options)
            errors_at = None
            if report is not None and report.refusals:
                errors_at = options["errors"] or options["file"].with_suffix(
                    options["file"].suffix + ".errors.xlsx")
                services.error_sheet_write(batch, errors_at, report,
                                           source=services.stored_file(batch))
            self._print(batch, report, errors_at, as_json=options["json"])
        if report is None:
            raise SystemExit(BATCH_REFUSED_EXIT)
        if report.refused:
            raise SystemExit(REFUSED_ROWS_EXIT)

    def _actor(self, username: str) -> Any:
        if not username:
            raise CommandError(_("Say which account imports: --user NAME or DUALCERT_USER."),
                               returncode=BATCH_REFUSED_EXIT)
        user = get_user_model().objects.select_related("membership").filter(
            username=username, is_active=True).first()
        if user is None:
            raise CommandError(_("No active account is named “%(name)s”.") % {"name": username},
                               returncode=BATCH_REFUSED_EXIT)
        return user

    def _project(self, actor: Any, reference: str | None) -> Any:
        if not reference:
            return None
        projects = project_visible_to(actor)
        project = projects.filter(code=reference).first()
        if project is None:
            try:
                project = projects.filter(public_id=reference).first()
            except ValidationError:
                project = None
        if project is None:
            raise CommandError(_("No project “%(ref)s” that this account may see.")
                               % {"ref": reference}, returncode=BATCH_REFUSED_EXIT)
        return project

    def _prepare(self, actor: Any, project: Any, options: dict[str, Any]) -> ImportBatch:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(_("No file at %(path)s.") % {"path": path},
                               returncode=BATCH_REFUSED_EXIT)
        try:
            with path.open("rb") as handle:
                batch = services.import_batch_upload(
                    actor=actor, kind=options["kind"], upload=handle, file_name=path.name,
                    project=project, language=settings.LANGUAGE_CODE)
            return services.import_batch_configure(
                actor=actor, batch=batch, mapping=_mapping_overrides(batch, options["map"]),
                mode=options["mode"], dry_run=options["dry_run"])
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)])),
                               returncode=BATCH_REFUSED_EXIT) from exc

    def _run(self, actor: Any, batch: ImportBatch, options: dict[str, Any]) -> Any:
        step = {"next": 0}

        def progress(done: int, total: int) -> None:
            if done >= step["next"] or done == total:
                self.stderr.write(_("%(done)d of %(total)d rows") % {"done": done,
                                                                      "total": total})
                self.stderr.flush()
                step["next"] = done + max(total // 20, 1)

        try:
            return services.import_batch_run_here(actor=actor, batch=batch,
                                                  on_progress=progress)
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)])),
                               returncode=BATCH_REFUSED_EXIT) from exc

    def _print(self, batch: ImportBatch, report: Any, errors_at: Path | None,
               *, as_json: bool) -> None:
        batch.refresh_from_db()
        if as_json:
            self.stdout.write(json.dumps({
                "batch": str(batch.public_id), "status": batch.status, "error": batch.error,
                **({} if report is None else report.figures()),
                "refusals": {} if report is None else {
                    str(n): list(r) for n, r in sorted(report.refusals.items())},
                "error_sheet": str(errors_at) if errors_at else None,
            }, ensure_ascii=False))
            return
        if report is None:
            self.stderr.write(batch.error)
            return
        self.stdout.write(_summary(report, batch))
        for number, reasons in list(sorted(report.refusals.items()))[:ROWS_LISTED]:
            self.stdout.write(_("Row %(row)d: %(reasons)s")
                              % {"row": number, "reasons": "；".join(reasons)})
        if len(report.refusals) > ROWS_LISTED:
            self.stdout.write(_("… and %(count)d more refused rows (see the error sheet).")
                              % {"count": len(report.refusals) - ROWS_LISTED})
        if errors_at:
            self.stdout.write(_("Error sheet: %(path)s") % {"path": errors_at})
        sys.stdout.flush()


def _summary(report: Any, batch: ImportBatch) -> str:
    figures = report.figures()
    line = _("%(read)d rows read: %(created)d created, %(updated)d updated, %(unchanged)d "
             "unchanged, %(duplicates)d duplicates, %(refused)d refused.") % {
        "read": figures["rows_read"], "created": figures["created"],
        "updated": figures["updated"], "unchanged": figures["unchanged"],
        "duplicates": figures["duplicates"], "refused": figures["refused"]}
    if batch.dry_run:
        return line + " " + _("Trial run: nothing was written.")
    if report.refused and batch.mode == ImportBatch.Mode.ALL_OR_NOTHING:
        return line + " " + _("Nothing was written: fix the refused rows and import the "
                              "whole file again.")
    return line
