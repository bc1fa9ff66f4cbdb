"""Forms of the training pages: they parse input; the services hold the rules."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from dualcert.catalog.models import Education, Pathway, Region, RequirementItem
from dualcert.demand.models import JobDemand
from dualcert.training.models import Enrollment, Institution, Module

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _limit(form: forms.Form, name: str, queryset: QuerySet[Any]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


class PathwayChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.skill_certificate.name} + {obj.permit.name})"


class DemandChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.employer.name} · {obj.title} ×{obj.headcount}"


class ItemChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return (f"{obj.certificate_type.name} · {obj.name} "
                f"({obj.theory_hours} + {obj.practical_hours} h)")


class ProjectForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=128)
    pathway = PathwayChoiceField(label=_("Pathway"), queryset=Pathway.objects.none(),
                                 to_field_name="public_id")
    institution = forms.ModelChoiceField(
        label=_("Training institution"), queryset=Institution.objects.none(),
        to_field_name="public_id",
    )
    region = forms.ModelChoiceField(label=_("County"), queryset=Region.objects.none(),
                                    to_field_name="public_id")
    place = forms.CharField(label=_("Training place"), max_length=200, required=False)
    demands = DemandChoiceField(
        label=_("Job demands answered"), queryset=JobDemand.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple, to_field_name="public_id",
    )
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1)
    subsidy_per_person = forms.IntegerField(
        label=_("Subsidy per person (yuan)"), min_value=0, initial=0
    )
    completion_threshold = forms.IntegerField(
        label=_("Attendance needed to complete (%)"), min_value=1, max_value=100, initial=90
    )
    start_date = forms.DateField(label=_("Start date"), widget=DATE)
    end_date = forms.DateField(label=_("End date"), widget=DATE)

    def __init__(
        self, *args: Any, pathways: QuerySet[Pathway], institutions: QuerySet[Institution],
        demands: QuerySet[JobDemand], regions: QuerySet[Region] | None, **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _limit(self, "pathway", pathways)
        _limit(self, "institution", institutions)
        _limit(self, "demands", demands)
        if regions is None:  # a county officer's projects are in their own county
            del self.fields["region"]
        else:
            _limit(self, "region", regions)


class ModuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=128)
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=32767, initial=1)
    theory_hours = forms.IntegerField(label=_("Theory hours"), min_value=0, max_value=32767)
    practical_hours = forms.IntegerField(label=_("Practical hours"), min_value=0,
                                         max_value=32767)
    requirement_items = ItemChoiceField(
        label=_("Requirement items covered"), queryset=RequirementItem.objects.none(),
        required=False, widget=forms.CheckboxSelectMultiple, to_field_name="public_id",
    )

    def __init__(self, *args: Any, items: QuerySet[RequirementItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit(self, "requirement_items", items)


class SessionForm(forms.Form):
    module = forms.ModelChoiceField(label=_("Module"), queryset=Module.objects.none(),
                                    required=False, to_field_name="public_id")
    day = forms.DateField(label=_("Date"), widget=DATE)
    topic = forms.CharField(label=_("Topic"), max_length=128)
    hours = forms.IntegerField(label=_("Hours"), min_value=1, max_value=12)

    def __init__(self, *args: Any, modules: QuerySet[Module], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit(self, "module", modules)


class ApplyForm(forms.Form):
    """An officer or the institution files an application for a worker."""

    name = forms.CharField(label=_("Name"), max_length=64)
    id_number = forms.CharField(label=_("ID number"), max_length=32,
                                widget=forms.TextInput(attrs={"autocomplete": "off"}))
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel"}))
    education = forms.TypedChoiceField(label=_("Education"), choices=Education.choices,
                                       coerce=int, initial=Education.JUNIOR)
    region = forms.ModelChoiceField(label=_("County"), queryset=Region.objects.none(),
                                    to_field_name="public_id")
    wage_before = forms.IntegerField(label=_("Monthly wage before training (yuan)"),
                                     min_value=0, required=False)
    consent_recommend = forms.BooleanField(
        label=_("Agrees to be recommended to employers"), required=False
    )

    def __init__(self, *args: Any, regions: QuerySet[Region], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit(self, "region", regions)


class SelfApplyForm(forms.Form):
    """A worker applies for themselves; everything else comes from their own record."""

    wage_before = forms.IntegerField(label=_("Monthly wage before training (yuan)"),
                                     min_value=0, required=False)


class DropForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class AttendanceForm(forms.Form):
    present = forms.MultipleChoiceField(
        label=_("Present"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, enrollments: list[Enrollment], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.by_public_id = {str(e.public_id): e for e in enrollments}
        present = self.fields["present"]
        assert isinstance(present, forms.MultipleChoiceField)
        present.choices = [
            (str(e.public_id), f"{e.worker.name} ({e.worker.id_number_masked})")
            for e in enrollments
        ]

    def present_ids(self) -> set[int]:
        return {self.by_public_id[key].pk for key in self.cleaned_data["present"]}
