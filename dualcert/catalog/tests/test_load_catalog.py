import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dualcert.catalog.loading import DATA_DIR, CatalogDataError, catalog_load
from dualcert.catalog.models import (
    CertificateType,
    Department,
    Education,
    FactStatus,
    Occupation,
    Pathway,
    RecognitionRule,
    Region,
    RequirementItem,
    TargetGroup,
)
from dualcert.core.models import AuditEntry

pytestmark = pytest.mark.django_db

COUNTIES = {
    "652301": "昌吉市", "652302": "阜康市", "652323": "呼图壁县", "652324": "玛纳斯县",
    "652325": "奇台县", "652327": "吉木萨尔县", "652328": "木垒哈萨克自治县",
}
PLACEHOLDER = "placeholder"


@pytest.fixture
def loaded() -> None:
    catalog_load()


def _copy_data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def test_load_creates_the_prefecture_and_exactly_its_seven_counties(loaded):
    prefecture = Region.objects.get(code="652300")
    current = Region.objects.filter(level=Region.Level.COUNTY, retired=False)
    assert dict(current.values_list("code", "name")) == COUNTIES
    assert all(r.parent_id == prefecture.pk for r in current)
    assert all(r.fact_status == FactStatus.CONFIRMED and "areas.csv" in r.source for r in current)


def test_retired_mi_quan_code_is_kept_as_partial(loaded):
    miquan = Region.objects.get(code="652303")
    assert miquan.name == "米泉市" and miquan.retired
    assert miquan.fact_status == FactStatus.PARTIAL and "650109" in miquan.source


def test_demo_townships_and_villages_sit_under_their_county_and_say_so(loaded):
    local = Region.objects.filter(level__in=[Region.Level.TOWNSHIP, Region.Level.VILLAGE])
    assert local.filter(level=Region.Level.TOWNSHIP).values("parent").distinct().count() >= 3
    assert local.filter(level=Region.Level.VILLAGE).exists()
    for region in local.select_related("parent"):
        assert len(region.code) >= 9 and region.code.startswith(region.parent.code)
        assert region.fact_status == FactStatus.UNCONFIRMED
        assert region.source == "demo data, not an official division"


def test_second_load_changes_nothing(loaded):
    stamps = dict(CertificateType.objects.values_list("code", "updated_at"))
    audits = AuditEntry.objects.count()
    report = catalog_load()
    assert report.changed == 0
    assert report.counts["certificate_types"].unchanged == len(stamps)
    assert dict(CertificateType.objects.values_list("code", "updated_at")) == stamps
    assert AuditEntry.objects.count() == audits


def test_command_prints_counts_and_is_idempotent():
    out = StringIO()
    call_command("load_catalog", stdout=out)
    assert "regions: 22 (created 22" in out.getvalue()
    again = StringIO()
    call_command("load_catalog", stdout=again)
    assert "nothing changed" in again.getvalue()
    assert "created 0, updated 0" in again.getvalue()


def test_changed_record_is_put_back_and_audited(loaded):
    CertificateType.objects.filter(code="PERMIT-MEM-LV").update(validity_years=3)
    report = catalog_load()
    assert report.counts["certificate_types"].updated == 1 and report.changed == 1
    assert CertificateType.objects.get(code="PERMIT-MEM-LV").validity_years == 6
    entry = AuditEntry.objects.filter(action="catalog.certificatetype.update").get()
    assert entry.before == {"validity_years": 3} and entry.after == {"validity_years": 6}


def test_departments_are_the_bureau_and_six_partners(loaded):
    assert Department.objects.get(kind=Department.Kind.HRSS).name.endswith("人力资源和社会保障局")
    partners = set(Department.objects.filter(kind="partner").values_list("name", flat=True))
    for short in ("应急管理局", "市场监督管理局", "公安局", "农业农村局", "住房和城乡建设局",
                  "交通运输局"):
        assert any(name.endswith(short) for name in partners)


def test_at_least_five_pathways_across_four_partner_departments(loaded):
    pathways = Pathway.objects.select_related("permit__department", "skill_certificate")
    assert {p.code for p in pathways} >= {
        "PW-ELEC", "PW-WELD", "PW-FORK", "PW-SECU", "PW-BELEC", "PW-FREIGHT"}
    departments = {p.permit.department for p in pathways}
    assert len(departments) >= 4
    assert all(d.kind == Department.Kind.PARTNER for d in departments)
    assert all(p.skill_certificate.kind == "skill" and p.permit.kind == "permit" for p in pathways)


def test_every_pathway_certificate_type_has_three_to_five_requirement_items(loaded):
    for pathway in Pathway.objects.all():
        for cert in pathway.certificate_types:
            items = list(cert.requirement_items.all())
            assert 3 <= len(items) <= 5, cert.code
            assert all(i.theory_hours + i.practical_hours > 0 for i in items)


def test_skill_certificate_for_every_occupation_and_level(loaded):
    occupations = Occupation.objects.count()
    skills = CertificateType.objects.filter(kind="skill")
    assert skills.count() == occupations * 5
    electrician = skills.get(code="SKILL-6-31-01-03-L5")
    assert electrician.name == "电工 五级/初级工" and electrician.level == 5
    assert electrician.department.kind == Department.Kind.HRSS
    marks = (electrician.min_age, electrician.theory_pass, electrician.practical_pass)
    assert marks == (16, 60, 60)
    assert skills.get(code="SKILL-6-31-01-03-L1").name == "电工 一级/高级技师"


def test_permits_carry_the_facts_of_the_fact_sheet(loaded):
    low = CertificateType.objects.get(code="PERMIT-MEM-LV")
    limits = (low.validity_years, low.review_interval_years, low.min_age, low.max_age)
    assert limits == (6, 3, 18, 60)
    assert low.department.name.endswith("应急管理局")
    guard = CertificateType.objects.get(code="PERMIT-MPS-GUARD")
    assert guard.validity_years is None and guard.min_age == 18
    assert guard.education_required == Education.JUNIOR
    assert CertificateType.objects.get(code="PERMIT-SAMR-N1").validity_years == 4
    assert CertificateType.objects.get(code="PERMIT-MOHURD-ELEC").validity_years == 2
    freight = CertificateType.objects.get(code="PERMIT-MOT-FREIGHT")
    assert (freight.validity_years, freight.max_age) == (6, 60)


def test_values_not_in_the_fact_sheet_are_marked_unconfirmed_placeholders(loaded):
    for cert in CertificateType.objects.filter(code__startswith="PERMIT-").exclude(
            code="PERMIT-SAMR-N2-LEGACY"):
        assert cert.fact_status == FactStatus.UNCONFIRMED, cert.code
        assert "Placeholders for the bureau to confirm" in cert.source
        assert "pass marks" in cert.source
    for item in RequirementItem.objects.all():
        assert item.fact_status == FactStatus.UNCONFIRMED and PLACEHOLDER in item.source.lower()
    assert Occupation.objects.get(code="4-02-02-02").fact_status == FactStatus.UNCONFIRMED
    relocated = TargetGroup.objects.get(name="易地搬迁群众")
    assert relocated.fact_status == FactStatus.UNCONFIRMED and relocated.priority


def test_every_record_names_its_source(loaded):
    for model in (Region, Department, Occupation, CertificateType, RequirementItem, Pathway,
                  RecognitionRule, TargetGroup):
        assert not model.objects.filter(source="").exists(), model.__name__


def test_occupation_statuses_follow_the_fact_sheet(loaded):
    statuses = dict(Occupation.objects.values_list("code", "fact_status"))
    assert statuses["6-31-01-03"] == statuses["6-18-02-04"] == FactStatus.CONFIRMED
    assert statuses["4-07-05-01"] == statuses["5-05-02-01"] == FactStatus.PARTIAL
    assert statuses["4-10-01-05"] == FactStatus.UNCONFIRMED
    assert "verify against 2022" in Occupation.objects.get(code="4-10-01-06").source
    assert not Occupation.objects.filter(name__startswith="叉车司机").exists()


def test_forklift_is_the_n1_permit_and_legacy_n2_counts_as_n1(loaded):
    fork = Pathway.objects.get(code="PW-FORK")
    assert fork.permit.code == "PERMIT-SAMR-N1"
    assert fork.skill_certificate.fact_status == FactStatus.UNCONFIRMED
    rule = RecognitionRule.objects.select_related("held", "counts_as").get()
    assert rule.held.name == "叉车司机（N2，旧目录）" and rule.counts_as == fork.permit
    assert rule.fact_status == rule.held.fact_status == FactStatus.PARTIAL


def test_priority_target_groups(loaded):
    priority = set(TargetGroup.objects.filter(priority=True).values_list("name", flat=True))
    assert priority == {"脱贫劳动力", "就业困难人员", "易地搬迁群众"}
    assert TargetGroup.objects.filter(name="农村转移就业劳动者", priority=False).exists()


def test_bad_record_rolls_the_whole_load_back(tmp_path):
    data = _copy_data(tmp_path)
    types = json.loads((data / "certificate_types.json").read_text(encoding="utf-8"))
    types[-1]["education_required"] = "doctorate"
    (data / "certificate_types.json").write_text(json.dumps(types), encoding="utf-8")
    with pytest.raises(CatalogDataError, match="doctorate"):
        catalog_load(data_dir=data)
    assert not Region.objects.exists() and not Department.objects.exists()


def test_invalid_values_are_refused_with_the_record_named(tmp_path):
    data = _copy_data(tmp_path)
    types = json.loads((data / "certificate_types.json").read_text(encoding="utf-8"))
    types[0]["theory_pass"] = 120
    (data / "certificate_types.json").write_text(json.dumps(types), encoding="utf-8")
    with pytest.raises(CatalogDataError, match="SKILL-6-31-01-03-L5"):
        catalog_load(data_dir=data)


def test_pathway_naming_an_unknown_certificate_type_is_refused(tmp_path):
    data = _copy_data(tmp_path)
    pathways = json.loads((data / "pathways.json").read_text(encoding="utf-8"))
    pathways[0]["permit"] = "PERMIT-NOPE"
    (data / "pathways.json").write_text(json.dumps(pathways), encoding="utf-8")
    with pytest.raises(CatalogDataError, match="PERMIT-NOPE"):
        catalog_load(data_dir=data)


def test_command_reports_a_missing_file_and_changes_nothing(tmp_path):
    data = _copy_data(tmp_path)
    (data / "occupations.json").unlink()
    with pytest.raises(CommandError, match="occupations.json"):
        call_command("load_catalog", "--data-dir", str(data), stdout=StringIO())
    assert not Department.objects.exists()
