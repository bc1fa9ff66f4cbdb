"""Forms of the employment pages; the rules themselves live in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dualcert.employment.models import Placement, Referral


class RecommendForm(forms.Form):
    worker = forms.UUIDField(widget=forms.HiddenInput)


class MoveForm(forms.Form):
    reason = forms.CharField(
        label=_("Note (optional)"), required=False, max_length=200,
    )


class HireForm(forms.Form):
    start_date = forms.DateField(
        label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    monthly_wage = forms.IntegerField(
        label=_("Monthly wage (yuan)"), min_value=1,
        error_messages={"min_value": _("Enter the monthly wage in whole yuan (at least 1).")},
    )
    contract_type = forms.ChoiceField(
        label=_("Contract"), choices=Placement.Contract.choices, initial=Placement.Contract.FIXED
    )


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[("", _("All"))] + list(Referral.Status.choices),
    )


class FollowUpForm(forms.Form):
    still_employed = forms.TypedChoiceField(
        label=_("Still employed in this job?"), widget=forms.RadioSelect,
        choices=[("yes", _("Yes")), ("no", _("No, the worker left"))],
        coerce=lambda value: value == "yes",
    )
    monthly_wage_now = forms.IntegerField(
        label=_("Monthly wage now (yuan)"), required=False, min_value=1,
        help_text=_("When the worker is still employed."),
        error_messages={"min_value": _(
            "Enter the worker's monthly wage now in whole yuan (at least 1).")},
    )
    left_reason = forms.CharField(
        label=_("Why the worker left"), required=False, max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}), help_text=_("When the worker left."),
    )


class UnreachableForm(forms.Form):
    reason = forms.CharField(
        label=_("How you tried to reach the worker"), max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
