"""The certificate's QR code: the verification page's URL, the signed payload in its fragment."""

import io

import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from dualcert.credentials.models import Certificate
from dualcert.credentials.signing.payload import fragment_url

# Error level M survives a crease or a smudge; four modules of quiet zone is what the QR
# standard asks for and what phone cameras need to find the code on a busy page.
ERROR_LEVEL = "m"
QUIET_ZONE = 4


def verify_address() -> str:
    """The public verification page's address, printed under every QR code."""
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}/v/"


def certificate_url(certificate: Certificate) -> str:
    """What the QR code holds; a certificate without a signed payload has no QR code yet."""
    if not certificate.signed_payload:
        raise ValidationError(
            _("Certificate %(number)s has no signed QR code yet, so it cannot be printed or "
              "shown. Sign it with “dualcert keys sign-missing”, then try again.")
            % {"number": certificate.number},
            code="unsigned",
        )
    return fragment_url(settings.PUBLIC_BASE_URL, certificate.signed_payload)


def qr_code(text: str) -> segno.QRCode:
    """A full-size QR code of `text` at the error correction every printed code uses."""
    return segno.make(text, error=ERROR_LEVEL, boost_error=False, micro=False)


def certificate_qr(certificate: Certificate) -> segno.QRCode:
    return qr_code(certificate_url(certificate))


def qr_png(code: segno.QRCode, *, scale: int = 8) -> bytes:
    """The code as a black-on-white PNG with its quiet zone, `scale` pixels per module."""
    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=scale, border=QUIET_ZONE, dark="#000", light="#fff")
    return buffer.getvalue()


def certificate_qr_png(certificate: Certificate, *, scale: int = 8) -> bytes:
    """The certificate's QR code as a PNG image."""
    return qr_png(certificate_qr(certificate), scale=scale)
