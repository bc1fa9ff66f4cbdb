"""Admin of job fairs: for looking things up; fairs move and change through their pages."""

from django.contrib import admin

from dualcert.fairs.models import Booth, FairCheckIn, FairReferral, JobFair


@admin.register(JobFair)
class JobFairAdmin(admin.ModelAdmin):
    list_display = ("name", "day", "region", "campaign", "status")
    list_filter = ("status", "campaign", "region")
    search_fields = ("name", "place", "organiser")
    # Status changes only through the fair services, which keep history and audit.
    readonly_fields = ("public_id", "status", "created_by", "created_at", "updated_at")


@admin.register(Booth)
class BoothAdmin(admin.ModelAdmin):
    list_display = ("fair", "number", "employer")
    list_select_related = ("fair", "employer")
    raw_id_fields = ("fair", "employer", "demands")
    readonly_fields = ("public_id", "created_at", "updated_at")


@admin.register(FairCheckIn)
class FairCheckInAdmin(admin.ModelAdmin):
    list_display = ("fair", "worker", "at", "method")
    list_select_related = ("fair", "worker")
    raw_id_fields = ("fair", "worker", "by")
    readonly_fields = ("public_id", "at", "method", "created_at", "updated_at")


@admin.register(FairReferral)
class FairReferralAdmin(admin.ModelAdmin):
    list_display = ("fair", "booth", "referral", "channel")
    list_select_related = ("fair", "booth", "booth__employer", "referral")
    raw_id_fields = ("fair", "booth", "referral", "by")
    readonly_fields = ("public_id", "channel", "created_at", "updated_at")
