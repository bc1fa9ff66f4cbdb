"""Reference data in the admin: the bureau admin confirms or corrects facts, each save audited."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest

from dualcert.catalog.models import (
    CertificateType,
    Department,
    Occupation,
    Pathway,
    RecognitionRule,
    ReferenceModel,
    Region,
    RequirementItem,
    TargetGroup,
)
from dualcert.catalog.selectors import reference_stored
from dualcert.catalog.services import reference_delete, reference_save, reference_snapshot
from dualcert.core.admin import BureauOnlyAdmin

FACTS = ("fact_status", "source")


class AuditedReferenceAdmin(BureauOnlyAdmin, admin.ModelAdmin):
    """Saves and deletes go through the catalogue's services, so each one is audited."""

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        before = reference_snapshot(reference_stored(obj))
        reference_save(actor=request.user, obj=obj, before=before)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        reference_delete(actor=request.user, obj=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            reference_delete(actor=request.user, obj=obj)

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseInlineFormSet, change: bool
    ) -> None:
        rows: list[ReferenceModel] = formset.save(commit=False)
        for obj in formset.deleted_objects:
            reference_delete(actor=request.user, obj=obj)
        for obj in rows:
            reference_save(
                actor=request.user, obj=obj, before=reference_snapshot(reference_stored(obj))
            )
        formset.save_m2m()


class RequirementItemInline(BureauOnlyAdmin, admin.TabularInline):
    model = RequirementItem
    extra = 0
    fields = ("code", "name", "theory_hours", "practical_hours", *FACTS)


@admin.register(Region)
class RegionAdmin(AuditedReferenceAdmin):
    list_display = ("code", "name", "level", "parent", "retired", "fact_status")
    list_filter = ("fact_status", "level", "retired")
    list_select_related = ("parent",)
    search_fields = ("code", "name")
    autocomplete_fields = ("parent",)


@admin.register(Department)
class DepartmentAdmin(AuditedReferenceAdmin):
    list_display = ("code", "name", "kind", "fact_status")
    list_filter = ("fact_status", "kind")
    search_fields = ("code", "name")


@admin.register(Occupation)
class OccupationAdmin(AuditedReferenceAdmin):
    list_display = ("code", "name", "edition", "fact_status")
    list_filter = ("fact_status",)
    search_fields = ("code", "name")


@admin.register(CertificateType)
class CertificateTypeAdmin(AuditedReferenceAdmin):
    list_display = (
        "code", "name", "kind", "department", "level", "validity_years", "standard_fee",
        "fact_status",
    )
    list_filter = ("fact_status", "kind", "department")
    list_select_related = ("department",)
    search_fields = ("code", "name", "credential", "category", "item")
    autocomplete_fields = ("occupation",)
    inlines = (RequirementItemInline,)


@admin.register(RequirementItem)
class RequirementItemAdmin(AuditedReferenceAdmin):
    list_display = ("code", "name", "certificate_type", "theory_hours", "practical_hours",
                    "fact_status")
    list_filter = ("fact_status", "certificate_type__kind")
    list_select_related = ("certificate_type",)
    search_fields = ("code", "name")
    autocomplete_fields = ("certificate_type",)


@admin.register(Pathway)
class PathwayAdmin(AuditedReferenceAdmin):
    list_display = ("code", "name", "skill_certificate", "permit", "active", "fact_status")
    list_filter = ("fact_status", "active")
    list_select_related = ("skill_certificate", "permit")
    search_fields = ("code", "name")


@admin.register(RecognitionRule)
class RecognitionRuleAdmin(AuditedReferenceAdmin):
    list_display = ("held", "counts_as", "fact_status")
    list_filter = ("fact_status",)
    list_select_related = ("held", "counts_as")
    autocomplete_fields = ("held", "counts_as")


@admin.register(TargetGroup)
class TargetGroupAdmin(AuditedReferenceAdmin):
    list_display = ("code", "name", "priority", "fact_status")
    list_filter = ("fact_status", "priority")
    search_fields = ("code", "name")
