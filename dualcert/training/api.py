"""JSON API of the training stage (same services and selectors as the pages)."""

from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router
from ninja.pagination import paginate

from dualcert.catalog.models import RequirementItem
from dualcert.core.api_errors import REFUSALS
from dualcert.demand.models import JobDemand
from dualcert.training import selectors, services
from dualcert.training.schemas import (
    AdmitAllOut,
    ApplyIn,
    AttendanceIn,
    AttendanceOut,
    CoverageOut,
    DropIn,
    EnrollmentOut,
    ModuleIn,
    ModuleOut,
    ProjectDetailOut,
    ProjectIn,
    ProjectOut,
    SelfApplyIn,
    SessionIn,
    SessionOut,
)

router = Router(tags=["training"])


def _one(queryset: QuerySet[Any], public_id: UUID | None, what: str) -> Any:
    if public_id is None:
        return None
    found = queryset.filter(public_id=public_id).first()
    if found is None:
        raise ValidationError(_("Unknown %(what)s: %(id)s") % {"what": what, "id": public_id})
    return found


def _many(queryset: QuerySet[Any], public_ids: list[UUID], what: str) -> list[Any]:
    return [_one(queryset, public_id, what) for public_id in public_ids]


@router.get("/projects", response=list[ProjectOut])
@paginate
def project_list(request: HttpRequest, status: str | None = None) -> QuerySet[Any]:
    """Projects the signed-in user may see, optionally of one status."""
    return selectors.project_list(request.user, status=status)


@router.get("/projects/{public_id}", response={200: ProjectDetailOut, **REFUSALS})
def project_detail(request: HttpRequest, public_id: UUID) -> ProjectDetailOut:
    """One project with the coverage of every requirement item and the moves allowed now."""
    project = selectors.project_get_for(request.user, public_id)
    coverage = [
        CoverageOut(
            certificate=row.certificate, item_code=row.item.code, item=row.item.name,
            required_theory=row.required_theory, covered_theory=row.covered_theory,
            theory_short=row.theory_short, required_practical=row.required_practical,
            covered_practical=row.covered_practical, practical_short=row.practical_short,
        )
        for row in services.curriculum_coverage(project)
    ]
    return ProjectDetailOut(
        **ProjectOut.from_orm(project).model_dump(), coverage=coverage,
        total_hours=services.curriculum_total_hours(project),
        moves=[m.name for m in services.project_moves_for(request.user, project)],
    )


@router.post("/projects", response={200: ProjectOut, **REFUSALS})
def project_create(request: HttpRequest, payload: ProjectIn) -> Any:
    """Create a draft project (bureau admin, or a county officer in their county)."""
    user = request.user
    data = payload.dict()
    data["pathway"] = _one(selectors.pathway_choices(), payload.pathway, _("pathway"))
    data["institution"] = _one(selectors.institution_choices_for(user), payload.institution,
                               _("training institution"))
    data["region"] = _one(selectors.county_choices(), payload.region, _("county"))
    data["demands"] = _many(JobDemand.objects.visible_to(user), payload.demands, _("job demand"))
    return services.project_create(actor=user, **data)


@router.post("/projects/{public_id}/moves/{name}", response={200: ProjectOut, **REFUSALS})
def project_move(request: HttpRequest, public_id: UUID, name: str) -> Any:
    """approve, return_to_draft, open_enrollment, start_training, finish_training or close."""
    project = selectors.project_get_for(request.user, public_id, write=True)
    return services.project_move(actor=request.user, project=project, name=name)


@router.post("/projects/{public_id}/modules", response={200: ModuleOut, **REFUSALS})
def module_add(request: HttpRequest, public_id: UUID, payload: ModuleIn) -> Any:
    """Add a module to a draft project's curriculum."""
    project = selectors.project_get_for(request.user, public_id, write=True)
    data = payload.dict()
    data["requirement_items"] = _many(RequirementItem.objects.all(), payload.requirement_items,
                                      _("requirement item"))
    return services.module_add(actor=request.user, project=project, **data)


@router.post("/projects/{public_id}/sessions", response={200: SessionOut, **REFUSALS})
def session_add(request: HttpRequest, public_id: UUID, payload: SessionIn) -> Any:
    """Schedule a session of the project."""
    project = selectors.project_get_for(request.user, public_id, write=True)
    data = payload.dict()
    data["module"] = _one(project.modules.all(), payload.module, _("module"))
    return services.session_add(actor=request.user, project=project, **data)


@router.get("/projects/{public_id}/enrollments",
            response={200: list[EnrollmentOut], **REFUSALS})
def enrollment_list(request: HttpRequest, public_id: UUID) -> QuerySet[Any]:
    """The project's enrollments the user may see (a worker sees their own)."""
    project = selectors.project_get_for(request.user, public_id)
    return selectors.enrollment_visible_to(request.user).filter(project=project).order_by("id")


@router.post("/projects/{public_id}/enrollments", response={200: EnrollmentOut, **REFUSALS})
def enrollment_apply(request: HttpRequest, public_id: UUID, payload: ApplyIn) -> Any:
    """File an application for a worker (registered or updated from the ID number)."""
    project = selectors.project_get_for(request.user, public_id, write=True)
    data = payload.dict()
    data["region"] = _one(selectors.county_choices(), payload.region, _("county"))
    return services.enrollment_apply(actor=request.user, project=project, **data)


@router.post("/projects/{public_id}/apply-self", response={200: EnrollmentOut, **REFUSALS})
def enrollment_apply_self(request: HttpRequest, public_id: UUID, payload: SelfApplyIn) -> Any:
    """The signed-in worker applies with their own record."""
    project = selectors.project_get_for(request.user, public_id)
    return services.enrollment_apply_self(actor=request.user, project=project,
                                          wage_before=payload.wage_before)


@router.post("/projects/{public_id}/admit-all", response={200: AdmitAllOut, **REFUSALS})
def enrollment_admit_all(request: HttpRequest, public_id: UUID) -> Any:
    """Admit every eligible applicant while places last; the others come back with reasons."""
    project = selectors.project_get_for(request.user, public_id, write=True)
    report = services.enrollment_admit_all(actor=request.user, project=project)
    return {
        "admitted": report.admitted,
        "refused": [{"enrollment": e, "reasons": reasons} for e, reasons in report.refused],
    }


@router.post("/enrollments/{public_id}/admit", response={200: EnrollmentOut, **REFUSALS})
def enrollment_admit(request: HttpRequest, public_id: UUID) -> Any:
    """Admit one applicant."""
    enrollment = selectors.enrollment_get_for(request.user, public_id, write=True)
    return services.enrollment_admit(actor=request.user, enrollment=enrollment)


@router.post("/enrollments/{public_id}/drop", response={200: EnrollmentOut, **REFUSALS})
def enrollment_drop(request: HttpRequest, public_id: UUID, payload: DropIn) -> Any:
    """Drop an applicant or an enrolled worker, with a reason."""
    enrollment = selectors.enrollment_get_for(request.user, public_id, write=True)
    return services.enrollment_drop(actor=request.user, enrollment=enrollment,
                                    reason=payload.reason)


@router.post("/sessions/{public_id}/attendance", response={200: AttendanceOut, **REFUSALS})
def attendance_record(request: HttpRequest, public_id: UUID, payload: AttendanceIn) -> Any:
    """Record who attended a session, by the enrollments' public ids."""
    session = selectors.session_get_for(request.user, public_id, write=True)
    enrolled = {e.public_id: e.pk for e in selectors.enrolled_in(session.project)}
    unknown = [str(p) for p in payload.present if p not in enrolled]
    if unknown:
        raise ValidationError(_("Not enrolled in this project: %(ids)s")
                              % {"ids": ", ".join(unknown)})
    summary = services.attendance_record(
        actor=request.user, session=session,
        present_enrollment_ids={enrolled[p] for p in payload.present},
    )
    return {"present": summary.present, "absent": summary.absent}
