"""Forms of the insights pages."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from dualcert.catalog.models import Region
from dualcert.insights.selectors import Dimension


class CountyFilterForm(forms.Form):
    county = forms.ModelChoiceField(
        label=_("County"), queryset=Region.objects.none(), required=False,
        to_field_name="public_id", empty_label=_("Whole scope"),
    )

    def __init__(self, *args: Any, counties: QuerySet[Region], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties  # type: ignore[attr-defined]


class DashboardForm(CountyFilterForm):
    """The dashboard's filters: a county (bureau and department officers) and a breakdown."""

    by = forms.ChoiceField(label=_("Break down by"), required=False,
                           choices=[("", "—"), *Dimension.choices])

    def __init__(self, *args: Any, counties: QuerySet[Region], county_field: bool,
                 **kwargs: Any) -> None:
        super().__init__(*args, counties=counties, **kwargs)
        if not county_field:
            del self.fields["county"]
