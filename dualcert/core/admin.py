"""The Django admin is the bureau admin's: reference data, accounts, and the read-only logs."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from dualcert.core.models import ApiToken, AuditEntry, StateChange
from dualcert.core.scoping import scope_for


def is_bureau_admin(request: HttpRequest) -> bool:
    """An active staff account whose role is the bureau admin (a superuser without a role is)."""
    user = request.user
    return bool(user.is_active and user.is_staff and scope_for(user).is_bureau)


# Staff accounts of other roles (a county officer flagged as staff by mistake) must not reach
# any admin page, whatever Django model permissions they hold: the role is the permission.
admin.site.has_permission = is_bureau_admin  # type: ignore[method-assign]
admin.site.site_header = _("Dual certificates · administration")
admin.site.site_title = _("Dual certificates")


class BureauOnlyAdmin:
    """Mixin for ModelAdmin and inlines: the bureau admin may do everything, nobody else a thing."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_bureau_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_bureau_admin(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return is_bureau_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_bureau_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_bureau_admin(request)


class ReadOnlyLogAdmin(BureauOnlyAdmin, admin.ModelAdmin):
    """Logs are evidence: the bureau admin reads them, nobody adds, changes or deletes a row."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyLogAdmin):
    list_display = ("at", "actor", "action", "content_type", "object_public_id")
    list_filter = ("content_type", "action")
    list_select_related = ("actor", "content_type")
    search_fields = ("action",)
    date_hierarchy = "at"


@admin.register(StateChange)
class StateChangeAdmin(ReadOnlyLogAdmin):
    list_display = ("at", "actor", "content_type", "object_pk", "from_state", "to_state")
    list_filter = ("content_type", "to_state")
    list_select_related = ("actor", "content_type")
    date_hierarchy = "at"


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyLogAdmin):
    """Tokens are made with `dualcert api_token create` (shown once); here they are seen and
    revoked. Only the token's hash and prefix are stored."""

    list_display = ("name", "prefix", "user", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix", "user__username")
    list_select_related = ("user",)
    fields = ("name", "prefix", "user", "created_at", "last_used_at", "revoked_at")
    readonly_fields = fields
    actions = ["revoke"]

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: Any) -> None:
        from dualcert.core.tokens import api_token_revoke

        live = queryset.filter(revoked_at__isnull=True)
        for token in live:
            api_token_revoke(actor=request.user, token=token)
        self.message_user(request, _("%(count)d token(s) revoked.") % {"count": len(live)})
