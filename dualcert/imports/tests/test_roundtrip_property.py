"""Property: any valid roster, once imported, exports to a sheet that imports back unchanged.

Random rosters → import → export (the workers list, as the page exports it) → import the
export: the second import reports every row unchanged and the database — every worker field,
target groups and the audit log — is exactly as the first import left it.
"""

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dualcert.catalog.models import Education, TargetGroup
from dualcert.core.models import AuditEntry
from dualcert.imports import services
from dualcert.imports.kinds.workers import WORKER_FIELDS
from dualcert.insights.exports.jobs import export_file, export_job_run, export_request
from dualcert.people import idnumber
from dualcert.people.models import Worker
from tests.sheets import write_xlsx_openpyxl

HEADERS = [spec.synonyms[0] for spec in WORKER_FIELDS]
EDUCATION_WORDS = {Education.PRIMARY: "小学", Education.JUNIOR: "初中",
                   Education.SENIOR: "高中", Education.COLLEGE: "大专"}
NAME_CHARS = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗阿依古丽买买提热合曼建华秀英"

person = st.fixed_dictionaries({
    "name": st.text(NAME_CHARS, min_size=2, max_size=4),
    "born": st.dates(date(1962, 1, 1), date(2006, 12, 31)),
    "sequence": st.integers(0, 999),
    "phone": st.one_of(st.just(""), st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)),
    "village": st.sampled_from(["", "幸福村", "团结村", "红旗村"]),
    "education": st.sampled_from(list(EDUCATION_WORDS)),
    "groups": st.sets(st.sampled_from([0, 1, 2]), max_size=2),
    "consent": st.sampled_from(["", "是", "否"]),
    "wage": st.one_of(st.none(), st.integers(1000, 20000)),
    "available": st.one_of(st.none(), st.integers(0, 365)),
})
rosters = st.lists(person, min_size=1, max_size=12,
                   unique_by=lambda p: (p["born"], p["sequence"]))


def _row(p: dict[str, Any], county: str, groups: list[str]) -> list[Any]:
    number = idnumber.generate("652301", p["born"], p["sequence"])
    values = {
        "name": p["name"], "id_number": number, "phone": p["phone"], "county": county,
        "village": p["village"], "education": EDUCATION_WORDS[p["education"]],
        "target_groups": "、".join(groups[i] for i in sorted(p["groups"])),
        "consent_recommend": p["consent"], "expected_wage": p["wage"],
        "available_from": None if p["available"] is None
        else date(2026, 1, 1) + timedelta(days=p["available"]),
    }
    return [values.get(spec.key) for spec in WORKER_FIELDS]


def _import(actor: Any, path: Path) -> Any:
    with path.open("rb") as handle:
        batch = services.import_batch_upload(actor=actor, kind="workers", upload=handle,
                                             file_name=path.name)
    services.import_batch_configure(actor=actor, batch=batch, mapping=batch.mapping,
                                    mode="all-or-nothing", dry_run=False)
    report = services.import_batch_run_here(actor=actor, batch=batch)
    assert report is not None, batch.error
    return report


def _state() -> tuple[list[tuple[Any, ...]], int]:
    workers = [
        (w.name, w.id_number_hash, w.id_number_masked, w.birth_date, w.gender, w.phone,
         w.region_id, w.township_id, w.village, w.education, w.consent_recommend,
         w.expected_wage, w.available_from, w.updated_at,
         tuple(sorted(g.pk for g in w.target_groups.all())))
        for w in Worker.objects.prefetch_related("target_groups").order_by("pk")
    ]
    return workers, AuditEntry.objects.exclude(action__regex=r"^(import|export)\.").count()


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(roster=rosters)
def test_an_imported_roster_exported_and_imported_again_changes_nothing(
    world: Any, tmp_path: Path, roster: list[dict[str, Any]],
) -> None:
    officer = world.users["county_a"]
    with transaction.atomic():
        groups = [TargetGroup.objects.create(code=f"group{i}", name=name).name
                  for i, name in enumerate(["脱贫劳动力", "就业困难人员", "易地搬迁群众"])]
        rows = [HEADERS, *(_row(p, world.county_a.name, groups) for p in roster)]
        source = write_xlsx_openpyxl(tmp_path / "roster.xlsx", rows, text_columns=[1, 3])
        first = _import(officer, source)
        assert (first.counts["created"], first.refused) == (len(roster), 0)
        after_first = _state()

        job = export_request(actor=officer, kind="workers", filters={})
        export_job_run(job_id=job.pk)
        job.refresh_from_db()
        assert job.status == "done", job.error
        again = _import(officer, export_file(job))

        assert again.rows_read == Worker.objects.visible_to(officer).count()
        assert again.counts["unchanged"] == again.rows_read
        assert (again.counts["created"], again.counts["updated"], again.refused) == (0, 0, 0)
        assert _state() == after_first
        transaction.set_rollback(True)
