"""Read one spreadsheet cell as the value a field needs, or say exactly what is wrong.

Cells arrive as the reader gives them: str from CSV; str, int, float, bool, date or datetime
from .xlsx/.xls/.ods. Every kind reads cells through these functions, so a date or a number
is understood the same way in every import. Errors are ValidationErrors in the user's
language that name the value and say what to type instead.
"""

import re
import unicodedata
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from dualcert.people import idnumber

# The largest integer Excel keeps exactly: it stores 15 significant digits.
EXCEL_DIGITS = 15
TRUE_WORDS = {"是", "y", "yes", "true", "1", "√", "✓", "✔", "同意", "有", "到", "出勤"}
FALSE_WORDS = {"否", "n", "no", "false", "0", "×", "✗", "✘", "x", "不同意", "无", "缺", "缺勤",
               "未到"}
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)


def text(value: Any) -> str:
    """Any cell as trimmed text: full-width letters and digits made ASCII, runs of spaces one.

    A whole-number float (Excel stores every number as one) loses its “.0”.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return " ".join(unicodedata.normalize("NFKC", str(value)).split())


def id_text(value: Any) -> str:
    """An ID number cell as text, refusing one that Excel has turned into a number.

    A numeric cell of more than 15 digits has lost its last digits (Excel keeps 15): it is
    refused with the hint to format the column as text, never repaired. Old 15-digit numbers
    survive as numbers and are passed on (idnumber.parse converts them).
    """
    if isinstance(value, bool):
        return text(value)
    if isinstance(value, int | float):
        digits = len(str(int(value))) if value == value and abs(value) != float("inf") else 0
        if isinstance(value, float) and not value.is_integer() or digits > EXCEL_DIGITS:
            shown = f"{value:.5E}" if digits > EXCEL_DIGITS else text(value)
            raise ValidationError(
                _("The ID number “%(value)s” was turned into a number by Excel and its last "
                  "digits are lost. Format the column as text and type the number again.")
                % {"value": shown},
                code="id_excel_number",
            )
        return str(int(value))
    return idnumber.normalise(value)


def phone_text(value: Any) -> str:
    """A phone cell as text (a numeric cell of 11 digits is exact in Excel, so it is kept)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return idnumber.normalise(value) if value is not None else ""


def date_value(value: Any, *, label: str) -> date | None:
    """A date from a date cell or text in the usual formats; None for an empty cell.

    Accepted: 2026-03-05, 2026/3/5, 2026.3.5, 2026年3月5日, 20260305 (and a date cell).
    A bare number such as 46086 is refused: its meaning depends on the file's date system.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = text(value)
    if not raw:
        return None
    for pattern in _DATE_PATTERNS:
        match = pattern.match(raw)
        if match:
            year, month, day = (int(part) for part in match.groups())
            try:
                return date(year, month, day)
            except ValueError:
                break
    raise ValidationError(
        _("%(field)s “%(value)s” is not a date: write it like 2026-03-05, 2026/3/5 or "
          "2026年3月5日.") % {"field": label, "value": raw},
        code="date",
    )


def int_value(value: Any, *, label: str, minimum: int = 0,
              maximum: int | None = None) -> int | None:
    """A whole number (6200, “6,200”, “6200元”, full-width digits); None for an empty cell."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValidationError(_("%(field)s must be a whole number (not “%(value)s”).")
                              % {"field": label, "value": text(value)}, code="number")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        number = value
    else:
        raw = text(value).replace(",", "").replace("，", "").removesuffix("元").strip()
        if not raw:
            return None
        # “6200.00”: a CSV saved from a column formatted with decimals.
        raw = re.sub(r"\.0+$", "", raw)
        if not re.fullmatch(r"-?\d+", raw):
            raise ValidationError(_("%(field)s must be a whole number (not “%(value)s”).")
                                  % {"field": label, "value": text(value)}, code="number")
        number = int(raw)
    if number < minimum or (maximum is not None and number > maximum):
        raise ValidationError(
            _("%(field)s must be from %(low)d to %(high)s (not %(value)d).")
            % {"field": label, "low": minimum, "high": maximum if maximum is not None else "…",
               "value": number},
            code="number_range",
        )
    return number


def bool_value(value: Any, *, label: str) -> bool | None:
    """Yes or no from 是/否, Y/N, √/×, 1/0, true/false, 同意/不同意 …; None for an empty cell."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return value
    word = text(value).lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValidationError(_("%(field)s must be 是 or 否 (not “%(value)s”).")
                          % {"field": label, "value": text(value)}, code="yes_no")


def choice_value(value: Any, choices: dict[str, Any], *, label: str) -> Any:
    """The choice whose name (any of its names, compared as text) the cell holds.

    `choices` maps each accepted name to the value; None for an empty cell.
    """
    raw = text(value)
    if not raw:
        return None
    for name, chosen in choices.items():
        if text(name).lower() == raw.lower():
            return chosen
    names = "、".join(dict.fromkeys(str(n) for n in choices))
    raise ValidationError(_("%(field)s “%(value)s” is not one of: %(names)s.")
                          % {"field": label, "value": raw, "names": names}, code="choice")


def split_list(value: Any) -> list[str]:
    """Several names in one cell, separated by 、，,；;/ or line breaks, each trimmed."""
    # Split before text() joins the lines of the cell into one.
    raw = unicodedata.normalize("NFKC", value) if isinstance(value, str) else text(value)
    return [name for part in re.split(r"[、，,；;/\r\n]+", raw) if (name := text(part))]
