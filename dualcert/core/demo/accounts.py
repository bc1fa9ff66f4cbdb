"""One demo login per role, with simple documented passwords."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from dualcert.catalog.models import Department, Education
from dualcert.core.demo.context import CHANGJI, FUKANG, DemoContext
from dualcert.core.scoping import Role
from dualcert.people import idnumber
from dualcert.people.models import Membership

PASSWORD = "demo2026"  # noqa: S105 - the documented demo password, printed on purpose


@dataclass(frozen=True)
class Login:
    role: str
    username: str
    password: str
    try_this: str


LOGINS = (
    Login("bureau admin (staff, /admin/)", "bureau", PASSWORD,
          "Dashboard; approve the draft welding project (refused: a permit item has no hours)"),
    Login("county officer · 昌吉市", "county", PASSWORD,
          "Workers and projects of 昌吉市 only; full ID numbers; today's job fair: check-in "
          "desk, booths, results; follow-ups due"),
    Login("county officer · 阜康市", "county2", PASSWORD, "The same pages, 阜康市 rows only"),
    Login("department officer · 应急管理", "dept_mem", PASSWORD,
          "Electrician and welding projects; co-sign the assessing project's results"),
    Login("department officer · 市场监管", "dept_samr", PASSWORD,
          "The forklift (N1) project in training; N1 certificates"),
    Login("institution staff", "school", PASSWORD,
          "One project in each state: admit applicants, record attendance"),
    Login("evaluator", "evaluator", PASSWORD, "The scheduled sitting: enter scores"),
    Login("employer", "employer", PASSWORD,
          "Job demands, ranked candidates (verify their certificates), the open offer, past "
          "hires, its booth at the job fairs"),
    Login("worker", "worker", PASSWORD,
          "Wallet with two certificates, Jobs for you (apply in one tap), a job offer, an "
          "application for 电工 L4 + 建筑电工, a fair pass"),
)
USERNAMES = tuple(login.username for login in LOGINS)


def choose_demo_worker(ctx: DemoContext) -> None:
    """A 昌吉市 worker, 25–45, schooled and consenting, registered at the start."""
    pool = ctx.pool
    county = ctx.catalogue.county(CHANGJI).pk
    for index in pool.by_county.get(county, []):
        age = idnumber.age_on(pool.birth[index], ctx.today)
        if (pool.consent[index] and pool.education[index] >= Education.SENIOR and 25 <= age <= 45
                and pool.registered[index] < ctx.today - timedelta(days=400)):
            ctx.orgs["demo_worker"] = index
            return
    ctx.orgs["demo_worker"] = pool.by_county[county][0]


def choose_demo_employer(ctx: DemoContext) -> None:
    county = ctx.catalogue.county(CHANGJI).pk
    employers = [e for e in ctx.orgs["employers"] if e.region_id == county]
    ctx.orgs["employer"] = next(
        (e for e in employers if ctx.trade(e) == "PW-ELEC"), employers[0])


def create_accounts(ctx: DemoContext) -> None:
    """The logins of LOGINS with their role memberships; `bureau` is also the superuser."""
    departments = {d.code: d for d in Department.objects.all()}
    scopes: dict[str, dict[str, Any]] = {
        "bureau": {"role": Role.BUREAU},
        "county": {"role": Role.COUNTY, "region": ctx.catalogue.county(CHANGJI)},
        "county2": {"role": Role.COUNTY, "region": ctx.catalogue.county(FUKANG)},
        "dept_mem": {"role": Role.DEPARTMENT, "department": departments["MEM-6523"]},
        "dept_samr": {"role": Role.DEPARTMENT, "department": departments["SAMR-6523"]},
        "school": {"role": Role.INSTITUTION, "institution": ctx.orgs["school"]},
        "evaluator": {"role": Role.EVALUATOR, "evaluation_body": ctx.orgs["bodies"][0]},
        "employer": {"role": Role.EMPLOYER, "employer": ctx.orgs["employer"]},
        "worker": {"role": Role.WORKER, "worker_id": ctx.pool.pk[ctx.orgs["demo_worker"]]},
    }
    hashed = make_password(PASSWORD)  # one hash: every demo login shares the password
    users = [
        get_user_model()(username=name, email=f"{name}@demo.invalid", password=hashed,
                         is_staff=name == "bureau", is_superuser=name == "bureau")
        for name in USERNAMES
    ]
    ctx.writer.create(users)
    ctx.writer.create([Membership(user=u, **scopes[u.username]) for u in users])
    ctx.users = {u.username: u for u in users}


def logins_table() -> list[str]:
    """The logins as text lines: role · username · password · what to try."""
    rows = [("role", "username", "password", "what to try")]
    rows += [(x.role, x.username, x.password, x.try_this) for x in LOGINS]
    width = [max(len(r[i]) for r in rows) for i in range(3)]
    return [" · ".join([r[0].ljust(width[0]), r[1].ljust(width[1]), r[2].ljust(width[2]), r[3]])
            for r in rows]
