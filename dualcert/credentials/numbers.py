"""Certificate numbers and validity dates.

Skill-level numbers follow the 22-character layout of 人社鉴发〔2019〕2号 as reproduced in
shared/domain/FACTS.md §3 (a secondary source, ⚠️): body kind letter (Y/S), body code (4),
province (2), body/site sequence (6), issue year (YY), level digit (5 = entry level) and a
6-digit certificate sequence. The province code 65 for Xinjiang is assumed there (❓).
Such numbers are checked loosely and are never used as a key.
"""

import re
import unicodedata
from datetime import date, timedelta

from dualcert.assessment.models import EvaluationBody
from dualcert.catalog.models import CertificateType
from dualcert.core.workflow import next_number

PROVINCE_CODE = "65"  # 新疆; assumed, see FACTS.md §3
SKILL_NUMBER = re.compile(r"^[YS]\d{4}\d{2}\d{6}\d{2}[1-5]\d{6}$")


def normalise(number: str) -> str:
    """Full-width characters folded, every space removed, letters upper-cased."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", number or "")).upper()


def looks_like_skill_number(number: str) -> bool:
    """A loose shape check of a 22-character skill-level certificate number."""
    return bool(SKILL_NUMBER.match(normalise(number)))


def skill_number(body: EvaluationBody, level: int, issued_on: date) -> str:
    """The next skill-level certificate number of an evaluation body for the issue year."""
    yy = f"{issued_on.year % 100:02d}"
    sequence = next_number(f"skill-{body.pk}-{yy}")
    return (
        f"{body.kind}{body.body_code.zfill(4)}{PROVINCE_CODE}{body.site_code.zfill(6)}"
        f"{yy}{level}{sequence:06d}"
    )


def permit_number(certificate_type: CertificateType, issued_on: date) -> str:
    """The next permit number: the type's prefix, the issue year and a 6-digit sequence.

    Each partner department's real permit number format is unconfirmed (FACTS.md §5: whether
    the 特种作业操作证 number is the holder's ID number is ❓), so permits get this neutral
    local format until the departments confirm theirs.
    """
    yyyy = f"{issued_on.year:04d}"
    sequence = next_number(f"permit-{certificate_type.code}-{yyyy}")
    return f"{certificate_type.number_prefix}{yyyy}{sequence:06d}"


def anniversary(day: date, years: int) -> date:
    """The same calendar day `years` later; 29 February falls on 1 March in common years."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def expiry_date(issued_on: date, validity_years: int | None) -> date | None:
    """The last valid day: the day before the anniversary, or None when it never expires."""
    if not validity_years:
        return None
    return anniversary(issued_on, validity_years) - timedelta(days=1)


def review_date(issued_on: date, review_interval_years: int | None) -> date | None:
    """When the first periodic review falls due, if the type has reviews."""
    if not review_interval_years:
        return None
    return anniversary(issued_on, review_interval_years)
