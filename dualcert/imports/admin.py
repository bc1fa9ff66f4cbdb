"""Imports in the admin: the bureau admin reads every batch and its figures, changes none."""

from django.contrib import admin

from dualcert.core.admin import ReadOnlyLogAdmin
from dualcert.imports.models import ImportBatch


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyLogAdmin):
    """A batch is changed only by its run; its refused rows are read on its report page."""

    list_display = ("created_at", "kind", "requested_by", "project", "status", "mode",
                    "dry_run", "rows_read", "created", "updated", "unchanged", "duplicates",
                    "refused", "written")
    list_filter = ("kind", "status", "mode", "dry_run", "written")
    list_select_related = ("requested_by", "project")
    date_hierarchy = "created_at"
    # The file name and the header texts are kept off the list: an office may have named the
    # file after a person. The detail page shows them to the bureau admin.
    fields = ("public_id", "kind", "project", "requested_by", "status", "file_name",
              "file_format", "header_row", "headers", "mapping", "mode", "dry_run",
              "rows_read", "created", "updated", "unchanged", "duplicates", "refused",
              "written", "total", "done", "error", "language", "created_at", "finished_at")
    readonly_fields = fields
