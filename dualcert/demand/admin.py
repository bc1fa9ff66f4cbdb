"""Employers in the admin (the bureau registers them); job demands are only read here."""

from typing import Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest

from dualcert.core.admin import BureauOnlyAdmin
from dualcert.demand.models import Employer, JobDemand
from dualcert.demand.services import employer_save, employer_snapshot


@admin.register(Employer)
class EmployerAdmin(BureauOnlyAdmin, admin.ModelAdmin):
    list_display = ("name", "credit_code", "region", "contact_name")
    list_filter = ("region",)
    list_select_related = ("region",)
    search_fields = ("name", "credit_code")
    autocomplete_fields = ("region",)

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        stored = Employer.objects.filter(pk=obj.pk).first() if change else None
        employer_save(actor=request.user, employer=obj, before=employer_snapshot(stored))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # demands, placements and accounts refer to it


@admin.register(JobDemand)
class JobDemandAdmin(BureauOnlyAdmin, admin.ModelAdmin):
    """Read-only: demands are posted, changed and closed on the demand pages (audited there)."""

    list_display = ("title", "employer", "region", "headcount", "deadline", "status")
    list_filter = ("status", "region")
    list_select_related = ("employer", "region")
    search_fields = ("title", "employer__name")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
