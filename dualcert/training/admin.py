"""Admin: institutions are edited here; projects and their rows are read-mostly.

Projects, modules, sessions and enrollments are created and moved through the services
(pages, API), so their status and history stay consistent; the admin shows them and lets
the bureau correct plain descriptive fields only.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from dualcert.training.models import Enrollment, Institution, Module, Session, TrainingProject


class ReadMostlyAdmin(admin.ModelAdmin):
    """No adding or deleting here: those go through the services."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "region")
    list_filter = ("kind", "region")
    search_fields = ("name",)


class ModuleInline(admin.TabularInline):
    model = Module
    fields = ("order", "name", "theory_hours", "practical_hours")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(TrainingProject)
class TrainingProjectAdmin(ReadMostlyAdmin):
    list_display = ("code", "name", "pathway", "institution", "region", "status", "start_date")
    list_filter = ("status", "region", "pathway")
    search_fields = ("code", "name")
    list_select_related = ("pathway", "institution", "region")
    readonly_fields = (
        "code", "status", "pathway", "institution", "region", "capacity", "subsidy_per_person",
        "completion_threshold", "start_date", "end_date", "demands", "created_by",
    )
    fields = ("code", "name", "place", *readonly_fields[1:])
    inlines = [ModuleInline]


@admin.register(Module)
class ModuleAdmin(ReadMostlyAdmin):
    list_display = ("name", "project", "order", "theory_hours", "practical_hours")
    list_select_related = ("project",)
    search_fields = ("name", "project__code")
    readonly_fields = ("project", "order", "theory_hours", "practical_hours", "requirement_items")
    fields = ("name", *readonly_fields)


@admin.register(Session)
class SessionAdmin(ReadMostlyAdmin):
    list_display = ("day", "topic", "project", "module", "hours")
    list_select_related = ("project", "module")
    search_fields = ("topic", "project__code")
    readonly_fields = ("project", "module", "day", "hours")
    fields = ("topic", *readonly_fields)


@admin.register(Enrollment)
class EnrollmentAdmin(ReadMostlyAdmin):
    list_display = ("project", "worker", "status", "attended_hours", "admitted_at")
    list_filter = ("status",)
    list_select_related = ("project", "worker")
    search_fields = ("project__code",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
