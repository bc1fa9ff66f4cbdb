"""Remove generated demo data (everything but the reference catalogue) before a new run."""

from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connection, models, transaction

from dualcert.assessment.models import EvaluationBody, Result, Score, Sitting
from dualcert.core.demo.accounts import USERNAMES
from dualcert.core.models import AuditEntry, NumberSequence, StateChange
from dualcert.credentials.models import Certificate, Revocation
from dualcert.demand.models import Employer, JobDemand
from dualcert.employment.models import FollowUp, Placement, Referral
from dualcert.fairs.models import JobFair
from dualcert.people.models import Membership, Worker
from dualcert.training.models import (
    Attendance,
    Enrollment,
    Institution,
    Module,
    Session,
    TrainingProject,
)

GENERATED: tuple[type[models.Model], ...] = (
    JobFair, FollowUp, Placement, Referral, Revocation, Certificate, Result, Score, Sitting,
    Attendance, Session, Module, Enrollment, TrainingProject, JobDemand, Membership, EvaluationBody,
    Institution, Employer, Worker,
)


def _tables() -> list[str]:
    tables = []
    for model in GENERATED:
        tables.append(model._meta.db_table)
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            if through is not None:
                tables.append(through._meta.db_table)
    return tables


def demo_present() -> bool:
    """Whether the database already holds people, projects or the demo logins."""
    return (Worker.objects.exists() or TrainingProject.objects.exists()
            or get_user_model().objects.filter(username__in=USERNAMES).exists())


@transaction.atomic
def demo_reset() -> None:
    """Empty every table the generator fills (and tables that refer to them); keep the catalogue.

    Whole tables are emptied the way `flush` does it (TRUNCATE … CASCADE on PostgreSQL), so
    tables that point at them are emptied too and nothing is left dangling.
    """
    sql = connection.ops.sql_flush(no_style(), _tables(), allow_cascade=True)
    if connection.vendor == "postgresql":
        # TRUNCATE refuses tables with deferred foreign-key checks still pending (rows
        # written earlier in the same transaction): run those checks now, defer again after.
        sql = ["SET CONSTRAINTS ALL IMMEDIATE", *sql, "SET CONSTRAINTS ALL DEFERRED"]
    connection.ops.execute_sql_flush(sql)
    get_user_model().objects.filter(username__in=USERNAMES).delete()
    StateChange.objects.all().delete()
    AuditEntry.objects.exclude(action__startswith="catalog.").delete()
    # The counters of project codes and certificate numbers start again with the data.
    NumberSequence.objects.filter(key__regex=r"^(project|skill|permit)-").delete()
