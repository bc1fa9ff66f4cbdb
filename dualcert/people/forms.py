"""Forms of the people pages: input parsing only; the rules live in the services."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from dualcert.catalog.models import Education
from dualcert.catalog.selectors import (
    county_visible_to,
    target_group_visible_to,
    township_visible_to,
)
from dualcert.core.scoping import scope_for
from dualcert.people.models import Worker

_ID_ATTRS = {"autocomplete": "off", "spellcheck": "false", "maxlength": "20"}


class WorkerForm(forms.Form):
    """A worker's record as an officer registers or edits it."""

    name = forms.CharField(label=_("Name"), max_length=64)
    id_number = forms.CharField(
        label=_("ID number"), max_length=24, widget=forms.TextInput(attrs=_ID_ATTRS),
        help_text=_("18 characters; a lower-case x is accepted."),
    )
    phone = forms.CharField(
        label=_("Mobile phone"), max_length=16, required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    region = forms.ModelChoiceField(label=_("County"), queryset=None)  # type: ignore[arg-type,var-annotated]
    township = forms.ModelChoiceField(
        label=_("Township"), queryset=None, required=False  # type: ignore[arg-type,var-annotated]
    )
    village = forms.CharField(label=_("Village"), max_length=64, required=False)
    education = forms.TypedChoiceField(
        label=_("Education"), choices=Education.choices, coerce=int, initial=Education.JUNIOR
    )
    target_groups = forms.ModelMultipleChoiceField(
        label=_("Target groups"), queryset=None, required=False,  # type: ignore[arg-type,var-annotated]
        widget=forms.CheckboxSelectMultiple,
    )
    consent_recommend = forms.BooleanField(
        label=_("Agrees to be recommended to employers"), required=False
    )
    expected_wage = forms.IntegerField(
        label=_("Expected monthly wage (yuan)"), min_value=0, required=False
    )
    available_from = forms.DateField(
        label=_("Available from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, user: Any, worker: Worker | None = None, **kwargs: Any) -> None:
        if worker is not None:
            kwargs.setdefault("initial", _initial_of(worker))
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = county_visible_to(user)  # type: ignore[attr-defined]
        self.fields["township"].queryset = township_visible_to(user)  # type: ignore[attr-defined]
        self.fields["target_groups"].queryset = target_group_visible_to(user)  # type: ignore[attr-defined]
        if worker is None:
            self.fields["region"].initial = scope_for(user).region_id
        else:
            id_field = self.fields["id_number"]
            id_field.required = False
            id_field.label = _("Corrected ID number")
            id_field.help_text = _("Leave empty to keep %(masked)s.") % {
                "masked": worker.id_number_masked
            }

    def service_arguments(self) -> dict[str, Any]:
        """The cleaned values as keyword arguments of worker_register / worker_update."""
        data = dict(self.cleaned_data)
        data["consent_recommend"] = bool(data["consent_recommend"])
        return data

    def add_service_error(self, exc: ValidationError) -> None:
        """Show a service's refusal next to the field it is about."""
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
            return
        for error in exc.error_list:
            self.add_error(_field_of(error.code), error)


def _field_of(code: str | None) -> str | None:
    if code and code.startswith("id_"):
        return "id_number"
    return code if code in ("name", "phone") else None


def _initial_of(worker: Worker) -> dict[str, Any]:
    return {
        "name": worker.name, "phone": worker.phone, "region": worker.region_id,
        "township": worker.township_id, "village": worker.village,
        "education": worker.education, "target_groups": list(worker.target_groups.all()),
        "consent_recommend": worker.consent_recommend, "expected_wage": worker.expected_wage,
        "available_from": worker.available_from,
    }


class IdNumberSearchForm(forms.Form):
    """Find a worker by ID number: posted, never put in a URL."""

    id_number = forms.CharField(
        label=_("ID number"), max_length=24, widget=forms.TextInput(attrs=_ID_ATTRS)
    )


class ConsentForm(forms.Form):
    consent = forms.BooleanField(required=False)
