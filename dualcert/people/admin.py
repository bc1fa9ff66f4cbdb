"""Workers and role memberships in the admin; every save goes through the people services."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from dualcert.core.admin import BureauOnlyAdmin
from dualcert.people import idnumber
from dualcert.people.models import Membership, Worker
from dualcert.people.services import (
    membership_delete,
    membership_save,
    membership_snapshot,
    normalise_phone,
    worker_register,
    worker_update,
)

WORKER_FIELDS = (
    "name", "phone", "region", "township", "village", "education", "target_groups",
    "consent_recommend", "expected_wage", "available_from",
)


class WorkerChangeForm(forms.ModelForm):
    class Meta:
        model = Worker
        fields = WORKER_FIELDS

    def clean_phone(self) -> str:
        return normalise_phone(self.cleaned_data.get("phone", ""))


class WorkerAddForm(WorkerChangeForm):
    """Registration in the admin: the ID number is typed once and stored only in safe forms."""

    id_number = forms.CharField(
        label=_("ID number"), max_length=24, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )

    class Meta(WorkerChangeForm.Meta):
        fields = ("name", "id_number", *WORKER_FIELDS[1:])  # type: ignore[assignment]

    def clean_id_number(self) -> str:
        return idnumber.parse(self.cleaned_data["id_number"]).number


@admin.register(Worker)
class WorkerAdmin(BureauOnlyAdmin, admin.ModelAdmin):
    list_display = ("name", "id_number_masked", "region", "education", "consent_recommend")
    list_filter = ("region", "education", "consent_recommend")
    list_select_related = ("region",)
    search_fields = ("name",)
    readonly_fields = ("id_number_masked", "birth_date", "gender")
    autocomplete_fields = ("region", "township")
    filter_horizontal = ("target_groups",)

    def get_form(
        self, request: HttpRequest, obj: Any | None = None, change: bool = False, **kwargs: Any
    ) -> Any:
        kwargs["form"] = WorkerAddForm if obj is None else WorkerChangeForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return WorkerAddForm.Meta.fields
        return ("name", *self.readonly_fields, *WORKER_FIELDS[1:])

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return () if obj is None else self.readonly_fields

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        data: dict[str, Any] = {name: form.cleaned_data.get(name) for name in WORKER_FIELDS}
        data["village"] = data["village"] or ""
        data["phone"] = data["phone"] or ""
        if change:
            saved = worker_update(actor=request.user, worker=obj, **data)
        else:
            saved = worker_register(
                actor=request.user, id_number=form.cleaned_data["id_number"], **data
            )
        # The admin logs and redirects with the object it built; point it at the saved row.
        obj.pk, obj.public_id = saved.pk, saved.public_id
        obj._state.adding, obj._state.db = False, saved._state.db

    def save_related(
        self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool
    ) -> None:
        """Target groups were saved by the service with the rest of the record."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A person's record is never deleted: enrollments, results and certificates refer to it.
        return False


@admin.register(Membership)
class MembershipAdmin(BureauOnlyAdmin, admin.ModelAdmin):
    list_display = ("user", "role", "region", "department", "institution", "evaluation_body",
                    "employer")
    list_filter = ("role",)
    list_select_related = ("user", "region", "department", "institution", "evaluation_body",
                           "employer")
    search_fields = ("user__username",)
    autocomplete_fields = ("user", "region", "worker")

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        stored = Membership.objects.filter(pk=obj.pk).first() if change else None
        membership_save(actor=request.user, membership=obj, before=membership_snapshot(stored))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        membership_delete(actor=request.user, membership=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            membership_delete(actor=request.user, membership=obj)
