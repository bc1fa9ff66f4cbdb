from django.apps import AppConfig


class EmploymentConfig(AppConfig):
    name = "dualcert.employment"
    label = "employment"

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from dualcert.catalog.models import Pathway, TargetGroup
        from dualcert.core.workflow import state_changed
        from dualcert.credentials.models import Certificate
        from dualcert.employment import signals
        from dualcert.people.models import Worker
        from dualcert.people.signals import workers_written
        from dualcert.training.models import Enrollment

        post_save.connect(signals.worker_saved, sender=Worker, dispatch_uid="match-worker")
        m2m_changed.connect(signals.worker_groups_changed, sender=Worker.target_groups.through,
                            dispatch_uid="match-groups")
        for model in (Certificate, Enrollment):
            post_save.connect(signals.holder_changed, sender=model,
                              dispatch_uid=f"match-{model._meta.model_name}")
            post_delete.connect(signals.holder_changed, sender=model,
                                dispatch_uid=f"match-del-{model._meta.model_name}")
        state_changed.connect(signals.moved, dispatch_uid="match-moves")
        post_save.connect(signals.group_saved, sender=TargetGroup, dispatch_uid="match-group")
        post_save.connect(signals.pathway_saved, sender=Pathway, dispatch_uid="match-pathway")
        workers_written.connect(signals.workers_written, dispatch_uid="match-roster")
