"""Job fair pages: the fair, its booths and pre-matched candidates, check-in by QR (the
poster and the worker's pass), referrals made at a booth, and the results."""

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from PIL import Image, ImageOps, UnidentifiedImageError

from dualcert.core.scoping import Role, scope_for
from dualcert.credentials.scanning import qr_texts_in_image
from dualcert.employment.models import Referral
from dualcert.employment.selectors import worker_for_referral
from dualcert.fairs import passes, selectors, services
from dualcert.fairs.exports import results_xlsx
from dualcert.fairs.forms import (
    BoothForm,
    CancelForm,
    DemandChoiceForm,
    DeskForm,
    FairForm,
    InviteForm,
)
from dualcert.fairs.models import Booth, FairCheckIn, JobFair
from dualcert.people.models import Worker

MOVES: dict[str, Callable[..., JobFair]] = {
    "open": services.fair_open,
    "close": services.fair_close,
}


def _refusal(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _fair_url(fair: JobFair) -> str:
    return reverse("fairs:fair", kwargs={"public_id": fair.public_id})


def _booth_url(booth: Booth) -> str:
    return reverse("fairs:booth", kwargs={"public_id": booth.fair.public_id,
                                          "booth_id": booth.public_id})


def _organiser(user: Any, fair: JobFair) -> bool:
    return JobFair.objects.writable_by(user).filter(pk=fair.pk).exists()


@login_required
def fair_list(request: HttpRequest) -> HttpResponse:
    """The fairs in the user's scope, latest first."""
    status = request.GET.get("status", "")
    status = status if status in JobFair.Status.values else ""
    fairs = selectors.fair_list_for(request.user, status=status)
    scope = scope_for(request.user)
    return render(request, "fairs/fair_list.html", {
        "page": Paginator(fairs, 50).get_page(request.GET.get("page")),
        "statuses": JobFair.Status.choices, "status": status,
        "query": f"status={status}" if status else "",
        "may_plan": scope.role in selectors.OFFICER_ROLES,
    })


@login_required
def fair_create(request: HttpRequest) -> HttpResponse:
    """Plan a fair (bureau: anywhere or prefecture-wide; county officer: own county)."""
    if scope_for(request.user).role not in selectors.OFFICER_ROLES:
        raise PermissionDenied
    form = FairForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            fair = services.fair_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The fair is planned. Now add the employers' booths."))
            return redirect(_fair_url(fair))
    return render(request, "fairs/fair_form.html", {"form": form},
                  status=400 if form.errors else 200)


def _worker_context(request: HttpRequest, fair: JobFair, booths: list[Booth]) -> dict[str, Any]:
    worker_id = scope_for(request.user).worker_id
    demands = [d for b in booths for d in b.demands.all()]
    applied = {r.demand_id: r for r in Referral.objects.filter(worker_id=worker_id,
                                                                demand__in=demands)}
    return {
        "checkin": selectors.checkin_of(fair, worker_id),
        "offers": [(b, [(d, applied.get(d.pk)) for d in b.demands.all()]) for b in booths],
        "may_apply": fair.status in services.REFERRING,
    }


@login_required
def fair_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """One fair: facts and booths; officers get its moves and tools, a worker their pass."""
    fair = selectors.fair_get_for(request.user, public_id)
    booths = list(selectors.booths_of(fair))
    scope = scope_for(request.user)
    if scope.role == Role.WORKER:
        return render(request, "fairs/fair_worker.html", {
            "fair": fair, "booths": booths, **_worker_context(request, fair, booths)})
    organiser = _organiser(request.user, fair)
    return render(request, "fairs/fair.html", {
        "fair": fair, "booths": booths, "organiser": organiser,
        "officer": scope.role in selectors.OFFICER_ROLES,
        "own_booth": selectors.own_booth(request.user, fair),
        "booth_form": BoothForm(employers=selectors.employers_without_booth(request.user, fair))
        if organiser and fair.status in services.REFERRING else None,
        "cancel_form": CancelForm(),
        "visitors": fair.checkins.count(),
    })


@login_required
@require_POST
def fair_move(request: HttpRequest, public_id: UUID, verb: str) -> HttpResponse:
    """Open, close or cancel the fair (the service checks the role, the state and the day)."""
    if verb not in (*MOVES, "cancel"):
        raise Http404(verb)
    fair = selectors.fair_get_for(request.user, public_id, write=True)
    try:
        if verb == "cancel":
            form = CancelForm(request.POST)
            reason = form.cleaned_data["reason"] if form.is_valid() else ""
            services.fair_cancel(actor=request.user, fair=fair, reason=reason)
        else:
            MOVES[verb](actor=request.user, fair=fair)
    except ValidationError as exc:
        messages.error(request, _refusal(exc))
    else:
        messages.success(request, _("Saved: %(status)s.") % {"status": fair.get_status_display()})
    return redirect(_fair_url(fair))


@login_required
@require_POST
def booth_add(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Give an employer a booth (its open demands are added on the booth's page)."""
    fair = selectors.fair_get_for(request.user, public_id, write=True)
    form = BoothForm(request.POST, employers=selectors.employers_without_booth(request.user, fair))
    if not form.is_valid():
        messages.error(request, _("Choose an employer that has no booth at this fair yet."))
        return redirect(_fair_url(fair))
    employer = form.cleaned_data["employer"]
    try:
        booth = services.booth_add(
            actor=request.user, fair=fair, employer=employer,
            number=form.cleaned_data["number"], demands=selectors.open_demands_of(employer),
        )
    except ValidationError as exc:
        messages.error(request, _refusal(exc))
        return redirect(_fair_url(fair))
    messages.success(request, _("%(employer)s has a booth, with its open job demands.")
                     % {"employer": employer.name})
    return redirect(_booth_url(booth))


@login_required
def booth_detail(request: HttpRequest, public_id: UUID, booth_id: UUID) -> HttpResponse:
    """A booth: its job demands, each with the ranked candidates and who checked in."""
    fair = selectors.fair_get_for(request.user, public_id)
    booth = selectors.booth_for_candidates(request.user, fair, booth_id)
    [prematch] = selectors.fair_prematch(fair=fair, today=timezone.localdate(), booths=[booth],
                                         viewer=request.user)
    scope = scope_for(request.user)
    editor = (scope.role == Role.EMPLOYER) or _organiser(request.user, fair)
    return render(request, "fairs/booth.html", {
        "fair": fair, "booth": booth, "prematch": prematch,
        "can_refer": fair.status in services.REFERRING,
        "editable": editor and fair.status in services.REFERRING,
        "removable": _organiser(request.user, fair) and fair.status in services.REFERRING,
        "addable": selectors.demands_for_booth(booth) if editor else [],
        "is_employer": scope.role == Role.EMPLOYER,
    })


@login_required
def booth_print(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Printable candidate lists: one booth (`?booth=`) or every booth (officers)."""
    fair = selectors.fair_get_for(request.user, public_id)
    booth_id = request.GET.get("booth")
    if booth_id:
        booths = [selectors.booth_for_candidates(request.user, fair, booth_id)]
    elif scope_for(request.user).role in selectors.OFFICER_ROLES:
        booths = list(selectors.booths_of(fair))
    else:
        raise PermissionDenied
    lists = selectors.fair_prematch(fair=fair, today=timezone.localdate(), booths=booths,
                                    viewer=request.user)
    return render(request, "fairs/booth_print.html", {
        "fair": fair, "lists": lists, "printed": timezone.localtime(),
    })


@login_required
@require_POST
def booth_remove(request: HttpRequest, public_id: UUID, booth_id: UUID) -> HttpResponse:
    fair = selectors.fair_get_for(request.user, public_id, write=True)
    booth = selectors.booth_get_for(request.user, fair, booth_id)
    try:
        services.booth_remove(actor=request.user, booth=booth)
    except ValidationError as exc:
        messages.error(request, _refusal(exc))
        return redirect(_booth_url(booth))
    messages.success(request, _("The booth was removed."))
    return redirect(_fair_url(fair))


def _booth_demand_change(request: HttpRequest, public_id: UUID, booth_id: UUID,
                         service: Callable[..., Booth], done: str) -> HttpResponse:
    fair = selectors.fair_get_for(request.user, public_id)
    booth = selectors.booth_for_candidates(request.user, fair, booth_id)
    form = DemandChoiceForm(request.POST)
    if not form.is_valid():
        raise Http404("job demand")
    demand = selectors.demand_of_employer(booth, form.cleaned_data["demand"])
    try:
        service(actor=request.user, booth=booth, demand=demand)
    except ValidationError as exc:
        messages.error(request, _refusal(exc))
    else:
        messages.success(request, done % {"title": demand.title})
    return redirect(_booth_url(booth))


@login_required
@require_POST
def booth_demand_add(request: HttpRequest, public_id: UUID, booth_id: UUID) -> HttpResponse:
    return _booth_demand_change(request, public_id, booth_id, services.booth_demand_add,
                                _("“%(title)s” is now offered at the booth."))


@login_required
@require_POST
def booth_demand_remove(request: HttpRequest, public_id: UUID, booth_id: UUID) -> HttpResponse:
    return _booth_demand_change(request, public_id, booth_id, services.booth_demand_remove,
                                _("“%(title)s” is no longer offered at the booth."))


@login_required
@require_POST
def booth_invite(request: HttpRequest, public_id: UUID, booth_id: UUID) -> HttpResponse:
    """At the booth: the employer invites, an officer recommends, a candidate for a job."""
    fair = selectors.fair_get_for(request.user, public_id)
    booth = selectors.booth_for_candidates(request.user, fair, booth_id)
    form = InviteForm(request.POST)
    if not form.is_valid():
        raise Http404("worker")
    demand = selectors.booth_demand(booth, form.cleaned_data["demand"])
    worker = worker_for_referral(request.user, demand, form.cleaned_data["worker"])
    try:
        services.fair_referral_invite(actor=request.user, booth=booth, demand=demand,
                                      worker=worker)
    except ValidationError as exc:
        messages.error(request, _refusal(exc))
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You may not refer workers to this job."))
    else:
        messages.success(request, _("The candidate was invited to apply for this job."))
    return redirect(_booth_url(booth))


@login_required
@require_POST
def booth_apply(request: HttpRequest, public_id: UUID, booth_id: UUID) -> HttpResponse:
    """A worker at the fair applies for a job of a booth in one tap."""
    fair = selectors.fair_get_for(request.user, public_id)
    booth = selectors.booth_get_for(request.user, fair, booth_id)
    form = DemandChoiceForm(request.POST)
    if not form.is_valid():
        raise Http404("job demand")
    demand = selectors.booth_demand(booth, form.cleaned_data["demand"])
    try:
        services.fair_referral_apply(actor=request.user, booth=booth, demand=demand)
    except ValidationError as exc:
        messages.error(request, _refusal(exc))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("You applied for “%(title)s”. The employer can now see "
                                    "your name.") % {"title": demand.title})
    return redirect(_fair_url(fair))


# ---- QR check-in ----------------------------------------------------------------------------

def _png(content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def poster(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The printable entrance poster with the fair's check-in QR code (officers)."""
    fair = selectors.fair_for_officers(request.user, public_id)
    return render(request, "fairs/poster.html", {"fair": fair})


@login_required
def poster_png(request: HttpRequest, public_id: UUID) -> HttpResponse:
    fair = selectors.fair_for_officers(request.user, public_id)
    return _png(passes.poster_png(fair))


@login_required
def pass_png(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The signed-in worker's own pass for the fair."""
    fair = selectors.fair_get_for(request.user, public_id)
    scope = scope_for(request.user)
    if scope.role != Role.WORKER:
        raise PermissionDenied
    return _png(passes.pass_png(fair, Worker.objects.get(pk=scope.worker_id)))


@login_required
def here(request: HttpRequest, token: str) -> HttpResponse:
    """Where the poster's QR code leads: the worker taps "I am here"."""
    try:
        fair_id = passes.fair_of_poster(token)
    except ValidationError as exc:
        return render(request, "fairs/here.html", {"error": _refusal(exc)}, status=400)
    fair = selectors.fair_get_for(request.user, fair_id)
    is_worker = scope_for(request.user).role == Role.WORKER
    checkin = selectors.checkin_of(fair, scope_for(request.user).worker_id) if is_worker else None
    status = 200
    if request.method == "POST" and checkin is None:
        try:
            checkin = services.checkin_by_poster(actor=request.user, fair=fair)
        except ValidationError as exc:
            messages.error(request, _refusal(exc))
            status = 400
        else:
            return redirect(_fair_url(fair))
    return render(request, "fairs/here.html", {
        "fair": fair, "checkin": checkin, "is_worker": is_worker,
    }, status=status)


def _scanned_text(form: DeskForm) -> str:
    if form.cleaned_data.get("scanned"):
        return str(form.cleaned_data["scanned"])
    try:
        with Image.open(form.cleaned_data["photo"]) as opened:
            image = ImageOps.exif_transpose(opened)
            image.load()
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ValidationError(_("The photo could not be read; take it again."),
                              code="bad_photo") from exc
    texts = qr_texts_in_image(image)
    if not texts:
        raise ValidationError(_("No QR code was found in the photo; take it again, closer and "
                                "in focus."), code="no_qr")
    return texts[0]


@login_required
def desk(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The check-in desk: the scanned text of a worker's pass, or a photo of it."""
    fair = selectors.fair_for_officers(request.user, public_id)
    initial = {"scanned": request.GET.get(passes.QUERY_KEY, "")}
    form = DeskForm(request.POST or None, request.FILES or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            method = (FairCheckIn.Method.PASS_TEXT if form.cleaned_data.get("scanned")
                      else FairCheckIn.Method.PASS_PHOTO)
            try:
                checkin = services.checkin_by_pass(actor=request.user, fair=fair,
                                                   text=_scanned_text(form), method=method)
            except ValidationError as exc:
                messages.error(request, _refusal(exc))
                status = 400
            else:
                messages.success(request, _("Checked in: %(name)s (%(id)s).") % {
                    "name": checkin.worker.name, "id": checkin.worker.id_number_masked})
                return redirect("fairs:desk", public_id=fair.public_id)
        else:
            status = 400
    return render(request, "fairs/desk.html", {
        "fair": fair, "form": DeskForm() if status == 400 and form.is_valid() else form,
        "recent": selectors.checkins_recent(fair), "visitors": fair.checkins.count(),
    }, status=status)


# ---- results --------------------------------------------------------------------------------

def _results_for(request: HttpRequest, public_id: UUID) -> selectors.FairResults:
    fair = selectors.fair_get_for(request.user, public_id)
    scope = scope_for(request.user)
    if scope.role in selectors.OFFICER_ROLES:
        return selectors.fair_results(fair=fair)
    if scope.role == Role.EMPLOYER:
        return selectors.fair_results(fair=fair, employer_id=scope.employer_id)
    raise PermissionDenied


@login_required
def results(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Visitors, referrals made at the fair, interviews, offers, hires: per booth and total."""
    figures = _results_for(request, public_id)
    return render(request, "fairs/results.html", {
        "fair": figures.fair, "results": figures,
        "officer": scope_for(request.user).role in selectors.OFFICER_ROLES,
    })


@login_required
def results_xlsx_download(request: HttpRequest, public_id: UUID) -> HttpResponse:
    figures = _results_for(request, public_id)
    response = HttpResponse(
        results_xlsx(figures),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"fair-results-{figures.fair.day:%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
