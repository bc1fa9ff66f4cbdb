"""Pages of the credentials stage: the certificate register, a certificate, verification."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dualcert.assessment.selectors import sitting_get_for
from dualcert.core.scoping import scope_for
from dualcert.credentials import selectors, services
from dualcert.credentials.forms import CertificateFilterForm, LookupForm, RevokeForm
from dualcert.credentials.models import Certificate
from dualcert.credentials.permissions import may_revoke
from dualcert.people.services import id_number_for

PAGE_SIZE = 50


@login_required
def certificates(request: HttpRequest) -> HttpResponse:
    """The certificates the user may see, filtered by type and status."""
    if scope_for(request.user).role is None:
        raise Http404
    form = CertificateFilterForm(
        request.GET or None, types=selectors.certificate_types_for_filter(request.user)
    )
    filters = form.cleaned_data if form.is_valid() else {}
    queryset = selectors.certificates_filtered(
        request.user, certificate_type=filters.get("certificate_type"),
        status=filters.get("status", ""),
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    query = params.urlencode()
    return render(request, "credentials/certificate_list.html",
                  {"form": form, "page": page, "query": query})


def _render_detail(
    request: HttpRequest, certificate: Certificate, form: RevokeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    can_revoke = certificate.status == Certificate.Status.VALID and may_revoke(
        request.user, certificate
    )
    return render(request, "credentials/certificate_detail.html", {
        "certificate": certificate,
        "id_number": id_number_for(request.user, certificate.worker),
        "history": selectors.certificate_history(certificate),
        "revoke_form": (form or RevokeForm()) if can_revoke else None,
    }, status=status)


@login_required
def certificate_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """One certificate: holder, type, issuer, dates, status, history; revoke if allowed."""
    return _render_detail(request, selectors.certificate_get_for(request.user, public_id))


@login_required
@require_POST
def certificate_revoke(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Revoke a certificate with a reason (bureau admin or the certificate's department)."""
    certificate = selectors.certificate_get_for(request.user, public_id, write=True)
    form = RevokeForm(request.POST)
    if form.is_valid():
        try:
            services.certificate_revoke(actor=request.user, certificate=certificate,
                                        reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The certificate is revoked."))
            return redirect("credentials:certificate", public_id=certificate.public_id)
    return _render_detail(request, certificate, form, status=400)


@login_required
@require_POST
def sitting_issue(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Issue the certificates a confirmed sitting earned; report what was done."""
    sitting = sitting_get_for(request.user, public_id)
    try:
        summary = services.certificates_issue(actor=request.user, sitting=sitting)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _(
            "%(issued)d certificates issued, %(skipped)d already issued. Dual-certified: "
            "%(dual)d; one certificate: %(single)d; retakes offered: %(retakes)d."
        ) % {"issued": summary.issued, "skipped": summary.skipped,
             "dual": summary.dual_certified, "single": summary.single_certified,
             "retakes": summary.retakes})
    return redirect("assessment:sitting", public_id=sitting.public_id)


@login_required
def lookup(request: HttpRequest) -> HttpResponse:
    """Verify a certificate by its number and holder's name (posted, so nothing is in the URL)."""
    form = LookupForm(request.POST or None)
    searched, certificate = False, None
    if request.method == "POST" and form.is_valid():
        searched = True
        certificate = selectors.certificate_lookup(
            number=form.cleaned_data["number"], holder_name=form.cleaned_data["holder_name"]
        )
    return render(request, "credentials/lookup.html",
                  {"form": form, "searched": searched, "certificate": certificate})
