"""Certificate PDFs: one certificate, a worker's dual sheet, or a whole project's batch."""

from collections.abc import Callable, Iterable

from django.utils import timezone

from dualcert.credentials.models import Certificate
from dualcert.credentials.printing.face import face_for
from dualcert.credentials.printing.pdf import CertificateDocument
from dualcert.credentials.printing.selectors import by_score_sheet, skill_first


def certificate_pdf(certificate: Certificate) -> bytes:
    """One certificate on an A4 landscape page."""
    document = CertificateDocument(title=certificate.number)
    document.add_single(face_for(certificate))
    return document.output()


def dual_sheet_pdf(certificates: list[Certificate]) -> bytes:
    """A worker's two certificates of one sitting on one A4 sheet, skill-level first."""
    pair = skill_first(certificates)
    document = CertificateDocument(title=" · ".join(c.number for c in pair))
    today = timezone.localdate()
    document.add_faces([face_for(c, today=today) for c in pair])
    return document.output()


def sheets(certificates: Iterable[Certificate]) -> list[list[Certificate]]:
    """One page's certificates each: a candidate's pair together, other certificates alone."""
    pages: list[list[Certificate]] = []
    for group in by_score_sheet(certificates):
        pages.extend([group] if len(group) == 2 else [[c] for c in group])
    return pages


def batch_pdf(pages: list[list[Certificate]], *, title: str,
              on_page: Callable[[int], None] | None = None) -> bytes:
    """All pages in one PDF; `on_page(n)` is told after each page is drawn (progress)."""
    document = CertificateDocument(title=title)
    today = timezone.localdate()
    for done, page in enumerate(pages, start=1):
        document.add_faces([face_for(c, today=today) for c in page])
        if on_page is not None:
            on_page(done)
    return document.output()
