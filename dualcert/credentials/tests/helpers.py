"""Builders for credentials tests: certificates already issued, in the state a test needs."""

from datetime import date, timedelta
from typing import Any, cast

from dualcert.catalog.models import CertificateType
from dualcert.credentials.models import Certificate
from tests.factories import CertificateTypeFactory, RegionFactory, WorkerFactory


def certificate(
    *, worker: Any = None, certificate_type: Any = None, number: str = "T2026000001",
    issued_on: date = date(2026, 6, 10), years: int | None = 6, status: str = "valid",
    **fields: Any,
) -> Certificate:
    """A permit certificate of `years` validity (None: no expiry)."""
    # A fixed county code keeps generated ID numbers at 18 characters however many
    # regions earlier tests created.
    worker = worker or WorkerFactory(region=RegionFactory(code="652301", name="昌吉市"))
    expires = (issued_on.replace(year=issued_on.year + years) - timedelta(days=1)
               if years else None)
    return Certificate.objects.create(
        number=number,
        certificate_type=certificate_type or cast(CertificateType, CertificateTypeFactory()),
        worker=worker, issuer_name="应急管理局", issued_on=issued_on,
        expires_on=expires, status=status, **fields,
    )


def signed_certificate(**fields: Any) -> Certificate:
    """A certificate as `certificate()` makes it, signed by its department's current key.

    The department gets its first key on the way; the trust list is published with it.
    """
    from dualcert.credentials.signing.keys import certificate_sign

    return certificate_sign(actor=None, certificate=certificate(**fields))
