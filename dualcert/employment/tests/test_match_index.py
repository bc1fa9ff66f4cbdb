"""The match index follows every write it is derived from, and ranking never trusts it alone."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.management import call_command

from dualcert.catalog.models import TargetGroup
from dualcert.credentials.models import Certificate
from dualcert.credentials.services import certificate_revoke
from dualcert.employment.match_index import match_rebuild
from dualcert.employment.matching import candidates_for_demand, requirements_for
from dualcert.employment.models import MatchEntry
from dualcert.employment.ranking import ranked_workers
from dualcert.employment.tests.factories import CertificateFactory
from dualcert.people.models import Worker
from dualcert.people.services import worker_set_consent
from dualcert.training.models import Enrollment
from tests.factories import (
    CertificateTypeFactory,
    JobDemandFactory,
    PathwayFactory,
    TrainingProjectFactory,
    WorkerFactory,
)

pytestmark = pytest.mark.django_db

TODAY = date.today()


def rows() -> set[tuple[Any, ...]]:
    return set(MatchEntry.objects.values_list(
        "worker_id", "certificate_type_id", "held", "valid_until", "region_id", "priority",
        "expected_wage", "name"))


def rebuilt_rows() -> set[tuple[Any, ...]]:
    """What a rebuild from the live tables gives (the index is put back as it was)."""
    kept = rows()
    match_rebuild()
    fresh = rows()
    assert fresh == kept, "the index drifted from the live tables"
    return fresh


@pytest.fixture
def permit() -> Any:
    return CertificateTypeFactory(name="低压电工作业")


def test_a_certificate_issued_revoked_or_past_its_date_is_followed(world, permit):
    worker: Any = WorkerFactory(region=world.county_a, expected_wage=5000)
    certificate = CertificateFactory(worker=worker, certificate_type=permit,
                                     expires_on=TODAY + timedelta(days=30))
    assert {(r[0], r[1], r[2], r[3]) for r in rebuilt_rows()} == {
        (worker.pk, permit.pk, True, TODAY + timedelta(days=30))}
    certificate_revoke(actor=world.users["bureau"], certificate=certificate, reason="伪造")
    assert rebuilt_rows() == set()


def test_consent_target_groups_and_wage_changes_are_followed(world, permit):
    worker: Any = WorkerFactory(region=world.county_a, expected_wage=5000)
    CertificateFactory(worker=worker, certificate_type=permit)
    group = TargetGroup.objects.create(code="tp", name="脱贫劳动力", priority=True)
    worker.target_groups.add(group)
    assert [r[5] for r in rebuilt_rows()] == [True]
    worker.expected_wage = 6500
    worker.save()
    assert [r[6] for r in rebuilt_rows()] == [6500]
    worker_set_consent(actor=world.users["bureau"], worker=worker, consent=False)
    assert rebuilt_rows() == set()


def test_training_under_way_comes_and_goes_with_the_project(world, permit):
    worker: Any = WorkerFactory(region=world.county_a)
    project: Any = TrainingProjectFactory(
        pathway=PathwayFactory(permit=permit), status="enrolling",
        start_date=TODAY - timedelta(days=1), end_date=TODAY + timedelta(days=30))
    Enrollment.objects.create(project=project, worker=worker, status="enrolled")
    assert rebuilt_rows() == set()  # not under way yet
    from dualcert.core.workflow import transition
    from dualcert.training.models import TrainingProject

    transition(project, to="training", actor=None, allowed=TrainingProject.TRANSITIONS)
    assert {(r[1], r[2]) for r in rebuilt_rows()} == {
        (permit.pk, False), (project.pathway.skill_certificate_id, False)}


def test_rebuild_command_writes_the_rows_bulk_loads_skipped(world, permit):
    worker: Any = WorkerFactory(region=world.county_a)
    Certificate.objects.bulk_create([Certificate(
        number="T0000000001", certificate_type=permit, worker=worker, issuer_name="应急管理局",
        issued_on=TODAY)])
    assert rows() == set()  # bulk writes send no signals
    call_command("match_rebuild", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert {(r[0], r[1]) for r in rows()} == {(worker.pk, permit.pk)}


def test_a_stale_row_never_shows_a_worker_who_withdrew_or_lost_the_certificate(world, permit):
    demand: Any = JobDemandFactory(employer=world.employer_1, region=world.county_a)
    demand.required_certificates.set([permit])
    stays: Any = WorkerFactory(region=world.county_a, name="甲")
    withdrew: Any = WorkerFactory(region=world.county_a, name="乙")
    revoked: Any = WorkerFactory(region=world.county_a, name="丙")
    for person in (stays, withdrew, revoked):
        CertificateFactory(worker=person, certificate_type=permit)
    # Changes that bypass every hook (a raw update): the index still names both.
    Worker.objects.filter(pk=withdrew.pk).update(consent_recommend=False)
    Certificate.objects.filter(worker=revoked).update(status=Certificate.Status.REVOKED)
    assert MatchEntry.objects.filter(worker__in=[withdrew, revoked]).count() == 2
    assert [c.worker for c in candidates_for_demand(demand=demand, today=TODAY)] == [stays]


def test_the_county_pass_gives_the_same_list_as_the_prefecture_wide_one(world, permit):
    demand: Any = JobDemandFactory(employer=world.employer_1, region=world.county_a,
                                   wage_max=7000)
    demand.required_certificates.set([permit])
    for n in range(14):  # 60 + 15 + 10 + 5 = 90 each, above anyone from elsewhere
        person: Any = WorkerFactory(region=world.county_a, expected_wage=5000, name=f"本地{n:02d}")
        CertificateFactory(worker=person, certificate_type=permit)
    far: Any = WorkerFactory(region=world.county_b, expected_wage=5000, name="外地")
    CertificateFactory(worker=far, certificate_type=permit)
    accepted = [requirements_for(demand).accepted[permit.pk]]
    from dualcert.employment import ranking

    settled = ranking.ranked_workers(demand, accepted, TODAY, 12)
    whole = ranking._run(*ranking._query(demand, accepted, TODAY, 12, county_only=False))
    assert settled == whole and far.pk not in {r.worker_id for r in settled}
    # With fewer in the county than the list holds, the far worker comes in at the end.
    assert ranked_workers(demand, accepted, TODAY, 20)[-1].worker_id == far.pk


def test_a_roster_import_that_changes_workers_refreshes_their_rows(world, permit):
    from dualcert.people.roster import WorkerInput, workers_register_many
    from dualcert.people.tests.test_roster import number

    given = WorkerInput(name="学员1", id_number=number(1), region=world.county_a,
                        consent_recommend=True, expected_wage=5000)
    [outcome] = workers_register_many(actor=world.users["bureau"], rows=[given])
    CertificateFactory(worker_id=outcome.worker_id, certificate_type=permit)
    assert [r[6] for r in rebuilt_rows()] == [5000]
    again = WorkerInput(name="学员1", id_number=number(1), region=world.county_a,
                        consent_recommend=False)
    workers_register_many(actor=world.users["bureau"], rows=[again])
    assert rebuilt_rows() == set()


def test_a_target_group_made_a_priority_refreshes_its_members(world, permit):
    group = TargetGroup.objects.create(code="yd", name="易地搬迁群众", priority=False)
    worker: Any = WorkerFactory(region=world.county_a)
    worker.target_groups.add(group)
    CertificateFactory(worker=worker, certificate_type=permit)
    assert [r[5] for r in rebuilt_rows()] == [False]
    group.priority = True
    group.save()
    assert [r[5] for r in rebuilt_rows()] == [True]
