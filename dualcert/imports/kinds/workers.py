"""Import a roster of workers: register each, or update the one with the same ID number.

Each row is read into a `WorkerInput` (county, township, education and target groups resolved
among the reference rows the actor sees, loaded once per run) and a chunk's rows are
registered by one `workers_register_many` call: the rules of the worker page, in bulk.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dualcert.catalog.models import Education, Region, TargetGroup
from dualcert.catalog.selectors import (
    county_visible_to,
    target_group_visible_to,
    township_visible_to,
)
from dualcert.core.scoping import Role, Scope, scope_for
from dualcert.imports import cells
from dualcert.imports.fields import FieldSpec
from dualcert.imports.kinds.base import (
    FirstRows,
    Kind,
    MappedRow,
    Outcome,
    RowResult,
    RunContext,
    worker_called,
)
from dualcert.people import idnumber
from dualcert.people.models import Worker
from dualcert.people.roster import (
    WORKER_EDITORS,
    WorkerInput,
    require_worker_editor,
    workers_register_many,
)

# The worker's own columns; the enrollment import reads the same ones (and the wage before).
# The first synonym of each is the header our exports write, so an export imports back.
WORKER_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("name", gettext_lazy("Name"), ("姓名", "名字", "学员姓名", "人员姓名", "name"),
              required=True),
    FieldSpec("id_number", gettext_lazy("ID number"),
              ("身份证号码", "身份证号", "公民身份号码", "身份证件号码", "身份证", "证件号码",
               "证件号", "id number", "id_number", "id no", "id"), required=True, parse="id"),
    FieldSpec("gender", gettext_lazy("Gender"), ("性别", "gender", "sex"), parse="choice"),
    FieldSpec("phone", gettext_lazy("Mobile phone"),
              ("手机号码", "手机号", "手机", "联系电话", "电话", "联系方式", "移动电话", "mobile",
               "phone"),
              parse="phone"),
    FieldSpec("county", gettext_lazy("County"),
              ("所在县市", "县市", "县(市)", "县区", "县(市、区)", "所属县市", "所在县", "所在县区",
               "户籍所在县", "county"),
              parse="choice"),
    FieldSpec("township", gettext_lazy("Township"),
              ("所在乡镇", "乡镇", "乡镇(街道)", "街道", "乡(镇)", "所在乡镇(街道)", "township"),
              parse="choice"),
    FieldSpec("village", gettext_lazy("Village"),
              ("所在村", "村", "村(社区)", "社区", "村委会", "所在村(社区)", "village")),
    FieldSpec("education", gettext_lazy("Education"),
              ("文化程度", "学历", "最高学历", "education"), parse="choice"),
    FieldSpec("target_groups", gettext_lazy("Target groups"),
              ("人员类别", "人员类型", "重点群体", "就业困难类别", "target groups", "target group"),
              parse="multi"),
    FieldSpec("consent_recommend", gettext_lazy("Agrees to be recommended"),
              ("同意推荐就业", "同意推荐", "是否同意推荐", "consent"), parse="bool"),
    FieldSpec("expected_wage", gettext_lazy("Expected monthly wage (yuan)"),
              ("期望月薪(元)", "期望月薪", "期望工资", "期望薪资", "expected wage"), parse="int"),
    FieldSpec("available_from", gettext_lazy("Available from"),
              ("可上岗日期", "可到岗日期", "可上岗时间", "available from"), parse="date"),
)

# How offices write education; mapped to the nearest level the platform records.
EDUCATION_WORDS = {
    "文盲": Education.NONE, "半文盲": Education.NONE, "无": Education.NONE,
    "小学": Education.PRIMARY,
    "初中": Education.JUNIOR,
    "高中": Education.SENIOR, "中专": Education.SENIOR, "职高": Education.SENIOR,
    "技校": Education.SENIOR, "中职": Education.SENIOR,
    "大专": Education.COLLEGE, "本科": Education.COLLEGE, "研究生": Education.COLLEGE,
    "硕士": Education.COLLEGE, "博士": Education.COLLEGE,
}
GENDER_WORDS = {
    "男": "M", "女": "F", "M": "M", "F": "F", "male": "M", "female": "F", "男性": "M",
    "女性": "F",
}
_REFERENCE = "workers.reference"
_SEEN = "workers.seen"


class Names:
    """Choices by every name offices write for them, found as cells.choice_value finds them
    (but by one dict lookup: a roster has a hundred thousand rows)."""

    def __init__(self, names: dict[str, Any]) -> None:
        self.names = names
        self.lookup = {cells.text(name).lower(): value for name, value in names.items()}


@dataclass(frozen=True)
class RosterReference:
    """The reference rows a roster names, as the actor sees them, loaded once per run."""

    counties: dict[str, Region]  # by name and by code
    county_names: tuple[str, ...]
    own_county: Region | None  # a county officer's rows belong to their county by default
    townships: dict[tuple[int, str], Region]  # by (county id, name or code)
    township_names: dict[int, tuple[str, ...]]
    groups: dict[str, TargetGroup]  # by name and by code (lower case)
    group_names: tuple[str, ...]
    educations: Names
    genders: Names
    labels: dict[str, str]  # the column labels, in the run's language

    @classmethod
    def load(cls, actor: Any) -> "RosterReference":
        counties = list(county_visible_to(actor))
        townships = list(township_visible_to(actor))
        groups = list(target_group_visible_to(actor))
        scope = scope_for(actor)
        region_id = scope.region_id if scope.role == Role.COUNTY else 0
        by_county: dict[int, list[str]] = {}
        for township in townships:
            by_county.setdefault(township.parent_id or 0, []).append(township.name)
        return cls(
            counties={key: c for c in counties for key in (c.code, c.name)},
            county_names=tuple(c.name for c in counties),
            own_county=next((c for c in counties if c.pk == region_id), None),
            townships={(t.parent_id or 0, key): t for t in townships for key in (t.code, t.name)},
            township_names={pk: tuple(names) for pk, names in by_county.items()},
            groups={key.lower(): g for g in groups for key in (g.code, g.name)},
            group_names=tuple(g.name for g in groups),
            educations=Names({**_labels(Education.choices), **EDUCATION_WORDS}),
            genders=Names({**_labels(Worker.Gender.choices), **GENDER_WORDS}),
            labels={spec.key: str(spec.label) for spec in WORKER_FIELDS},
        )


def _labels(choices: Sequence[tuple[Any, Any]]) -> dict[str, Any]:
    """Each choice by its label in every language the site offers (Chinese, English …)."""
    names: dict[str, Any] = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names.update((str(label), value) for value, label in choices)
    return names


def reference_of(context: RunContext) -> RosterReference:
    """The run's reference rows (loaded by the first chunk)."""
    if _REFERENCE not in context.state:
        context.state[_REFERENCE] = RosterReference.load(context.actor)
    reference: RosterReference = context.state[_REFERENCE]
    return reference


class _Reader:
    """Reads one row's cells, collecting every reason the row cannot be imported."""

    def __init__(self, reference: RosterReference, row: MappedRow) -> None:
        self.reference, self.values = reference, row.values
        self.reasons: list[str] = []

    def label(self, key: str) -> str:
        return self.reference.labels[key]

    def read(self, key: str, reader: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return reader(self.values.get(key), *args, **kwargs)
        except ValidationError as exc:
            self.reasons.extend(exc.messages)
            return None

    def choice(self, key: str, names: Names) -> Any:
        raw = cells.text(self.values.get(key))
        if not raw:
            return None
        if raw.lower() in names.lookup:
            return names.lookup[raw.lower()]
        return self.read(key, cells.choice_value, names.names, label=self.label(key))

    def id_number(self, context: RunContext) -> str:
        raw = self.read("id_number", cells.id_text)
        if raw is None:
            return ""
        try:
            return idnumber.parse(raw, today=context.today).number
        except ValidationError as exc:
            self.reasons.extend(exc.messages)
            return ""

    def county(self) -> Region | None:
        raw = cells.text(self.values.get("county"))
        if not raw:
            if self.reference.own_county is None:
                self.reasons.append(_("Say which county the worker belongs to: %(field)s is "
                                      "empty.") % {"field": self.label("county")})
            return self.reference.own_county
        county = self.reference.counties.get(raw)
        if county is None:
            self.reasons.append(
                _("%(field)s “%(value)s” is not a county; write one of: %(names)s.")
                % {"field": self.label("county"), "value": raw,
                   "names": "、".join(self.reference.county_names)}
            )
        return county

    def township(self, county: Region | None) -> Region | None:
        raw = cells.text(self.values.get("township"))
        if not raw or county is None:
            return None
        township = self.reference.townships.get((county.pk, raw))
        if township is None:
            names = self.reference.township_names.get(county.pk, ())
            self.reasons.append(
                _("%(field)s “%(value)s” is not a township of %(county)s; its townships are: "
                  "%(names)s.")
                % {"field": self.label("township"), "value": raw, "county": county.name,
                   "names": "、".join(names) or "—"}
            )
        return township

    def target_groups(self) -> tuple[TargetGroup, ...]:
        found: dict[int, TargetGroup] = {}
        for name in cells.split_list(self.values.get("target_groups")):
            group = self.reference.groups.get(name.strip().lower())
            if group is None:
                self.reasons.append(
                    _("Target group “%(value)s” is unknown; the known ones are: %(names)s.")
                    % {"value": name.strip(), "names": "、".join(self.reference.group_names)}
                )
            else:
                found[group.pk] = group
        return tuple(found[pk] for pk in sorted(found))


def read_worker(context: RunContext, row: MappedRow) -> tuple[WorkerInput | None, list[str]]:
    """The row as a WorkerInput (ID number checked and normalised), or the reasons it is not.

    The rules the service applies (name, phone, scope) are left to the service.
    """
    reader = _Reader(reference_of(context), row)
    number = reader.id_number(context)
    county = reader.county()
    given = WorkerInput(
        name=cells.text(row.values.get("name")),
        id_number=number,
        region=county,
        phone=reader.read("phone", cells.phone_text) or "",
        township=reader.township(county),
        village=cells.text(row.values.get("village")),
        education=reader.choice("education", reader.reference.educations),
        target_groups=reader.target_groups(),
        consent_recommend=reader.read("consent_recommend", cells.bool_value,
                                      label=reader.label("consent_recommend")),
        expected_wage=reader.read("expected_wage", cells.int_value,
                                  label=reader.label("expected_wage")),
        available_from=reader.read("available_from", cells.date_value,
                                   label=reader.label("available_from")),
        gender=reader.choice("gender", reader.reference.genders) or "",
    )
    return (None, reader.reasons) if reader.reasons else (given, [])


class WorkersKind(Kind):
    key = "workers"
    label = gettext_lazy("Workers (roster)")
    fields = WORKER_FIELDS
    needs_project = False
    chunk_size = 1000

    def offered(self, scope: Scope, project: Any) -> bool:
        return scope.has(*WORKER_EDITORS)

    def check(self, context: RunContext) -> None:
        require_worker_editor(context.actor)

    def process(self, context: RunContext, rows: Sequence[MappedRow]) -> list[RowResult]:
        """Read every row, judge repeats of a person, register the rest in one call.

        A person's first accepted row is remembered for the whole file (by the ID number's
        lookup hash, with a hash of what the row says): a later row saying the same is a
        duplicate, one saying something else is refused. A repeat of a refused row is judged
        afresh, so the file's last good version of a person can still be imported.
        """
        seen: FirstRows = context.state.setdefault(_SEEN, FirstRows())
        results: dict[int, RowResult] = {}
        inputs: dict[int, tuple[WorkerInput, str]] = {}
        for index, row in enumerate(rows):
            given, reasons = read_worker(context, row)
            if given is None:
                results[index] = RowResult(row.number, Outcome.REFUSED, tuple(reasons))
            else:
                inputs[index] = (given, idnumber.lookup_hash(given.id_number))
        pending = sorted(inputs)
        while pending:
            pending = self._register(context, rows, inputs, pending, seen, results)
        return [results[index] for index in range(len(rows))]

    def _register(
        self, context: RunContext, rows: Sequence[MappedRow],
        inputs: dict[int, tuple[WorkerInput, str]], pending: list[int],
        seen: FirstRows, results: dict[int, RowResult],
    ) -> list[int]:
        """Register the first row of each person among `pending`; return the later ones."""
        first: dict[str, int] = {}
        later: list[int] = []
        for index in pending:
            given, key = inputs[index]
            who = worker_called(idnumber.mask(given.id_number))
            repeated = seen.judge(key, rows[index].number, hash(given), who=who)
            if repeated is not None:
                results[index] = repeated
            elif key in first:
                later.append(index)
            else:
                first[key] = index
        batch = list(first.values())
        outcomes = workers_register_many(actor=context.actor,
                                         rows=[inputs[index][0] for index in batch])
        for index, outcome in zip(batch, outcomes, strict=True):
            given, key = inputs[index]
            number = rows[index].number
            results[index] = RowResult(number, Outcome(outcome.outcome), tuple(outcome.reasons))
            if outcome.outcome != "refused":
                seen.remember(key, number, hash(given))
        return later


WORKERS = WorkersKind()
