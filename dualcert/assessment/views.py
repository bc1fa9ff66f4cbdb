"""Pages of the assessment stage: sittings, the score sheet, results and their confirmation."""

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dualcert.assessment import permissions, selectors, services
from dualcert.assessment.forms import ScoreSheetForm, SittingFilterForm, SittingForm
from dualcert.assessment.models import Sitting
from dualcert.core.scoping import scope_for
from dualcert.credentials.permissions import may_issue

PAGE_SIZE = 50
AWAITING_SHOWN = 20


@login_required
def sittings(request: HttpRequest) -> HttpResponse:
    """The sittings the user may see, newest first, optionally by status."""
    if scope_for(request.user).role is None:
        raise Http404
    form = SittingFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    queryset = selectors.sitting_visible_to(request.user)
    if status:
        queryset = queryset.filter(status=status)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    awaiting = list(selectors.projects_awaiting_sitting(request.user)[:AWAITING_SHOWN])
    return render(request, "assessment/sitting_list.html", {
        "form": form, "page": page, "awaiting": awaiting,
        "query": urlencode({"status": status}) if status else "",
    })


@login_required
def sitting_create(request: HttpRequest, project_id: UUID) -> HttpResponse:
    """Schedule the one sitting of a project (bureau admin, county officer)."""
    project = selectors.schedulable_project_get_for(request.user, project_id)
    permissions.require_schedule(request.user, project)
    existing = selectors.sitting_of_project(request.user, project)
    if existing is not None:
        messages.info(request, _("This project already has its sitting."))
        return redirect("assessment:sitting", public_id=existing.public_id)
    form = SittingForm(
        request.POST or None, bodies=selectors.evaluation_bodies_for(request.user), project=project
    )
    if request.method == "POST" and form.is_valid():
        try:
            sitting = services.sitting_schedule(actor=request.user, project=project,
                                                **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The sitting is scheduled."))
            return redirect("assessment:sitting", public_id=sitting.public_id)
    return render(request, "assessment/sitting_form.html", {"form": form, "project": project})


def _render_detail(
    request: HttpRequest, sitting: Sitting, *, sheet: ScoreSheetForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    candidates = list(selectors.sitting_candidates(user, sitting))
    can_score = permissions.may_score(user, sitting)
    scheduled = sitting.status == Sitting.Status.SCHEDULED
    if sheet is None and can_score and scheduled:
        sheet = ScoreSheetForm(candidates=candidates)
    tables = selectors.sitting_results(user, sitting)
    counts = selectors.sitting_counts(candidates, tables)
    return render(request, "assessment/sitting_detail.html", {
        "sitting": sitting, "project": sitting.project, "candidates": candidates,
        "sheet": sheet, "tables": tables, "counts": counts,
        "history": selectors.sitting_history(sitting),
        "can_submit": can_score and scheduled,
        "can_reopen": can_score and sitting.status == Sitting.Status.SCORED,
        "can_confirm": sitting.status == Sitting.Status.SCORED
        and permissions.may_confirm(user, sitting),
        "can_issue": sitting.status == Sitting.Status.CONFIRMED
        and counts.awaiting_certificate > 0 and may_issue(user, sitting),
    }, status=status)


@login_required
def sitting_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Facts, examiners, the score sheet (evaluator), results per certificate and actions."""
    return _render_detail(request, selectors.sitting_get_for(request.user, public_id))


@login_required
@require_POST
def sitting_scores(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Save the whole score sheet at once; any wrong line keeps everything unsaved."""
    sitting = selectors.sitting_get_for(request.user, public_id)
    permissions.require_score(request.user, sitting)
    candidates = list(selectors.sitting_candidates(request.user, sitting))
    sheet = ScoreSheetForm(request.POST, candidates=candidates)
    if sheet.is_valid():
        try:
            saved = services.scores_record_sheet(
                actor=request.user, sitting=sitting, rows=sheet.score_rows()
            )
        except ValidationError as exc:
            sheet.add_service_errors(exc)
        else:
            messages.success(request, _("%(count)d score sheets saved.") % {"count": len(saved)})
            return redirect("assessment:sitting", public_id=sitting.public_id)
    return _render_detail(request, sitting, sheet=sheet, status=400)


def _act(
    request: HttpRequest, public_id: UUID, action: Callable[..., Any], done: str
) -> HttpResponse:
    sitting = selectors.sitting_get_for(request.user, public_id)
    try:
        action(actor=request.user, sitting=sitting)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("assessment:sitting", public_id=sitting.public_id)


@login_required
@require_POST
def sitting_submit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The evaluator submits the score sheet; results are judged per certificate type."""
    return _act(request, public_id, services.sitting_submit,
                _("The score sheet is submitted and the results are judged."))


@login_required
@require_POST
def sitting_reopen(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The evaluator takes the submitted sheet back to correct it."""
    return _act(request, public_id, services.sitting_reopen,
                _("The sitting is reopened; correct the scores and submit again."))


@login_required
@require_POST
def sitting_confirm(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The permit's department (or the bureau admin) co-signs the results."""
    return _act(request, public_id, services.sitting_confirm, _("The results are confirmed."))
