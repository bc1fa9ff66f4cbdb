"""Forms of the credentials pages: they parse input; the rules live in services."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from dualcert.catalog.models import CertificateType
from dualcert.credentials.models import Certificate


class CertificateFilterForm(forms.Form):
    certificate_type = forms.ModelChoiceField(
        label=_("certificate type"), queryset=CertificateType.objects.none(), required=False,
        to_field_name="public_id", empty_label=_("All types"),
    )
    status = forms.ChoiceField(
        label=_("status"), required=False,
        choices=[("", _("All statuses")), *Certificate.Status.choices],
    )

    def __init__(self, *args: Any, types: QuerySet[CertificateType], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["certificate_type"].queryset = types  # type: ignore[attr-defined]


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("reason"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
        help_text=_("Why the certificate is withdrawn; kept on record and shown in its history."),
    )


class LookupForm(forms.Form):
    number = forms.CharField(label=_("certificate number"), max_length=40)
    holder_name = forms.CharField(label=_("holder's name"), max_length=64)
