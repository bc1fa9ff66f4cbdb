"""Generated organisations: training institutions, evaluation bodies and employers."""

import random
from collections.abc import Callable
from datetime import date
from functools import partial

from dualcert.assessment.models import EvaluationBody
from dualcert.core.demo.context import CHANGJI, DemoContext
from dualcert.core.demo.names import county_short
from dualcert.core.demo.writer import at
from dualcert.demand.models import Employer
from dualcert.training.models import Institution

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
BODY_SITES = (("652301", "000108"), ("652325", "000215"), ("652324", "000347"))
EMPLOYERS_JOINED = date(2023, 10, 1)
PATHWAY_ORDER = ("PW-ELEC", "PW-BELEC", "PW-WELD", "PW-FORK", "PW-SECU", "PW-FREIGHT")


def credit_code(region_code: str, body: int) -> str:
    """A unified social credit code with valid check characters (GB 32100, GB 11714)."""
    org = f"{body:08d}"
    remainder = 11 - sum(int(d) * w for d, w in zip(org, ORG_WEIGHTS, strict=True)) % 11
    org += {10: "X", 11: "0"}.get(remainder, str(remainder))
    first17 = f"91{region_code}{org}"
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return first17 + USCC_CHARS[(31 - total % 31) % 31]


def create_institutions(ctx: DemoContext) -> None:
    """A technical school and a vocational training school in every county."""
    names = ctx.names("institutions")
    rows = []
    for county in ctx.catalogue.counties:
        short = county_short(county.name)
        rows.append(Institution(name=f"{short}{names.brand()}技工学校", region=county,
                                kind=Institution.Kind.TECHNICAL_SCHOOL))
        rows.append(Institution(name=f"{short}{names.brand()}职业技能培训学校", region=county,
                                kind=Institution.Kind.TRAINING_SCHOOL))
    ctx.writer.create(rows)
    ctx.orgs["institutions"] = rows
    ctx.orgs["school"] = next(i for i in rows if i.region.code == CHANGJI)


def create_evaluation_bodies(ctx: DemoContext) -> None:
    """Social training and evaluation organisations (kind S) with their site codes."""
    names = ctx.names("bodies")
    rows = [
        EvaluationBody(
            name=f"{county_short(ctx.catalogue.county(code).name)}{names.brand()}职业技能评价中心",
            kind=EvaluationBody.Kind.SOCIAL, body_code="0000", site_code=site,
            region=ctx.catalogue.county(code),
        )
        for code, site in BODY_SITES
    ]
    ctx.writer.create(rows)
    ctx.orgs["bodies"] = rows


def create_employers(ctx: DemoContext, workers: int) -> None:
    """Employers in every county, each in the trade of one pathway."""
    rng: random.Random = ctx.rng("employers")
    names = ctx.names("employers")
    per_county = max(3, workers // 2000)
    used: set[str] = set()
    rows, pathways = [], [c for c in PATHWAY_ORDER if c in ctx.catalogue.pathways]
    for county in ctx.catalogue.counties:
        for n in range(per_county):
            pathway = pathways[n % len(pathways)]
            name = _unused(partial(names.company, county.name, pathway), used)
            employer = Employer(
                name=name, credit_code=credit_code(county.code, rng.randrange(10**7, 10**8)),
                region=county, address=f"{county.name}{names.brand()}路{rng.randrange(1, 300)}号",
                contact_name=names.person(rng.choice("MF")),
                contact_phone=f"100{rng.randrange(10**8):08d}", created_at=at(EMPLOYERS_JOINED),
            )
            rows.append((employer, pathway))
    employers = [employer for employer, _ in rows]
    _unique_credit_codes(employers, rng)
    ctx.writer.create(employers)
    ctx.trades = {employer.pk: pathway for employer, pathway in rows}
    ctx.orgs["employers"] = employers


def _unused(make: Callable[[], str], used: set[str], tries: int = 20) -> str:
    """A company name not used yet; when a large run has used up the names a county's brands
    and trades make, a branch of an existing one (第2分公司, …)."""
    for _ in range(tries):
        name = make()
        if name not in used:
            used.add(name)
            return name
    branch = 2
    while f"{name}第{branch}分公司" in used:
        branch += 1
    used.add(f"{name}第{branch}分公司")
    return f"{name}第{branch}分公司"


def _unique_credit_codes(rows: list[Employer], rng: random.Random) -> None:
    seen: set[str] = set()
    for employer in rows:
        while employer.credit_code in seen:
            employer.credit_code = credit_code(employer.region.code, rng.randrange(10**7, 10**8))
        seen.add(employer.credit_code)
