"""Generated workers: valid ID numbers in the prefecture's counties, ages 18–55."""

import random
from datetime import date, timedelta
from typing import Any

from dualcert.catalog.models import Education, Region
from dualcert.core.demo.context import DemoContext
from dualcert.core.demo.names import NameMaker
from dualcert.core.demo.trail import Trail
from dualcert.core.demo.writer import at, uuids
from dualcert.people import idnumber
from dualcert.people.models import Worker
from dualcert.people.services import AUDITED_FIELDS

# Ages are counted on a fixed day, so one seed gives the same ID numbers on any run date.
AGE_ANCHOR = date(2026, 1, 1)
FIRST_REGISTRATION = date(2023, 9, 1)
RETIRED_ADDRESS = "652303"  # 米泉市: numbers issued before the merger still start with it
COUNTY_WEIGHTS = {
    "652301": 30, "652302": 12, "652323": 12, "652324": 14, "652325": 14, "652327": 9,
    "652328": 9,
}
KAZAKH_SHARE = {"652328": 0.35, "652325": 0.12, "652327": 0.12}
EDUCATION_WEIGHTS = {
    Education.NONE: 2, Education.PRIMARY: 10, Education.JUNIOR: 45, Education.SENIOR: 30,
    Education.COLLEGE: 13,
}
EDUCATION_SHARES = list(EDUCATION_WEIGHTS.values())
GROUP_SHARES = {
    "rural_migrant": 0.35, "poverty_exited": 0.12, "urban_unemployed": 0.10,
    "hard_to_employ": 0.06, "graduate": 0.06, "enterprise_staff": 0.05, "relocated": 0.04,
    "school_leaver": 0.04, "low_income_family": 0.04, "veteran": 0.03,
}
BATCH = 2000


class _WorkerMaker:
    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx
        self.rng: random.Random = ctx.rng("workers")
        self.names: NameMaker = ctx.names("workers")
        self.used: set[str] = set()
        counties = ctx.catalogue.counties
        self.counties = [c for c in counties if c.code in COUNTY_WEIGHTS] or counties
        self.weights = [COUNTY_WEIGHTS.get(c.code, 10) for c in self.counties]
        self.last_registration = ctx.today - timedelta(days=10)

    def id_number(self, county: Region, birth: date, gender: str) -> str:
        address = county.code
        if birth.year < 2000 and self.rng.random() < 0.005:
            address = RETIRED_ADDRESS
        while True:
            sequence = self.rng.randrange(0, 999, 2) + (1 if gender == "M" else 0)
            number = idnumber.generate(address, birth, sequence)
            if number not in self.used:
                self.used.add(number)
                return number

    def registered_on(self) -> date:
        # A big first import when the programme started, then a steady trickle.
        if self.rng.random() < 0.6:
            return FIRST_REGISTRATION + timedelta(days=self.rng.randrange(0, 120))
        span = (self.last_registration - FIRST_REGISTRATION).days
        return FIRST_REGISTRATION + timedelta(days=self.rng.randrange(0, max(span, 1)))

    def worker(self, n: int) -> dict[str, Any]:
        """One worker's column values (the ID number only hashed, encrypted and masked)."""
        rng = self.rng
        county = rng.choices(self.counties, self.weights)[0]
        gender = rng.choice("MF")
        birth = AGE_ANCHOR - timedelta(days=rng.randint(18 * 365 + 5, 55 * 365))
        number = self.id_number(county, birth, gender)
        registered = at(self.registered_on(), rng.randrange(9, 18), rng.randrange(60))
        values = {
            "name": self.names.person(gender, kazakh_share=KAZAKH_SHARE.get(county.code, 0.05)),
            "id_number_hash": idnumber.lookup_hash(number),
            "id_number_encrypted": idnumber.encrypt(number),
            "id_number_masked": idnumber.mask(number), "birth_date": birth, "gender": gender,
            "phone": f"100{n:08d}", "region_id": county.pk, "township_id": None, "village": "",
            "education": rng.choices(list(EDUCATION_WEIGHTS), EDUCATION_SHARES)[0],
            "consent_recommend": rng.random() < 0.88,
            "available_from": (registered.date() + timedelta(days=rng.randrange(0, 60))
                               if rng.random() < 0.7 else None),
            "expected_wage": rng.randrange(3500, 7001, 100) if rng.random() < 0.8 else None,
            "created_at": registered, "updated_at": registered,
        }
        self.place(values, county)
        return values

    def place(self, values: dict[str, Any], county: Region) -> None:
        townships = self.ctx.catalogue.townships.get(county.pk, [])
        if townships and self.rng.random() < 0.6:
            township = self.rng.choice(townships)
            values["township_id"] = township.pk
            villages = self.ctx.catalogue.villages.get(township.pk, [])
            values["village"] = self.rng.choice(villages).name if villages else ""

    def groups(self) -> list[int]:
        catalogue = self.ctx.catalogue.groups
        return [catalogue[code].pk for code, share in GROUP_SHARES.items()
                if code in catalogue and self.rng.random() < share]


COLUMNS = (
    "id", "public_id", "name", "id_number_hash", "id_number_encrypted", "id_number_masked",
    "birth_date", "gender", "phone", "region_id", "township_id", "village", "education",
    "consent_recommend", "available_from", "expected_wage", "created_at", "updated_at",
)


def generate_workers(ctx: DemoContext, count: int) -> None:
    """Create `count` workers (with target groups and a registration audit row each)."""
    maker = _WorkerMaker(ctx)
    trail = Trail()
    for first in range(0, count, BATCH):
        batch = [maker.worker(n) for n in range(first, min(first + BATCH, count))]
        ids = ctx.writer.ids(Worker, len(batch))
        rows, links = [], []
        for pk, public_id, values in zip(ids, uuids(len(batch)), batch, strict=True):
            values.update(id=pk, public_id=public_id)
            rows.append(tuple(values[name] for name in COLUMNS))
            ctx.pool.add(pk=pk, county=values["region_id"], birth=values["birth_date"],
                         education=values["education"], consent=values["consent_recommend"],
                         registered=values["created_at"].date())
            links += [(pk, group) for group in maker.groups()]
            trail.audit(Worker, pk, public_id, "worker.register",
                        {name: values[name] for name in AUDITED_FIELDS}, values["created_at"])
        ctx.writer.insert(Worker, COLUMNS, rows)
        ctx.writer.insert(Worker.target_groups.through, ("worker", "targetgroup"), links)
        trail.flush(ctx.writer)
