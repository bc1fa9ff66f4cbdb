import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dualcert.core.models import AuditEntry
from dualcert.training.models import Module
from dualcert.training.services import (
    curriculum_coverage,
    curriculum_gaps,
    curriculum_total_hours,
    module_add,
    module_remove,
    module_update,
)
from dualcert.training.tests.builders import cover_fully, items_of, project, set_status
from tests.factories import CertificateTypeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(world, electrician):
    return project(world, pathway=electrician)


def _add(actor, draft, items=(), **fields):
    values = dict(name="安全技术", order=1, theory_hours=8, practical_hours=4)
    values.update(fields)
    return module_add(actor=actor, project=draft, requirement_items=items, **values)


def test_module_maps_items_of_both_certificates(world, draft, electrician):
    items = items_of(electrician)
    module = _add(world.users["inst_1"], draft, [items["理论基础"], items["安全技术"]])
    assert set(module.requirement_items.all()) == {items["理论基础"], items["安全技术"]}
    entry = AuditEntry.objects.get(action="module.add", object_pk=module.pk)
    assert entry.after["requirement_items"] == ["elec-5-1", "lv-elec-1"]


def test_module_refuses_item_of_another_certificate_naming_it(world, draft, electrician):
    stranger = CertificateTypeFactory(name="焊工证", code="weld", items=[(4, 4)])
    foreign = stranger.requirement_items.get()
    with pytest.raises(ValidationError) as refused:
        _add(world.users["inst_1"], draft, [items_of(electrician)["安全技术"], foreign])
    assert refused.value.messages == [
        f"“{foreign.name}” (weld-1) is not a requirement item of 电工（五级） or 低压电工作业; "
        "choose items of this pathway's two certificates."
    ]
    assert not Module.objects.filter(project=draft).exists()


@pytest.mark.parametrize(("fields", "message"), [
    ({"name": "  "}, "The module needs a name."),
    ({"theory_hours": 0, "practical_hours": 0}, "at least one hour"),
    ({"theory_hours": -1}, "cannot be negative"),
])
def test_module_refuses_bad_values(world, draft, fields, message):
    with pytest.raises(ValidationError, match=message):
        _add(world.users["bureau"], draft, **fields)


@pytest.mark.parametrize("status", ["approved", "enrolling", "training", "closed"])
def test_curriculum_is_frozen_outside_draft(world, draft, status):
    module = _add(world.users["inst_1"], draft)
    set_status(draft, status)
    with pytest.raises(ValidationError, match="only while the project is a draft"):
        _add(world.users["inst_1"], draft)
    with pytest.raises(ValidationError, match="only while the project is a draft"):
        module_update(actor=world.users["inst_1"], module=module, name="x", order=1,
                      theory_hours=1, practical_hours=1)
    with pytest.raises(ValidationError, match="only while the project is a draft"):
        module_remove(actor=world.users["inst_1"], module=module)


@pytest.mark.parametrize("role", ["inst_2", "county_b", "dept_1", "eval_1", "employer_1",
                                  "worker_1", "outsider"])
def test_curriculum_refused_outside_the_project(world, draft, role):
    with pytest.raises(PermissionDenied):
        _add(world.users[role], draft)


@pytest.mark.parametrize("role", ["inst_1", "county_a", "bureau"])
def test_institution_and_officers_edit_the_curriculum(world, draft, role):
    assert _add(world.users[role], draft).project == draft


def test_module_update_and_remove_are_audited(world, draft, electrician):
    items = items_of(electrician)
    module = _add(world.users["inst_1"], draft, [items["安全技术"]])
    module_update(actor=world.users["inst_1"], module=module, name="安全技术（更新）", order=2,
                  theory_hours=24, practical_hours=8, requirement_items=[items["实际操作"]])
    module.refresh_from_db()
    assert (module.name, module.theory_hours, list(module.requirement_items.all())) == (
        "安全技术（更新）", 24, [items["实际操作"]]
    )
    update = AuditEntry.objects.get(action="module.update", object_pk=module.pk)
    assert update.before["theory_hours"] == 8 and update.after["theory_hours"] == 24
    module_pk = module.pk
    module_remove(actor=world.users["county_a"], module=module)
    assert not Module.objects.filter(pk=module_pk).exists()
    removed = AuditEntry.objects.get(action="module.remove", object_pk=module_pk)
    assert removed.before["name"] == "安全技术（更新）"


def test_coverage_lists_skill_items_first_then_permit_with_gaps(world, draft, electrician):
    items = items_of(electrician)
    _add(world.users["inst_1"], draft, [items["理论基础"], items["安全技术"]],
         theory_hours=10, practical_hours=6)
    _add(world.users["inst_1"], draft, [items["安全技术"]], theory_hours=10, practical_hours=0)
    rows = curriculum_coverage(draft)
    assert [(r.certificate, r.item.name) for r in rows] == [
        ("电工（五级）", "理论基础"), ("电工（五级）", "实操技能"),
        ("低压电工作业", "安全技术"), ("低压电工作业", "实际操作"),
    ]
    safety = rows[2]
    assert (safety.covered_theory, safety.covered_practical) == (20, 6)
    assert (safety.theory_short, safety.practical_short, safety.short) == (4, 2, True)
    assert not rows[0].short and rows[1].short
    assert curriculum_total_hours(draft) == 26


def test_coverage_counts_only_this_projects_modules(world, draft, electrician):
    twin = project(world, pathway=electrician)
    cover_fully(twin)
    assert all(row.short for row in curriculum_coverage(draft))
    assert curriculum_gaps(twin) == []


def test_coverage_uses_a_fixed_number_of_queries(world, draft, electrician,
                                                 django_assert_num_queries):
    fresh = type(draft).objects.get(pk=draft.pk)
    with django_assert_num_queries(2):  # the pathway, then one aggregate
        curriculum_coverage(fresh)
    for _ in range(6):
        cover_fully(draft)
    fresh = type(draft).objects.get(pk=draft.pk)
    with django_assert_num_queries(2):
        rows = curriculum_coverage(fresh)
    assert rows[0].covered_theory == 6 * 10
