"""Job demand pages: the scoped list (job offers for workers), posting, detail, edit, close."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dualcert.core.scoping import Role, scope_for
from dualcert.demand import selectors
from dualcert.demand.forms import DemandFilterForm, DemandForm
from dualcert.demand.models import JobDemand
from dualcert.demand.services import demand_close, demand_create, demand_may_post, demand_update

PAGE_SIZE = 50


@login_required
def demands(request: HttpRequest) -> HttpResponse:
    """Workers see open demands as job offers; everyone else the demands in their scope."""
    scope = scope_for(request.user)
    if scope.role is None:
        raise PermissionDenied
    if scope.role == Role.WORKER:
        return _offers(request)
    form = DemandFilterForm(request.GET or None, user=request.user)
    queryset = selectors.demand_filter(selectors.demand_visible_to(request.user), **form.filters())
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({k: request.GET.get(k, "") for k in request.GET if k != "page"})
    return render(request, "demand/demands.html", {
        "page": page, "filter_form": form, "query": query,
        "may_post": demand_may_post(request.user), "employer_view": scope.role == Role.EMPLOYER,
    })


def _offers(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.demand_offers(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "demand/offers.html", {
        "page": page, "applied": selectors.demand_ids_applied(request.user),
    })


@login_required
def demand_create_view(request: HttpRequest) -> HttpResponse:
    """Post a job demand (employer for itself; bureau or county officer for an employer)."""
    if not demand_may_post(request.user):
        raise PermissionDenied
    form = DemandForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        arguments = {"employer": None, **form.service_arguments()}
        try:
            demand = demand_create(actor=request.user, **arguments)
        except (ValidationError, PermissionDenied) as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("The job demand is posted."))
            return redirect("demand:demand", public_id=demand.public_id)
    return render(request, "demand/demand_form.html", {"form": form, "demand": None})


@login_required
def demand_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Change an open job demand."""
    demand = selectors.demand_get_for(request.user, public_id, write=True)
    form = DemandForm(request.POST or None, user=request.user, demand=demand)
    if request.method == "POST" and form.is_valid():
        try:
            demand_update(actor=request.user, demand=demand, **form.service_arguments())
        except (ValidationError, PermissionDenied) as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("The job demand is saved."))
            return redirect("demand:demand", public_id=demand.public_id)
    return render(request, "demand/demand_form.html", {"form": form, "demand": demand})


def _refused(form: DemandForm, exc: ValidationError | PermissionDenied) -> None:
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc if isinstance(exc, ValidationError) else str(exc))


@login_required
def demand(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """A job demand: its facts, the training projects answering it, and what the user may do."""
    obj = selectors.demand_get_for(request.user, public_id)
    scope = scope_for(request.user)
    return render(request, "demand/demand.html", {
        "demand": obj,
        "projects": selectors.demand_projects(request.user, obj),
        "may_edit": selectors.demand_may_edit(request.user, obj),
        "officer": scope.has(Role.BUREAU, Role.COUNTY),
        "worker_view": scope.role == Role.WORKER,
        "applied": scope.role == Role.WORKER
        and obj.pk in selectors.demand_ids_applied(request.user),
        "closable": JobDemand.Status.CLOSED in JobDemand.TRANSITIONS[obj.status],
    })


@login_required
@require_POST
def demand_close_view(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Close a job demand (open or filled)."""
    obj = selectors.demand_get_for(request.user, public_id, write=True)
    try:
        demand_close(actor=request.user, demand=obj, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The job demand is closed."))
    return redirect("demand:demand", public_id=obj.public_id)
