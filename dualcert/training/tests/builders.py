"""Rows the training tests need, built directly (the services under test build the rest)."""

from datetime import date, timedelta
from typing import Any

from dualcert.catalog.models import RequirementItem
from dualcert.training.models import Enrollment, Module, Session, TrainingProject
from tests.factories import (
    CertificateTypeFactory,
    OccupationFactory,
    PathwayFactory,
    TrainingProjectFactory,
    WorkerFactory,
)

TODAY = date(2026, 3, 2)
START = date(2026, 3, 9)
END = date(2026, 4, 8)


def named_pathway(department: Any) -> Any:
    """Skill 电工（五级）: 理论基础 10+6 h, 实操技能 4+20 h (theory + practical).

    Permit 低压电工作业: 安全技术 24+8 h, 实际操作 8+24 h.
    """
    skill: Any = CertificateTypeFactory(
        skill=True, name="电工（五级）", code="elec-5", department=department,
        occupation=OccupationFactory(code="T-6-31-01-03", name="电工"), items=[(10, 6), (4, 20)],
    )
    permit: Any = CertificateTypeFactory(
        name="低压电工作业", code="lv-elec", department=department, items=[(24, 8), (8, 24)]
    )
    for cert, names in ((skill, ["理论基础", "实操技能"]), (permit, ["安全技术", "实际操作"])):
        for item, name in zip(cert.requirement_items.order_by("code"), names, strict=True):
            RequirementItem.objects.filter(pk=item.pk).update(name=name)
    return PathwayFactory(skill_certificate=skill, permit=permit, name="电工双证")


def items_of(pathway: Any) -> dict[str, RequirementItem]:
    """Requirement items of both certificates by name."""
    ids = [pathway.skill_certificate_id, pathway.permit_id]
    return {i.name: i for i in RequirementItem.objects.filter(certificate_type_id__in=ids)}


def cover_fully(project: TrainingProject) -> list[Module]:
    """One module per requirement item, with exactly the hours the item requires."""
    modules = []
    pathway = project.pathway
    for order, item in enumerate(
        RequirementItem.objects.filter(
            certificate_type_id__in=[pathway.skill_certificate_id, pathway.permit_id]
        ).order_by("id"),
        start=1,
    ):
        module = Module.objects.create(
            project=project, order=order, name=f"模块 {item.name}",
            theory_hours=item.theory_hours, practical_hours=item.practical_hours,
        )
        module.requirement_items.add(item)
        modules.append(module)
    return modules


def set_status(obj: Any, status: str) -> Any:
    """Put a row in a status for a test's setup (the moves themselves are tested elsewhere)."""
    type(obj).objects.filter(pk=obj.pk).update(status=status)
    obj.status = status
    return obj


def project(world: Any, status: str = "draft", **fields: Any) -> TrainingProject:
    """A project of world.inst_1 in county A on world.pathway_1 (unless told otherwise)."""
    defaults: dict[str, Any] = {
        "pathway": world.pathway_1, "institution": world.inst_1, "start_date": START,
        "end_date": END, "capacity": 30, "subsidy_per_person": 1000,
    }
    made = TrainingProjectFactory(**{**defaults, **fields})
    return set_status(made, status)


def enroll(project_: TrainingProject, worker: Any = None, status: str = "enrolled",
           **fields: Any) -> Enrollment:
    """An enrollment of a (new) worker of the project's county."""
    worker = worker or WorkerFactory(region=project_.region)
    return Enrollment.objects.create(project=project_, worker=worker, status=status, **fields)


def session(project_: TrainingProject, day: date | None = None, hours: int = 4,
            module: Module | None = None) -> Session:
    return Session.objects.create(project=project_, day=day or START, topic="课", hours=hours,
                                  module=module)


def days(n: int) -> timedelta:
    return timedelta(days=n)
