"""Builders for assessment and credentials tests: projects in the state a test needs."""

from datetime import timedelta
from typing import Any, cast

from dualcert.assessment import services
from dualcert.assessment.models import Sitting
from dualcert.people.models import Worker
from dualcert.training.models import Enrollment, TrainingProject
from tests.factories import WorkerFactory


def assessing(project: TrainingProject, status: str = "assessing") -> TrainingProject:
    """The project moved straight to `status` (training services are tested elsewhere)."""
    TrainingProject.objects.filter(pk=project.pk).update(status=status)
    project.refresh_from_db()
    return project


def enroll(project: TrainingProject, count: int, status: str = "completed") -> list[Enrollment]:
    """`count` new workers of the project's county, enrolled in the given status."""
    return [
        Enrollment.objects.create(
            project=project, worker=cast(Worker, WorkerFactory(region=project.region)),
            status=status,
        )
        for _ in range(count)
    ]


def sitting_for(world: Any, n: int = 1, **fields: Any) -> Sitting:
    """A scheduled sitting of world.project_<n> run by world.body_<n>, project assessing."""
    project = assessing(getattr(world, f"project_{n}"))
    values = {
        "project": project, "evaluation_body": getattr(world, f"body_{n}"),
        "day": project.start_date + timedelta(days=30), "place": "考点一",
        "skill_examiner": "考评员甲", "permit_examiner": "考评员乙", **fields,
    }
    return Sitting.objects.create(**values)


def scored(world: Any, marks: list[tuple[int | None, int | None, bool]], n: int = 1) -> Sitting:
    """A submitted sitting: one completed candidate per (theory, practical, absent) line."""
    sitting = sitting_for(world, n)
    evaluator = world.users[f"eval_{n}"]
    for enrollment, (theory, practical, absent) in zip(
        enroll(sitting.project, len(marks)), marks, strict=True
    ):
        services.score_record(actor=evaluator, sitting=sitting, enrollment=enrollment,
                              theory=theory, practical=practical, absent=absent)
    services.sitting_submit(actor=evaluator, sitting=sitting)
    return sitting


def confirmed(world: Any, marks: list[tuple[int | None, int | None, bool]], n: int = 1) -> Sitting:
    """A sitting whose results the permit's department has confirmed."""
    sitting = scored(world, marks, n)
    services.sitting_confirm(actor=world.users[f"dept_{n}"], sitting=sitting)
    return sitting
