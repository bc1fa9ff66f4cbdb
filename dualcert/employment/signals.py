"""Keep the match index (match_index.py) in step with the writes it is derived from."""

from typing import Any

from dualcert.catalog.models import Pathway, TargetGroup
from dualcert.credentials.models import Certificate
from dualcert.employment.match_index import match_refresh, refresh_project
from dualcert.people.models import Worker
from dualcert.training.models import Enrollment, TrainingProject


def worker_saved(sender: Any, instance: Worker, **kwargs: Any) -> None:
    match_refresh([instance.pk])


def worker_groups_changed(sender: Any, instance: Any, action: str, reverse: bool,
                          pk_set: set[int] | None, **kwargs: Any) -> None:
    if not action.startswith("post_"):
        return
    # From a worker: that worker; from a target group: the workers added or removed (a
    # clear from the group's side names none, so every member of the group is refreshed).
    if not reverse:
        match_refresh([instance.pk])
    elif pk_set:
        match_refresh(pk_set)
    else:
        match_refresh(instance.workers.values_list("pk", flat=True))


def workers_written(sender: Any, worker_ids: list[int], **kwargs: Any) -> None:
    match_refresh(worker_ids)


def holder_changed(sender: Any, instance: Certificate | Enrollment, **kwargs: Any) -> None:
    match_refresh([instance.worker_id])


def group_saved(sender: Any, instance: TargetGroup, **kwargs: Any) -> None:
    """A group's priority decides a point of its members' score."""
    match_refresh(instance.workers.values_list("pk", flat=True))


def pathway_saved(sender: Any, instance: Pathway, **kwargs: Any) -> None:
    """The certificates a pathway leads to decide what its trainees will hold."""
    match_refresh(Enrollment.objects.filter(project__pathway=instance)
                  .values_list("worker_id", flat=True))


def moved(sender: Any, obj: Any, **kwargs: Any) -> None:
    if sender in (Certificate, Enrollment):
        match_refresh([obj.worker_id])
    elif sender is TrainingProject:
        refresh_project(obj.pk)
