"""The headline figures broken down by county, occupation, pathway, target group and month:
the selectors, the workbook (the dashboard's numbers for the same scope) and the dashboard."""

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from dualcert.catalog.models import TargetGroup
from dualcert.employment.tests.factories import assess, enroll, hire
from dualcert.insights.exports.jobs import export_file
from dualcert.insights.selectors import Dimension, Figures, figure_breakdown, headline_figures
from dualcert.insights.selectors.figures import COUNTED
from dualcert.insights.tests.dataset import build
from dualcert.insights.tests.exporting import exported, latest_job, sheet_rows, start
from dualcert.training.models import Enrollment
from tests.factories import TrainingProjectFactory, WorkerFactory

pytestmark = pytest.mark.django_db
BEIJING = ZoneInfo("Asia/Shanghai")
SHEETS = ["合计", "按县市", "按职业", "按培训路径", "按人员类别", "按月份"]
COLUMNS = {  # figure → header in the breakdown sheets
    "person_times": "培训人次", "completed": "结业人次", "dual_certified": "双证人数",
    "certificates": "发证数", "fees_saved": "节省证书费用(元)", "subsidy_spent": "补贴支出(元)",
    "certified": "取证人数", "placed": "取证后就业人数",
}


@pytest.fixture(autouse=True)
def _export_dir(settings: Any, tmp_path: Any) -> None:
    settings.EXPORT_DIR = tmp_path / "exports"


@pytest.fixture
def data(world: Any) -> Any:
    return build(world)


def _groups(world: Any, data: Any) -> tuple[Any, Any]:
    """a1 is in both target groups, b2 in the first; everybody else in none."""
    first = TargetGroup.objects.create(code="g1", name="脱贫劳动力")
    second = TargetGroup.objects.create(code="g2", name="农村转移劳动力")
    data.workers["a1"].target_groups.set([first, second])
    data.workers["b2"].target_groups.set([first])
    return first, second


def _by_label(rows: list[Any]) -> dict[str, dict[str, Any]]:
    """The table's rows by their first cell (the notes, after a blank line, left out)."""
    header, table = rows[1], {}
    for row in rows[2:]:
        if not row[0]:
            break
        table[row[0]] = dict(zip(header, row, strict=True))
    return table


def _figures_workbook(client: Any, capture: Any, **filters: Any) -> dict[str, list[Any]]:
    job, _first = exported(client, "figures", capture, **filters)
    return {name: sheet_rows(export_file(job), name) for name in SHEETS}


def _totals(rows: list[Any]) -> dict[str, Any]:
    return {row[0]: row[1] for row in rows[2:] if row[0] and row[1] != ""}


# -- selectors -------------------------------------------------------------------------------------

def _row(breakdown: Any, label: str) -> Figures:
    return next(r.figures for r in breakdown.rows if r.label == label)


def test_pathway_breakdown_is_exact_and_adds_up(world, data):
    breakdown = figure_breakdown(world.users["bureau"], Dimension.PATHWAY)
    one, two = world.pathway_1.name, world.pathway_2.name
    assert _row(breakdown, one) == Figures(
        person_times=5, completed=4, dual_certified=2, certificates=5, fees_saved=1600,
        subsidy_spent=4800, certified=3, placed=3, wage_before=3000, wage_after=5600)
    assert _row(breakdown, two) == Figures(
        person_times=1, completed=1, dual_certified=1, certificates=2, fees_saved=500,
        subsidy_spent=1000, certified=1, placed=0)
    # b3's imported permit came from no sitting: no pathway, counted in its own row.
    none = breakdown.rows[-1]
    assert none.key is None and (none.figures.certificates, none.figures.certified) == (1, 1)
    totals = headline_figures(world.users["bureau"]).totals
    for name in COUNTED:
        assert sum(getattr(r.figures, name) for r in breakdown.rows) == getattr(totals, name)
    assert breakdown.adds_up and breakdown.shows_rate


def test_occupation_breakdown_uses_the_pathways_occupation(world, data):
    breakdown = figure_breakdown(world.users["bureau"], Dimension.OCCUPATION)
    occupation = world.pathway_1.skill_certificate.occupation
    row = next(r for r in breakdown.rows if r.key == occupation.pk)
    assert (row.label, row.code) == (occupation.name, occupation.code)
    # The permit of a sitting counts under the pathway's occupation (it has none of its own).
    assert row.by_type == {world.pathway_1.skill_certificate.code: 3,
                           world.pathway_1.permit.code: 2}
    assert row.figures.person_times == 5


def test_county_breakdown_is_the_dashboards_county_rows(world, data):
    bureau = world.users["bureau"]
    breakdown = figure_breakdown(bureau, Dimension.COUNTY)
    counties = headline_figures(bureau).counties
    assert [(r.code, r.figures) for r in breakdown.rows] == [
        (c.region.code, c.figures) for c in counties]
    narrowed = figure_breakdown(world.users["county_a"], Dimension.COUNTY)
    assert [r.code for r in narrowed.rows] == ["652301"]


def test_a_worker_in_several_target_groups_counts_in_each(world, data):
    first, second = _groups(world, data)
    breakdown = figure_breakdown(world.users["bureau"], Dimension.TARGET_GROUP)
    rows = {r.key: r.figures for r in breakdown.rows}
    assert (rows[first.pk].person_times, rows[second.pk].person_times, rows[None].person_times
            ) == (2, 1, 4)
    assert (rows[first.pk].certified, rows[second.pk].certified, rows[None].certified
            ) == (2, 1, 3)
    assert (rows[first.pk].placed, rows[first.pk].wage_after) == (2, 5500)  # 5000 and 6000
    assert not breakdown.adds_up
    assert sum(f.person_times for f in rows.values()) == 7 != 6


@time_machine.travel(datetime(2025, 7, 10, 12, 0, tzinfo=BEIJING), tick=False)
def test_months_are_the_beijing_months_of_each_event(world):
    project = TrainingProjectFactory(pathway=world.pathway_1, institution=world.inst_1,
                                     start_date=date(2025, 3, 20), end_date=date(2025, 4, 20))
    late, early = WorkerFactory(region=world.county_a), WorkerFactory(region=world.county_a)
    assess(enroll(project, late, wage_before=3000), issued_on=date(2025, 4, 30))
    enroll(project, early, status="dropped")
    hire(late, world.demand_1, start=date(2025, 6, 2), wage=5000)
    # 20:00 UTC on 31 March is 04:00 on 1 April in Beijing; 15:00 UTC is still 31 March.
    for person, hour in ((late, 20), (early, 15)):
        Enrollment.objects.filter(worker=person).update(
            admitted_at=datetime(2025, 3, 31, hour, tzinfo=UTC))
    breakdown = figure_breakdown(world.users["bureau"], Dimension.MONTH)
    rows = {r.code: r.figures for r in breakdown.rows}
    assert list(rows) == ["2025-03", "2025-04", "2025-05", "2025-06"]
    assert rows["2025-03"] == Figures(person_times=1)
    assert rows["2025-04"] == Figures(person_times=1, completed=1, dual_certified=1,
                                      certificates=2, fees_saved=500, subsidy_spent=1000,
                                      certified=1)
    assert rows["2025-05"] == Figures()
    assert rows["2025-06"] == Figures(placed=1, wage_before=3000, wage_after=5000)
    assert not breakdown.shows_rate


def test_breakdowns_respect_the_scope_as_the_dashboard_does(world, data):
    dept = figure_breakdown(world.users["dept_1"], Dimension.PATHWAY)
    assert [r.label for r in dept.rows] == [world.pathway_1.name]
    with pytest.raises(PermissionDenied):
        figure_breakdown(world.users["inst_1"], Dimension.PATHWAY)


@pytest.mark.parametrize("dimension", Dimension.values)
def test_a_breakdown_reads_a_fixed_number_of_queries(
    world, data, django_assert_max_num_queries, dimension
):
    _groups(world, data)
    with django_assert_max_num_queries(8):
        figure_breakdown(world.users["bureau"], dimension)


# -- the workbook ----------------------------------------------------------------------------------

@pytest.mark.parametrize("user,county", [
    ("bureau", None), ("bureau", "county_b"), ("county_a", None), ("dept_1", None),
])
def test_workbook_numbers_are_the_dashboards_for_the_same_scope(
    world, client_for, data, django_capture_on_commit_callbacks, user, county
):
    region = getattr(world, county) if county else None
    filters = {"county": str(region.public_id)} if region else {}
    book = _figures_workbook(client_for(world.users[user]), django_capture_on_commit_callbacks,
                             **filters)
    headline = headline_figures(world.users[user], county=region)
    t = headline.totals
    totals = _totals(book["合计"])
    assert {k: totals[COLUMNS[k]] for k in COLUMNS} == {k: getattr(t, k) for k in COLUMNS}
    assert totals.get("取证后就业率(%)") == (float(t.employment_rate) if t.employment_rate
                                         else None)
    assert (totals.get("培训前月工资中位数(元)"), totals.get("就业后月工资中位数(元)")) == (
        t.wage_before, t.wage_after)
    for kind in headline.by_type:
        assert totals[f"发证数 · {kind.name}"] == kind.count
    scope = "全州" if user == "bureau" and county is None else headline.label
    assert f"范围：{scope}" in book["合计"][0][0]
    assert latest_job().params == filters


def test_workbook_county_sheet_matches_the_dashboards_rows_and_ends_with_the_totals(
    world, client_for, data, django_capture_on_commit_callbacks
):
    book = _figures_workbook(client_for(world.users["bureau"]), django_capture_on_commit_callbacks)
    rows = _by_label(book["按县市"])
    b = rows["阜康市"]
    assert (b["代码"], b["培训人次"], b["双证人数"], b["发证数"], b["取证后就业率(%)"],
            b["培训前月工资中位数(元)"], b["就业后月工资中位数(元)"]) == (
        "652302", 2, 2, 5, 33.3, 2800, 6000)
    assert rows["合计"]["培训人次"] == 6 and rows["合计"]["取证后就业率(%)"] == 60.0
    for column in COLUMNS.values():
        assert rows["昌吉市"][column] + rows["阜康市"][column] == rows["合计"][column]


def test_workbook_says_where_rows_do_not_add_up(
    world, client_for, data, django_capture_on_commit_callbacks
):
    _groups(world, data)
    book = _figures_workbook(client_for(world.users["bureau"]), django_capture_on_commit_callbacks)
    groups = _by_label(book["按人员类别"])
    assert (groups["脱贫劳动力"]["培训人次"], groups["农村转移劳动力"]["培训人次"],
            groups["不属任何人员类别"]["培训人次"], groups["合计"]["培训人次"]) == (2, 1, 4, 6)
    notes = [row[0] for row in book["按人员类别"] if row[0].startswith(("说明", "按劳动者"))]
    assert notes[0] == "说明：" and "各行之和不等于合计" in notes[1]
    pathways = _by_label(book["按培训路径"])
    assert pathways["非本平台考核取得的证书"]["发证数"] == 1
    for column in COLUMNS.values():
        if column != "双证人数":  # a person dual-certified on two pathways counts in each
            assert sum(r[column] for k, r in pathways.items() if k != "合计") \
                == pathways["合计"][column]
    months = book["按月份"]
    assert months[1][0] == "月份" and "代码" not in months[1]
    assert any("北京时间" in row[0] for row in months)


@time_machine.travel(datetime(2026, 11, 30, 9, 15, tzinfo=BEIJING), tick=False)
def test_workbook_title_names_the_scope_and_when_it_was_made(
    world, client_for, django_capture_on_commit_callbacks
):
    book = _figures_workbook(client_for(world.users["county_a"]),
                             django_capture_on_commit_callbacks)
    for name in SHEETS:
        assert book[name][0][0] == "一培双证主要指标 · 范围：昌吉市 · 导出时间 2026-11-30 09:15"


def test_county_officer_cannot_widen_the_figures_to_another_county(
    world, client_for, data, django_capture_on_commit_callbacks
):
    book = _figures_workbook(client_for(world.users["county_a"]),
                             django_capture_on_commit_callbacks,
                             county=str(world.county_b.public_id))
    assert latest_job().params == {}
    assert _totals(book["合计"])["培训人次"] == 4  # county A's own


@pytest.mark.parametrize("user", ["inst_1", "eval_1", "employer_1", "worker_1", "outsider"])
def test_roles_without_figures_may_not_export_them(
    world, client_for, django_capture_on_commit_callbacks, user
):
    response = start(client_for(world.users[user]), "figures", django_capture_on_commit_callbacks)
    assert response.status_code == 403


# -- the dashboard ---------------------------------------------------------------------------------

def test_dashboard_breaks_down_by_the_chosen_dimension(world, client_for, data):
    client = client_for(world.users["county_a"])
    response = client.get(reverse("insights:dashboard"), {"by": "pathway"},
                          HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert response.context["breakdown"].dimension == "pathway"
    assert "By pathway" in body and 'data-breakdown="pathway"' in body
    assert world.pathway_1.name in body
    months = client.get(reverse("insights:dashboard"), {"by": "month"}).content.decode()
    assert "no monthly employment rate is shown" in months


def test_dashboard_county_rows_are_not_read_twice(world, client_for, data):
    response = client_for(world.users["bureau"]).get(reverse("insights:dashboard"),
                                                     {"by": "county"})
    assert response.context["breakdown"] is None and response.context["headline"].counties
    assert "By county" in response.content.decode()
