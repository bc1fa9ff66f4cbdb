"""What an import kind's columns mean: one FieldSpec per field it can read."""

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class FieldSpec:
    """A field an import reads from one column.

    `synonyms` are header texts that name this field (Chinese and English, as offices write
    them); headers.py compares them after normalisation (full-width → ASCII, spaces, marks
    like * or （必填） removed, lower case). `label` is what the preview and the error sheet
    show; the first synonym is the header our own exports write, so an export imports back.
    """

    key: str
    label: str | Promise
    synonyms: tuple[str, ...]
    required: bool = False
    # text | id | phone | date | int | bool | choice | multi  (how cells.py reads the cell)
    parse: str = "text"
