"""People pages: the workers list and record, registration, and a worker's own page."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from dualcert.core.scoping import Role, scope_for
from dualcert.people import selectors
from dualcert.people.forms import ConsentForm, IdNumberSearchForm, WorkerForm
from dualcert.people.models import Worker
from dualcert.people.services import (
    id_number_for,
    worker_register,
    worker_set_consent,
    worker_update,
)

PAGE_SIZE = 50


@sensitive_post_parameters("id_number", "phone", "q")
@login_required
def workers(request: HttpRequest) -> HttpResponse:
    """Workers in the user's scope; searches by name or ID number are POSTed.

    A name or an ID number is personal data: it must not sit in a URL, a browser history or
    an access log, so both searches use POST and show one page of matches.
    """
    if scope_for(request.user).role is None:
        raise PermissionDenied
    queryset = selectors.worker_visible_to(request.user)
    posted = request.method == "POST"
    id_form = IdNumberSearchForm(request.POST if posted and "id_number" in request.POST else None)
    name = request.POST.get("q", "").strip() if posted else ""
    if id_form.is_bound:
        queryset = _by_id_number(request, id_form)
    elif name:
        queryset = selectors.worker_search(queryset, name=name)
    searching = posted
    page = Paginator(queryset, PAGE_SIZE).get_page(1 if searching else request.GET.get("page"))
    return render(request, "people/workers.html", {
        "page": page, "rows": selectors.worker_rows(request.user, page),
        "q": name, "id_form": id_form, "searching": searching,
        "id_search": id_form.is_bound, "may_register": selectors.worker_may_register(request.user),
    })


def _by_id_number(request: HttpRequest, form: IdNumberSearchForm) -> Any:
    if not form.is_valid():
        return Worker.objects.none()
    try:
        return selectors.worker_find_by_id_number(request.user, form.cleaned_data["id_number"])
    except ValidationError as exc:
        form.add_error("id_number", exc)
        return Worker.objects.none()


@sensitive_post_parameters("id_number", "phone")
@login_required
def worker_create(request: HttpRequest) -> HttpResponse:
    """Register a worker (bureau, county officer, institution)."""
    if not selectors.worker_may_register(request.user):
        raise PermissionDenied
    form = WorkerForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            worker = worker_register(actor=request.user, **form.service_arguments())
        except (ValidationError, PermissionDenied) as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("The worker's record is saved."))
            return _after_save(request, worker)
    return render(request, "people/worker_form.html", {"form": form, "worker": None})


@sensitive_post_parameters("id_number", "phone")
@login_required
def worker_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Change a worker's record, or correct a mistyped ID number."""
    worker = selectors.worker_get_for(request.user, public_id, write=True)
    form = WorkerForm(request.POST or None, user=request.user, worker=worker)
    if request.method == "POST" and form.is_valid():
        try:
            worker = worker_update(actor=request.user, worker=worker, **form.service_arguments())
        except (ValidationError, PermissionDenied) as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("The worker's record is saved."))
            return _after_save(request, worker)
    return render(request, "people/worker_form.html", {"form": form, "worker": worker})


def _refused(form: WorkerForm, exc: ValidationError | PermissionDenied) -> None:
    if isinstance(exc, ValidationError):
        form.add_service_error(exc)
    else:
        form.add_error(None, str(exc) or _("Your role may not do this."))


def _after_save(request: HttpRequest, worker: Worker) -> HttpResponse:
    # An institution registers people before enrolling them, so it may not see them yet.
    if selectors.worker_visible_to(request.user).filter(pk=worker.pk).exists():
        return redirect("people:worker", public_id=worker.public_id)
    return redirect("people:workers")


@login_required
def worker(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """A worker's record: facts, training, certificates, jobs and (officers) history."""
    obj = selectors.worker_get_for(request.user, public_id)
    user = request.user
    return render(request, "people/worker.html", {
        "worker": obj, "shown_id": id_number_for(user, obj),
        "may_edit": selectors.worker_may_edit(user, obj),
        "enrollments": selectors.worker_enrollments(user, obj),
        "certificates": selectors.worker_certificates(user, obj),
        "referrals": selectors.worker_referrals(user, obj),
        "placements": selectors.worker_placements(user, obj),
        "history": selectors.worker_history(user, obj)[:100],
        "officer": scope_for(user).has(Role.BUREAU, Role.COUNTY),
    })


def _own_worker(request: HttpRequest) -> Worker:
    if scope_for(request.user).role != Role.WORKER:
        raise PermissionDenied
    return selectors.worker_own(request.user)


@login_required
def me(request: HttpRequest) -> HttpResponse:
    """A worker's own page on their phone: consent, training, certificates, applications."""
    own = _own_worker(request)
    user = request.user
    return render(request, "people/me.html", {
        "worker": own,
        "enrollments": selectors.worker_enrollments(user, own),
        "certificates": selectors.worker_certificates(user, own),
        "referrals": selectors.worker_referrals(user, own),
    })


@login_required
@require_POST
def me_consent(request: HttpRequest) -> HttpResponse:
    """The worker agrees, or stops agreeing, to be recommended to employers."""
    own = _own_worker(request)
    form = ConsentForm(request.POST)
    form.is_valid()
    consent = bool(form.cleaned_data.get("consent"))
    worker_set_consent(actor=request.user, worker=own, consent=consent)
    if consent:
        messages.success(request, _("Employers can now be told about you."))
    else:
        messages.success(request, _("You will no longer be recommended to employers."))
    return redirect("people:me")
