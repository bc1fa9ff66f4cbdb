"""Admin of referrals and placements: for looking things up; moves go through the pages."""

from django.contrib import admin

from dualcert.employment.models import Placement, Referral


class PlacementInline(admin.StackedInline):
    model = Placement
    extra = 0
    can_delete = False
    readonly_fields = ("worker", "employer", "start_date", "monthly_wage", "contract_type")


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    list_display = ("public_id", "demand", "worker", "status", "score", "applied_at", "updated_at")
    list_filter = ("status", "demand__region")
    search_fields = ("demand__title", "demand__employer__name")
    list_select_related = ("demand", "demand__employer", "worker")
    raw_id_fields = ("demand", "worker")
    # Status changes only through the referral services, which keep history and audit.
    readonly_fields = ("public_id", "status", "score", "reasons", "applied_at", "created_at",
                       "updated_at")
    inlines = [PlacementInline]


@admin.register(Placement)
class PlacementAdmin(admin.ModelAdmin):
    list_display = ("public_id", "worker", "employer", "start_date", "monthly_wage",
                    "contract_type")
    list_filter = ("contract_type",)
    list_select_related = ("worker", "employer")
    search_fields = ("employer__name",)
    raw_id_fields = ("referral", "worker", "employer")
    readonly_fields = ("public_id", "created_at", "updated_at")
