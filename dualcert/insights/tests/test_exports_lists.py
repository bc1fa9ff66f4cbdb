"""Exports of the list pages: Chinese headers, the page's own scope and filters, ID numbers
as each role may see them, and a query count that does not grow with the rows."""

import io
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dualcert.assessment.models import Sitting
from dualcert.catalog.models import Education, Region, TargetGroup
from dualcert.credentials.models import Certificate
from dualcert.employment.followups import followups_schedule
from dualcert.employment.models import Placement
from dualcert.employment.tests.factories import CertificateFactory, assess, enroll, hire
from dualcert.imports.kinds.workers import WORKER_FIELDS
from dualcert.insights.exports.jobs import export_file
from dualcert.insights.tests.exporting import exported, latest_job, start, table
from dualcert.training.models import TrainingProject
from tests.factories import (
    CertificateTypeFactory,
    TrainingProjectFactory,
    WorkerFactory,
    id_number_for,
)

pytestmark = pytest.mark.django_db

WORKER_HEADERS = [spec.synonyms[0] for spec in WORKER_FIELDS]
ID = "身份证号码"


@pytest.fixture(autouse=True)
def _export_dir(settings: Any, tmp_path: Any) -> None:
    settings.EXPORT_DIR = tmp_path / "exports"


@dataclass
class Roster:
    one: Any  # worker_1 of county A: a full record, trained, certified, hired
    two: Any  # worker_2 of county B: enrolled in project_2
    sitting: Any


@pytest.fixture
def roster(world: Any) -> Roster:
    township = Region.objects.create(code="652301100", name="三工镇", level="township",
                                     parent=world.county_a)
    poor = TargetGroup.objects.create(code="a-poor", name="脱贫劳动力")
    hard = TargetGroup.objects.create(code="b-hard", name="就业困难人员")
    one = world.worker_1
    one.township, one.village, one.education = township, "二村", Education.SENIOR
    one.expected_wage, one.available_from = 5200, date(2026, 3, 1)
    one.save()
    one.target_groups.set([hard, poor])
    sitting = Sitting.objects.create(
        project=world.project_1, evaluation_body=world.body_1, day=date(2026, 1, 10),
        place="考点", skill_examiner="甲", permit_examiner="乙",
    )
    assess(enroll(world.project_1, one, wage_before=3000), issued_on=date(2026, 1, 20))
    enroll(world.project_2, world.worker_2, status="enrolled")
    hire(one, world.demand_1, start=date(2026, 2, 1), wage=5600)
    return Roster(one, world.worker_2, sitting)


# -- workers -------------------------------------------------------------------------------------

def test_workers_sheet_has_the_importers_headers_and_every_field_of_a_worker(
    world, client_for, roster, django_capture_on_commit_callbacks
):
    client = client_for(world.users["bureau"])
    job, rows = exported(client, "workers", django_capture_on_commit_callbacks)
    assert rows[1] == [*WORKER_HEADERS[:3], "出生日期", *WORKER_HEADERS[3:]]
    assert rows[0][0].startswith("劳动者名单")
    one = next(r for r in table(rows) if r["姓名"] == roster.one.name)
    assert one == {
        "姓名": roster.one.name, ID: roster.one.id_number, "性别": "男",
        "出生日期": roster.one.birth_date, "手机号码": roster.one.phone, "所在县市": "昌吉市",
        "所在乡镇": "三工镇", "所在村": "二村", "文化程度": "高中/中职",
        "人员类别": "脱贫劳动力、就业困难人员", "同意推荐就业": "是", "期望月薪(元)": 5200,
        "可上岗日期": date(2026, 3, 1),
    }
    assert job.total == job.done == 2


def test_id_numbers_and_phones_are_text_cells_and_dates_are_date_cells(
    world, client_for, roster, django_capture_on_commit_callbacks
):
    # All digits: a number cell would lose its last three.
    digits = next(n for n in (id_number_for("652301", 50 + i) for i in range(20)) if n.isdigit())
    WorkerFactory(region=world.county_a, id_number=digits)
    job, _rows = exported(client_for(world.users["county_a"]), "workers",
                          django_capture_on_commit_callbacks)
    sheet = openpyxl.load_workbook(export_file(job)).active
    assert sheet is not None
    for row in sheet.iter_rows(min_row=3):
        assert row[1].data_type == "s" and row[1].number_format == "@"
        assert row[4].data_type == "s" and len(str(row[4].value)) == 11
        assert row[3].is_date
    assert digits in [row[1].value for row in sheet.iter_rows(min_row=3)]


@pytest.mark.parametrize("user,full", [
    ("bureau", True), ("county_a", True), ("inst_1", False), ("dept_1", False),
    ("eval_1", False), ("employer_1", False),
])
def test_id_number_is_full_only_for_the_bureau_and_the_county(
    world, client_for, roster, django_capture_on_commit_callbacks, user, full
):
    _job, rows = exported(client_for(world.users[user]), "workers",
                          django_capture_on_commit_callbacks)
    one = next(r for r in table(rows) if r["姓名"] == roster.one.name)
    assert one[ID] == (roster.one.id_number if full else roster.one.id_number_masked)


@pytest.mark.parametrize("user,names", [
    ("county_a", {"one"}), ("county_b", {"two"}), ("inst_1", {"one"}), ("inst_2", {"two"}),
    ("employer_2", set()),
])
def test_workers_export_holds_exactly_the_workers_the_page_shows(
    world, client_for, roster, django_capture_on_commit_callbacks, user, names
):
    _job, rows = exported(client_for(world.users[user]), "workers",
                          django_capture_on_commit_callbacks)
    expected = {getattr(roster, n).name for n in names}
    assert {r["姓名"] for r in table(rows)} == expected


def test_the_name_search_is_carried_and_an_id_number_search_is_not(
    world, client_for, roster, django_capture_on_commit_callbacks
):
    client = client_for(world.users["bureau"])
    job, rows = exported(client, "workers", django_capture_on_commit_callbacks,
                         q=f"  {roster.two.name} ")
    assert job.params == {"q": roster.two.name}
    assert [r["姓名"] for r in table(rows)] == [roster.two.name]
    assert f"姓名含“{roster.two.name}”" in rows[0][0]
    job, rows = exported(client, "workers", django_capture_on_commit_callbacks,
                         id_number=roster.one.id_number)
    assert job.params == {} and len(table(rows)) == 2
    assert roster.one.id_number not in str(job.params)


@pytest.mark.parametrize("user", ["worker_1", "outsider"])
def test_workers_and_people_without_a_role_may_not_export(
    world, client_for, django_capture_on_commit_callbacks, user
):
    response = start(client_for(world.users[user]), "workers", django_capture_on_commit_callbacks)
    assert response.status_code == 403 and latest_job() is None


def _import_report(path: Any, kind: str, *extra: str) -> dict[str, Any]:
    out = io.StringIO()
    call_command("import", kind, str(path), "--user", "bureau", "--dry-run", "--json", *extra,
                 stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue())


def test_an_exported_roster_imports_back_unchanged(
    world, client_for, roster, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.IMPORT_DIR = tmp_path / "imports"
    client = client_for(world.users["bureau"])
    job, _rows = exported(client, "workers", django_capture_on_commit_callbacks)
    report = _import_report(export_file(job), "workers")
    assert (report["rows_read"], report["unchanged"], report["refused"]) == (2, 2, 0)
    TrainingProject.objects.filter(pk=world.project_1.pk).update(status="enrolling")
    job, _rows = exported(client, "enrollments", django_capture_on_commit_callbacks,
                          project=str(world.project_1.public_id))
    report = _import_report(export_file(job), "enrollments", "--project", world.project_1.code)
    assert (report["rows_read"], report["unchanged"], report["refused"]) == (1, 1, 0)


# -- projects and enrollments ----------------------------------------------------------------------

def test_projects_sheet_carries_the_status_filter(
    world, client_for, roster, django_capture_on_commit_callbacks
):
    TrainingProject.objects.filter(pk=world.project_2.pk).update(status="enrolling")
    client = client_for(world.users["bureau"])
    job, rows = exported(client, "projects", django_capture_on_commit_callbacks,
                         status="enrolling")
    assert job.params == {"status": "enrolling"}
    assert rows[1] == ["项目编号", "项目名称", "县市", "培训机构", "培训路径", "状态", "开班日期",
                       "结业日期", "计划人数", "录取人数", "补贴标准(元/人)"]
    p2 = world.project_2
    assert table(rows) == [{
        "项目编号": p2.code, "项目名称": p2.name, "县市": "阜康市", "培训机构": p2.institution.name,
        "培训路径": p2.pathway.name, "状态": "招生中", "开班日期": p2.start_date,
        "结业日期": p2.end_date, "计划人数": 30, "录取人数": 1, "补贴标准(元/人)": 1000,
    }]
    assert "招生中" in rows[0][0]
    job, rows = exported(client, "projects", django_capture_on_commit_callbacks, status="nonsense")
    assert job.params == {} and len(table(rows)) == 2


def test_county_officer_exports_only_the_countys_projects(
    world, client_for, roster, django_capture_on_commit_callbacks
):
    _job, rows = exported(client_for(world.users["county_a"]), "projects",
                          django_capture_on_commit_callbacks)
    assert [r["项目编号"] for r in table(rows)] == [world.project_1.code]


def test_enrollments_sheet_is_a_roster_plus_the_project_columns(
    world, client_for, roster, django_capture_on_commit_callbacks
):
    client = client_for(world.users["county_a"])
    project = world.project_1
    job, rows = exported(client, "enrollments", django_capture_on_commit_callbacks,
                         project=str(project.public_id))
    assert job.params == {"project": str(project.public_id)}
    assert rows[1][:13] == [*WORKER_HEADERS[:3], "出生日期", *WORKER_HEADERS[3:]]
    assert rows[1][13:] == ["项目编号", "项目名称", "状态", "已学时数", "培训前月工资(元)"]
    [one] = table(rows)
    assert one[ID] == roster.one.id_number and one["人员类别"] == "脱贫劳动力、就业困难人员"
    assert (one["项目编号"], one["项目名称"], one["状态"], one["已学时数"],
            one["培训前月工资(元)"]) == (project.code, project.name, "已结业", 32, 3000)


def test_enrollments_of_a_project_the_user_cannot_see_are_404(
    world, client_for, roster, django_capture_on_commit_callbacks
):
    client = client_for(world.users["county_a"])
    for project in (str(world.project_2.public_id), "not-a-uuid", ""):
        response = start(client, "enrollments", django_capture_on_commit_callbacks,
                         project=project)
        assert response.status_code == 404
    assert latest_job() is None


def test_institution_gets_the_enrollments_with_masked_id_numbers(
    world, client_for, roster, django_capture_on_commit_callbacks
):
    _job, rows = exported(client_for(world.users["inst_1"]), "enrollments",
                          django_capture_on_commit_callbacks,
                          project=str(world.project_1.public_id))
    assert [r[ID] for r in table(rows)] == [roster.one.id_number_masked]


# -- results, certificates, placements ------------------------------------------------------------

def test_results_sheet_has_one_row_per_certificate_type_of_the_sitting(
    world, client_for, roster, django_capture_on_commit_callbacks
):
    job, rows = exported(client_for(world.users["eval_1"]), "results",
                         django_capture_on_commit_callbacks,
                         sitting=str(roster.sitting.public_id))
    assert rows[1] == ["姓名", ID, "项目编号", "项目名称", "证书类型", "理论成绩", "实操成绩",
                       "缺考", "是否合格", "补考", "证书编号"]
    pathway = world.pathway_1
    numbers = dict(Certificate.objects.values_list("certificate_type_id", "number"))
    assert table(rows) == [
        {"姓名": roster.one.name, ID: roster.one.id_number_masked, "项目编号": world.project_1.code,
         "项目名称": world.project_1.name, "证书类型": kind.name, "理论成绩": 85, "实操成绩": 85,
         "缺考": "否", "是否合格": "是", "补考": "否", "证书编号": numbers[kind.pk]}
        for kind in (pathway.skill_certificate, pathway.permit)
    ]
    assert job.params == {"sitting": str(roster.sitting.public_id)}


def test_results_of_a_sitting_the_user_cannot_see_are_404(
    world, client_for, roster, django_capture_on_commit_callbacks
):
    for user in ("eval_2", "county_b", "inst_2"):
        response = start(client_for(world.users[user]), "results",
                         django_capture_on_commit_callbacks,
                         sitting=str(roster.sitting.public_id))
        assert response.status_code == 404, user


def test_certificates_sheet_carries_type_and_status_filters(
    world, client_for, roster, django_capture_on_commit_callbacks
):
    skill = world.pathway_1.skill_certificate
    Certificate.objects.filter(certificate_type=world.pathway_1.permit).update(status="revoked")
    client = client_for(world.users["bureau"])
    job, rows = exported(client, "certificates", django_capture_on_commit_callbacks,
                         certificate_type=str(skill.public_id), status="valid")
    assert job.params == {"certificate_type": str(skill.public_id), "status": "valid"}
    certificate = Certificate.objects.get(certificate_type=skill)
    assert table(rows) == [{
        "证书编号": certificate.number, "证书类型": skill.name, "姓名": roster.one.name,
        ID: roster.one.id_number, "职业": skill.occupation.name, "等级/类别": "五级/初级工",
        "发证机构": "评价机构", "发证日期": date(2026, 1, 20), "有效期至": "", "状态": "有效",
    }]
    job, rows = exported(client, "certificates", django_capture_on_commit_callbacks,
                         status="revoked")
    assert job.params == {"status": "revoked"}
    assert [(r["证书类型"], r["状态"]) for r in table(rows)] == [
        (world.pathway_1.permit.name, "已撤销")]


def test_department_exports_its_permits_with_masked_id_numbers(
    world, client_for, roster, django_capture_on_commit_callbacks
):
    CertificateFactory(worker=roster.two, certificate_type=world.pathway_2.permit)
    _job, rows = exported(client_for(world.users["dept_1"]), "certificates",
                          django_capture_on_commit_callbacks)
    assert [(r["证书类型"], r[ID]) for r in table(rows)] == [
        (world.pathway_1.permit.name, roster.one.id_number_masked)]


def test_placements_sheet_for_the_county_and_the_employer(
    world, client_for, roster, django_capture_on_commit_callbacks
):
    placement = Placement.objects.get(worker=roster.one)
    followups_schedule(placement)
    placement.followups.filter(months=3).update(status="done", still_employed=True,
                                                monthly_wage_now=5800)
    placement.followups.filter(months=6).update(status="done", still_employed=False,
                                                left_reason="回乡务农")
    _job, rows = exported(client_for(world.users["county_a"]), "placements",
                          django_capture_on_commit_callbacks)
    assert rows[1] == ["姓名", ID, "所在县市", "用人单位", "岗位", "上岗日期", "月工资(元)",
                       "合同类型", "3个月回访", "6个月回访", "12个月回访"]
    expected = {
        "姓名": roster.one.name, ID: roster.one.id_number, "所在县市": "昌吉市",
        "用人单位": world.employer_1.name, "岗位": world.demand_1.title,
        "上岗日期": date(2026, 2, 1), "月工资(元)": 5600, "合同类型": "固定期限劳动合同",
        "3个月回访": "在岗 5800元", "6个月回访": "已离职：回乡务农",
        "12个月回访": "待回访（2027-02-01到期）",
    }
    assert table(rows) == [expected]
    # The employer sees its hire, not the county office's follow-up record of the worker.
    _job, rows = exported(client_for(world.users["employer_1"]), "placements",
                          django_capture_on_commit_callbacks)
    assert table(rows) == [{**expected, ID: roster.one.id_number_masked, "3个月回访": "",
                            "6个月回访": "", "12个月回访": ""}]
    _job, rows = exported(client_for(world.users["county_b"]), "placements",
                          django_capture_on_commit_callbacks)
    assert table(rows) == []


def test_roles_without_the_referrals_page_may_not_export_placements(
    world, client_for, django_capture_on_commit_callbacks
):
    for user in ("inst_1", "dept_1", "eval_1"):
        response = start(client_for(world.users[user]), "placements",
                         django_capture_on_commit_callbacks)
        assert response.status_code == 403, user


# -- query counts ---------------------------------------------------------------------------------

def _add_rows(world: Any, kind: str, n: int) -> dict[str, str]:
    """n more rows of `kind` in county A; returns the filters that select them."""
    groups = list(TargetGroup.objects.all())
    for _ in range(n):
        person: Any = WorkerFactory(region=world.county_a)
        person.target_groups.set(groups)
        if kind == "projects":
            TrainingProjectFactory(institution=world.inst_1)
        elif kind in ("enrollments", "results"):
            assess(enroll(world.project_1, person))
        elif kind == "figures":
            assess(enroll(world.project_1, person, wage_before=3000))
            hire(person, world.demand_1, start=date(2026, 2, 1), wage=5000)
        elif kind == "certificates":
            CertificateFactory(worker=person, certificate_type=CertificateTypeFactory(skill=True))
        elif kind == "placements":
            hire(person, world.demand_1, start=date(2026, 2, 1), wage=5000)
    if kind == "enrollments":
        return {"project": str(world.project_1.public_id)}
    if kind == "results":
        return {"sitting": str(Sitting.objects.get(project=world.project_1).public_id)}
    return {}


def _queries(client: Any, kind: str, capture: Any, filters: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert start(client, kind, capture, **filters).status_code == 302
    assert latest_job().status == "done"
    return len(queries.captured_queries)


@pytest.mark.parametrize("kind", [
    "workers", "projects", "enrollments", "results", "certificates", "placements", "figures"])
def test_query_count_does_not_grow_with_the_rows(
    world, client_for, roster, django_capture_on_commit_callbacks, kind
):
    client = client_for(world.users["county_a"])
    filters = _add_rows(world, kind, 5)
    _queries(client, kind, django_capture_on_commit_callbacks, filters)  # caches warmed
    few = _queries(client, kind, django_capture_on_commit_callbacks, filters)
    _add_rows(world, kind, 25)
    many = _queries(client, kind, django_capture_on_commit_callbacks, filters)
    assert kind == "figures" or latest_job().total >= 30
    assert many == few
