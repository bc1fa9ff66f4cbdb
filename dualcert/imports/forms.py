"""Forms of the imports pages: input parsing only; the rules live in imports/services.py."""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.forms import BoundField
from django.utils.translation import gettext_lazy as _

from dualcert.imports.kinds import Kind
from dualcert.imports.models import ImportBatch
from dualcert.training.models import TrainingProject

ACCEPTED = ".xlsx,.xls,.ods,.csv"
COLUMN_PREFIX = "col_"


class UploadForm(forms.Form):
    """What the file holds, the project it is for (if any), and the file."""

    kind = forms.ChoiceField(label=_("What the file holds"))
    project = forms.ModelChoiceField(
        label=_("Training project"), queryset=None,  # type: ignore[arg-type,var-annotated]
        required=False, to_field_name="public_id", empty_label=_("— none —"),
        help_text=_("Needed for enrollments, attendance and scores."),
    )
    file = forms.FileField(
        label=_("File"), widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED}),
        help_text=_(".xlsx, .xls, .ods or .csv (UTF-8 or GBK)."),
    )

    def __init__(self, *args: Any, kinds: Sequence[Kind],
                 projects: QuerySet[TrainingProject], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kinds = list(kinds)
        self.fields["kind"].choices = [(kind.key, kind.label) for kind in kinds]  # type: ignore[attr-defined]
        self.fields["project"].queryset = projects  # type: ignore[attr-defined]
        if not any(kind.needs_project for kind in kinds):
            del self.fields["project"]


def column_letter(index: int) -> str:
    """A spreadsheet's name for the column at 0-based `index`: A … Z, AA …"""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


class MappingForm(forms.Form):
    """The preview's choices: which field each column feeds, the mode, trial run or not."""

    mode = forms.ChoiceField(
        label=_("When a row is refused"), choices=ImportBatch.Mode.choices,
        widget=forms.RadioSelect, initial=ImportBatch.Mode.ALL_OR_NOTHING,
    )
    dry_run = forms.BooleanField(
        label=_("Trial run: check every row and report, write nothing"), required=False,
    )
    # Set by the button pressed (the page's two submit buttons), not rendered as a field.
    action = forms.ChoiceField(choices=[("save", _("Save mapping")), ("import", _("Import"))])

    def __init__(self, *args: Any, headers: Sequence[str],
                 choices: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        options = [("", _("— not imported —")), *choices]
        for index, header in enumerate(headers):
            letter = column_letter(index)
            self.fields[f"{COLUMN_PREFIX}{index}"] = forms.ChoiceField(
                label=f"{letter} · {header}" if header else letter, choices=options,
                required=False,
            )

    @classmethod
    def initial_of(cls, batch: ImportBatch) -> dict[str, Any]:
        initial: dict[str, Any] = {f"{COLUMN_PREFIX}{c}": key for c, key in batch.mapping.items()}
        return {**initial, "mode": batch.mode, "dry_run": batch.dry_run}

    def columns(self) -> list[BoundField]:
        return [self[name] for name in self.fields if name.startswith(COLUMN_PREFIX)]

    def mapping(self) -> dict[str, str]:
        """The chosen mapping: column index (as text) → field key, unmapped columns left out."""
        return {
            name.removeprefix(COLUMN_PREFIX): value for name, value in self.cleaned_data.items()
            if name.startswith(COLUMN_PREFIX) and value
        }
