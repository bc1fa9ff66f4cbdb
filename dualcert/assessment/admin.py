from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from dualcert.assessment.models import EvaluationBody, Result, Score, Sitting


class ReadOnlyAdmin(admin.ModelAdmin):
    """Scores and results change only through the audited services."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(EvaluationBody)
class EvaluationBodyAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "body_code", "site_code", "region")
    list_filter = ("kind", "region")
    search_fields = ("name", "site_code")
    readonly_fields = ("public_id",)


@admin.register(Sitting)
class SittingAdmin(admin.ModelAdmin):
    list_display = ("project", "evaluation_body", "day", "place", "status")
    list_filter = ("status", "evaluation_body")
    search_fields = ("project__code", "project__name", "place")
    list_select_related = ("project", "evaluation_body")
    readonly_fields = ("public_id", "project", "status", "confirmed_by")
    raw_id_fields = ("evaluation_body",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # scheduled through the sitting page, which checks the project


@admin.register(Score)
class ScoreAdmin(ReadOnlyAdmin):
    list_display = ("sitting", "enrollment", "theory", "practical", "absent")
    list_select_related = ("sitting__project", "enrollment__worker", "enrollment__project")
    list_filter = ("absent",)


@admin.register(Result)
class ResultAdmin(ReadOnlyAdmin):
    list_display = ("score", "certificate_type", "passed", "retake", "confirmed_at")
    list_select_related = ("score", "certificate_type")
    list_filter = ("passed", "retake", "certificate_type")
