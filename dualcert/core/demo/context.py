"""What every step of the generator shares: the seed, today, the catalogue, the worker pool."""

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from dualcert.catalog.models import (
    CertificateType,
    Pathway,
    Region,
    RequirementItem,
    TargetGroup,
)
from dualcert.core.demo.names import NameMaker
from dualcert.core.demo.writer import BulkWriter
from dualcert.people import idnumber

CHANGJI = "652301"
FUKANG = "652302"


@dataclass
class PathwayInfo:
    """A pathway with both certificate types, their items and the joint entry rules."""

    pathway: Pathway
    skill: CertificateType
    permit: CertificateType
    skill_items: list[RequirementItem]
    permit_items: list[RequirementItem]

    @property
    def code(self) -> str:
        return self.pathway.code

    @property
    def types(self) -> tuple[CertificateType, CertificateType]:
        return self.skill, self.permit

    @property
    def min_age(self) -> int:
        return max(self.skill.min_age, self.permit.min_age)

    @property
    def max_age(self) -> int:
        ages = [t.max_age for t in self.types if t.max_age is not None]
        return min(ages) if ages else 200

    @property
    def education(self) -> int:
        return max(self.skill.education_required, self.permit.education_required)


@dataclass
class Catalogue:
    counties: list[Region]
    townships: dict[int, list[Region]]
    villages: dict[int, list[Region]]
    pathways: dict[str, PathwayInfo]
    groups: dict[str, TargetGroup]

    @classmethod
    def load(cls) -> "Catalogue":
        regions = list(Region.objects.filter(retired=False))
        townships: dict[int, list[Region]] = defaultdict(list)
        villages: dict[int, list[Region]] = defaultdict(list)
        for region in regions:
            if region.level == Region.Level.TOWNSHIP and region.parent_id:
                townships[region.parent_id].append(region)
            elif region.level == Region.Level.VILLAGE and region.parent_id:
                villages[region.parent_id].append(region)
        items: dict[int, list[RequirementItem]] = defaultdict(list)
        for item in RequirementItem.objects.order_by("code"):
            items[item.certificate_type_id].append(item)
        pathways = {
            p.code: PathwayInfo(p, p.skill_certificate, p.permit, items[p.skill_certificate_id],
                                items[p.permit_id])
            for p in Pathway.objects.filter(active=True).select_related(
                "skill_certificate__occupation", "permit__department")
        }
        return cls(
            counties=[r for r in regions if r.level == Region.Level.COUNTY],
            townships=dict(townships), villages=dict(villages), pathways=pathways,
            groups={g.code: g for g in TargetGroup.objects.all()},
        )

    def county(self, code: str) -> Region:
        return next(c for c in self.counties if c.code == code)


@dataclass
class WorkerPool:
    """Compact facts about every generated worker, for picking enrollees quickly."""

    pk: list[int] = field(default_factory=list)
    county: list[int] = field(default_factory=list)
    birth: list[date] = field(default_factory=list)
    education: list[int] = field(default_factory=list)
    consent: list[bool] = field(default_factory=list)
    registered: list[date] = field(default_factory=list)
    free_after: list[date] = field(default_factory=list)
    by_county: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    done: set[tuple[int, str]] = field(default_factory=set)
    certified: dict[tuple[int, str], list[int]] = field(default_factory=lambda: defaultdict(list))

    def add(self, *, pk: int, county: int, birth: date, education: int, consent: bool,
            registered: date) -> int:
        index = len(self.pk)
        self.pk.append(pk)
        self.county.append(county)
        self.birth.append(birth)
        self.education.append(education)
        self.consent.append(consent)
        self.registered.append(registered)
        self.free_after.append(registered)
        self.by_county[county].append(index)
        return index

    def __len__(self) -> int:
        return len(self.pk)

    def eligible(self, index: int, info: PathwayInfo, start: date) -> bool:
        """Registered, free, old enough and schooled enough for both certificates."""
        if self.free_after[index] >= start or (index, info.code) in self.done:
            return False
        age = idnumber.age_on(self.birth[index], start)
        return info.min_age <= age <= info.max_age and self.education[index] >= info.education


@dataclass
class DemoContext:
    seed: int
    today: date
    catalogue: Catalogue
    writer: BulkWriter
    pool: WorkerPool = field(default_factory=WorkerPool)
    users: dict[str, Any] = field(default_factory=dict)
    orgs: dict[str, Any] = field(default_factory=dict)
    sequences: dict[str, int] = field(default_factory=dict)
    trades: dict[int, str] = field(default_factory=dict)  # employer pk → pathway code

    def trade(self, employer: Any) -> str:
        """The pathway whose workers an employer hires (its trade)."""
        return self.trades.get(employer.pk, "PW-ELEC")

    def rng(self, stage: str) -> random.Random:
        """An independent, reproducible random stream per stage."""
        return random.Random(f"{self.seed}:{stage}")

    def names(self, stage: str) -> NameMaker:
        return NameMaker(self.rng(f"names:{stage}"))

    def next_seq(self, key: str) -> int:
        self.sequences[key] = self.sequences.get(key, 0) + 1
        return self.sequences[key]
