from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from dualcert.assessment.models import Result
from dualcert.assessment.tests.helpers import confirmed, scored
from dualcert.core.models import AuditEntry
from dualcert.credentials import numbers
from dualcert.credentials.models import Certificate
from dualcert.credentials.services import certificates_issue

pytestmark = pytest.mark.django_db

ISSUE_DAY = datetime(2026, 6, 10, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def frozen():
    with time_machine.travel(ISSUE_DAY, tick=False):
        yield


def _certificates(worker):
    return {c.certificate_type.kind: c for c in Certificate.objects.filter(worker=worker)
            .select_related("certificate_type")}


def test_both_passed_gets_both_certificates_with_numbers_and_dates(world, frozen):
    sitting = confirmed(world, [(90, 90, False)])
    summary = certificates_issue(actor=world.users["bureau"], sitting=sitting)
    assert (summary.issued, summary.dual_certified, summary.single_certified) == (2, 1, 0)
    worker = sitting.project.enrollments.get().worker
    skill, permit = _certificates(worker)["skill"], _certificates(worker)["permit"]
    body = world.body_1
    assert skill.number == f"S000065{body.site_code}265000001"
    assert numbers.looks_like_skill_number(skill.number)
    assert skill.issuer_name == body.name
    assert (skill.issued_on, skill.expires_on, skill.review_due) == (date(2026, 6, 10), None, None)
    assert permit.number == "T2026000001"
    assert permit.issuer_name == world.dept_1.name
    assert permit.expires_on == date(2032, 6, 9)  # 6 years, minus one day
    assert permit.review_due == date(2029, 6, 10)  # every 3 years
    assert {skill.status, permit.status} == {"valid"}
    assert AuditEntry.objects.filter(action="certificate.issue").count() == 2


def test_skill_passed_permit_theory_failed_issues_skill_only_and_offers_permit_retake(
    world, frozen
):
    sitting = confirmed(world, [(70, 90, False)])  # skill 60/60 passed, permit theory 80 not
    summary = certificates_issue(actor=world.users["county_a"], sitting=sitting)
    assert (summary.issued, summary.single_certified, summary.retakes) == (1, 1, 1)
    assert summary.dual_certified == 0
    worker = sitting.project.enrollments.get().worker
    assert set(_certificates(worker)) == {"skill"}
    permit_result = Result.objects.get(certificate_type__kind="permit")
    assert permit_result.retake and not permit_result.passed
    assert not Result.objects.get(certificate_type__kind="skill").retake
    assert AuditEntry.objects.filter(action="result.retake", object_pk=permit_result.pk).exists()


def test_both_failed_or_absent_gets_nothing_and_no_retake_flag(world, frozen):
    sitting = confirmed(world, [(50, 50, False), (None, None, True)])
    summary = certificates_issue(actor=world.users["dept_1"], sitting=sitting)
    assert (summary.issued, summary.not_certified, summary.retakes) == (0, 2, 0)
    assert not Certificate.objects.exists()
    assert not Result.objects.filter(retake=True).exists()


def test_issuing_twice_issues_nothing_new(world, frozen):
    sitting = confirmed(world, [(90, 90, False), (70, 90, False)])
    first = certificates_issue(actor=world.users["bureau"], sitting=sitting)
    audits = AuditEntry.objects.count()
    again = certificates_issue(actor=world.users["bureau"], sitting=sitting)
    assert (first.issued, first.skipped) == (3, 0)
    assert (again.issued, again.skipped) == (0, 3)
    assert (again.dual_certified, again.single_certified, again.retakes) == (1, 1, 1)
    assert Certificate.objects.count() == 3
    assert AuditEntry.objects.count() == audits


def test_numbers_run_on_across_candidates(world, frozen):
    sitting = confirmed(world, [(90, 90, False), (95, 95, False)])
    certificates_issue(actor=world.users["bureau"], sitting=sitting)
    permits = sorted(Certificate.objects.filter(certificate_type__kind="permit")
                     .values_list("number", flat=True))
    assert permits == ["T2026000001", "T2026000002"]


def test_issue_refused_until_results_are_confirmed(world):
    sitting = scored(world, [(90, 90, False)])
    with pytest.raises(ValidationError, match="only after the results are confirmed"):
        certificates_issue(actor=world.users["bureau"], sitting=sitting)
    assert not Certificate.objects.exists()


@pytest.mark.parametrize("who", ["county_b", "dept_2", "eval_1", "inst_1", "employer_1",
                                 "worker_1"])
def test_other_roles_may_not_issue(world, who):
    sitting = confirmed(world, [(90, 90, False)])
    with pytest.raises(PermissionDenied):
        certificates_issue(actor=world.users[who], sitting=sitting)


def test_bad_body_code_refuses_the_whole_run(world, frozen):
    sitting = confirmed(world, [(90, 90, False)])
    world.body_1.body_code = "AB"
    world.body_1.save()
    sitting.evaluation_body.refresh_from_db()
    with pytest.raises(ValidationError, match="not all digits"):
        certificates_issue(actor=world.users["bureau"], sitting=sitting)
    assert not Certificate.objects.exists()
