"""Load the reference catalogue from the JSON files in `catalog/data/`.

Each file holds one kind of record, each record with its `fact_status` and `source` (the
text next to the fact in the domain fact sheet). Loading is idempotent: records are matched
by their natural key (the code), only changed fields are written, and a second run changes
nothing. Every created or changed record gets an audit row.
"""

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from dualcert.catalog.models import (
    CertificateType,
    Department,
    Education,
    Occupation,
    Pathway,
    RecognitionRule,
    Region,
    RequirementItem,
    TargetGroup,
)
from dualcert.core.audit import audit_record

DATA_DIR = Path(__file__).resolve().parent / "data"
KINDS = (
    "departments", "regions", "occupations", "target_groups", "certificate_types",
    "requirement_items", "pathways", "recognition_rules",
)


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class LoadReport:
    """How many records of each kind were created, updated or left as they were."""

    counts: dict[str, Counts] = field(default_factory=lambda: {k: Counts() for k in KINDS})

    @property
    def changed(self) -> int:
        return sum(c.created + c.updated for c in self.counts.values())

    def lines(self) -> list[str]:
        return [
            f"{kind}: {c.total} (created {c.created}, updated {c.updated}, "
            f"unchanged {c.unchanged})"
            for kind, c in self.counts.items()
        ]


class CatalogDataError(ValueError):
    """A data file is missing, malformed or names a record that does not exist."""


def read_records(data_dir: Path, kind: str) -> list[dict[str, Any]]:
    """The records of one data file, as a list of dicts."""
    path = data_dir / f"{kind}.json"
    try:
        records = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise CatalogDataError(f"{path}: {exc}") from exc
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise CatalogDataError(f"{path}: expected a list of objects")
    return records


def _upsert(
    model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any], counts: Counts,
) -> Any:
    """Create or update one record; write and audit only when something differs."""
    obj = model._default_manager.filter(**lookup).first()
    created = obj is None
    if obj is None:
        obj = model(**lookup)
    before = {name: _value(obj, name) for name in values} if not created else {}
    changed = [name for name, value in values.items() if created or _value(obj, name) != value]
    if not changed:
        counts.unchanged += 1
        return obj
    for name in changed:
        setattr(obj, _attname(model, name), values[name])
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise CatalogDataError(f"{model.__name__} {lookup}: {exc.message_dict}") from exc
    obj.save()
    after = {name: _value(obj, name) for name in values}
    label = model._meta.model_name
    audit_record(actor=None, action=f"catalog.{label}.{'create' if created else 'update'}",
                 obj=obj, before=before, after=after)
    if created:
        counts.created += 1
    else:
        counts.updated += 1
    return obj


def _attname(model: type[models.Model], name: str) -> str:
    return str(getattr(model._meta.get_field(name), "attname", name))


def _value(obj: models.Model, name: str) -> Any:
    return getattr(obj, _attname(type(obj), name))


def _meta_values(record: dict[str, Any], *names: str) -> dict[str, Any]:
    values = {name: record[name] for name in names if name in record}
    values["fact_status"] = record.get("fact_status", "unconfirmed")
    values["source"] = record.get("source", "")
    return values


class _Loader:
    """Holds the report and the code → pk maps that later kinds refer to."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.report = LoadReport()

    def ids(self, model: type[models.Model], codes: Iterable[str | None]) -> dict[str, int]:
        wanted = {c for c in codes if c}
        found = dict(
            model._default_manager.filter(code__in=wanted).values_list("code", "pk")
        )
        missing = wanted - set(found)
        if missing:
            raise CatalogDataError(f"unknown {model.__name__} code(s): {sorted(missing)}")
        return found

    def simple(self, kind: str, model: type[models.Model], *names: str) -> None:
        for record in read_records(self.data_dir, kind):
            _upsert(model, {"code": record["code"]}, _meta_values(record, *names),
                    self.report.counts[kind])

    def regions(self) -> None:
        # Parents first: a parent's code is always a prefix of its children's codes.
        records = sorted(read_records(self.data_dir, "regions"), key=lambda r: len(r["code"]))
        for record in records:
            values = _meta_values(record, "name", "level", "retired")
            parent = record.get("parent")
            values["parent"] = self.ids(Region, [parent])[parent] if parent else None
            _upsert(Region, {"code": record["code"]}, values, self.report.counts["regions"])

    def certificate_types(self) -> None:
        records = read_records(self.data_dir, "certificate_types")
        departments = self.ids(Department, (r["department"] for r in records))
        occupations = self.ids(Occupation, (r.get("occupation") for r in records))
        for record in records:
            values = _meta_values(
                record, "name", "kind", "level", "credential", "category", "item",
                "validity_years", "review_interval_years", "min_age", "max_age", "theory_pass",
                "practical_pass", "standard_fee", "number_prefix",
            )
            values["department"] = departments[record["department"]]
            values["occupation"] = occupations.get(record.get("occupation") or "")
            values["education_required"] = _education(record.get("education_required", "none"))
            cert = _upsert(CertificateType, {"code": record["code"]}, values,
                           self.report.counts["certificate_types"])
            self.requirement_items(cert, record.get("requirement_items", []))

    def requirement_items(self, cert: CertificateType, records: list[dict[str, Any]]) -> None:
        for record in records:
            values = _meta_values(record, "name", "theory_hours", "practical_hours")
            _upsert(RequirementItem, {"certificate_type": cert, "code": record["code"]}, values,
                    self.report.counts["requirement_items"])

    def pathways(self) -> None:
        records = read_records(self.data_dir, "pathways")
        types = self.ids(
            CertificateType, [c for r in records for c in (r["skill_certificate"], r["permit"])]
        )
        for record in records:
            values = _meta_values(record, "name", "agreement", "active")
            values["skill_certificate"] = types[record["skill_certificate"]]
            values["permit"] = types[record["permit"]]
            _upsert(Pathway, {"code": record["code"]}, values, self.report.counts["pathways"])

    def recognition_rules(self) -> None:
        records = read_records(self.data_dir, "recognition_rules")
        types = self.ids(CertificateType, [c for r in records for c in (r["held"], r["counts_as"])])
        for record in records:
            lookup = {"held_id": types[record["held"]], "counts_as_id": types[record["counts_as"]]}
            _upsert(RecognitionRule, lookup, _meta_values(record),
                    self.report.counts["recognition_rules"])

    def steps(self) -> list[Callable[[], None]]:
        return [
            lambda: self.simple("departments", Department, "name", "kind"),
            self.regions,
            lambda: self.simple("occupations", Occupation, "name", "edition"),
            lambda: self.simple("target_groups", TargetGroup, "name", "priority"),
            self.certificate_types,
            self.pathways,
            self.recognition_rules,
        ]


def _education(name: str) -> int:
    try:
        return Education[name.upper()].value
    except KeyError as exc:
        choices = ", ".join(e.name.lower() for e in Education)
        raise CatalogDataError(f"education_required {name!r} is not one of: {choices}") from exc


@transaction.atomic
def catalog_load(*, data_dir: Path = DATA_DIR) -> LoadReport:
    """Create or update every reference record from the data files, in one transaction.

    Records are matched by code (requirement items by certificate type and code, recognition
    rules by their two types); records absent from the files are left alone. Raises
    CatalogDataError, rolling everything back, when a file is malformed or a record invalid.
    """
    loader = _Loader(data_dir)
    for step in loader.steps():
        step()
    return loader.report
