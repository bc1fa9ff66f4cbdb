"""Citizen ID numbers (GB 11643-1999): normalise, check, convert, mask, hash, encrypt.

Rules and test vectors are in shared/domain/FACTS.md §2.
"""

import base64
import hashlib
import hmac
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")


@dataclass(frozen=True)
class ParsedId:
    number: str
    birth_date: date
    gender: str  # "M" or "F"
    address_code: str


def check_char(first17: str) -> str:
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def normalise(raw: object) -> str:
    """Full-width digits and letters to ASCII, spaces removed, lower-case x upper-cased."""
    text = unicodedata.normalize("NFKC", str(raw))
    return re.sub(r"\s+", "", text).upper()


def parse(raw: object, *, today: date | None = None) -> ParsedId:
    """A valid 18-character ID from raw input, or ValidationError saying what is wrong."""
    text = normalise(raw)
    if not text:
        raise ValidationError(_("The ID number is empty."), code="id_empty")
    if _SCIENTIFIC.match(text) or "." in text:
        raise ValidationError(
            _("The ID number “%(value)s” was turned into a number by Excel and its last digits "
              "are lost. Format the column as text and type the number again.") % {"value": text},
            code="id_excel_number",
        )
    if len(text) == 15 and text.isdigit():
        first17 = text[:6] + "19" + text[6:]
        text = first17 + check_char(first17)
    if len(text) == 17 and text.isdigit():
        raise ValidationError(
            _("The ID number has only 17 digits: its last character is missing (if it was an "
              "X, Excel or the typist dropped it). Type the whole number again."),
            code="id_missing_last",
        )
    if len(text) != 18 or not text[:17].isdigit() or not (text[17].isdigit() or text[17] == "X"):
        raise ValidationError(
            _("The ID number must have 18 characters: 17 digits and a digit or X "
              "(it has %(count)d).") % {"count": len(text)},
            code="id_length",
        )
    if check_char(text[:17]) != text[17] and text.endswith("00"):
        # Excel keeps 15 significant digits and writes zeros for the rest. The number is
        # not repeated in the message: most of its digits are still the person's.
        raise ValidationError(
            _("The ID number's last digits look replaced by zeros, as Excel does with long "
              "numbers. Format the column as text and type the number again."),
            code="id_excel_zeros",
        )
    if check_char(text[:17]) != text[17]:
        raise ValidationError(
            _("The ID number's check digit is wrong: please check every digit again."),
            code="id_check_digit",
        )
    try:
        born = date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError as exc:
        raise ValidationError(
            _("The birth date inside the ID number is not a real date."), code="id_birth_date"
        ) from exc
    if born > (today or date.today()):
        raise ValidationError(
            _("The birth date inside the ID number is impossible."), code="id_birth_date"
        )
    gender = "M" if int(text[16]) % 2 else "F"
    return ParsedId(number=text, birth_date=born, gender=gender, address_code=text[:6])


def mask(number: str) -> str:
    """Shown to roles that do not need the full number: region prefix and last four only."""
    if len(number) < 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def lookup_hash(number: str) -> str:
    """Keyed hash so a number can be found without being stored in the clear."""
    key = settings.ID_NUMBER_KEY.encode()
    return hmac.new(key, number.encode(), hashlib.sha256).hexdigest()


def _fernet() -> Fernet:
    digest = hashlib.sha256(b"dualcert-id-encryption:" + settings.ID_NUMBER_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encrypt(number: str) -> str:
    return _fernet().encrypt(number.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode()


def age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def generate(address_code: str, birth_date: date, sequence: int) -> str:
    """A synthetic number with a valid check digit (sequence odd = male, even = female)."""
    first17 = f"{address_code}{birth_date:%Y%m%d}{sequence % 1000:03d}"
    return first17 + check_char(first17)
