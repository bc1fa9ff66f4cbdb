"""Insights: spreadsheet exports of the list pages and of the headline figures."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dualcert.core.models import Job, RequesterQuerySet


class ExportJob(Job):
    """One export of a list page or of the headline figures into an .xlsx file.

    `params` holds the list page's filters (status, a project's or a county's public id, a
    name search), never an ID number. The file is kept under EXPORT_DIR, named by the public id.
    """

    class Kind(models.TextChoices):
        WORKERS = "workers", _("workers")
        PROJECTS = "projects", _("training projects")
        ENROLLMENTS = "enrollments", _("enrollments of a project")
        RESULTS = "results", _("results of a sitting")
        CERTIFICATES = "certificates", _("certificates")
        PLACEMENTS = "placements", _("placements")
        FIGURES = "figures", _("headline figures")

    kind = models.CharField(_("what is exported"), max_length=16, choices=Kind.choices)
    params = models.JSONField(_("filters"), default=dict, blank=True)

    objects = RequesterQuerySet.as_manager()

    class Meta(Job.Meta):
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        indexes = [models.Index(fields=["requested_by", "created_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(done__lte=models.F("total")),
                                   name="export_job_done_within_total"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} · {self.created_at:%Y-%m-%d %H:%M} · {self.status}"
