from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from dualcert.core.admin import ReadOnlyLogAdmin
from dualcert.credentials.models import (
    Certificate,
    IssuerKey,
    PublishedList,
    Revocation,
    Verification,
)


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    """Certificates are issued and revoked through the audited services; here they are read."""

    list_display = ("number", "certificate_type", "worker", "issued_on", "expires_on", "status")
    list_filter = ("status", "certificate_type")
    search_fields = ("number",)
    list_select_related = ("certificate_type", "worker")
    readonly_fields = (
        "public_id", "number", "certificate_type", "worker", "result", "issuer_name",
        "issued_on", "expires_on", "review_due", "status", "signing_key", "signed_payload",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Revocation)
class RevocationAdmin(admin.ModelAdmin):
    list_display = ("certificate", "revoked_by", "created_at")
    list_select_related = ("certificate", "revoked_by")
    readonly_fields = ("public_id", "certificate", "reason", "revoked_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(IssuerKey)
class IssuerKeyAdmin(ReadOnlyLogAdmin):
    list_display = ("kid", "issuer_name", "signs_from", "retired_at", "signs_lists")
    list_filter = ("signs_lists",)
    search_fields = ("kid", "issuer_name", "issuer_code")


@admin.register(PublishedList)
class PublishedListAdmin(ReadOnlyLogAdmin):
    list_display = ("kind", "version", "made_at")
    list_filter = ("kind",)


@admin.register(Verification)
class VerificationAdmin(ReadOnlyLogAdmin):
    list_display = ("at", "verifier_name", "certificate", "verdict")
    list_filter = ("verdict",)
    list_select_related = ("certificate",)
