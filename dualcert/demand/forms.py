"""Forms of the demand pages: input parsing only; the rules live in the services."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dualcert.catalog.selectors import (
    certificate_type_visible_to,
    county_visible_to,
    occupation_visible_to,
)
from dualcert.core.scoping import Role, scope_for
from dualcert.demand.models import JobDemand
from dualcert.demand.selectors import employer_visible_to

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DemandForm(forms.Form):
    """A job demand as an employer or an officer types it."""

    employer = forms.ModelChoiceField(
        label=_("Employer"), queryset=None  # type: ignore[arg-type,var-annotated]
    )
    title = forms.CharField(label=_("Job title"), max_length=128)
    occupation = forms.ModelChoiceField(
        label=_("Occupation"), queryset=None  # type: ignore[arg-type,var-annotated]
    )
    required_certificates = forms.ModelMultipleChoiceField(
        label=_("Required certificates"), queryset=None, required=False,  # type: ignore[arg-type,var-annotated]
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick every certificate a person needs to be hired."),
    )
    headcount = forms.IntegerField(label=_("Headcount"))
    wage_min = forms.IntegerField(label=_("Monthly wage from (yuan)"))
    wage_max = forms.IntegerField(label=_("Monthly wage to (yuan)"))
    region = forms.ModelChoiceField(
        label=_("County of the workplace"), queryset=None  # type: ignore[arg-type,var-annotated]
    )
    place = forms.CharField(label=_("Workplace"), max_length=200, required=False)
    deadline = forms.DateField(label=_("Apply by"), widget=DATE)

    def __init__(
        self, *args: Any, user: Any, demand: JobDemand | None = None, **kwargs: Any
    ) -> None:
        if demand is not None:
            kwargs.setdefault("initial", _initial_of(demand))
        super().__init__(*args, **kwargs)
        fields = self.fields
        fields["employer"].queryset = employer_visible_to(user)  # type: ignore[attr-defined]
        fields["occupation"].queryset = occupation_visible_to(user)  # type: ignore[attr-defined]
        fields["required_certificates"].queryset = certificate_type_visible_to(user)  # type: ignore[attr-defined]
        fields["region"].queryset = county_visible_to(user)  # type: ignore[attr-defined]
        scope = scope_for(user)
        if demand is not None or scope.role == Role.EMPLOYER:
            # An employer posts for itself; a posted demand keeps its employer.
            del fields["employer"]
        if demand is None and scope.region_id:
            fields["region"].initial = scope.region_id

    def service_arguments(self) -> dict[str, Any]:
        """The cleaned values as keyword arguments of demand_create / demand_update."""
        return dict(self.cleaned_data)


def _initial_of(demand: JobDemand) -> dict[str, Any]:
    return {
        "title": demand.title, "occupation": demand.occupation_id,
        "required_certificates": list(demand.required_certificates.all()),
        "headcount": demand.headcount, "wage_min": demand.wage_min, "wage_max": demand.wage_max,
        "region": demand.region_id, "place": demand.place, "deadline": demand.deadline,
    }


class DemandFilterForm(forms.Form):
    """Filters of the officers' list of demands (all optional, sent by GET)."""

    q = forms.CharField(label=_("Title or employer"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[("", _("Any status")), *JobDemand.Status.choices],
    )
    region = forms.ModelChoiceField(
        label=_("County"), required=False, queryset=None, to_field_name="code",  # type: ignore[arg-type,var-annotated]
        empty_label=_("Any county"),
    )
    occupation = forms.ModelChoiceField(
        label=_("Occupation"), required=False, queryset=None, to_field_name="code",  # type: ignore[arg-type,var-annotated]
        empty_label=_("Any occupation"),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = county_visible_to(user)  # type: ignore[attr-defined]
        self.fields["occupation"].queryset = occupation_visible_to(user)  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        """The chosen filters as keyword arguments of demand_filter ({} when invalid)."""
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
