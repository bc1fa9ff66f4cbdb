"""Printing pages: certificate PDF and QR, the dual sheet, batch print jobs, the worker's wallet."""

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from dualcert.core.scoping import Role, scope_for
from dualcert.core.views import PRIVATE, private_download
from dualcert.credentials import selectors
from dualcert.credentials.models import PrintJob
from dualcert.credentials.printing import documents, jobs
from dualcert.credentials.printing import selectors as printing
from dualcert.credentials.printing.qr import certificate_qr_png
from dualcert.training.selectors import project_get_for

RECORD_FAULTS = {"unsigned", "unreadable_payload"}


def _refused(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """A certificate that cannot be printed (no font, not signed): say why and what to do."""
    # The certificate's own record is at fault (409); otherwise the server's set-up is (503).
    status = 409 if getattr(exc, "code", "") in RECORD_FAULTS else 503
    return render(request, "credentials/print_refused.html", {"messages_": exc.messages},
                  status=status)


def _attachment(content: bytes, name: str, content_type: str = "application/pdf") -> HttpResponse:
    # Named by the certificate number, never by the holder: file names end up in download
    # folders, mail attachments and proxy logs.
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name) or ""
    response["Cache-Control"] = PRIVATE
    return response


@login_required
def certificate_pdf(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """One certificate as a printable PDF (anyone who may see the certificate)."""
    certificate = selectors.certificate_get_for(request.user, public_id)
    try:
        content = documents.certificate_pdf(certificate)
    except ValidationError as exc:
        return _refused(request, exc)
    return _attachment(content, f"{certificate.number}.pdf")


@login_required
def certificate_qr(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The certificate's QR code as a PNG image."""
    certificate = selectors.certificate_get_for(request.user, public_id)
    try:
        content = certificate_qr_png(certificate)
    except ValidationError as exc:
        return _refused(request, exc)
    response = HttpResponse(content, content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def dual_sheet_pdf(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Both certificates one sitting gave a worker on one sheet; 404 without a visible pair."""
    certificate = selectors.certificate_get_for(request.user, public_id)
    pair = printing.certificate_pair_for(request.user, certificate)
    if len(pair) < 2:
        raise Http404("no dual pair")
    try:
        content = documents.dual_sheet_pdf(pair)
    except ValidationError as exc:
        return _refused(request, exc)
    return _attachment(content, "_".join(c.number for c in pair) + ".pdf")


@login_required
def project_prints(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """A project's batch prints: start one, and the recent ones to come back to."""
    project = project_get_for(request.user, public_id)
    jobs.require_print_project(request.user, project)
    count = printing.project_certificates(request.user, project).count()
    return render(request, "credentials/print_jobs.html", {
        "project": project, "certificate_count": count,
        "jobs": printing.print_jobs_of_project(request.user, project),
    })


@login_required
@require_POST
def project_print_start(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Queue a batch print of the project's certificates and show its progress."""
    project = project_get_for(request.user, public_id)
    job = jobs.print_job_request(actor=request.user, project=project,
                                 language=getattr(request, "LANGUAGE_CODE", ""))
    return redirect("credentials:print_job", public_id=job.public_id)


@login_required
def print_job(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """A print job's progress; htmx polls the status partial, without JS the page refreshes."""
    job = printing.print_job_get_for(request.user, public_id)
    context = {"job": job, "finished": job.status in (PrintJob.Status.DONE,
                                                      PrintJob.Status.FAILED)}
    if getattr(request, "htmx", False):
        return render(request, "credentials/print_job.html#status", context)
    return render(request, "credentials/print_job.html", context)


@login_required
def print_job_download(request: HttpRequest, public_id: UUID) -> FileResponse:
    """The finished batch PDF (404 until it is done, or when its file was cleared away)."""
    job = printing.print_job_get_for(request.user, public_id)
    made = timezone.localtime(job.created_at)
    return private_download(jobs.print_file(job), content_type="application/pdf",
                            filename=f"{job.project.code}-{made:%Y%m%d-%H%M}.pdf",
                            ready=job.status == PrintJob.Status.DONE)


def _require_worker(request: HttpRequest) -> None:
    if scope_for(request.user).role != Role.WORKER:
        raise Http404("wallets are for workers")


@login_required
def wallet(request: HttpRequest) -> HttpResponse:
    """A worker's own certificates on their phone: QR to show, PDF to download, who verified."""
    _require_worker(request)
    certificates = printing.wallet_certificates(request.user)
    pairs = [group for group in printing.by_score_sheet(certificates) if len(group) == 2]
    return render(request, "credentials/wallet.html", {
        "certificates": certificates, "pairs": pairs,
        "verifications": printing.wallet_verifications(request.user),
    })


@login_required
def wallet_qr(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """One of the worker's certificates as a full-screen QR code to hold up to a camera."""
    _require_worker(request)
    certificate = selectors.certificate_get_for(request.user, public_id)
    return render(request, "credentials/wallet_qr.html", {"certificate": certificate})
