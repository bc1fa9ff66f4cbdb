"""Pages of the training stage: parse, read through selectors, call one service, render."""

from collections.abc import Callable
from functools import partial
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dualcert.core.scoping import Role, scope_for
from dualcert.training import selectors, services
from dualcert.training.forms import (
    ApplyForm,
    AttendanceForm,
    DropForm,
    ModuleForm,
    ProjectForm,
    SelfApplyForm,
    SessionForm,
)
from dualcert.training.models import Enrollment, TrainingProject

Status = TrainingProject.Status


def _refused(request: HttpRequest, exc: ValidationError | PermissionDenied) -> None:
    texts = exc.messages if isinstance(exc, ValidationError) else [str(exc) or _("Not allowed.")]
    for text in texts:
        messages.error(request, text)


def _to_project(project: TrainingProject) -> HttpResponse:
    return redirect("training:project", public_id=project.public_id)


@login_required
def projects(request: HttpRequest) -> HttpResponse:
    """Projects the user may see, filtered by status; workers can apply from here."""
    scope = scope_for(request.user)
    if scope.role is None:
        raise Http404
    status = request.GET.get("status") or None
    found = selectors.project_list(request.user, status=status)
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    rows = [(row, _my_status(row)) for row in page]
    return render(request, "training/projects.html", {
        "page": page, "rows": rows, "status": status, "statuses": Status.choices,
        "query": urlencode({"status": status}) if status else "",
        "can_create": services.may_create_project(request.user),
        "is_worker": scope.role == Role.WORKER,
    })


def _my_status(row: TrainingProject) -> str:
    """A worker's own application status on a list row ("" when they have none)."""
    mine = getattr(row, "my_status", None)
    return str(Enrollment.Status(mine).label) if mine else ""


def _create_initial(request: HttpRequest) -> dict[str, Any]:
    """`?demand=<uuid>` preselects that open demand and a pathway for its occupation."""
    try:
        demand_id = UUID(request.GET.get("demand", ""))
    except ValueError:
        return {}
    demand = selectors.open_demands_for(request.user).filter(public_id=demand_id).first()
    if demand is None:
        return {}
    pathway = selectors.pathway_for_demand(demand)
    return {"demands": [demand], "pathway": pathway, "region": demand.region,
            "name": demand.title, "capacity": demand.headcount}


@login_required
def project_create(request: HttpRequest) -> HttpResponse:
    """The bureau or a county officer starts a project from job demands."""
    scope = scope_for(request.user)
    if scope.role is None:
        raise Http404
    if not services.may_create_project(request.user):
        raise PermissionDenied
    form = ProjectForm(
        request.POST or None, initial=_create_initial(request),
        pathways=selectors.pathway_choices(),
        institutions=selectors.institution_choices_for(request.user),
        demands=selectors.open_demands_for(request.user),
        regions=selectors.county_choices() if scope.is_bureau else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Project %(code)s created as a draft.")
                             % {"code": project.code})
            return _to_project(project)
    return render(request, "training/project_form.html", {"form": form})


def _render_project(request: HttpRequest, project: TrainingProject, **forms: Any) -> HttpResponse:
    """The project page; `forms` carries a bound form that failed, to show its errors."""
    page = selectors.project_page(request.user, project)
    if page.can_edit_curriculum and "module_form" not in forms:
        forms["module_form"] = ModuleForm(items=selectors.requirement_items_of(project),
                                          initial={"order": len(page.modules) + 1})
    if page.can_schedule and "session_form" not in forms:
        forms["session_form"] = SessionForm(modules=project.modules.all())
    if page.can_admit and "apply_form" not in forms:
        forms["apply_form"] = ApplyForm(regions=selectors.county_choices(),
                                        initial={"region": project.region})
    if page.can_self_apply and "self_apply_form" not in forms:
        forms["self_apply_form"] = SelfApplyForm()
    return render(request, "training/project.html", {"p": page, "project": project, **forms})


@login_required
def project(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Facts, curriculum coverage, modules, sessions, enrollments and the allowed moves."""
    return _render_project(request, selectors.project_get_for(request.user, public_id))


@login_required
@require_POST
def project_move(request: HttpRequest, public_id: UUID, name: str) -> HttpResponse:
    """Approve, open enrollment, start or finish training, close, or return to draft."""
    project = selectors.project_get_for(request.user, public_id, write=True)
    try:
        services.project_move(actor=request.user, project=project, name=name)
    except ValidationError as exc:
        if len(exc.messages) > 1:
            messages.error(request, _("Refused, for these reasons:"))
        _refused(request, exc)
    except PermissionDenied as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The project is now “%(status)s”.")
                         % {"status": project.get_status_display()})
    return _to_project(project)


@login_required
@require_POST
def module_add(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Add a module to a draft project's curriculum."""
    project = selectors.project_get_for(request.user, public_id, write=True)
    form = ModuleForm(request.POST, items=selectors.requirement_items_of(project))
    add = partial(services.module_add, project=project)
    if form.is_valid() and _saved(request, form, add, _("Module added.")):
        return _to_project(project)
    return _render_project(request, project, module_form=form)


def _as_validation_error(exc: ValidationError | PermissionDenied) -> ValidationError:
    if isinstance(exc, ValidationError):
        return exc
    return ValidationError(str(exc) or _("Not allowed."))


def _saved(request: HttpRequest, form: Any, call: Callable[..., Any], success: str) -> bool:
    """Call a service with the form's cleaned data; a refusal becomes the form's error."""
    try:
        call(actor=request.user, **form.cleaned_data)
    except (ValidationError, PermissionDenied) as exc:
        form.add_error(None, _as_validation_error(exc))
        return False
    messages.success(request, success)
    return True


@login_required
def module_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Change a module of a draft project (or remove it, see module_remove)."""
    module = selectors.module_get_for(request.user, public_id, write=True)
    items = selectors.requirement_items_of(module.project)
    initial = {"name": module.name, "order": module.order, "theory_hours": module.theory_hours,
               "practical_hours": module.practical_hours,
               "requirement_items": list(module.requirement_items.all())}
    form = ModuleForm(request.POST or None, items=items, initial=initial)
    update = partial(services.module_update, module=module)
    if request.method == "POST" and form.is_valid() and _saved(
        request, form, update, _("Module saved.")
    ):
        return _to_project(module.project)
    return render(request, "training/module_form.html", {"form": form, "module": module})


@login_required
@require_POST
def module_remove(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Remove a module from a draft project's curriculum."""
    module = selectors.module_get_for(request.user, public_id, write=True)
    try:
        services.module_remove(actor=request.user, module=module)
    except (ValidationError, PermissionDenied) as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Module removed."))
    return _to_project(module.project)


@login_required
@require_POST
def session_add(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Schedule a session of the project."""
    project = selectors.project_get_for(request.user, public_id, write=True)
    form = SessionForm(request.POST, modules=project.modules.all())
    add = partial(services.session_add, project=project)
    if form.is_valid() and _saved(request, form, add, _("Session scheduled.")):
        return _to_project(project)
    return _render_project(request, project, session_form=form)


@login_required
@require_POST
def enrollment_apply(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """An officer or the institution files an application for a worker."""
    project = selectors.project_get_for(request.user, public_id, write=True)
    form = ApplyForm(request.POST, regions=selectors.county_choices())
    if form.is_valid():
        try:
            services.enrollment_apply(actor=request.user, project=project, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            error = _as_validation_error(exc)
            form.add_error("id_number" if _is_id_error(error) else None, error)
        else:
            messages.success(request, _("Application filed."))
            return _to_project(project)
    return _render_project(request, project, apply_form=form)


def _is_id_error(error: ValidationError) -> bool:
    return str(getattr(error, "code", "") or "").startswith("id_")


@login_required
@require_POST
def enrollment_apply_self(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """A signed-in worker applies for an enrolling project."""
    project = selectors.project_get_for(request.user, public_id)
    form = SelfApplyForm(request.POST)
    if not form.is_valid():
        return _render_project(request, project, self_apply_form=form)
    try:
        services.enrollment_apply_self(actor=request.user, project=project, **form.cleaned_data)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _("You cannot apply for this project:"))
        _refused(request, exc)
    else:
        messages.success(request, _("Application sent. The training institution will tell you "
                                    "whether you are admitted."))
    return _to_project(project)


@login_required
@require_POST
def enrollment_admit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Admit one applicant."""
    enrollment = selectors.enrollment_get_for(request.user, public_id, write=True)
    try:
        services.enrollment_admit(actor=request.user, enrollment=enrollment)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _("%(name)s was not admitted:") % {"name": enrollment.worker})
        _refused(request, exc)
    else:
        messages.success(request, _("%(name)s admitted.") % {"name": enrollment.worker})
    return _to_project(enrollment.project)


@login_required
@require_POST
def enrollment_admit_all(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Admit every eligible applicant while places last; say who was not admitted and why."""
    project = selectors.project_get_for(request.user, public_id, write=True)
    try:
        report = services.enrollment_admit_all(actor=request.user, project=project)
    except (ValidationError, PermissionDenied) as exc:
        _refused(request, exc)
        return _to_project(project)
    messages.success(request, _("%(count)d admitted.") % {"count": len(report.admitted)})
    for enrollment, reasons in report.refused:
        messages.error(request, _("%(name)s not admitted: %(reasons)s")
                       % {"name": enrollment.worker, "reasons": " ".join(reasons)})
    return _to_project(project)


@login_required
@require_POST
def enrollment_drop(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Drop an applicant or an enrolled worker, with a reason."""
    enrollment = selectors.enrollment_get_for(request.user, public_id, write=True)
    form = DropForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say why the worker is dropped."))
        services.enrollment_drop(actor=request.user, enrollment=enrollment,
                                 reason=form.cleaned_data["reason"])
    except (ValidationError, PermissionDenied) as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("%(name)s dropped.") % {"name": enrollment.worker})
    return _to_project(enrollment.project)


@login_required
def attendance(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Tick who of the enrolled workers attended a session."""
    session = selectors.session_get_for(request.user, public_id, write=True)
    enrolled = list(selectors.enrolled_in(session.project))
    recorded = selectors.session_attendance(session)
    present = [str(e.public_id) for e in enrolled if recorded.get(e.pk, not recorded)]
    form = AttendanceForm(request.POST or None, enrollments=enrolled, initial={"present": present})
    if request.method == "POST" and form.is_valid():
        try:
            summary = services.attendance_record(
                actor=request.user, session=session, present_enrollment_ids=form.present_ids()
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _as_validation_error(exc))
        else:
            messages.success(request, _("Attendance saved: %(present)d present, %(absent)d "
                                        "absent.") % {"present": summary.present,
                                                      "absent": summary.absent})
            return redirect("training:attendance", public_id=session.public_id)
    return render(request, "training/attendance.html", {
        "session": session, "project": session.project, "form": form,
        "recorded": bool(recorded),
    })
