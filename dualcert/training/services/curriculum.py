"""The fused curriculum: modules that cover requirement items of both certificates."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from dualcert.catalog.models import RequirementItem
from dualcert.core.audit import audit_record, snapshot
from dualcert.training.models import Module, TrainingProject
from dualcert.training.services.base import lock_project, require_staff

MODULE_FIELDS = ("name", "order", "theory_hours", "practical_hours")


@dataclass(frozen=True)
class CoverageRow:
    """One requirement item: the hours its standard requires and the hours modules cover."""

    item: RequirementItem
    required_theory: int
    required_practical: int
    covered_theory: int
    covered_practical: int

    @property
    def certificate(self) -> str:
        return self.item.certificate_type.name

    @property
    def theory_short(self) -> int:
        return max(0, self.required_theory - self.covered_theory)

    @property
    def practical_short(self) -> int:
        return max(0, self.required_practical - self.covered_practical)

    @property
    def short(self) -> bool:
        return bool(self.theory_short or self.practical_short)


def curriculum_coverage(project: TrainingProject) -> list[CoverageRow]:
    """Every requirement item of both certificates (skill first), with covered hours and gaps.

    Two queries whatever the size of the curriculum: the pathway, then one aggregate.
    """
    pathway = project.pathway
    skill_id, permit_id = pathway.skill_certificate_id, pathway.permit_id
    mine = Q(modules__project_id=project.pk)
    items = (
        RequirementItem.objects.filter(certificate_type_id__in=[skill_id, permit_id])
        .select_related("certificate_type")
        .annotate(
            covered_theory=Coalesce(Sum("modules__theory_hours", filter=mine), 0),
            covered_practical=Coalesce(Sum("modules__practical_hours", filter=mine), 0),
            skill_first=Case(
                When(certificate_type_id=skill_id, then=Value(0)), default=Value(1),
                output_field=IntegerField(),
            ),
        )
        .order_by("skill_first", "code")
    )
    return [
        CoverageRow(
            item=item, required_theory=item.theory_hours, required_practical=item.practical_hours,
            covered_theory=item.covered_theory, covered_practical=item.covered_practical,
        )
        for item in items
    ]


def curriculum_gaps(project: TrainingProject) -> list[str]:
    """One message per requirement item whose theory or practical hours are short."""
    messages = []
    for row in curriculum_coverage(project):
        names = {"certificate": row.certificate, "item": row.item.name}
        if row.theory_short:
            messages.append(
                _("%(certificate)s · %(item)s: theory %(covered)d of %(required)d hours "
                  "(%(short)d short)")
                % {**names, "covered": row.covered_theory, "required": row.required_theory,
                   "short": row.theory_short}
            )
        if row.practical_short:
            messages.append(
                _("%(certificate)s · %(item)s: practical %(covered)d of %(required)d hours "
                  "(%(short)d short)")
                % {**names, "covered": row.covered_practical,
                   "required": row.required_practical, "short": row.practical_short}
            )
    return messages


def curriculum_total_hours(project: TrainingProject) -> int:
    """Theory plus practical hours of all the project's modules."""
    totals = Module.objects.filter(project=project).aggregate(
        theory=Coalesce(Sum("theory_hours"), 0), practical=Coalesce(Sum("practical_hours"), 0)
    )
    return int(totals["theory"] + totals["practical"])


def _require_draft(project: TrainingProject) -> None:
    lock_project(project)
    if project.status != TrainingProject.Status.DRAFT:
        raise ValidationError(
            _("The curriculum can be changed only while the project is a draft; return the "
              "project to draft first."),
            code="not_draft",
        )


def _clean_module(
    project: TrainingProject, *, name: str, theory_hours: int, practical_hours: int,
    requirement_items: Iterable[RequirementItem],
) -> tuple[str, list[RequirementItem]]:
    name = " ".join(name.split())
    items = list(requirement_items)
    errors = []
    if not name:
        errors.append(_("The module needs a name."))
    if theory_hours < 0 or practical_hours < 0:
        errors.append(_("Hours cannot be negative."))
    elif theory_hours + practical_hours < 1:
        errors.append(_("A module needs at least one hour of theory or practice."))
    pathway = project.pathway
    allowed = {pathway.skill_certificate_id, pathway.permit_id}
    for item in items:
        if item.certificate_type_id not in allowed:
            errors.append(
                _("“%(item)s” (%(code)s) is not a requirement item of %(skill)s or %(permit)s; "
                  "choose items of this pathway's two certificates.") % {
                    "item": item.name, "code": item.code,
                    "skill": pathway.skill_certificate.name, "permit": pathway.permit.name,
                }
            )
    if errors:
        raise ValidationError(errors)
    return name, items


def _module_snapshot(module: Module) -> dict[str, Any]:
    data = snapshot(module, MODULE_FIELDS)
    data["requirement_items"] = sorted(module.requirement_items.values_list("code", flat=True))
    return data


@transaction.atomic
def module_add(
    *, actor: Any, project: TrainingProject, name: str, order: int, theory_hours: int,
    practical_hours: int, requirement_items: Iterable[RequirementItem] = (),
) -> Module:
    """Add a module to a draft project's curriculum, mapped to requirement items."""
    require_staff(actor, project)
    _require_draft(project)
    name, items = _clean_module(
        project, name=name, theory_hours=theory_hours, practical_hours=practical_hours,
        requirement_items=requirement_items,
    )
    module = Module.objects.create(
        project=project, name=name, order=order, theory_hours=theory_hours,
        practical_hours=practical_hours,
    )
    module.requirement_items.set(items)
    audit_record(actor=actor, action="module.add", obj=module, after=_module_snapshot(module))
    return module


@transaction.atomic
def module_update(
    *, actor: Any, module: Module, name: str, order: int, theory_hours: int,
    practical_hours: int, requirement_items: Iterable[RequirementItem] = (),
) -> Module:
    """Change a module of a draft project: name, order, hours and the items it covers."""
    project = module.project
    require_staff(actor, project)
    _require_draft(project)
    name, items = _clean_module(
        project, name=name, theory_hours=theory_hours, practical_hours=practical_hours,
        requirement_items=requirement_items,
    )
    before = _module_snapshot(module)
    module.name, module.order = name, order
    module.theory_hours, module.practical_hours = theory_hours, practical_hours
    module.save(update_fields=[*MODULE_FIELDS, "updated_at"])
    module.requirement_items.set(items)
    audit_record(actor=actor, action="module.update", obj=module, before=before,
                 after=_module_snapshot(module))
    return module


@transaction.atomic
def module_remove(*, actor: Any, module: Module) -> None:
    """Remove a module from a draft project's curriculum."""
    project = module.project
    require_staff(actor, project)
    _require_draft(project)
    audit_record(actor=actor, action="module.remove", obj=module, before=_module_snapshot(module))
    module.delete()
