"""Forms of the fair pages: input parsing only; the rules live in the services."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dualcert.catalog.selectors import county_visible_to
from dualcert.core.scoping import scope_for
from dualcert.fairs.models import JobFair

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class FairForm(forms.Form):
    """A fair as an officer plans it; no county means prefecture-wide (bureau only)."""

    name = forms.CharField(label=_("Name"), max_length=128)
    campaign = forms.ChoiceField(label=_("Campaign"), choices=JobFair.Campaign.choices)
    day = forms.DateField(label=_("Date"), widget=DATE)
    opens_at = forms.TimeField(label=_("Opens at"), widget=TIME, initial="10:00")
    closes_at = forms.TimeField(label=_("Closes at"), widget=TIME, initial="16:00")
    place = forms.CharField(label=_("Place"), max_length=200)
    region = forms.ModelChoiceField(
        label=_("County"), queryset=None, required=False,  # type: ignore[arg-type,var-annotated]
        empty_label=_("Prefecture-wide"),
    )
    organiser = forms.CharField(label=_("Organiser"), max_length=128)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region = self.fields["region"]
        region.queryset = county_visible_to(user)  # type: ignore[attr-defined]
        scope = scope_for(user)
        if not scope.is_bureau:
            # A county officer's fairs are in their own county.
            region.required = True
            region.empty_label = None  # type: ignore[attr-defined]
            region.initial = scope.region_id


class BoothForm(forms.Form):
    """An employer's booth at the fair and the open job demands it brings."""

    employer = forms.ModelChoiceField(
        label=_("Employer"), queryset=None  # type: ignore[arg-type,var-annotated]
    )
    number = forms.CharField(label=_("Booth number"), max_length=16, required=False)

    def __init__(self, *args: Any, employers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = employers  # type: ignore[attr-defined]


class DemandChoiceForm(forms.Form):
    demand = forms.UUIDField()


class InviteForm(forms.Form):
    demand = forms.UUIDField()
    worker = forms.UUIDField()


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class DeskForm(forms.Form):
    """What the check-in desk receives: the scanned text, or a photo of the pass."""

    scanned = forms.CharField(
        label=_("Scanned pass"), max_length=2000, required=False,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
        help_text=_("Scan the worker's pass with the scanner; it types the code here."),
    )
    photo = forms.ImageField(
        label=_("Or a photo of the pass"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("scanned") and not data.get("photo"):
            raise forms.ValidationError(_("Scan the pass or add a photo of it."))
        return data
