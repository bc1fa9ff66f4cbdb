"""Forms of the assessment pages: they parse input; the rules live in services."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from dualcert.assessment.models import EvaluationBody, Score, Sitting
from dualcert.assessment.services import ScoreRow
from dualcert.training.models import Enrollment, TrainingProject


class SittingFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("status"), required=False,
        choices=[("", _("All statuses")), *Sitting.Status.choices],
    )


class SittingForm(forms.Form):
    evaluation_body = forms.ModelChoiceField(
        label=_("evaluation body"), queryset=EvaluationBody.objects.none(),
        to_field_name="public_id",
    )
    day = forms.DateField(label=_("date"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("place"), max_length=200)
    skill_examiner = forms.CharField(
        label=_("skill-level examiner"), max_length=64,
        help_text=_("Examines for the vocational skill-level certificate."),
    )
    permit_examiner = forms.CharField(
        label=_("permit examiner"), max_length=64,
        help_text=_("Examines for the industry permit, on behalf of the partner department."),
    )

    def __init__(
        self, *args: Any, bodies: QuerySet[EvaluationBody], project: TrainingProject,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("initial", {"place": project.place})
        super().__init__(*args, **kwargs)
        self.fields["evaluation_body"].queryset = bodies  # type: ignore[attr-defined]


@dataclass
class SheetLine:
    """One candidate's line of the score sheet as the template shows it."""

    enrollment: Enrollment
    theory: forms.BoundField
    practical: forms.BoundField
    absent: forms.BoundField
    errors: list[str]


class ScoreSheetForm(forms.Form):
    """The whole score sheet of a sitting: theory, practical and absent per candidate."""

    def __init__(self, *args: Any, candidates: Sequence[Enrollment], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = list(candidates)
        self.candidate_errors: dict[str, list[str]] = {}
        for enrollment in self.candidates:
            self._add_fields(enrollment)

    def _add_fields(self, enrollment: Enrollment) -> None:
        key = enrollment.public_id.hex
        score = getattr(enrollment, "score", None)
        name = enrollment.worker.name
        for field in ("theory", "practical"):
            label = getattr(Score._meta.get_field(field), "verbose_name", field)
            self.fields[f"{field}_{key}"] = forms.IntegerField(
                label=label, required=False, min_value=0, max_value=100,
                initial=getattr(score, field, None),
                widget=forms.NumberInput(attrs={
                    "class": "mark", "inputmode": "numeric", "min": 0, "max": 100,
                    "aria-label": f"{name} · {label}",
                }),
            )
        self.fields[f"absent_{key}"] = forms.BooleanField(
            label=_("absent"), required=False, initial=getattr(score, "absent", False),
            widget=forms.CheckboxInput(attrs={"aria-label": f"{name} · {_('absent')}"}),
        )

    def lines(self) -> list[SheetLine]:
        """The candidates' lines with their bound fields and any errors."""
        return [
            SheetLine(
                enrollment=e,
                theory=self[f"theory_{e.public_id.hex}"],
                practical=self[f"practical_{e.public_id.hex}"],
                absent=self[f"absent_{e.public_id.hex}"],
                errors=self.candidate_errors.get(str(e.public_id), []),
            )
            for e in self.candidates
        ]

    def score_rows(self) -> list[ScoreRow]:
        """The lines something was typed on (untouched blank lines are left for later)."""
        rows = []
        for e in self.candidates:
            key = e.public_id.hex
            theory = self.cleaned_data.get(f"theory_{key}")
            practical = self.cleaned_data.get(f"practical_{key}")
            absent = bool(self.cleaned_data.get(f"absent_{key}"))
            if theory is None and practical is None and not absent:
                continue
            rows.append(ScoreRow(enrollment=e, theory=theory, practical=practical, absent=absent))
        return rows

    def add_service_errors(self, exc: ValidationError) -> None:
        """Attach a sheet refusal to the candidates' lines (or to the form as a whole)."""
        if hasattr(exc, "error_dict"):
            for key, errors in exc.message_dict.items():
                self.candidate_errors[key] = list(errors)
        else:
            self.add_error(None, exc)
        if not self.non_field_errors() and self.candidate_errors:
            self.add_error(None, _("Some lines need correcting; nothing was saved."))
