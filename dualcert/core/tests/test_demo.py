import importlib.util
import re
from collections import defaultdict
from datetime import date, datetime, time
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Q, Sum
from django.test.utils import override_settings
from django.utils import timezone

from dualcert.assessment.models import Result, Sitting
from dualcert.assessment.services import judge
from dualcert.catalog.loading import catalog_load
from dualcert.catalog.models import (
    CertificateType,
    Department,
    Occupation,
    Pathway,
    RecognitionRule,
    Region,
    RequirementItem,
    TargetGroup,
)
from dualcert.core.demo import LOGINS, PASSWORD, demo_generate, demo_reset
from dualcert.core.demo.names import (
    HAN_SURNAMES,
    KAZAKH_FEMALE,
    KAZAKH_MALE,
    UYGHUR_FEMALE,
    UYGHUR_MALE,
)
from dualcert.core.demo.workers import AGE_ANCHOR
from dualcert.core.models import AuditEntry, NumberSequence, StateChange
from dualcert.core.workflow import next_number
from dualcert.credentials import numbers
from dualcert.credentials.models import Certificate
from dualcert.demand.models import JobDemand
from dualcert.employment.models import Placement, Referral
from dualcert.people import idnumber
from dualcert.people.models import Membership, Worker
from dualcert.training.models import Attendance, Enrollment, TrainingProject
from dualcert.training.services.curriculum import curriculum_gaps
from dualcert.training.services.enrollment import enrollment_eligibility
from dualcert.training.services.projects import project_approve

TODAY = date(2026, 6, 15)
WORKERS = 150
COUNTY_CODES = {"652301", "652302", "652323", "652324", "652325", "652327", "652328"}
TWO_PART_NAMES = set(UYGHUR_MALE + UYGHUR_FEMALE + KAZAKH_MALE + KAZAKH_FEMALE)
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """One generated demo for the tests that only read it, rolled back afterwards."""
    with (django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS),
          transaction.atomic()):
        catalog_load()
        yield demo_generate(workers=WORKERS, seed=7, today=TODAY)
        transaction.set_rollback(True)


@pytest.fixture
def empty(db: Any) -> None:
    """No generated data (whatever an earlier test in this module left), catalogue loaded."""
    demo_reset()
    catalog_load()


def _end_of_today() -> datetime:
    return timezone.make_aware(datetime.combine(TODAY, time(23, 59, 59)))


def _signature() -> list[tuple[str, str]]:
    return list(Worker.objects.order_by("pk").values_list("name", "id_number_hash"))


def _projects(status: str) -> Any:
    return TrainingProject.objects.filter(status=status)


# Runs that generate their own data


def test_same_seed_gives_the_same_names_and_id_numbers(empty):
    demo_generate(workers=60, seed=11)
    first = _signature()
    demo_reset()
    demo_generate(workers=60, seed=11)
    assert _signature() == first and len(first) == 60
    demo_reset()
    demo_generate(workers=60, seed=12)
    assert _signature() != first


def test_second_run_without_reset_changes_nothing(empty, settings):
    call_command("seed_demo", "--workers", "60", stdout=StringIO())
    counts = (Worker.objects.count(), Enrollment.objects.count(), Certificate.objects.count())
    out = StringIO()
    call_command("seed_demo", "--workers", "60", stdout=out)
    assert "already here" in out.getvalue() and "dept_samr" in out.getvalue()
    assert (Worker.objects.count(), Enrollment.objects.count(),
            Certificate.objects.count()) == counts


def test_reset_replaces_the_previous_demo(empty, settings):
    settings.DEBUG = True  # as in development, where --reset is allowed
    call_command("seed_demo", "--workers", "60", "--seed", "1", stdout=StringIO())
    before = _signature()
    out = StringIO()
    call_command("seed_demo", "--workers", "70", "--seed", "2", "--reset", stdout=out)
    assert "Demo data generated." in out.getvalue()
    assert Worker.objects.count() == 70 and _signature() != before
    assert get_user_model().objects.filter(username="bureau").count() == 1
    assert TrainingProject.objects.filter(status="draft").count() == 1


def test_seed_demo_loads_the_catalogue_when_it_is_missing(empty):
    for model in (RecognitionRule, Pathway, RequirementItem, CertificateType, Occupation,
                  TargetGroup, Department):
        model.objects.all().delete()
    for level in ("village", "township", "county", "prefecture"):
        Region.objects.filter(level=level).delete()
    out = StringIO()
    call_command("seed_demo", "--workers", "60", stdout=out)
    assert "loading it first" in out.getvalue()
    assert Pathway.objects.count() == 6 and Worker.objects.count() == 60


def test_seed_demo_refuses_too_few_workers(empty):
    with pytest.raises(CommandError, match="at least 50"):
        call_command("seed_demo", "--workers", "10", stdout=StringIO())


def test_reset_is_refused_with_debug_off(empty, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", "--reset", stdout=StringIO())


def test_bench_build_step_generates_its_data_set(empty):
    path = Path(__file__).resolve().parents[3] / "bench" / "pipeline.py"
    spec = importlib.util.spec_from_file_location("bench_pipeline", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    stats = bench.build(workers=200, enrollments=300, seed=5)
    assert Worker.objects.count() == 200 and stats.workers == 200
    assert stats.enrollments >= 250 and stats.rows > 5000
    assert all("rows/s" in line or "generated" in line for line in stats.lines())


# The shared demo


def test_every_id_number_is_valid_plausible_and_from_the_prefecture(demo):
    workers = list(Worker.objects.select_related("region"))
    assert len(workers) == WORKERS
    for worker in workers:
        parsed = idnumber.parse(worker.id_number)
        assert parsed.address_code in COUNTY_CODES | {"652303"}
        assert worker.id_number_hash == idnumber.lookup_hash(parsed.number)
        assert worker.id_number_masked == idnumber.mask(parsed.number)
        assert (parsed.birth_date, parsed.gender) == (worker.birth_date, worker.gender)
        assert 18 <= idnumber.age_on(worker.birth_date, AGE_ANCHOR) <= 55


def test_workers_are_spread_over_all_seven_counties(demo):
    assert set(Worker.objects.values_list("region__code", flat=True)) == COUNTY_CODES
    assert Worker.objects.filter(township__isnull=False).exists()
    assert Worker.objects.filter(target_groups__priority=True).exists()
    assert Worker.objects.values("education").distinct().count() >= 4
    assert Worker.objects.filter(consent_recommend=True).count() > WORKERS * 0.7


def test_names_are_generated_from_common_name_parts(demo):
    for name in Worker.objects.values_list("name", flat=True):
        if "·" in name:
            own, father = name.split("·")
            assert own in TWO_PART_NAMES and father in TWO_PART_NAMES
        else:
            assert name[0] in HAN_SURNAMES and 2 <= len(name) <= 3
    assert Worker.objects.filter(name__contains="·").exists()


def test_exactly_one_project_in_each_state_before_closed(demo):
    for status in ("draft", "approved", "enrolling", "training", "assessing"):
        assert _projects(status).count() == 1, status
    assert _projects("closed").count() >= 3


def test_closed_projects_have_their_whole_history(demo):
    for project in _projects("closed").select_related("sitting"):
        assert date(2024, 1, 1) <= project.start_date and project.end_date < TODAY
        assert project.sitting.status == Sitting.Status.CONFIRMED
        moves = StateChange.objects.filter(object_pk=project.pk,
                                           content_type__model="trainingproject")
        assert [m.to_state for m in moves] == [
            "approved", "enrolling", "training", "assessing", "closed"]
        statuses = set(project.enrollments.values_list("status", flat=True))
        assert statuses <= {"completed", "dropped"} and "completed" in statuses
        assert not project.enrollments.filter(admitted_at__isnull=True).exists()


def test_fused_curriculum_covers_every_item_except_in_the_draft(demo):
    for project in TrainingProject.objects.exclude(status="draft"):
        assert curriculum_gaps(project) == [], project.code
    draft = _projects("draft").get()
    gaps = curriculum_gaps(draft)
    last_item = draft.pathway.permit.requirement_items.order_by("code").last()
    assert gaps and all(f"{draft.pathway.permit.name} · {last_item.name}:" in g for g in gaps)


def test_approving_the_draft_is_refused_for_the_missing_permit_hours(demo):
    draft = _projects("draft").get()
    with pytest.raises(ValidationError) as refused:
        project_approve(actor=get_user_model().objects.get(username="bureau"), project=draft)
    assert draft.pathway.permit.name in " ".join(refused.value.messages)


def test_current_projects_are_consistent_with_their_state(demo):
    enrolling = _projects("enrolling").get()
    assert set(enrolling.enrollments.values_list("status", flat=True)) == {"applied", "enrolled"}
    assert enrolling.start_date > TODAY
    training = _projects("training").get()
    assert training.start_date <= TODAY <= training.end_date
    attended = Attendance.objects.filter(session__project=training)
    assert attended.exists() and not attended.filter(session__day__gte=TODAY).exists()
    assessing = _projects("assessing").get()
    assert assessing.sitting.status == Sitting.Status.SCHEDULED and assessing.sitting.day > TODAY
    assert not assessing.sitting.scores.exists() and assessing.end_date < TODAY
    assert set(assessing.enrollments.values_list("status", flat=True)) == {"completed", "dropped"}
    for status in ("approved", "draft"):
        assert not _projects(status).get().enrollments.exists()
    assert _projects("approved").get().sessions.filter(day__gt=TODAY).exists()


def test_attendance_adds_up_and_completers_reached_the_threshold(demo):
    enrollments = Enrollment.objects.annotate(
        present=Sum("attendance__session__hours", filter=Q(attendance__present=True)))
    totals = {p.pk: sum(s.hours for s in p.sessions.all())
              for p in TrainingProject.objects.prefetch_related("sessions")}
    for enrollment in enrollments:
        assert (enrollment.present or 0) == enrollment.attended_hours
        if enrollment.status == "completed":
            assert enrollment.attended_hours * 100 >= 90 * totals[enrollment.project_id]
    assert enrollments.filter(status="dropped").exists()


def test_every_enrollment_was_eligible_and_nobody_overlaps(demo):
    spans = defaultdict(list)
    for enrollment in Enrollment.objects.select_related("project__pathway", "worker"):
        project = enrollment.project
        assert enrollment_eligibility(project=project, worker=enrollment.worker,
                                      on=project.start_date, current=enrollment) == []
        spans[enrollment.worker_id].append((project.start_date, project.end_date))
    for periods in spans.values():
        periods.sort()
        assert all(later[0] > earlier[1]
                   for earlier, later in zip(periods, periods[1:], strict=False))


def test_results_follow_each_types_pass_marks_and_single_passes_offer_a_retake(demo):
    results = Result.objects.select_related("score", "certificate_type")
    by_score = defaultdict(list)
    for result in results:
        assert result.passed == judge(result.score, result.certificate_type)
        assert result.confirmed_at is not None
        by_score[result.score_id].append(result)
    for pair in by_score.values():
        assert len(pair) == 2
        for result, other in (pair, pair[::-1]):
            assert result.retake == (not result.passed and other.passed)
    assert results.filter(retake=True).exists()


def test_no_certificate_without_a_passed_result_of_its_holder(demo):
    certificates = Certificate.objects.select_related("result__score__enrollment")
    assert certificates.exists()
    for certificate in certificates:
        assert certificate.result.passed
        assert certificate.result.certificate_type_id == certificate.certificate_type_id
        assert certificate.result.score.enrollment.worker_id == certificate.worker_id
    passed = Result.objects.filter(passed=True).count()
    assert certificates.count() == passed


def test_certificate_numbers_and_validity_follow_the_rules(demo):
    certificates = Certificate.objects.select_related("certificate_type")
    for certificate in certificates:
        cert_type = certificate.certificate_type
        if cert_type.is_permit:
            assert re.fullmatch(rf"{re.escape(cert_type.number_prefix)}"
                                rf"{certificate.issued_on.year}\d{{6}}", certificate.number)
        else:
            assert numbers.looks_like_skill_number(certificate.number)
            assert certificate.number[13:16] == f"{certificate.issued_on:%y}{cert_type.level}"
        assert certificate.expires_on == numbers.expiry_date(
            certificate.issued_on, cert_type.validity_years)
        expired = certificate.expires_on is not None and certificate.expires_on < TODAY
        assert certificate.status == ("expired" if expired else "valid")


def test_number_counters_continue_after_the_generated_numbers(demo):
    certificate = Certificate.objects.filter(certificate_type__kind="skill").select_related(
        "result__score__sitting__evaluation_body").first()
    body = certificate.result.score.sitting.evaluation_body
    issued = date(certificate.issued_on.year, 12, 31)
    fresh = numbers.skill_number(body, 5, issued)
    assert not Certificate.objects.filter(number=fresh).exists()
    permit = CertificateType.objects.get(code="PERMIT-MEM-LV")
    year = Certificate.objects.filter(certificate_type=permit).first().issued_on.year
    assert not Certificate.objects.filter(
        number=numbers.permit_number(permit, date(year, 6, 1))).exists()
    year = _projects("closed").first().created_at.year
    code = f"XM{year}-{next_number(f'project-{year}'):04d}"
    assert not TrainingProject.objects.filter(code=code).exists()
    assert NumberSequence.objects.filter(key__startswith="skill-").exists()


def test_hires_have_placements_and_wages_in_range(demo):
    hired = Referral.objects.filter(status="hired")
    assert hired.exists()
    assert Placement.objects.count() == hired.count()
    for placement in Placement.objects.select_related("referral__demand"):
        assert placement.referral.status == "hired"
        assert 4000 <= placement.monthly_wage <= 8000
        assert placement.employer_id == placement.referral.demand.employer_id
        first = Certificate.objects.filter(worker_id=placement.worker_id).earliest("issued_on")
        assert first.issued_on <= placement.start_date < TODAY
    wages = Enrollment.objects.exclude(wage_before=None).values_list("wage_before", flat=True)
    assert wages and all(2000 <= w <= 4500 for w in wages)


def test_referrals_go_to_consenting_certified_workers(demo):
    for referral in Referral.objects.select_related("worker", "demand"):
        assert referral.worker.consent_recommend
        held = set(referral.worker.certificates.values_list("certificate_type", flat=True))
        assert set(referral.demand.required_certificates.values_list("pk", flat=True)) <= held
        assert (referral.applied_at is None) == (referral.status == "recommended")
    assert JobDemand.objects.filter(status="open").exists()


def test_no_generated_moment_lies_in_the_future(demo):
    end = _end_of_today()
    assert not StateChange.objects.filter(at__gt=end).exists()
    # Reference data and signing keys are made at the real moment of the run, not in history.
    generated = AuditEntry.objects.exclude(action__startswith="catalog.").exclude(
        action__startswith="issuer_key.")
    assert not generated.filter(at__gt=end).exists()
    assert not Certificate.objects.filter(issued_on__gt=TODAY).exists()
    assert not Enrollment.objects.filter(Q(created_at__gt=end) | Q(admitted_at__gt=end)).exists()


def test_audit_log_has_registrations_and_issues_without_full_id_numbers(demo):
    registrations = AuditEntry.objects.filter(action="worker.register")
    assert registrations.count() == WORKERS
    numbers_in_clear = [w.id_number for w in Worker.objects.all()[:20]]
    for entry in registrations[:20]:
        assert not any(n in str(entry.after) for n in numbers_in_clear)
    assert AuditEntry.objects.filter(action="certificate.issue").count() == \
        Certificate.objects.count()


def test_every_demo_login_signs_in_with_its_role(demo, client):
    roles = {"bureau": "bureau", "county": "county", "county2": "county",
             "dept_mem": "department", "dept_samr": "department", "school": "institution",
             "evaluator": "evaluator", "employer": "employer", "worker": "worker"}
    assert {login.username for login in LOGINS} == set(roles)
    for username, role in roles.items():
        assert client.login(username=username, password=PASSWORD), username
        assert Membership.objects.get(user__username=username).role == role
        client.logout()
    bureau = get_user_model().objects.get(username="bureau")
    assert bureau.is_staff and bureau.is_superuser


def test_demo_accounts_see_their_own_slice(demo):
    users = {u.username: u for u in get_user_model().objects.all()}
    county = Membership.objects.get(user__username="county").region
    assert county.code == "652301"
    assert set(Worker.objects.visible_to(users["county"]).values_list(
        "region_id", flat=True)) == {county.pk}
    mem = Department.objects.get(code="MEM-6523")
    codes = set(TrainingProject.objects.visible_to(users["dept_mem"]).values_list(
        "pathway__permit__department", flat=True))
    assert codes == {mem.pk}
    school = TrainingProject.objects.visible_to(users["school"])
    assert set(school.values_list("status", flat=True)) >= {
        "draft", "approved", "enrolling", "training", "assessing", "closed"}
    evaluator = Sitting.objects.visible_to(users["evaluator"])
    assert evaluator.filter(status="scheduled").exists()


def test_demo_worker_has_two_certificates_an_offer_and_an_application(demo):
    worker = Membership.objects.get(user__username="worker").worker
    assert worker.certificates.filter(status="valid").count() == 2
    assert worker.enrollments.filter(status="applied", project__status="enrolling").exists()
    employer = Membership.objects.get(user__username="employer").employer
    assert worker.referrals.filter(status="offered", demand__employer=employer).exists()
    assert Placement.objects.filter(employer=employer).exists()


def test_company_names_stay_unique_after_the_name_stock_runs_out():
    from dualcert.core.demo.organisations import _unused

    used: set[str] = set()
    made = [_unused(lambda: "昌吉恒信电气有限公司", used) for _ in range(4)]
    assert made == ["昌吉恒信电气有限公司", "昌吉恒信电气有限公司第2分公司",
                    "昌吉恒信电气有限公司第3分公司", "昌吉恒信电气有限公司第4分公司"]
