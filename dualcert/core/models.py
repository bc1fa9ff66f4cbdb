"""Shared pieces: the base model, the audit log, state-change history, number sequences."""

import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dualcert.core.scoping import EVERYTHING, Scope, ScopedQuerySet


class BaseModel(models.Model):
    """Internal sequential id; `public_id` (a UUID) is the only id that reaches a URL."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AuditEntry(models.Model):
    """One change to a person, result, certificate or reference record: who, what, when."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("actor"),
    )
    action = models.CharField(_("action"), max_length=64)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_pk = models.BigIntegerField(_("object"))
    object_public_id = models.UUIDField(null=True, blank=True)
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_pk"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


class StateChange(models.Model):
    """One move of a workflow object from one state to another."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_pk = models.BigIntegerField()
    from_state = models.CharField(_("from"), max_length=32)
    to_state = models.CharField(_("to"), max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("reason"), blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("state change")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["content_type", "object_pk"])]

    def __str__(self) -> str:
        return f"{self.from_state} → {self.to_state}"


class NumberSequence(models.Model):
    """A named counter handed out under a row lock (certificate numbers, project codes)."""

    key = models.CharField(max_length=64, unique=True)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


class ApiToken(models.Model):
    """A bearer token with which an integrator's program calls the JSON API as `user`.

    Only the SHA-256 of the token is stored: the token itself is shown once, when it is
    made, and cannot be recovered from the database. `prefix` lets people tell tokens apart.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=64)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("prefix"), max_length=16, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["user", "-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class RequesterQuerySet(ScopedQuerySet):
    """Jobs whose result holds what their requester may see (rows, full ID numbers): only the
    requester sees the job and its file, and the bureau, who sees everything."""

    def scope_q(self, scope: Scope, *, write: bool) -> Q:
        if scope.is_bureau:
            return EVERYTHING
        return Q(requested_by_id=scope.user_id)


class Job(BaseModel):
    """Long work run by a background task: who asked, its state, how far it has got.

    While a job runs, its progress is kept in the cache (`core/jobs.py`), not in this row:
    an import holds its whole batch in one transaction, so a row update would not be seen
    until the end (and on SQLite would wait for the import's write lock).
    """

    class Status(models.TextChoices):
        PREPARED = "prepared", _("waiting for you")
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    TRANSITIONS = {
        "prepared": {"prepared", "queued"}, "queued": {"running", "failed"},
        "running": {"done", "failed"}, "done": set(), "failed": set(),
    }

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("requested by"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    total = models.PositiveIntegerField(_("to do"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    error = models.TextField(_("error"), blank=True)
    language = models.CharField(max_length=16, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
