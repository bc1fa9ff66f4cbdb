"""Find a roster's header row and tell which column feeds which field.

Offices put a title or two above the header (“2026年××县脱贫劳动力培训花名册”, “填报单位：…”),
mark required columns with * or （必填）, write 身份证号 or 公民身份号码 or 证件号码, and
sometimes English. Headers are compared after `normalise_header`; the preview shows the
guess and lets the officer correct it before anything is written.
"""

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from dualcert.imports import cells
from dualcert.imports.fields import FieldSpec
from dualcert.imports.reading import SheetRow

# Every kind of bracket becomes ( ) so 县(市), 县（市） and 县【市】 compare equal.
_BRACKETS = str.maketrans({"【": "(", "】": ")", "[": "(", "]": ")", "〔": "(", "〕": ")",
                           "{": "(", "}": ")", "〖": "(", "〗": ")"})
_MARKS = re.compile(r"[\s*:_]+")  # after NFKC, ＊ is * and ： is :
# Only notes that say whether a column must be filled are dropped; (元) or (市) stay.
_NOTES = re.compile(r"\((?:必填|必填项|选填|选填项|非必填|可选|可填|required|optional)\)")
# 身份证 / 身份证号 / 身份证号码, 手机 / 手机号 / 手机号码 all name the same column.
_NUMBER_ENDING = re.compile(r"(?:号码|号|码)$")
_MIN_STEM = 2  # 序号 or 编码 must not shrink to one character and match by accident


def normalise_header(text: Any) -> str:
    """A header cell as compared: NFKC, lower case, no spaces, *, colons or underscores,
    brackets unified and fill-in notes such as （必填） or (optional) removed."""
    plain = cells.text(text).lower().translate(_BRACKETS)  # cells.text applies NFKC
    return _NOTES.sub("", _MARKS.sub("", plain))


def _stem(name: str) -> str:
    stem = _NUMBER_ENDING.sub("", name)
    return stem if len(stem) >= _MIN_STEM else ""


class Vocabulary:
    """The names each field answers to: its synonyms and its label in English and in the
    user's language, normalised; exact names win over 号/码 variants."""

    def __init__(self, fields: Sequence[FieldSpec]) -> None:
        self.exact: dict[str, str] = {}
        self.stems: dict[str, str] = {}
        for spec in fields:
            with translation.override("en"):
                english = str(spec.label)
            for name in (*spec.synonyms, english, str(spec.label)):
                normal = normalise_header(name)
                if normal:
                    self.exact.setdefault(normal, spec.key)
                    if stem := _stem(normal):
                        self.stems.setdefault(stem, spec.key)

    def field_for(self, header: Any) -> str | None:
        normal = normalise_header(header)
        stem = _stem(normal)
        return self.exact.get(normal) or (self.stems.get(stem) if stem else None)

    def mapping(self, header_cells: Sequence[Any]) -> dict[int, str]:
        """Column index → field key; a field already taken by a column to the left leaves a
        later duplicate unmapped, and unrecognised columns stay unmapped (not imported)."""
        mapping: dict[int, str] = {}
        for index, cell in enumerate(header_cells):
            key = self.field_for(cell)
            if key is not None and key not in mapping.values():
                mapping[index] = key
        return mapping


@dataclass(frozen=True)
class HeaderGuess:
    row_number: int
    headers: list[str] = field(default_factory=list)  # each header cell as text
    mapping: dict[int, str] = field(default_factory=dict)  # column index → field key


def _qualifies(mapping: dict[int, str], fields: Sequence[FieldSpec]) -> bool:
    # Two recognised columns rarely occur by chance in a title row; a kind whose only
    # required column is named may also rely on that one (an ID-only attendance list).
    required = {spec.key for spec in fields if spec.required}
    found = set(mapping.values())
    return len(found) >= min(2, len(fields)) or bool(required) and required <= found


def find_header(rows: Sequence[SheetRow], fields: Sequence[FieldSpec], *,
                look_at: int = 15) -> HeaderGuess:
    """The header among the first `look_at` rows: the row naming the most fields (the
    earliest on a tie) that names at least two fields or every required one. Rows above it
    (titles, “填报单位：…”) are skipped; ValidationError "no_header" if no row qualifies."""
    vocabulary = Vocabulary(fields)
    best: tuple[SheetRow, dict[int, str]] | None = None
    for row in rows[:look_at]:
        mapping = vocabulary.mapping(row.cells)
        if _qualifies(mapping, fields) and (best is None or len(mapping) > len(best[1])):
            best = (row, mapping)
    if best is None:
        named = [spec for spec in fields if spec.required] or list(fields)
        raise ValidationError(
            _("No header row was found in the first %(count)d rows. The sheet needs a row of "
              "column names, including: %(names)s.")
            % {"count": look_at, "names": "、".join(spec.synonyms[0] for spec in named)},
            code="no_header",
        )
    row, mapping = best
    return HeaderGuess(row_number=row.number, headers=[cells.text(c) for c in row.cells],
                       mapping=mapping)


def missing_required(mapping: dict[int, str], fields: Sequence[FieldSpec]) -> list[FieldSpec]:
    """The required fields no column is mapped to."""
    mapped = set(mapping.values())
    return [spec for spec in fields if spec.required and spec.key not in mapped]


def data_rows(rows: Iterable[SheetRow], header_row: int) -> Iterator[SheetRow]:
    """The rows below the header row, without repeats of the header.

    Some rosters repeat the header on every printed page; a row whose cells are the header's
    (compared as headers are) is skipped. Nothing else is: a 合计 footer or a stray note is
    handed on, and the row checks refuse it with its reason, so no row disappears unseen.
    """
    header: tuple[str, ...] | None = None
    for row in rows:
        if row.number < header_row:
            continue
        if row.number == header_row:
            header = _header_key(row)
        elif header is None or len(row.cells) != len(header) or _header_key(row) != header:
            yield row


def _header_key(row: SheetRow) -> tuple[str, ...]:
    return tuple(normalise_header(cell) for cell in row.cells)
