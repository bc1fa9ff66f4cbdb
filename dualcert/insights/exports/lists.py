"""The list pages as sheets: each reads through the same scoped selector as its page.

A kind's `clean` turns the page's filters (as POSTed by its "Export to Excel" button) into the
job's params, checking them through the page's own selectors (404 / 403 as the page would);
`build` reads the rows again at run time, under the requester's scope as it is then. Rows are
read with a fixed number of queries (joins and prefetches in chunks, never one per row).
"""

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from dualcert.assessment.selectors import sitting_get_for, sitting_results
from dualcert.core.scoping import Role, scope_for
from dualcert.core.xlsx import Column
from dualcert.credentials.forms import CertificateFilterForm
from dualcert.credentials.models import Certificate
from dualcert.credentials.selectors import certificate_types_for_filter, certificates_filtered
from dualcert.employment.followups import FOLLOWUP_ROLES
from dualcert.employment.models import FollowUp
from dualcert.employment.selectors import (
    REFERRAL_ROLES,
    id_number_shown_to,
    placement_visible_to,
    worker_shown_to,
)
from dualcert.insights.exports import headers as h
from dualcert.people.models import Worker
from dualcert.people.selectors import worker_search, worker_visible_to
from dualcert.training.models import TrainingProject
from dualcert.training.selectors import enrollment_visible_to, project_get_for, project_list

CHUNK = 2000
Params = dict[str, str]


@dataclass(frozen=True)
class ListSheet:
    subject: str  # what the rows are of, for the title (a project, a status), or ""
    count: int
    rows: Iterable[Sequence[Any]]


@dataclass(frozen=True)
class ListExport:
    kind: str
    columns: tuple[Column, ...]
    clean: Callable[[Any, Mapping[str, Any]], Params]
    build: Callable[[Any, Params], ListSheet]


def yes_no(value: bool | None) -> str:
    return "" if value is None else h.YES if value else h.NO


def _text(data: Mapping[str, Any], name: str, *, limit: int = 64) -> str:
    return " ".join(str(data.get(name) or "").split())[:limit]


# -- workers and enrollments: the roster columns the importer reads back ------------------------

def worker_cells(user: Any, worker: Worker) -> list[Any]:
    """A worker's roster cells; the ID number in full only where the user's role sees it."""
    groups = sorted(worker.target_groups.all(), key=lambda g: g.code)  # prefetched
    return [
        worker.name, id_number_shown_to(user, worker), worker.get_gender_display(),
        worker.birth_date, worker.phone, worker.region.name,
        worker.township.name if worker.township else "", worker.village,
        worker.get_education_display(), h.JOIN.join(g.name for g in groups),
        yes_no(worker.consent_recommend), worker.expected_wage, worker.available_from,
    ]


def _workers_clean(user: Any, data: Mapping[str, Any]) -> Params:
    # The name search is carried; an ID number search is not (it would be stored in clear).
    name = _text(data, "q")
    return {"q": name} if name else {}


def _workers_build(user: Any, params: Params) -> ListSheet:
    queryset = worker_visible_to(user)
    if params.get("q"):
        queryset = worker_search(queryset, name=params["q"])
    queryset = queryset.order_by("region__code", "name", "pk")
    rows = (worker_cells(user, w) for w in queryset.iterator(chunk_size=CHUNK))
    subject = h.NAME_CONTAINS.format(params["q"]) if params.get("q") else ""
    return ListSheet(subject, queryset.count(), rows)


def _project(user: Any, data: Mapping[str, Any]) -> TrainingProject:
    return project_get_for(user, str(data.get("project") or ""))


def _enrollments_clean(user: Any, data: Mapping[str, Any]) -> Params:
    return {"project": str(_project(user, data).public_id)}


def _enrollments_build(user: Any, params: Params) -> ListSheet:
    project = _project(user, params)
    queryset = (
        enrollment_visible_to(user).filter(project=project)
        .select_related("worker__region", "worker__township")
        .prefetch_related("worker__target_groups").order_by("id")
    )
    rows = (
        [*worker_cells(user, e.worker), project.code, project.name, e.get_status_display(),
         e.attended_hours, e.wage_before]
        for e in queryset.iterator(chunk_size=CHUNK)
    )
    return ListSheet(f"{project.code} {project.name}", queryset.count(), rows)


# -- projects, results, certificates, placements -----------------------------------------------

def _projects_clean(user: Any, data: Mapping[str, Any]) -> Params:
    status = _text(data, "status")
    return {"status": status} if status in TrainingProject.Status.values else {}


def _projects_build(user: Any, params: Params) -> ListSheet:
    status = params.get("status")
    queryset = project_list(user, status=status)
    rows = (
        [p.code, p.name, p.region.name, p.institution.name, p.pathway.name,
         p.get_status_display(), p.start_date, p.end_date, p.capacity, p.admitted,
         p.subsidy_per_person]
        for p in queryset.iterator(chunk_size=CHUNK)
    )
    subject = str(TrainingProject.Status(status).label) if status else ""
    return ListSheet(subject, queryset.count(), rows)


def _results_clean(user: Any, data: Mapping[str, Any]) -> Params:
    return {"sitting": str(sitting_get_for(user, str(data.get("sitting") or "")).public_id)}


def _results_build(user: Any, params: Params) -> ListSheet:
    """The results of one sitting as its page shows them: one table per certificate type."""
    sitting = sitting_get_for(user, params["sitting"])
    project = sitting.project
    results = [r for table in sitting_results(user, sitting) for r in table.results]
    rows = []
    for result in results:
        score = result.score
        certificate = getattr(result, "certificate", None)
        rows.append([
            score.enrollment.worker.name, id_number_shown_to(user, score.enrollment.worker),
            project.code, project.name, result.certificate_type.name, score.theory,
            score.practical, yes_no(score.absent), yes_no(result.passed), yes_no(result.retake),
            certificate.number if certificate is not None else "",
        ])
    return ListSheet(f"{project.code} {project.name} {sitting.day:%Y-%m-%d}", len(rows), rows)


def _certificate_form(user: Any, data: Mapping[str, Any]) -> CertificateFilterForm:
    return CertificateFilterForm(data, types=certificate_types_for_filter(user))


def _certificates_clean(user: Any, data: Mapping[str, Any]) -> Params:
    form = _certificate_form(user, data)
    if not form.is_valid():
        return {}  # the page shows every certificate when its filters are not valid
    params = {"status": form.cleaned_data["status"]} if form.cleaned_data["status"] else {}
    if form.cleaned_data["certificate_type"] is not None:
        params["certificate_type"] = str(form.cleaned_data["certificate_type"].public_id)
    return params


def _certificates_build(user: Any, params: Params) -> ListSheet:
    form = _certificate_form(user, params)
    filters = form.cleaned_data if form.is_valid() else {}
    certificate_type = filters.get("certificate_type")
    queryset = certificates_filtered(user, certificate_type=certificate_type,
                                     status=filters.get("status", ""))
    rows = (_certificate_cells(user, c) for c in queryset.iterator(chunk_size=CHUNK))
    subject = " ".join(filter(None, [
        certificate_type.name if certificate_type else "",
        str(Certificate.Status(filters["status"]).label) if filters.get("status") else "",
    ]))
    return ListSheet(subject, queryset.count(), rows)


def _certificate_cells(user: Any, c: Certificate) -> list[Any]:
    kind = c.certificate_type
    grade = (kind.get_level_display() if kind.level is not None
             else " · ".join(filter(None, [kind.category, kind.item])))
    return [
        c.number, kind.name, c.worker.name, id_number_shown_to(user, c.worker),
        kind.occupation.name if kind.occupation else "", grade, c.issuer_name, c.issued_on,
        c.expires_on, c.get_status_display(),
    ]


def _placements_clean(user: Any, data: Mapping[str, Any]) -> Params:
    # The referrals page is for these roles only (referral_list_for); so are its placements.
    if scope_for(user).role not in REFERRAL_ROLES:
        raise PermissionDenied
    return {}


def _placements_build(user: Any, params: Params) -> ListSheet:
    _placements_clean(user, params)
    queryset = (
        placement_visible_to(user).select_related("worker__region", "referral__demand")
        .prefetch_related("followups").order_by("-start_date", "pk")
    )
    return ListSheet("", queryset.count(), _placement_rows(user, queryset))


def _followup_cell(followup: FollowUp | None) -> str:
    if followup is None:
        return ""
    if followup.status == FollowUp.Status.UNREACHABLE:
        return h.FOLLOWUP_UNREACHABLE
    if followup.status == FollowUp.Status.DUE:
        return h.FOLLOWUP_DUE.format(due=followup.due_date.isoformat())
    if followup.still_employed:
        return h.FOLLOWUP_EMPLOYED.format(wage=followup.monthly_wage_now)
    return h.FOLLOWUP_LEFT.format(reason=followup.left_reason)


def _placement_rows(user: Any, queryset: QuerySet[Any]) -> Iterator[list[Any]]:
    # Follow-up outcomes are the county office's record of the worker: the officers see them.
    follows = scope_for(user).has(*FOLLOWUP_ROLES)
    for p in queryset.iterator(chunk_size=CHUNK):
        shown = worker_shown_to(user, p.referral)
        checks = {f.months: f for f in p.followups.all()} if follows else {}
        yield [
            p.worker.name if shown else "", id_number_shown_to(user, p.worker) if shown else "",
            p.worker.region.name, p.employer.name, p.referral.demand.title, p.start_date,
            p.monthly_wage, p.get_contract_type_display(),
            *(_followup_cell(checks.get(months)) for months in FollowUp.CHECKPOINTS),
        ]


LIST_EXPORTS: dict[str, ListExport] = {
    e.kind: e for e in (
        ListExport("workers", h.WORKER_COLUMNS, _workers_clean, _workers_build),
        ListExport("projects", h.PROJECT_COLUMNS, _projects_clean, _projects_build),
        ListExport("enrollments", h.ENROLLMENT_COLUMNS, _enrollments_clean,
                   _enrollments_build),
        ListExport("results", h.RESULT_COLUMNS, _results_clean, _results_build),
        ListExport("certificates", h.CERTIFICATE_COLUMNS, _certificates_clean,
                   _certificates_build),
        ListExport("placements", h.PLACEMENT_COLUMNS, _placements_clean, _placements_build),
    )
}
# Workers see their own rows on their pages already; an export is a staff tool.
EXPORTING_ROLES = (Role.BUREAU, Role.COUNTY, Role.DEPARTMENT, Role.INSTITUTION,
                   Role.EVALUATOR, Role.EMPLOYER)
