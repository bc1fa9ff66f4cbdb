"""The QR codes of a fair: the poster a worker scans, and a worker's own fair pass.

Both hold a token signed with the site's secret (django.core.signing), so a printed or
photographed code cannot be altered or made up. Tokens carry public ids only, never a name
or an ID number. The pass is a link to the fair's check-in desk: an officer's phone camera
opens it; a scanner app or a USB scanner types the same text into the desk's field.
"""

from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit
from uuid import UUID

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from dualcert.credentials.printing.qr import qr_code, qr_png
from dualcert.fairs.models import JobFair
from dualcert.people.models import Worker

POSTER_SALT = "dualcert.fairs.poster"
HOLDER_SALT = "dualcert.fairs.holder"
QUERY_KEY = "pass"


def _absolute(path: str) -> str:
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}{path}"


def poster_token(fair: JobFair) -> str:
    return signing.dumps(fair.public_id.hex, salt=POSTER_SALT)


def poster_url(fair: JobFair) -> str:
    """What the poster's QR code holds: the "I am here" page of the fair."""
    return _absolute(reverse("fairs:here", kwargs={"token": poster_token(fair)}))


def poster_png(fair: JobFair, *, scale: int = 12) -> bytes:
    return qr_png(qr_code(poster_url(fair)), scale=scale)


def fair_of_poster(token: str) -> UUID:
    """The public id of the fair a poster token names; a forged token is refused."""
    try:
        return UUID(hex=signing.loads(token, salt=POSTER_SALT))
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise ValidationError(
            _("This check-in code is not one of ours or it was damaged; scan the poster at the "
              "fair's entrance again."), code="bad_token",
        ) from exc


def pass_token(fair: JobFair, worker: Worker) -> str:
    return signing.dumps({"f": fair.public_id.hex, "w": worker.public_id.hex}, salt=HOLDER_SALT)


def pass_url(fair: JobFair, worker: Worker) -> str:
    """What a worker's pass holds: the fair's desk, with the signed pass as a parameter."""
    desk = reverse("fairs:desk", kwargs={"public_id": fair.public_id})
    return _absolute(f"{desk}?{QUERY_KEY}={pass_token(fair, worker)}")


def pass_png(fair: JobFair, worker: Worker, *, scale: int = 8) -> bytes:
    return qr_png(qr_code(pass_url(fair, worker)), scale=scale)


@dataclass(frozen=True)
class PassHolder:
    """Whom a pass names: the public ids of the fair and the worker."""

    fair_id: UUID
    worker_id: UUID


def _token_in(text: str) -> str:
    """The token in a scanned text: the whole text, or the `pass` parameter of a link."""
    text = text.strip()
    if "?" in text:
        values = parse_qs(urlsplit(text).query).get(QUERY_KEY)
        if values:
            return values[0]
    return text


def read_pass(text: str) -> PassHolder:
    """Whom a scanned pass names; anything not signed by us is refused."""
    token = _token_in(text)
    try:
        data = signing.loads(token, salt=HOLDER_SALT)
        return PassHolder(fair_id=UUID(hex=data["f"]), worker_id=UUID(hex=data["w"]))
    except (signing.BadSignature, ValueError, TypeError, KeyError) as exc:
        raise ValidationError(
            _("This is not a fair pass from this system, or it was altered. Ask the worker to "
              "open the pass on their phone again."), code="bad_pass",
        ) from exc
