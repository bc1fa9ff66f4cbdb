"""Imports: one uploaded spreadsheet, its column mapping, its run and its report."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dualcert.core.models import Job, RequesterQuerySet


class ImportBatch(Job):
    """One uploaded file being imported: prepared (preview and mapping) → queued → running →
    done | failed. The file itself is kept under IMPORT_DIR, named by the public id."""

    class Mode(models.TextChoices):
        ALL_OR_NOTHING = "all-or-nothing", _("all or nothing: any refused row stops the import")
        KEEP_GOOD = "keep-good", _("keep the good rows, report the refused ones")

    kind = models.CharField(_("what is imported"), max_length=16)
    project = models.ForeignKey(
        "training.TrainingProject", null=True, blank=True, on_delete=models.CASCADE,
        related_name="import_batches", verbose_name=_("training project"),
    )
    file_name = models.CharField(_("file"), max_length=255)
    file_format = models.CharField(_("format"), max_length=8)
    header_row = models.PositiveIntegerField(_("header row"), default=1)
    # Column index (as a string, JSON keys are strings) → field key; unmapped columns absent.
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    headers = models.JSONField(default=list, blank=True)  # the file's header cells as text
    mode = models.CharField(_("mode"), max_length=16, choices=Mode.choices,
                            default=Mode.ALL_OR_NOTHING)
    dry_run = models.BooleanField(_("trial run (nothing is written)"), default=False)
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    created = models.PositiveIntegerField(pgettext_lazy("import rows", "created"), default=0)
    updated = models.PositiveIntegerField(pgettext_lazy("import rows", "updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    duplicates = models.PositiveIntegerField(_("duplicate rows"), default=0)
    refused = models.PositiveIntegerField(_("refused"), default=0)
    written = models.BooleanField(_("written to the database"), default=False)

    objects = RequesterQuerySet.as_manager()

    class Meta(Job.Meta):
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [models.Index(fields=["requested_by", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} · {self.created_at:%Y-%m-%d %H:%M} · {self.status}"


class ImportRowError(models.Model):
    """Why one row of an import was refused (kept whether or not the batch was written)."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="row_errors")
    row_number = models.PositiveIntegerField(_("row"))
    reasons = models.JSONField(_("reasons"), default=list)

    class Meta:
        verbose_name = _("refused row")
        verbose_name_plural = _("refused rows")
        ordering = ["batch", "row_number"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "row_number"], name="import_row_error_once"),
        ]

    def __str__(self) -> str:
        return f"{self.row_number}: {'; '.join(self.reasons)}"
