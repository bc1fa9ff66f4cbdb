import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dualcert.assessment import services
from dualcert.assessment.models import Score, Sitting
from dualcert.assessment.tests.helpers import assessing, enroll, sitting_for
from dualcert.core.models import AuditEntry
from dualcert.imports.kinds.base import RunContext
from dualcert.imports.kinds.scores import SCORES
from dualcert.imports.services import (
    import_batch_configure,
    import_batch_run_here,
    import_batch_upload,
)
from dualcert.imports.tests.kindrun import outcomes, reasons, run_kind
from tests.factories import WorkerFactory
from tests.sheets import write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def sitting(world):
    """world.project_1 assessing, its sitting scheduled with world.body_1, three candidates
    who completed the training."""
    scheduled = sitting_for(world)
    scheduled.candidates = enroll(scheduled.project, 3)
    return scheduled


def _row(enrollment, theory=None, practical=None, absent=None, **extra):
    worker = enrollment.worker
    return {"name": worker.name, "id_number": worker.id_number, "theory": theory,
            "practical": practical, "absent": absent, **extra}


def _run(world, sitting, rows, actor="eval_1", **options):
    return run_kind(SCORES, world.users[actor], sitting.project, rows, **options)


def _scores(sitting):
    return {s.enrollment_id: (s.theory, s.practical, s.absent)
            for s in Score.objects.filter(sitting=sitting)}


def test_score_sheet_records_every_candidate(world, sitting):
    a, b, c = sitting.candidates
    results = _run(world, sitting, [_row(a, 85, "90"), _row(b, "缺考", "缺考"),
                                    _row(c, 60.0, "７５", absent="否")])
    assert outcomes(results) == ["created"] * 3
    assert _scores(sitting) == {a.pk: (85, 90, False), b.pk: (None, None, True),
                                c.pk: (60, 75, False)}
    assert AuditEntry.objects.filter(action="score.record").count() == 3


@pytest.mark.parametrize("row", [
    {"absent": "是"}, {"absent": "缺考"}, {"absent": "√"}, {"theory": "缺考"},
    {"practical": "缺考", "theory": None},
])
def test_absent_is_read_from_its_column_or_a_mark_cell(world, sitting, row):
    results = _run(world, sitting, [{**_row(sitting.candidates[0]), **row}])
    assert outcomes(results) == ["created"]
    assert _scores(sitting) == {sitting.candidates[0].pk: (None, None, True)}


def test_importing_the_same_sheet_again_changes_nothing(world, sitting):
    a, b, _c = sitting.candidates
    rows = [_row(a, 85, 90), _row(b, absent="是")]
    _run(world, sitting, rows)
    stamps = dict(Score.objects.values_list("pk", "updated_at"))
    audited = AuditEntry.objects.count()
    assert outcomes(_run(world, sitting, rows)) == ["unchanged", "unchanged"]
    assert dict(Score.objects.values_list("pk", "updated_at")) == stamps
    assert AuditEntry.objects.count() == audited


def test_a_corrected_mark_is_updated_and_audited(world, sitting):
    a, b, _c = sitting.candidates
    _run(world, sitting, [_row(a, 85, 90), _row(b, 70, 70)])
    results = _run(world, sitting, [_row(a, 85, 95), _row(b, 70, 70)])
    assert outcomes(results) == ["updated", "unchanged"]
    assert _scores(sitting)[a.pk] == (85, 95, False)
    entry = AuditEntry.objects.get(action="score.update")
    assert (entry.before, entry.after) == ({"practical": 90}, {"practical": 95})


@pytest.mark.parametrize(("cells", "expected"), [
    ({"theory": 120, "practical": 80}, "Theory score must be from 0 to 100 (not 120)."),
    ({"theory": -1, "practical": 80}, "Theory score must be from 0 to 100 (not -1)."),
    ({"theory": "八十", "practical": 80}, "Theory score must be a whole number (not “八十”)."),
    ({"theory": 80, "practical": None},
     "Practical score: Enter the practical score (0–100), or mark the candidate absent."),
    ({"theory": 80, "practical": 70, "absent": "是"},
     "The candidate is marked absent but has a score (Theory score、Practical score): clear "
     "the score or the absent mark."),
    ({"theory": 80, "practical": 70, "absent": "也许"}, "Absent must be 是 or 否 (not “也许”)."),
    ({"theory": 80, "practical": 70, "name": "别人"},
     "The name “别人” is not the name registered for the ID number"),
    ({"theory": 80, "practical": 70, "id_number": "652301199001010012"},
     "The ID number's check digit is wrong"),
])
def test_bad_marks_are_refused_with_their_reason(world, sitting, cells, expected):
    results = _run(world, sitting, [{**_row(sitting.candidates[0]), **cells}])
    assert outcomes(results) == ["refused"]
    assert expected in reasons(results)
    assert not Score.objects.exists()


def test_a_worker_who_is_no_candidate_is_refused_with_the_masked_number(world, sitting):
    stranger = WorkerFactory(region=world.county_a)
    other = enroll(world.project_2, 1)[0]
    results = _run(world, sitting, [
        {"name": stranger.name, "id_number": stranger.id_number, "theory": 80, "practical": 80},
        _row(other, 80, 80),
    ])
    assert outcomes(results) == ["refused", "refused"]
    assert reasons(results) == (f"The worker with ID number {stranger.id_number_masked} is not "
                                "a candidate of this sitting: they are not enrolled in its "
                                "project.")
    assert stranger.id_number not in reasons(results)


def test_a_candidate_who_did_not_complete_the_training_is_refused(world, sitting):
    dropped = enroll(sitting.project, 1, status="dropped")[0]
    results = _run(world, sitting, [_row(dropped, 80, 80)])
    assert reasons(results) == (f"{dropped.worker.name} has not completed the training "
                                "(“dropped”); only candidates who completed it can be scored.")


def test_a_candidate_twice_is_a_duplicate_or_refused_naming_the_first_row(world, sitting):
    a = sitting.candidates[0]
    results = _run(world, sitting, [_row(a, 80, 80), _row(a, "80", 80.0), _row(a, 80, 81)],
                   chunk_size=2)
    assert outcomes(results) == ["created", "duplicate", "refused"]
    assert reasons(results, 4) == (f"The candidate with ID number {a.worker.id_number_masked} "
                                   "is already on row 2 with different details: keep one of "
                                   "the two rows.")
    assert _scores(sitting) == {a.pk: (80, 80, False)}


def test_refused_rows_leave_nothing_and_good_rows_are_kept(world, sitting):
    a, b, c = sitting.candidates
    results = _run(world, sitting, [_row(a, 80, 80), _row(b, 101, 80), _row(c, 90, 90)])
    assert outcomes(results) == ["created", "refused", "created"]
    assert _scores(sitting) == {a.pk: (80, 80, False), c.pk: (90, 90, False)}


def test_a_project_without_a_sitting_is_refused(world):
    project = assessing(world.project_2)
    with pytest.raises(ValidationError, match="This project has no sitting yet"):
        SCORES.check(RunContext(actor=world.users["eval_2"], project=project))


@pytest.mark.parametrize("role", ["eval_2", "bureau", "county_a", "inst_1", "dept_1",
                                  "worker_1", "outsider"])
def test_only_the_sittings_evaluation_body_imports_scores(world, sitting, role):
    with pytest.raises(PermissionDenied, match="Only the evaluation body assigned"):
        SCORES.check(RunContext(actor=world.users[role], project=sitting.project))


def test_a_submitted_sitting_is_refused(world, sitting):
    evaluator = world.users["eval_1"]
    for candidate in sitting.candidates:
        services.score_record(actor=evaluator, sitting=sitting, enrollment=candidate,
                              theory=80, practical=80)
    services.sitting_submit(actor=evaluator, sitting=sitting)
    with pytest.raises(ValidationError, match="only while the sitting is scheduled"):
        SCORES.check(RunContext(actor=evaluator, project=sitting.project))


def test_scores_are_refused_unless_the_project_is_assessing(world, sitting):
    assessing(sitting.project, "training")
    fresh = Sitting.objects.select_related("project").get(pk=sitting.pk)
    with pytest.raises(ValidationError, match="only while the project is assessing"):
        SCORES.check(RunContext(actor=world.users["eval_1"], project=fresh.project))


def _chunk_queries(world, sitting, count, django_assert_max_num_queries, limit):
    candidates = enroll(sitting.project, count)
    rows = [_row(candidate, 70, 80) for candidate in candidates]
    with django_assert_max_num_queries(limit) as captured:
        results = run_kind(SCORES, world.users["eval_1"], sitting.project, rows)
    assert set(outcomes(results)) == {"created"}
    with django_assert_max_num_queries(limit) as again:
        results = run_kind(SCORES, world.users["eval_1"], sitting.project, rows)
    assert set(outcomes(results)) == {"unchanged"}
    return len(captured.captured_queries), len(again.captured_queries)


# Each written row costs a fixed 8 queries: the row's savepoint and score_record's own (each
# opened and released), the sitting's row lock, the candidate's score, its write and its
# audit row. Reading the sheet, finding candidates and judging unchanged rows cost none a row.
QUERIES_PER_WRITTEN_ROW = 8


def test_queries_of_a_chunk_grow_only_by_the_fixed_cost_of_each_write(
        world, sitting, django_assert_max_num_queries):
    written_10, unchanged_10 = _chunk_queries(world, sitting, 10, django_assert_max_num_queries,
                                              10 + 10 * QUERIES_PER_WRITTEN_ROW)
    written_50, unchanged_50 = _chunk_queries(world, sitting, 50, django_assert_max_num_queries,
                                              10 + 50 * QUERIES_PER_WRITTEN_ROW)
    assert written_50 - written_10 <= 40 * QUERIES_PER_WRITTEN_ROW
    assert unchanged_50 == unchanged_10


def test_a_score_sheet_is_imported_through_the_engine(world, sitting, tmp_path, settings):
    settings.IMPORT_DIR = tmp_path / "imports"
    a, b, c = sitting.candidates
    sheet = write_csv(tmp_path / "scores.csv", [
        ["姓名", "身份证号", "理论成绩", "实操成绩", "是否缺考"],
        [a.worker.name, a.worker.id_number, "88", "92", ""],
        [b.worker.name, b.worker.id_number, "缺考", "", "是"],
        [c.worker.name, c.worker.id_number, "150", "60", ""],
    ])
    user = world.users["eval_1"]
    with sheet.open("rb") as upload:
        batch = import_batch_upload(actor=user, kind="scores", upload=upload,
                                    file_name="成绩.csv", project=sitting.project)
    assert batch.mapping == {"0": "name", "1": "id_number", "2": "theory", "3": "practical",
                             "4": "absent"}
    batch = import_batch_configure(actor=user, batch=batch, mapping=batch.mapping,
                                   mode="keep-good", dry_run=False)
    report = import_batch_run_here(actor=user, batch=batch)
    assert report is not None
    assert (report.figures()["created"], report.refused) == (2, 1)
    assert _scores(sitting) == {a.pk: (88, 92, False), b.pk: (None, None, True)}
